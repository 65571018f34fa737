"""``publish --incremental OLD``: send a triplestore only what changed since release OLD, when it holds OLD.

1. Read the named graph (a Graph Store GET, or pages from the query endpoint, as publish reads back) and hash
   it as ``manifest.json`` does (RDFC-1.0, SHA-256).
2. When the hash is OLD's ``graph.sha256``, POST the change (:func:`~kopa_graph.publish.patch.sparql_update`,
   scoped to the graph) to the SPARQL Update endpoint, then read the graph again: its hash must now be the new
   release's.
   A store that keeps some literals in forms of its own (integers retyped, Virtuoso's WKT) holds a release
   when the hashes are equal once both graphs are in those forms (:func:`store_form`).
3. Otherwise - the store holds something else before, or the update left something else - replace the graph
   whole as the ordinary ``publish`` does (a PUT, read back: the same graph) and say why.

The dataset description is small and always sent whole (a PUT into its own named graph, read back).
Authentication is HTTP Basic or Digest (Virtuoso's ``/sparql-auth`` and ``/sparql-graph-crud-auth`` want
Digest); no request follows a redirect, so credentials never go to another host.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kopa_graph.errors import RDFLoadError
from kopa_graph.graph.iris import IRIs
from kopa_graph.progress import QUIET, Progress
from kopa_graph.publish.description import release_description
from kopa_graph.publish.diff import Snapshot, compare, load_snapshot
from kopa_graph.publish.graphstore.client import open_client
from kopa_graph.publish.graphstore.dialects import REWRITINGS, _rewrite
from kopa_graph.publish.graphstore.paged import ReadBack
from kopa_graph.publish.graphstore.staged import read_graph
from kopa_graph.publish.patch import sparql_update
from kopa_graph.publish.triplestore import (
    PublishError,
    _put_and_check,
    _with_retries,
    description_graph_iri,
    graph_url,
)
from kopa_graph.rdfio.engine import parse_bytes
from kopa_graph.rdfio.formats import FORMATS, SPARQL_UPDATE_MEDIA_TYPE
from kopa_graph.rdfio.manifest import canonical_nquads, graph_hash
from kopa_graph.rdfio.ntriples import ntriples
from kopa_graph.settings import DEFAULT_LICENCE, DEFAULT_PUBLISHER
from kopa_graph.validation.validate import Validated

AUTH_SCHEMES = ("basic", "digest")


@dataclass(frozen=True)
class IncrementalResult:
    incremental: bool  # True: only the change was sent; False: the graph was replaced whole
    reason: str  # why the full replace, or what the update did
    removed: int  # triples the update removed and added (0 when replaced whole)
    added: int
    store_sha256_before: str | None  # None: the store held no such graph
    sha256_after: str | None  # the store's graph read back at the end
    release_sha256: str  # the new release's graph (manifest.json's graph.sha256)

    @property
    def store_forms(self) -> bool:
        """The store keeps some literals in forms of its own (:func:`store_form`): its hash is not the release's."""
        return self.sha256_after != self.release_sha256


def store_form(graph: Graph) -> Graph:
    """``graph`` as the stores keep it: every literal of a type derived from xsd:integer typed xsd:integer
    (Oxigraph, Virtuoso), and every WKT literal (geo:wktLiteral, or Virtuoso's virtrdf:Geometry) typed
    geo:wktLiteral with no space around its brackets and commas (Virtuoso writes ``POINT(1 2)``): the two
    rewritings of :mod:`~kopa_graph.publish.graphstore.dialects` that keep every value."""
    return _rewrite(graph, tuple(r for r in REWRITINGS if r.name in STORE_FORMS))


#: The names of the rewritings :func:`store_form` applies.
STORE_FORMS = ("integer-subtypes", "wkt-geometry")


def store_graph(client, url: str, retries: int = 3, graph_iri: str = "",  # type: ignore[no-untyped-def]
                how: ReadBack | None = None, progress: Progress = QUIET) -> Graph | None:
    """The graph at ``url`` (a Graph Store graph URL, ``graph_iri``); ``None`` when there is none. Read as ``how``
    says (:class:`~kopa_graph.publish.graphstore.paged.ReadBack`, as publish reads back): a ``GET``, or pages
    from the query endpoint, where a store's ``GET`` cannot return a large graph (Virtuoso: over 1M triples)."""
    how = how or ReadBack()
    if how.mode != "sparql":
        response = client.get(url, headers={"Accept": FORMATS["n-triples"].media_type})
        if response.status_code == 404:
            return None
        if response.status_code < 300:
            try:
                return parse_bytes(response.content, FORMATS["n-triples"], url)
            except RDFLoadError as exc:
                raise PublishError(f"{url}: the graph read back is not N-Triples ({exc}); check --endpoint (the "
                                   "Graph Store path, see kopa-graph publish --help)") from None
    held = read_graph(client, url, graph_iri, retries, how, progress)  # retried; in pages where asked or needed
    return held if len(held) else None  # a quad store holds no empty graph


