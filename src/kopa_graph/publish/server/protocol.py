"""The SPARQL 1.1 Protocol endpoint (``/sparql``) and the named helpers as URLs (``/queries``, ``/queries/NAME``).

Every query, whichever route brings it, goes through :func:`run`: its length is capped, the lexer
(:mod:`kopa_graph.query.lexer`) refuses what must never run, the answer format is negotiated, and a
confined worker (:mod:`kopa_graph.query.worker`) evaluates it within the server's limits. Errors have
one shape (:func:`error`: JSON ``{"error": ...}``).
"""

from __future__ import annotations

import asyncio
import logging
import urllib.parse
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from kopa_graph.publish import conneg
from kopa_graph.query.evaluate import QueryError, with_values
from kopa_graph.query.helpers import UnknownHelper, bindings, helper, helpers, rebase
from kopa_graph.query.lexer import scan
from kopa_graph.query.worker import QueryFailed
from kopa_graph.rdfio.formats import RESULTS_FORMATS, graph_answer_formats, results_answer_formats

if TYPE_CHECKING:
    from kopa_graph.publish.server.app import ServerState

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 10_000
MAX_BODY = 100_000
#: Queries running or waiting for a worker; one more is answered 503 at once (other routes are not counted).
MAX_QUERIES_IN_FLIGHT = 64
# conneg's choice among answer formats (the "extension" is the format's name)
_RESULTS = tuple(conneg.Representation(f.name, f.media_type, f.answer_quality) for f in results_answer_formats())
_GRAPHS = tuple(conneg.Representation(f.name, f.media_type, f.answer_quality or 0.0) for f in graph_answer_formats())
#: QueryFailed.kind -> HTTP status (and Retry-After, seconds); an unknown kind is 500 "internal error".
_STATUSES: dict[str, tuple[int, str | None]] = {
    "syntax": (400, None), "error": (400, None), "too-many-rows": (413, None), "timeout": (503, "5"),
    "busy": (503, "1"), "memory": (503, None), "crash": (503, "1"),
    # a remote store (serve --sparql-endpoint, kopa_graph.publish.remote): down or failing, too large, unreadable
    "unavailable": (503, "5"), "too-large": (413, None), "bad-answer": (502, None),
    "store-error": (502, None),
}
_SPARQL_OFF = ("this server's /sparql is turned off (serve --no-sparql); the query helpers answer at /queries")
_SHUTTING_DOWN = "the server is shutting down; try again shortly"
_DATASET = ("default-graph-uri", "named-graph-uri")


