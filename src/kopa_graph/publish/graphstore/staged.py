"""A graph larger than one ``PUT`` can carry: sent in pieces into a staging graph, checked, then switched in.

1. The graph is cut into pieces of at most ``size`` triples (N-Triples, sorted: the same pieces in every run).
   The triples of blank nodes that share a triple stay in one piece, since every request to a Graph Store
   starts fresh blank nodes: a node cut in two would become two nodes.
2. The first piece replaces the staging graph (``PUT``: whatever a failed run left there goes), the others are
   added to it (``POST``), with progress.
3. The staging graph is read back and must be the graph sent (:func:`.dialects.check_read_back`).
4. One SPARQL Update request, ``MOVE <staging> TO <graph>``, to the update endpoint replaces the graph: one
   transaction on Oxigraph (``/update``) and Virtuoso (``/sparql-auth``). It is never retried (a retried
   ``MOVE`` would move an empty graph); the graph is read back and checked again afterwards.

Until step 4 the endpoint's graph is the last good one, however a run fails or is killed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator

import httpx
from rdflib import BNode, Graph
from rdflib.term import Node

from kopa_graph.errors import RDFLoadError
from kopa_graph.progress import QUIET, Progress
from kopa_graph.publish.graphstore.client import EndpointFailed, PublishError, _with_retries, graph_url, negotiate
from kopa_graph.publish.graphstore.dialects import check_read_back
from kopa_graph.publish.graphstore.paged import ReadBack, read_paged
from kopa_graph.rdfio.engine import parse_bytes
from kopa_graph.rdfio.formats import FORMATS
from kopa_graph.rdfio.ntriples import graph_iri_in_sparql, nt_term

_NT = FORMATS["n-triples"]
log = logging.getLogger("kopa_graph.publish.triplestore")


def staging_iri(graph_iri: str) -> str:
    """The staging graph of ``graph_iri``: a URN of its own, the same in every run."""
    return "urn:kopa-graph:staging:" + hashlib.sha256(graph_iri.encode("utf-8")).hexdigest()[:32]


def pieces(graph: Graph, size: int) -> list[bytes]:
    """N-Triples bodies of at most ``size`` triples each (more only where one blank-node cluster is larger),
    every cluster of blank nodes whole in one body."""
    parent: dict[Node, Node] = {}

    def find(x: Node) -> Node:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for s, _, o in graph:
        if isinstance(s, BNode) and isinstance(o, BNode):
            a, b = find(s), find(o)
            if a != b:
                parent[max(a, b, key=str)] = min(a, b, key=str)
    clusters: dict[Node, list[str]] = {}
    units: list[list[str]] = []
    for s, p, o in graph:
        line = f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n"
        node = s if isinstance(s, BNode) else o if isinstance(o, BNode) else None
        if node is None:
            units.append([line])
        else:
            clusters.setdefault(find(node), []).append(line)
    units.extend(clusters.values())
    for unit in units:
        unit.sort()
    units.sort()
    out: list[bytes] = []
    current: list[str] = []
    for unit in units:
        if current and len(current) + len(unit) > size:
            out.append("".join(current).encode("utf-8"))
            current = []
        current.extend(unit)
    if current or not out:
        out.append("".join(current).encode("utf-8"))
    return out


def read_back(client: httpx.Client, url: str, retries: int) -> Graph:
    response = _with_retries(lambda: client.get(url, headers={"Accept": _NT.media_type}), "GET", url, retries)
    try:
        return parse_bytes(response.content, _NT, url)
    except RDFLoadError as exc:
        raise PublishError(f"{url}: the graph read back is not N-Triples ({exc}); check the endpoint "
                           "path (see kopa-graph publish --help)") from None


def read_graph(client: httpx.Client, url: str, graph_iri: str, retries: int, how: ReadBack | None = None,
               progress: Progress = QUIET) -> Graph:
    """The graph at ``url`` (``graph_iri`` of the Graph Store), read as ``how`` says
    (:class:`~kopa_graph.publish.graphstore.paged.ReadBack`): a ``GET``, or pages from the query endpoint."""
    how = how or ReadBack()
    if how.mode == "sparql" and how.query_endpoint:
        return read_paged(client, how.query_endpoint, graph_iri, how.page, retries, progress)
    try:
        return read_back(client, url, retries)
    except EndpointFailed as exc:  # a 5xx or no answer, on every attempt
        if how.mode != "auto":
            raise
        if not how.query_endpoint:
            raise EndpointFailed(f"{exc}; a graph the Graph Store GET cannot return (Virtuoso: over 1,000,000 "
                                 "triples) is read back in pages with --query-endpoint URL") from None
        log.warning("%s; reading it back in pages of %d triples from %s", exc, how.page, how.query_endpoint)
        return read_paged(client, how.query_endpoint, graph_iri, how.page, retries, progress)


def publish_staged(client: httpx.Client, endpoint: str, update_endpoint: str, graph_iri: str, graph: Graph,
                   size: int, retries: int, progress: Progress = QUIET,
                   how: ReadBack | None = None) -> tuple[str, int]:
    """Steps 1-4 above; the note of the read-back (:func:`.dialects.check_read_back`) and the bytes sent."""
    graph_iri_in_sparql(graph_iri)
    staging = staging_iri(graph_iri)
    s_url = graph_url(endpoint, staging)
    bodies = pieces(graph, size)
    negotiate(client, s_url)
    headers = {"Content-Type": _NT.media_type + "; charset=utf-8"}
    failed = (f"the graph <{graph_iri}> was not changed; the staging graph <{staging}> holds what arrived (the "
              "next run replaces it)")
    for n, body in enumerate(_tracked(bodies, progress)):
        send = client.put if n == 0 else client.post
        try:
            _with_retries(lambda send=send, body=body: send(s_url, content=body, headers=headers),  # type: ignore[misc]
                          "PUT" if n == 0 else "POST", s_url, retries)
        except PublishError as exc:
            raise PublishError(f"{exc}; piece {n + 1} of {len(bodies)}: {failed}") from None
    with progress.stage("read the staging graph back"):
        check_read_back(graph, read_graph(client, s_url, staging, retries, how, progress), s_url)
    move = f"MOVE <{staging}> TO <{graph_iri}>"
    with progress.stage("switch the staging graph in (SPARQL Update MOVE)"):
        try:
            _with_retries(lambda: client.post(update_endpoint, data={"update": move}), "POST", update_endpoint, 1)
        except PublishError as exc:
            raise PublishError(f"{exc} ({move}); check --update-endpoint (Oxigraph: http://HOST:7878/update, "
                               f"Virtuoso: http://HOST:8890/sparql-auth): {failed}") from None
    url = graph_url(endpoint, graph_iri)
    with progress.stage("read the graph back"):
        note = check_read_back(graph, read_graph(client, url, graph_iri, retries, how, progress), url)
    return note, sum(len(b) for b in bodies)


def _tracked(bodies: list[bytes], progress: Progress) -> Iterator[bytes]:
    if not progress.enabled:
        yield from bodies
        return
    yield from progress.track("sent", bodies, sum(len(b) for b in bodies), size=len, unit=" B")
