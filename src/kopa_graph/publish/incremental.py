"""``publish --incremental OLD``: send a triplestore only what changed since release OLD, when it holds OLD.

1. GET the named graph (Graph Store Protocol) and hash it as ``manifest.json`` does (RDFC-1.0, SHA-256).
2. When the hash is OLD's ``graph.sha256``, POST the change (:func:`~kopa_graph.publish.patch.sparql_update`,
   scoped to the graph) to the SPARQL Update endpoint, then GET the graph again: its hash must now be the new
   release's.
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

from kopa_graph.errors import RDFLoadError
from kopa_graph.graph.iris import IRIs
from kopa_graph.progress import QUIET, Progress
from kopa_graph.publish.description import release_description
from kopa_graph.publish.diff import Snapshot, compare, load_snapshot
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
    sha256_after: str


def _auth(user: str | None, password: str | None, scheme: str):  # type: ignore[no-untyped-def]
    import httpx

    if not user:
        return None
    return httpx.DigestAuth(user, password or "") if scheme == "digest" else httpx.BasicAuth(user, password or "")


def store_hash(client, url: str, retries: int = 3) -> str | None:  # type: ignore[no-untyped-def]
    """The RDFC-1.0 SHA-256 of the graph at ``url`` (a Graph Store graph URL); ``None`` when there is none."""
    response = client.get(url, headers={"Accept": FORMATS["n-triples"].media_type})
    if response.status_code == 404:
        return None
    if response.status_code >= 300:
        response = _with_retries(lambda: client.get(url, headers={"Accept": FORMATS["n-triples"].media_type}),
                                 "GET", url, retries)
    if not response.content.strip():
        return hashlib.sha256(b"").hexdigest()
    try:
        return graph_hash(parse_bytes(response.content, FORMATS["n-triples"], url))
    except RDFLoadError as exc:
        raise PublishError(f"{url}: the graph read back is not N-Triples ({exc}); check --endpoint (the Graph "
                           "Store path, see kopa-graph publish --help)") from None


def publish_incremental(validated: Validated, old: Path, endpoint: str, update_endpoint: str,
                        graph_iri: str | None = None, *, description_iri: str | None = None,
                        licence: str = DEFAULT_LICENCE, publisher: str = DEFAULT_PUBLISHER,
                        sparql_endpoint: str | None = None, user: str | None = None, password: str | None = None,
                        auth: str = "basic", timeout: float = 30.0, retries: int = 3,
                        progress: Progress = QUIET) -> IncrementalResult:
    """Turn the store's graph from release ``old`` into ``validated`` by a SPARQL Update when the store holds
    ``old``; else (or when the result is not the new release) replace it whole."""
    import httpx

    previous = load_snapshot(old)
    iri = graph_iri or str(IRIs(validated.settings).dataset())
    url = graph_url(endpoint, iri)
    new_sha = hashlib.sha256(canonical_nquads(validated.graph)).hexdigest()
    description = release_description(validated.graph, validated.settings, licence, publisher,
                                      sparql_endpoint).description
    d_url = graph_url(endpoint, description_iri or description_graph_iri(iri))
    with httpx.Client(follow_redirects=False, timeout=timeout, auth=_auth(user, password, auth)) as client:
        with progress.stage("read the store's graph and hash it"):
            before = store_hash(client, url, retries)
        if before != previous.sha256:
            held = "holds no such graph" if before is None else f"holds a graph with SHA-256 {before}"
            reason = f"the store {held}, not release {old}'s {previous.sha256}; replaced it whole"
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
                after = store_hash(client, url, retries)
            if after == new_sha:
                _put_and_check(client, d_url, description, ntriples(description), retries)
                done = (f"sent the change: {removed} triples removed, {added} added" if not diff.same
                        else "the store holds the new release already: sent no change")
                return IncrementalResult(True, done, removed, added, before, after)
            reason = (f"after the update the store's graph has SHA-256 {after}, not the new release's {new_sha}; "
                      "replaced it whole")
        with progress.stage(f"replace the graph whole: send {len(validated.graph)} triples and read them back"):
            _put_and_check(client, url, validated.graph, ntriples(validated.graph), retries, progress)
            _put_and_check(client, d_url, description, ntriples(description), retries)
    return IncrementalResult(False, reason, 0, 0, before, new_sha)
