"""A remote SPARQL 1.1 store as the query engine of ``kopa-graph serve --sparql-endpoint URL``.

:class:`RemoteStore` answers the server's queries as :class:`kopa_graph.query.worker.QueryPool` does (the
same :meth:`RemoteStore.run`, the same :class:`~kopa_graph.query.worker.Answer` and
:class:`~kopa_graph.query.worker.QueryFailed`), so every route of the server (``/sparql``, the helpers,
their pages) keeps its checks: the lexer's refusals, read-only, the caps on query length and rows.

- The store is the only address it ever contacts: every request goes to the one URL it was given, by POST;
  redirects are not followed, no proxy or ``.netrc`` from the environment is used, and a query naming
  another address (SERVICE, FROM, LOAD) is refused by the lexer before anything is sent, here too.
- Its own bounds: a connect timeout, a deadline for the whole answer, at most :data:`MAX_ANSWER_BYTES`
  bytes read (the rest is never read), at most ``max_rows`` rows or triples.
- Its answers are untrusted input: SPARQL JSON or XML results and N-Triples or Turtle are parsed (bounded by
  the byte cap) and written again by the server's own writers; no byte of the store's answer is passed
  through. What the store says when it refuses is cut to one printable line.
- A store that cannot be reached, answers 502, 503 or 504, or is slower than the deadline is
  ``unavailable`` or ``timeout`` (the server answers 503 with ``Retry-After``); a store failing on the query
  (another 5xx) is ``store-error``, and an answer that cannot be parsed, or a redirect, ``bad-answer``
  (both 502, no ``Retry-After``: asking again gets the same).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
from typing import Any

import httpx

from kopa_graph.errors import KopaError
from kopa_graph.query.lexer import scan
from kopa_graph.query.syntax import star_order
from kopa_graph.query.worker import Answer, QueryFailed
from kopa_graph.query.writers import boolean_body, solutions_body
from kopa_graph.rdfio.formats import FORMATS, RESULTS_FORMATS
from kopa_graph.settings import SERVER_LIMITS

log = logging.getLogger(__name__)

#: The most bytes of one answer read from the store; a larger answer is refused (413), the rest never read.
MAX_ANSWER_BYTES = 16 * 2**20
#: Seconds to wait for the store to take the connection.
CONNECT_TIMEOUT = 3.0
_RESULTS_ACCEPT = f"{RESULTS_FORMATS['json'].media_type}, {RESULTS_FORMATS['xml'].media_type};q=0.9"
_GRAPH_ACCEPT = f"{FORMATS['n-triples'].media_type}, {FORMATS['turtle'].media_type};q=0.9"
_PRINTABLE = re.compile(r"[^\x20-\x7e\u00a0-\uffff]+")


def _results_format(media: str) -> Any:
    import pyoxigraph as ox

    return {RESULTS_FORMATS["json"].media_type: ox.QueryResultsFormat.JSON,
            RESULTS_FORMATS["xml"].media_type: ox.QueryResultsFormat.XML}.get(media)


def _graph_format(media: str) -> Any:
    import pyoxigraph as ox

    nt = FORMATS["n-triples"]
    return {nt.media_type: ox.RdfFormat.N_TRIPLES, **{a: ox.RdfFormat.N_TRIPLES for a in nt.aliases},
            FORMATS["turtle"].media_type: ox.RdfFormat.TURTLE}.get(media)


#: The pauses before asking again after a 404 at the store's query URL (:meth:`RemoteStore._asked`).
_NOT_FOUND_PAUSES = (0.2, 0.5)


class _NotFound(Exception):
    """The store answered 404 at its query URL."""


class StoreUnavailable(KopaError):
    """``serve --sparql-endpoint``: the store does not answer when the server starts (exit 4, as publish)."""

    exit_code = 4


def one_line(text: str, limit: int = 200) -> str:
    """What a store said, as one printable line of at most ``limit`` characters."""
    flat = " ".join(_PRINTABLE.sub(" ", text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class RemoteStore:
    """A remote SPARQL 1.1 query endpoint at ``endpoint``; ``graph``: the named graph to query as the
    default graph (sent as ``default-graph-uri``), else the store's default graph."""

    def __init__(self, endpoint: str, graph: str | None = None, timeout: float = SERVER_LIMITS.timeout,
                 max_rows: int = SERVER_LIMITS.max_rows, max_bytes: int = MAX_ANSWER_BYTES,
                 connect_timeout: float = CONNECT_TIMEOUT) -> None:
        self.endpoint, self.graph = endpoint, graph
        self.timeout, self.max_rows, self.max_bytes = timeout, max_rows, max_bytes
        self._timeouts = httpx.Timeout(timeout, connect=min(connect_timeout, timeout))
        self._tls = httpx.create_ssl_context()  # made once: 0.1 s each time a client makes its own
        self.triples = 0

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint!r}, graph={self.graph!r})"

    def count(self) -> int:
        """Ask the store how many triples its graph holds (at start: /health and the service description
        give it); :class:`StoreUnavailable` naming the store when it cannot answer."""
        import json

        try:
            answer = asyncio.run(self.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "json"))
        except QueryFailed as exc:
            where = f"{self.endpoint}" + (f" (graph <{self.graph}>)" if self.graph else "")
            raise StoreUnavailable(f"serve: the SPARQL store at {where} does not answer a count of its triples: "
                                   f"{exc}. Start it, or check --sparql-endpoint (its query URL: Virtuoso "
                                   "http://HOST:8890/sparql, Oxigraph http://HOST:7878/query)") from None
        bindings = json.loads(answer.body)["results"]["bindings"]
        self.triples = int(bindings[0]["n"]["value"]) if bindings else 0
        return self.triples

    async def run(self, text: str, fmt: str = "json", graph_fmt: str = "turtle") -> Answer:
        """The answer to ``text`` in ``fmt`` (a results format) or, for CONSTRUCT and DESCRIBE, ``graph_fmt``
        (turtle or n-triples): asked of the store, parsed, and written by the server's own writers."""
        checked = scan(text)
        if checked.refusal is not None:  # never sent: the server's routes refuse it first, this holds anyway
            raise QueryFailed("error", checked.refusal)
        graph = checked.form in ("CONSTRUCT", "DESCRIBE")
        try:
            async with asyncio.timeout(self.timeout):
                media, body = await self._asked(text, _GRAPH_ACCEPT if graph else _RESULTS_ACCEPT)
        except TimeoutError:
            raise QueryFailed("timeout", f"the SPARQL store did not answer within {self.timeout:g} s") from None
        parsed = await asyncio.to_thread(self._parsed, text, media, body, fmt, graph_fmt, graph)  # off the loop
        if isinstance(parsed, QueryFailed):
            raise parsed
        return parsed

    def _parsed(self, text: str, media: str, body: bytes, fmt: str, graph_fmt: str,
                graph: bool) -> Answer | QueryFailed:
        """The store's answer parsed and written again, or why it cannot be; on one thread, with no traceback
        kept (pyoxigraph's results may only be dropped on the thread that made them)."""
        try:
            return self._graph(media, body, graph_fmt) if graph else self._results(text, media, body, fmt)
        except QueryFailed as exc:
            return exc.with_traceback(None)
        except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
            log.warning("the SPARQL store's answer could not be read: %s", exc)
            return QueryFailed("bad-answer", "the SPARQL store's answer could not be read as "
                                             f"{media or 'an answer'}: {one_line(str(exc), 120)}")

    async def _asked(self, text: str, accept: str) -> tuple[str, bytes]:
        """:meth:`_ask`, again after a pause when the store answers 404 at its own query URL, which Virtuoso 7.2
        did now and then under load for a query it answered before and after (a read-only query is safe to
        ask twice); a 404 that stays is the store's failure (502), never the client's."""
        for pause in _NOT_FOUND_PAUSES:
            try:
                return await self._ask(text, accept)
            except _NotFound:
                log.warning("the SPARQL store answered 404 at %s; asking again in %.2f s", self.endpoint, pause)
                await asyncio.sleep(pause)
        try:
            return await self._ask(text, accept)
        except _NotFound:
            raise QueryFailed("bad-answer", f"the SPARQL store answered 404 (not found) at {self.endpoint}; check "
                                            "--sparql-endpoint (the store's query URL)") from None

    async def _ask(self, text: str, accept: str) -> tuple[str, bytes]:
        form = {"query": text, **({"default-graph-uri": self.graph} if self.graph else {})}
        headers = {"Accept": accept, "Accept-Encoding": "identity"}  # nothing to inflate past the cap
        try:
            async with httpx.AsyncClient(follow_redirects=False, trust_env=False, timeout=self._timeouts,
                                         verify=self._tls) as client, \
                    client.stream("POST", self.endpoint, data=form, headers=headers) as response:
                if response.is_redirect:
                    raise QueryFailed("bad-answer", f"the SPARQL store answered {response.status_code}, a redirect; "
                                                    "it is not followed (give serve the store's own URL)")
                body = await self._read(response)
        except httpx.TimeoutException:
            raise QueryFailed("timeout", f"the SPARQL store did not answer within {self.timeout:g} s") from None
        except httpx.TransportError as exc:
            raise QueryFailed("unavailable", f"the SPARQL store cannot be reached ({type(exc).__name__}); "
                                             "try again shortly") from None
        if response.status_code in (502, 503, 504):  # the store, or a proxy before it, is down or overloaded
            raise QueryFailed("unavailable", f"the SPARQL store is unavailable ({response.status_code}); try "
                                             "again shortly")
        if response.status_code >= 500:  # it failed on this query (Virtuoso: its compiler's errors)
            raise QueryFailed("store-error", f"the SPARQL store failed on this query ({response.status_code}): "
                                             f"{one_line(body.decode('utf-8', 'replace'))}")
        if response.status_code == 404:
            raise _NotFound()
        if response.status_code >= 400:
            raise QueryFailed("error", f"the SPARQL store refused the query ({response.status_code}): "
                                       f"{one_line(body.decode('utf-8', 'replace'))}")
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        return media, body

    async def _read(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large()
        chunks, size = [], 0
        async for chunk in response.aiter_bytes():  # decoded: the cap counts what is parsed
            size += len(chunk)
            if size > self.max_bytes:
                raise self._too_large()
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self) -> QueryFailed:
        return QueryFailed("too-large", f"the SPARQL store's answer is larger than {self.max_bytes} bytes, the "
                                        "most this server reads; narrow the query down (LIMIT, FILTER)")

    def _results(self, text: str, media: str, body: bytes, fmt: str) -> Answer:
        import pyoxigraph as ox

        kind = _results_format(media)
        if kind is None:
            raise ValueError(f"it came as {media!r}, not a SPARQL results format")
        result = ox.parse_query_results(body, kind)
        try:
            if isinstance(result, ox.QueryBoolean):
                return Answer("boolean", boolean_body(bool(result), fmt), 1)
            names = [v.value for v in result.variables]
            rows = list(itertools.islice(result, self.max_rows + 1))
        finally:
            del result  # pyoxigraph's results may only be dropped on the thread that made them, not a traceback's
        if len(rows) > self.max_rows:
            raise QueryFailed("too-many-rows", f"the query returns more than {self.max_rows} rows; narrow it down "
                                               "(LIMIT, FILTER)")
        order = [names.index(n) for n in star_order(text, names)]
        table = [[row[i] for i in order] for row in rows]
        return Answer("solutions", solutions_body([names[i] for i in order], table, fmt), len(rows))

    def _graph(self, media: str, body: bytes, graph_fmt: str) -> Answer:
        import pyoxigraph as ox

        kind = _graph_format(media)
        if kind is None:
            raise ValueError(f"it came as {media!r}, not N-Triples or Turtle")
        quads = list(itertools.islice(ox.parse(body, kind), self.max_rows + 1))
        if len(quads) > self.max_rows:
            raise QueryFailed("too-many-rows", f"the query returns more than {self.max_rows} triples")
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        out = ox.RdfFormat.TURTLE if graph_fmt == "turtle" else ox.RdfFormat.N_TRIPLES
        return Answer("graph", ox.serialize(triples, format=out) or b"", len(triples))

    def close(self) -> None:
        """Nothing to stop: each query opens and closes its own connection."""
