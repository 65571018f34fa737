"""``kopa-graph publish``: push the validated graph to a SPARQL 1.1 Graph Store.

One ``PUT`` into a named graph (an atomic, idempotent replace; ``POST`` would
duplicate blank nodes), then a ``GET`` of the same graph, which must be the same
graph (isomorphic); the same for the dataset description (DCAT/VoID, exactly
as the site's ``void.ttl``) in a named graph of its own. Writes never follow redirects, so credentials never go to
another host; transient failures are retried with backoff.

Endpoints (the Graph Store path of each):

=========  =====================================================  ==================
server     Graph Store endpoint                                   authentication
=========  =====================================================  ==================
Oxigraph   ``http://HOST:7878/store``                             none (put a proxy in front)
Fuseki     ``http://HOST:3030/DATASET/data``                      HTTP Basic (shiro.ini)
GraphDB    ``http://HOST:7200/repositories/REPO/rdf-graphs/service``  HTTP Basic
Virtuoso   ``http://HOST:8890/sparql-graph-crud-auth``            HTTP Digest/Basic (SPARQL_UPDATE role)
=========  =====================================================  ==================
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal
from rdflib.compare import isomorphic

from kopa_graph.errors import KopaError, RDFLoadError
from kopa_graph.graph.iris import IRIs
from kopa_graph.progress import QUIET, Progress
from kopa_graph.publish.description import release_description
from kopa_graph.rdfio.engine import parse_bytes
from kopa_graph.rdfio.formats import FORMATS
from kopa_graph.rdfio.namespaces import XSD
from kopa_graph.rdfio.ntriples import ntriples
from kopa_graph.rdfio.oxbridge import INTEGER_SUBTYPES
from kopa_graph.settings import DEFAULT_LICENCE, DEFAULT_PUBLISHER
from kopa_graph.validation.validate import Validated

log = logging.getLogger(__name__)


class PublishError(KopaError):
    """The endpoint refused, failed or answered with a different graph."""

    exit_code = 4


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


def graph_url(endpoint: str, graph_iri: str) -> str:
    from urllib.parse import quote

    sep = "&" if "?" in endpoint else "?"
    return f"{endpoint}{sep}graph={quote(graph_iri, safe='')}"


def description_graph_iri(graph_iri: str) -> str:
    """The named graph of the dataset description: the data graph's IRI + ``/description``."""
    return graph_iri.rstrip("/") + "/description"


def publish(graph: Graph, endpoint: str, graph_iri: str, user: str | None = None, password: str | None = None,
            dry_run: bool = False, timeout: float = 30.0, retries: int = 3, description: Graph | None = None,
            description_iri: str | None = None, progress: Progress = QUIET) -> PublishResult:
    """PUT ``graph`` (and ``description``, into its own named graph) and read each back.

    The data graph goes first: a description never announces data the store
    does not hold. Each PUT is an atomic replace of its graph.
    """
    body = ntriples(graph)
    url = graph_url(endpoint, graph_iri)
    d_url = graph_url(endpoint, description_iri or description_graph_iri(graph_iri)) if description else None
    d_triples = len(description) if description is not None else 0
    if dry_run:
        return PublishResult(url, len(graph), len(body), False, "", d_url, d_triples)
    import httpx

    auth = httpx.BasicAuth(user, password or "") if user else None
    with httpx.Client(follow_redirects=False, timeout=timeout, auth=auth) as client:
        with progress.stage(f"send {len(graph)} triples and read them back"):
            note = _put_and_check(client, url, graph, body, retries, progress)
        d_note = ""
        if description is not None and d_url is not None:
            with progress.stage("send the dataset description and read it back"):
                d_note = _put_and_check(client, d_url, description, ntriples(description), retries, progress)
    return PublishResult(url, len(graph), len(body), True, note, d_url, d_triples, d_note)


