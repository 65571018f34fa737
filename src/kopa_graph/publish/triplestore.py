"""``kopa-graph publish``: push the validated graph to a SPARQL 1.1 Graph Store.

One ``PUT`` into a named graph (an atomic, idempotent replace; ``POST`` would
duplicate blank nodes), then a ``GET`` of the same graph, which must be the same
graph (isomorphic, or the same once each rewriting the store is known for is allowed for and reported:
:mod:`kopa_graph.publish.graphstore.dialects`); the same for the dataset description (DCAT/VoID, exactly
as the site's ``void.ttl``) in a named graph of its own. With ``chunk_triples`` the graph goes in pieces
into a staging graph that a SPARQL Update ``MOVE`` switches in (:mod:`kopa_graph.publish.graphstore.staged`).
Authentication is HTTP Basic or Digest (``auth``: auto, digest, basic; :mod:`kopa_graph.publish.graphstore.auth`).
Writes never follow redirects, so credentials never go to another host; transient failures are retried with
backoff.

Endpoints (the Graph Store path of each; README: kopa-graph publish):

=========  =====================================================  ==================
server     Graph Store endpoint                                   authentication
=========  =====================================================  ==================
Oxigraph   ``http://HOST:7878/store``                             none (put a proxy in front)
Fuseki     ``http://HOST:3030/DATASET/data``                      HTTP Basic (shiro.ini)
GraphDB    ``http://HOST:7200/repositories/REPO/rdf-graphs/service``  HTTP Basic
Virtuoso   ``http://HOST:8890/sparql-graph-crud-auth``            HTTP Digest (SPARQL_UPDATE role)
=========  =====================================================  ==================
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal

from kopa_graph.graph.iris import IRIs
from kopa_graph.progress import QUIET, Progress
from kopa_graph.publish.description import release_description
from kopa_graph.publish.graphstore.client import PublishError, _with_retries, graph_url, negotiate, open_client
from kopa_graph.publish.graphstore.dialects import _integer, check_read_back
from kopa_graph.publish.graphstore.paged import ReadBack
from kopa_graph.publish.graphstore.staged import publish_staged, read_graph
from kopa_graph.rdfio.formats import FORMATS
from kopa_graph.rdfio.ntriples import ntriples
from kopa_graph.settings import DEFAULT_LICENCE, DEFAULT_PUBLISHER
from kopa_graph.validation.validate import Validated

__all__ = ["PublishError", "PublishResult", "_with_retries", "description_graph_iri", "graph_url", "publish",
           "publish_release"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishResult:
    url: str
    triples: int
    bytes: int
    verified: bool
    note: str = ""
    description_url: str | None = None  # where the dataset description went (its own named graph)
    description_triples: int = 0
    description_note: str = ""


def description_graph_iri(graph_iri: str) -> str:
    """The named graph of the dataset description: the data graph's IRI + ``/description``."""
    return graph_iri.rstrip("/") + "/description"


def publish(graph: Graph, endpoint: str, graph_iri: str, user: str | None = None, password: str | None = None,
            dry_run: bool = False, timeout: float = 30.0, retries: int = 3, description: Graph | None = None,
            description_iri: str | None = None, progress: Progress = QUIET, *, auth: str = "auto",
            chunk_triples: int | None = None, update_endpoint: str | None = None,
            read_back: ReadBack | None = None) -> PublishResult:
    """PUT ``graph`` (and ``description``, into its own named graph) and read each back.

    The data graph goes first: a description never announces data the store
    does not hold. Each PUT is an atomic replace of its graph. With ``chunk_triples``, the data graph goes in
    pieces of that many triples into a staging graph, which ``MOVE`` (sent to ``update_endpoint``) switches
    in once it reads back whole (:mod:`kopa_graph.publish.graphstore.staged`). ``auth``: auto (from the
    endpoint's challenge, Digest preferred), digest or basic. ``read_back``: how each graph is read back (a Graph
    Store ``GET``, or pages from the SPARQL query endpoint: :mod:`kopa_graph.publish.graphstore.paged`).
    """
    if chunk_triples is not None and not update_endpoint:
        raise PublishError("--chunk-triples needs --update-endpoint, the SPARQL Update endpoint that switches the "
                           "staging graph in (Oxigraph: http://HOST:7878/update, Virtuoso: http://HOST:8890/sparql-auth)")
    url = graph_url(endpoint, graph_iri)
    d_url = graph_url(endpoint, description_iri or description_graph_iri(graph_iri)) if description else None
    d_triples = len(description) if description is not None else 0
    if dry_run:
        return PublishResult(url, len(graph), len(ntriples(graph)), False, "", d_url, d_triples)
    query = [read_back.query_endpoint] if read_back and read_back.query_endpoint else []
    with open_client([endpoint, *([update_endpoint] if update_endpoint else []), *query], user, password, auth,
                     timeout) as client:
        with progress.stage(f"send {len(graph)} triples and read them back"):
            if chunk_triples is not None and update_endpoint:
                note, sent = publish_staged(client, endpoint, update_endpoint, graph_iri, graph, chunk_triples,
                                            retries, progress, read_back)
            else:
                body = ntriples(graph)
                note, sent = _put_and_check(client, url, graph, body, retries, progress,
                                            (graph_iri, read_back)), len(body)
        d_note = ""
        if description is not None and d_url is not None:
            with progress.stage("send the dataset description and read it back"):
                d_note = _put_and_check(client, d_url, description, ntriples(description), retries, progress,
                                        (description_iri or description_graph_iri(graph_iri), read_back))
    return PublishResult(url, len(graph), sent, True, note, d_url, d_triples, d_note)