def error(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _failed(exc: QueryFailed) -> Response:
    status, retry = _STATUSES.get(exc.kind, (500, None))
    if status == 500:
        log.error("a query failed in an unknown way (%s): %s", exc.kind, exc)
        return error(500, "internal error")
    return error(status, str(exc), {"Retry-After": retry} if retry else None)


def _dataset_refused(names: Iterable[str]) -> Response | None:
    """The SPARQL 1.1 Protocol's dataset parameters, refused: there is one default graph and no named graphs,
    so a request naming graphs cannot be answered as asked (the protocol forbids ignoring them)."""
    given = sorted(set(names).intersection(_DATASET))
    if not given:
        return None
    return error(400, f"{' and '.join(given)} cannot be honoured: this endpoint has one default graph (the "
                       "whole dataset) and no named graphs; send the query without "
                       f"{'it' if len(given) == 1 else 'them'}")


async def run(state: ServerState, text: str, request: Request, accept: str | None = None) -> Response:
    if len(text) > MAX_QUERY_LENGTH:
        if request.method == "GET":
            return error(414, f"the query is longer than {MAX_QUERY_LENGTH} characters; a long query is better "
                               "sent by POST, but this one is too long anyway")
        return error(413, f"the query is longer than {MAX_QUERY_LENGTH} characters")
    checked = scan(text)  # microseconds; the engine in the worker parses and reports syntax errors
    if checked.refusal is not None:
        return error(403 if checked.update else 400, checked.refusal)
    construct = checked.form in ("CONSTRUCT", "DESCRIBE")
    accept = accept or request.headers.get("accept")
    chosen = conneg.choose(accept, _GRAPHS if construct else _RESULTS)
    if chosen is None and accept and "*/*" not in accept:
        return error(406, "acceptable: " + ", ".join(r.media_type for r in (_GRAPHS if construct else _RESULTS)))
    chosen = chosen or (_GRAPHS if construct else _RESULTS)[0]
    fmt = chosen.extension
    if state.stopping:
        return error(503, _SHUTTING_DOWN, {"Retry-After": "5", "Connection": "close"})
    if len(state.queries) >= MAX_QUERIES_IN_FLIGHT:
        return error(503, f"{MAX_QUERIES_IN_FLIGHT} queries are in flight, the most this server takes; try again "
                           "shortly", {"Retry-After": "1"})
    task = asyncio.current_task()
    assert task is not None
    state.queries.add(task)
    try:
        answer = await state.pool.run(text, fmt if not construct else "json", fmt if construct else "turtle")
    except QueryFailed as exc:
        return _failed(exc)
    except asyncio.CancelledError:
        if not state.stopping:
            raise
        task.uncancel()  # cancelled by ServerState.stop: answered, not dropped
        return error(503, _SHUTTING_DOWN, {"Retry-After": "5", "Connection": "close"})
    finally:
        state.queries.discard(task)
    body = answer.body
    if answer.form == "graph" and fmt == "json-ld":
        from kopa_graph.rdfio.oxbridge import UnsupportedTerm

        try:
            body = await asyncio.to_thread(_as_jsonld, body, state.settings.id_base)  # off the event loop
        except UnsupportedTerm:
            return error(406, "the answer holds RDF 1.2 triple terms, which JSON-LD cannot carry; ask for Turtle "
                              "or N-Triples (Accept: text/turtle)")
    media = chosen.media_type + ("; charset=utf-8" if chosen.media_type.startswith("text/") else "")
    return Response(body, media_type=media, headers={"Vary": "Accept"})


def _as_jsonld(ntriples: bytes, id_base: str) -> bytes:
    """A CONSTRUCT or DESCRIBE answer (N-Triples from the worker) as JSON-LD."""
    from kopa_graph.rdfio.engine import parse_bytes
    from kopa_graph.rdfio.formats import FORMATS
    from kopa_graph.rdfio.jsonld import jsonld

    return jsonld(parse_bytes(ntriples, FORMATS["n-triples"], "the query's answer"), id_base)


def _description(state: ServerState, request: Request) -> Response:
    endpoint = str(request.url.replace(query=""))
    ttl = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
<{endpoint}> a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON>,
        <http://www.w3.org/ns/formats/SPARQL_Results_XML>,
        <http://www.w3.org/ns/formats/SPARQL_Results_CSV>, <http://www.w3.org/ns/formats/SPARQL_Results_TSV>,
        <http://www.w3.org/ns/formats/Turtle>, <http://www.w3.org/ns/formats/N-Triples>,
        <http://www.w3.org/ns/formats/JSON-LD> ;
    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ; void:triples {state.pool.triples} ] ] .
"""
    return Response(ttl, media_type="text/turtle; charset=utf-8", headers={"Vary": "Accept"})  # a browser: the editor


def _too_large() -> Response:
    # the rest of the body is never read: the connection is closed after the answer
    return error(413, f"the request body is larger than {MAX_BODY} bytes", {"Connection": "close"})


async def _body(request: Request) -> bytes | Response:
    """The request body, read as it arrives and never held past :data:`MAX_BODY` bytes, whatever
    ``Content-Length`` says or whether the body comes chunked (how long it may take:
    :mod:`kopa_graph.publish.server.connections`)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        return _too_large()
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                return _too_large()
            chunks.append(chunk)
    except ClientDisconnect:
        return error(400, "the request body did not arrive whole")
    return b"".join(chunks)