def publish_release(validated: Validated, endpoint: str, graph_iri: str | None = None, *,
                    description_iri: str | None = None, licence: str = DEFAULT_LICENCE,
                    publisher: str = DEFAULT_PUBLISHER, sparql_endpoint: str | None = None, user: str | None = None,
                    password: str | None = None, dry_run: bool = False, timeout: float = 30.0, retries: int = 3,
                    progress: Progress = QUIET) -> PublishResult:
    """:func:`publish` a validated graph with its dataset description (the one the site publishes), into
    ``graph_iri`` (default: the dataset's IRI) and its description graph."""
    with progress.stage("describe the dataset"):
        description = release_description(validated.graph, validated.settings, licence, publisher,
                                          sparql_endpoint).description
    return publish(validated.graph, endpoint, graph_iri or str(IRIs(validated.settings).dataset()), user, password,
                   dry_run, timeout=timeout, retries=retries, description=description,
                   description_iri=description_iri, progress=progress)


#: The piece of a body sent at a time when a progress bar follows the upload.
_PIECE = 1 << 16


def _put_and_check(client, url: str, graph: Graph, body: bytes, retries: int,  # type: ignore[no-untyped-def]
                   progress: Progress = QUIET) -> str:
    headers = {"Content-Type": FORMATS["n-triples"].media_type + "; charset=utf-8"}

    def content() -> bytes | Iterator[bytes]:
        """The body; on a terminal, in pieces counted on a bar (bytes sent, rate, ETA), with its length given so
        that it is not sent chunked."""
        if not progress.enabled:
            return body
        headers["Content-Length"] = str(len(body))
        pieces = (body[i:i + _PIECE] for i in range(0, len(body), _PIECE))
        return progress.track("sent", pieces, len(body), size=len, unit=" B")

    _with_retries(lambda: client.put(url, content=content(), headers=headers), "PUT", url, retries)
    response = _with_retries(lambda: client.get(url, headers={"Accept": FORMATS["n-triples"].media_type}), "GET", url,
                             retries)
    try:
        back = parse_bytes(response.content, FORMATS["n-triples"], url)
    except RDFLoadError as exc:
        raise PublishError(f"{url}: the graph read back is not N-Triples ({exc}); check the endpoint "
                           "path (see kopa-graph publish --help)") from None
    note = ""
    if not isomorphic(back, graph):
        retyped = _retyped(graph)
        if not isomorphic(_integers(back), _integers(graph)):
            raise PublishError(f"{url}: the graph read back has {len(back)} triples and is not the graph sent "
                               f"({len(graph)} triples); the endpoint holds something else")
        note = (f"the endpoint stores {retyped} literal{'s' * (retyped != 1)} of a type derived from xsd:integer "
                "(such as xsd:nonNegativeInteger) as xsd:integer; the values are the same")
        log.warning("%s: %s", url, note)
    return note


def _integers(g: Graph) -> Graph:
    """``g`` with every literal of a type derived from xsd:integer typed xsd:integer (what some stores keep)."""
    out = Graph()
    for s, p, o in g:
        if isinstance(o, Literal) and o.datatype in INTEGER_SUBTYPES:
            o = Literal(str(o), datatype=XSD.integer)
        out.add((s, p, o))
    return out


def _retyped(g: Graph) -> int:
    return sum(1 for o in g.objects() if isinstance(o, Literal) and o.datatype in INTEGER_SUBTYPES)


def _with_retries(call, what: str, url: str, retries: int):  # type: ignore[no-untyped-def]
    import httpx

    delay = 0.5
    for attempt in range(1, retries + 1):
        try:
            response = call()
        except httpx.TransportError as exc:
            problem = f"cannot reach the endpoint ({type(exc).__name__})"
        else:
            if response.is_redirect:
                raise PublishError(f"{what} {url}: the endpoint redirects ({response.status_code}); kopa-graph never "
                                   "follows a redirect with data or credentials: use the final address")
            if response.status_code in (401, 403):
                raise PublishError(f"{what} {url}: refused ({response.status_code}); check --user and the password "
                                   "variable")
            if response.status_code < 300:
                return response
            problem = f"HTTP {response.status_code}"
            if response.status_code < 500:
                raise PublishError(f"{what} {url}: {problem}: {response.text[:200]}")
        if attempt < retries:
            log.warning("%s %s: %s; retrying in %.1f s", what, url, problem, delay)
            time.sleep(delay)
            delay *= 2
    raise PublishError(f"{what} {url}: {problem} after {retries} attempts; the endpoint's graph was not changed "
                       "by kopa-graph (a PUT replaces it whole or not at all)")