def publish_incremental(validated: Validated, old: Path, endpoint: str, update_endpoint: str,
                        graph_iri: str | None = None, *, description_iri: str | None = None,
                        licence: str = DEFAULT_LICENCE, publisher: str = DEFAULT_PUBLISHER,
                        sparql_endpoint: str | None = None, user: str | None = None, password: str | None = None,
                        auth: str = "auto", timeout: float = 30.0, retries: int = 3,
                        progress: Progress = QUIET, read_back: ReadBack | None = None) -> IncrementalResult:
    """Turn the store's graph from release ``old`` into ``validated`` by a SPARQL Update when the store holds
    ``old``; else (or when the result is not the new release) replace it whole. The store's graph is read as
    ``read_back`` says, before and after (a ``GET``, or pages from its query endpoint)."""
    previous = load_snapshot(old)
    iri = graph_iri or str(IRIs(validated.settings).dataset())
    url = graph_url(endpoint, iri)
    new_sha = hashlib.sha256(canonical_nquads(validated.graph)).hexdigest()
    description = release_description(validated.graph, validated.settings, licence, publisher,
                                      sparql_endpoint).description
    d_iri = description_iri or description_graph_iri(iri)
    d_url = graph_url(endpoint, d_iri)
    query = [read_back.query_endpoint] if read_back and read_back.query_endpoint else []
    with open_client([endpoint, update_endpoint, *query], user, password, auth, timeout) as client:
        with progress.stage("read the store's graph and hash it"):
            held = store_graph(client, url, retries, iri, read_back, progress)
        before = None if held is None else graph_hash(held)
        if not _holds(held, before, previous.sha256, previous.graph):
            what = "holds no such graph" if held is None else f"holds a graph with SHA-256 {before}"
            reason = f"the store {what}, not release {old}'s {previous.sha256}; replaced it whole"
        else:
            diff = compare(previous, Snapshot("the new release", new_sha, len(validated.graph), None,
                                              validated.graph))
            removed = len(diff.removed) + sum(len(p.lines) for p in diff.removed_pieces)
            added = len(diff.added) + sum(len(p.lines) for p in diff.added_pieces)
            with progress.stage(f"send the change ({removed} triples removed, {added} added) and read back"):
                if not diff.same:
                    _with_retries(lambda: client.post(update_endpoint, content=sparql_update(diff, iri).encode(),
                                                      headers={"Content-Type": SPARQL_UPDATE_MEDIA_TYPE}),
                                  "POST", update_endpoint, retries)
                back = store_graph(client, url, retries, iri, read_back, progress)
            after = None if back is None else graph_hash(back)
            if _holds(back, after, new_sha, validated.graph):
                _put_and_check(client, d_url, description, ntriples(description), retries, QUIET, (d_iri, read_back))
                done = (f"sent the change: {removed} triples removed, {added} added" if not diff.same
                        else "the store holds the new release already: sent no change")
                return IncrementalResult(True, done, removed, added, before, after, new_sha)
            reason = (f"after the update the store's graph has SHA-256 {after}, not the new release's {new_sha}; "
                      "replaced it whole")
        with progress.stage(f"replace the graph whole: send {len(validated.graph)} triples and read them back"):
            _replace(client, url, validated.graph, new_sha, retries, progress, (iri, read_back))
            _put_and_check(client, d_url, description, ntriples(description), retries, QUIET, (d_iri, read_back))
    return IncrementalResult(False, reason, 0, 0, before, new_sha, new_sha)


def _replace(client, url: str, graph: Graph, sha256: str, retries: int,  # type: ignore[no-untyped-def]
             progress: Progress, where: tuple[str, ReadBack | None]) -> None:
    """The full replace (a PUT, read back: the same graph), where a store that keeps WKT or integers in forms of its
    own (Virtuoso) holds the graph when it is the same in those forms (:func:`store_form`)."""
    try:
        _put_and_check(client, url, graph, ntriples(graph), retries, progress, where)
    except PublishError:
        back = store_graph(client, url, retries, *where, progress)
        if not _holds(back, None if back is None else graph_hash(back), sha256, graph):
            raise


def _holds(held: Graph | None, held_sha: str | None, sha256: str, release: Graph) -> bool:
    """Whether the store's graph is the release: the same RDFC-1.0 hash, or the same hash once both are in
    :func:`store_form` (a store that retypes integers or rewrites WKT holds the release as it keeps it)."""
    if held is None:
        return False
    return held_sha == sha256 or graph_hash(store_form(held)) == graph_hash(store_form(release))
