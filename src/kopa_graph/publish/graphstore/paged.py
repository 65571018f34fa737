"""Reading a graph back through the store's SPARQL query endpoint, in pages, where the Graph Store ``GET`` cannot.

Virtuoso 7.2 answers a Graph Store ``GET`` of a graph over 1,000,000 triples with HTTP 500 (``FRVEC ... max
vector length 1007999 > 1000000``), whatever its ``ResultSetMaxRows``. The graph is then read with

    SELECT (COUNT(*) AS ?n) WHERE { GRAPH <g> { ?s ?p ?o } }
    CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <g> { ?s ?p ?o } } LIMIT N OFFSET k      (k = 0, N, 2N, ...)

sent to the query endpoint (Virtuoso ``/sparql``, Oxigraph ``/query``), and checked as the ``GET``'s answer is.

- **No ORDER BY.** Virtuoso refuses ``ORDER BY`` once ``OFFSET + LIMIT`` passes its ``MaxSortedTopRows``
  (10,000 by default: ``SR353: Sorted TOP clause specifies more then 20010 rows to sort``), so the pages follow
  the store's own scan order of an unchanged graph. That is safe without any promise from the store: the
  triples read are a subset of the store's graph, so when they are the graph sent and the store's count is the
  number sent, the store holds exactly the graph sent; a page order that moved would read some triple twice and
  miss another, and the check fails (never a false success).
- **Short pages.** A store that caps its answers below ``N`` (Virtuoso's stock ``ResultSetMaxRows`` is 10,000)
  answers short pages: the next page starts after the triples received, and an empty page before the count is
  reached is an error.
- **Blank nodes** keep their labels from page to page: Virtuoso writes its internal node id (``_:b10031``) and
  Oxigraph its stored id, the same in every answer (``tests/test_paged.py`` checks both), so every page is read
  with one table of labels and a blank node cut by a page boundary is one node.
- **Memory.** Each page is parsed and dropped; the graph read back is held whole, because the check compares it
  with the graph sent (an isomorphism with blank nodes cannot be made page by page).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
from rdflib import BNode, Graph

from kopa_graph.progress import QUIET, Progress
from kopa_graph.publish.graphstore.client import PublishError, _with_retries
from kopa_graph.rdfio.formats import FORMATS, RESULTS_FORMATS
from kopa_graph.rdfio.ntriples import graph_iri_in_sparql

_NT = FORMATS["n-triples"]
_JSON = RESULTS_FORMATS["json"]
#: How a graph is read back after it is sent (``--read-back``).
READ_BACK_MODES = ("auto", "graph-store", "sparql")
#: Triples per page when none is given (``--read-page-triples``).
DEFAULT_PAGE = 100_000


@dataclass(frozen=True)
class ReadBack:
    """How publish reads a graph back: ``graph-store`` (a ``GET``), ``sparql`` (pages from ``query_endpoint``), or
    ``auto`` (a ``GET``, then pages when the ``GET`` fails with 5xx or gets no answer, after its retries, and a
    query endpoint is given)."""

    mode: str = "auto"
    query_endpoint: str | None = None
    page: int = DEFAULT_PAGE

    def __post_init__(self) -> None:
        if self.mode not in READ_BACK_MODES:
            raise ValueError(f"read-back mode {self.mode!r}: one of {', '.join(READ_BACK_MODES)}")
        if self.mode == "sparql" and not self.query_endpoint:
            raise PublishError("--read-back sparql needs --query-endpoint, the store's SPARQL query endpoint "
                               "(Virtuoso: http://HOST:8890/sparql, Oxigraph: http://HOST:7878/query)")
        if self.page < 1:
            raise ValueError(f"read-back page of {self.page} triples: give at least 1")


def _query(client: httpx.Client, endpoint: str, query: str, accept: str, retries: int) -> httpx.Response:
    return _with_retries(lambda: client.post(endpoint, data={"query": query}, headers={"Accept": accept}),
                         "POST", endpoint, retries)


def store_count(client: httpx.Client, endpoint: str, graph_iri: str, retries: int) -> int:
    """The number of triples the store holds in ``graph_iri``."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}"
    response = _query(client, endpoint, query, _JSON.media_type, retries)
    try:
        return int(json.loads(response.content)["results"]["bindings"][0]["n"]["value"])
    except (ValueError, KeyError, IndexError, TypeError):
        raise PublishError(f"POST {endpoint}: the answer to {query} is not SPARQL JSON results with a count; "
                           "check --query-endpoint (Virtuoso: http://HOST:8890/sparql, Oxigraph: "
                           "http://HOST:7878/query)") from None


def read_paged(client: httpx.Client, endpoint: str, graph_iri: str, page: int, retries: int,
               progress: Progress = QUIET) -> Graph:
    """The graph ``graph_iri`` read from the query ``endpoint`` in pages of at most ``page`` triples (see above);
    :class:`PublishError` when the pages do not add up to the store's count."""
    import pyoxigraph as ox

    from kopa_graph.rdfio.oxbridge import converter

    graph_iri_in_sparql(graph_iri)
    total = store_count(client, endpoint, graph_iri, retries)
    convert = converter()
    blanks: dict[str, BNode] = {}  # one table for every page: the store's labels are stable

    def term(t: Any) -> Any:
        if isinstance(t, ox.BlankNode):
            return blanks.setdefault(t.value, BNode())
        return convert(t)

    graph = Graph(bind_namespaces="none")
    offset = 0
    while offset < total:
        query = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }} "
                 f"LIMIT {page} OFFSET {offset}")
        body = _query(client, endpoint, query, _NT.media_type, retries).content
        try:
            triples = [(term(q.subject), term(q.predicate), term(q.object))
                       for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
        except SyntaxError as exc:
            raise PublishError(f"POST {endpoint}: page at offset {offset} of <{graph_iri}> is not N-Triples "
                               f"({exc}); check --query-endpoint") from None
        if not triples:
            raise PublishError(f"POST {endpoint}: <{graph_iri}> holds {total} triples but the page at offset "
                               f"{offset} is empty; the graph changed while it was read, run again")
        for t in triples:
            graph.add(t)
        offset += len(triples)
        progress.count("read back", min(offset, total), total, " triples")
    if len(graph) != total:
        raise PublishError(f"POST {endpoint}: the pages of <{graph_iri}> hold {len(graph)} distinct triples of the "
                           f"{total} the store counts; its answer order moved between pages (the graph changed "
                           "while it was read?); run again, or read back with --read-back graph-store")
    return graph