def publish_release(validated: Validated, endpoint: str, graph_iri: str | None = None, *,
                    description_iri: str | None = None, licence: str = DEFAULT_LICENCE,
                    publisher: str = DEFAULT_PUBLISHER, sparql_endpoint: str | None = None, user: str | None = None,
                    password: str | None = None, dry_run: bool = False, timeout: float = 30.0, retries: int = 3,
                    progress: Progress = QUIET, auth: str = "auto", chunk_triples: int | None = None,
                    update_endpoint: str | None = None, read_back: ReadBack | None = None) -> PublishResult:
    """:func:`publish` a validated graph with its dataset description (the one the site publishes), into
    ``graph_iri`` (default: the dataset's IRI) and its description graph."""
    with progress.stage("describe the dataset"):
        description = release_description(validated.graph, validated.settings, licence, publisher,
                                          sparql_endpoint).description
    return publish(validated.graph, endpoint, graph_iri or str(IRIs(validated.settings).dataset()), user, password,
                   dry_run, timeout=timeout, retries=retries, description=description,
                   description_iri=description_iri, progress=progress, auth=auth, chunk_triples=chunk_triples,
                   update_endpoint=update_endpoint, read_back=read_back)


#: The piece of a body sent at a time when a progress bar follows the upload.
_PIECE = 1 << 16


def _put_and_check(client, url: str, graph: Graph, body: bytes, retries: int,  # type: ignore[no-untyped-def]
                   progress: Progress = QUIET, where: tuple[str, ReadBack | None] = ("", None)) -> str:
    headers = {"Content-Type": FORMATS["n-triples"].media_type + "; charset=utf-8"}

    def content() -> bytes | Iterator[bytes]:
        """The body; on a terminal, in pieces counted on a bar (bytes sent, rate, ETA), with its length given so
        that it is not sent chunked."""
        if not progress.enabled:
            return body
        headers["Content-Length"] = str(len(body))
        pieces = (body[i:i + _PIECE] for i in range(0, len(body), _PIECE))
        return progress.track("sent", pieces, len(body), size=len, unit=" B")

    negotiate(client, url)
    _with_retries(lambda: client.put(url, content=content(), headers=headers), "PUT", url, retries)
    return check_read_back(graph, read_graph(client, url, where[0], retries, where[1], progress), url)


def _integers(g: Graph) -> Graph:
    """``g`` with every literal of a type derived from xsd:integer typed xsd:integer (what Oxigraph keeps)."""
    out = Graph()
    for s, p, o in g:
        out.add((s, p, _integer(o) if isinstance(o, Literal) else o))
    return out


def bundle_release(validated: Validated, folder, graph_iri: str | None = None, *,  # type: ignore[no-untyped-def]
                   description_iri: str | None = None, licence: str = DEFAULT_LICENCE,
                   publisher: str = DEFAULT_PUBLISHER, sparql_endpoint: str | None = None):
    """Write a Virtuoso bulk-load bundle (:mod:`kopa_graph.publish.graphstore.bundle`) of the validated graph
    and its description, into the same named graphs :func:`publish_release` would replace."""
    from kopa_graph.publish.graphstore.bundle import write_bundle

    iri = graph_iri or str(IRIs(validated.settings).dataset())
    description = release_description(validated.graph, validated.settings, licence, publisher,
                                      sparql_endpoint).description
    return write_bundle(folder, [("data.nq", validated.graph, iri),
                                 ("description.nq", description, description_iri or description_graph_iri(iri))])