def _one_query(values: list[str]) -> str | Response:
    if len(values) != 1:
        return error(400, f"a request carries exactly one query; this one has {len(values)}")
    return values[0]


async def sparql(request: Request) -> Response:
    state: ServerState = request.app.state.kopa
    if not state.sparql:
        return error(404, _SPARQL_OFF)
    params = request.query_params
    if request.method == "GET":
        if "update" in params:
            return error(403, "this endpoint is read-only: SPARQL Update is refused")
        if "query" not in params:
            if not params and conneg.wants_html(request.headers.get("accept")):
                from kopa_graph.publish.server.pages import editor

                return editor(request, state)
            return _dataset_refused(params.keys()) or _description(state, request)
        text = _dataset_refused(params.keys()) or _one_query(params.getlist("query"))
        return text if isinstance(text, Response) else await run(state, text, request)
    if request.method != "POST":
        return error(405, "this endpoint is read-only: only GET and POST of queries")
    if "update" in params:
        return error(403, "this endpoint is read-only: SPARQL Update is refused")
    if "query" in params:  # never one of two queries silently
        return error(400, "a POST carries its query in the body; this one also has a 'query' in its URL: send "
                           "one or the other")
    body = await _body(request)
    if isinstance(body, Response):
        return body
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/sparql-update":
        return error(403, "this endpoint is read-only: SPARQL Update is refused")
    if ctype == "application/sparql-query":
        refused = _dataset_refused(params.keys())
        return refused or await run(state, body.decode("utf-8", "replace"), request)
    if ctype == "application/x-www-form-urlencoded":
        form = urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        names = {name for name, _ in form}
        if "update" in names:
            return error(403, "this endpoint is read-only: SPARQL Update is refused")
        refused = _dataset_refused([*names, *params.keys()])
        if refused is not None:
            return refused
        if "query" not in names:
            return error(400, "a form POST needs a 'query' field")
        text = _one_query([value for name, value in form if name == "query"])
        return text if isinstance(text, Response) else await run(state, text, request)
    return error(415, "send application/sparql-query or application/x-www-form-urlencoded")


async def queries(request: Request) -> Response:
    if conneg.wants_html(request.headers.get("accept")):
        from kopa_graph.publish.server.pages import helper_list

        return helper_list(request)
    items = [{"name": h.name, "title": h.title, "description": h.description, "url": f"/queries/{h.name}",
              "parameters": [{"name": p.name, "type": p.type, "required": p.required, "example": p.example}
                             for p in h.params]} for h in helpers().values()]
    return JSONResponse(items)


async def named_query(request: Request) -> Response:
    state: ServerState = request.app.state.kopa
    name = request.path_params["name"]
    fmt_ext = None
    for ext in ("json", "csv", "tsv"):
        if name.endswith("." + ext):
            name, fmt_ext = name[: -len(ext) - 1], ext
    try:
        h = helper(name)
        repeated = sorted({k for k in request.query_params if len(request.query_params.getlist(k)) > 1})
        if repeated:
            return error(400, f"{name}: parameter {repeated[0]!r} is given more than once; give it once")
        if fmt_ext is None and conneg.wants_html(request.headers.get("accept")):
            from kopa_graph.publish.server.pages import helper_page

            return await helper_page(request, state, h)
        init = bindings(h, dict(request.query_params))
    except QueryError as exc:
        if isinstance(exc, UnknownHelper) and conneg.wants_html(request.headers.get("accept")):
            from kopa_graph.publish.server.site import not_found

            return not_found(request)  # a browser gets the site's 404 page
        return error(404 if isinstance(exc, UnknownHelper) else 400, str(exc))
    text = with_values(rebase(h.text, state.settings), init)
    return await run(state, text, request, RESULTS_FORMATS[fmt_ext].media_type if fmt_ext else None)
