"""``kopa-graph serve``: a read-only SPARQL endpoint and linked-data server.

Routes: ``/sparql`` (SPARQL 1.1 Protocol: GET, POST form, POST direct; a
service description on a plain GET), ``/queries`` and ``/queries/NAME`` (the
named helpers as URLs), ``/id/...`` (303 to ``/doc/...``), ``/doc/...`` (the
site's documents, negotiated as the static site is), ``/health``.

Read-only and bounded: updates are refused; SERVICE, FROM and LOAD are refused
before evaluation; queries run in killable worker processes with a time and
memory limit; results, query length and request bodies are capped; errors
never carry a stack trace or a file path.
"""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from kopa_graph import conneg
from kopa_graph.queries import QueryError, bindings, helper, helpers, rebase, with_values
from kopa_graph.settings import Settings
from kopa_graph.sparqlscan import scan
from kopa_graph.sparqlworker import GRAPH_FORMATS, RESULT_FORMATS, QueryFailed, QueryPool

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 10_000
MAX_BODY = 100_000
_RESULTS = tuple(conneg.Representation(k, v, 1.0 if k == "json" else 0.9) for k, v in RESULT_FORMATS.items())
_GRAPHS = tuple(conneg.Representation(k, v, 1.0 if k == "turtle" else 0.9) for k, v in GRAPH_FORMATS.items())


@dataclass
class ServerState:
    pool: QueryPool
    site: Path
    settings: Settings
    graph: Graph


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


async def _run(state: ServerState, text: str, request: Request, accept: str | None = None) -> Response:
    if len(text) > MAX_QUERY_LENGTH:
        if request.method == "GET":
            return _error(414, f"the query is longer than {MAX_QUERY_LENGTH} characters; a long query is better "
                               "sent by POST, but this one is too long anyway")
        return _error(413, f"the query is longer than {MAX_QUERY_LENGTH} characters")
    checked = scan(text)  # microseconds; the engine in the worker parses and reports syntax errors
    if checked.refusal is not None:
        return _error(403 if checked.update else 400, checked.refusal)
    construct = checked.form in ("CONSTRUCT", "DESCRIBE")
    accept = accept or request.headers.get("accept")
    chosen = conneg.choose(accept, _GRAPHS if construct else _RESULTS)
    if chosen is None and accept and "*/*" not in accept:
        return _error(406, "acceptable: " + ", ".join(r.media_type for r in (_GRAPHS if construct else _RESULTS)))
    chosen = chosen or (_GRAPHS if construct else _RESULTS)[0]
    fmt = chosen.extension
    try:
        answer = await state.pool.run(text, fmt if not construct else "json", fmt if construct else "turtle")
    except QueryFailed as exc:
        if exc.kind == "timeout":
            return _error(503, str(exc), {"Retry-After": "5"})
        if exc.kind == "busy":
            return _error(503, str(exc), {"Retry-After": "1"})
        if exc.kind == "too-many-rows":
            return _error(413, str(exc))
        if exc.kind == "memory":
            return _error(503, str(exc))
        return _error(400, str(exc))
    body = answer.body
    if answer.form == "graph" and fmt == "json-ld":
        from kopa_graph.jsonld import jsonld

        body = jsonld(Graph().parse(data=body, format="nt"), state.settings.id_base)
    media = chosen.media_type + ("; charset=utf-8" if chosen.media_type.startswith("text/") else "")
    return Response(body, media_type=media, headers={"Vary": "Accept"})


def _description(state: ServerState, request: Request) -> Response:
    endpoint = str(request.url.replace(query=""))
    ttl = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
<{endpoint}> a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON>, <http://www.w3.org/ns/formats/SPARQL_Results_XML>,
        <http://www.w3.org/ns/formats/SPARQL_Results_CSV>, <http://www.w3.org/ns/formats/SPARQL_Results_TSV>,
        <http://www.w3.org/ns/formats/Turtle>, <http://www.w3.org/ns/formats/N-Triples>, <http://www.w3.org/ns/formats/JSON-LD> ;
    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ; void:triples {state.pool.triples} ] ] .
"""
    return Response(ttl, media_type="text/turtle; charset=utf-8")


async def sparql(request: Request) -> Response:
    state: ServerState = request.app.state.kopa
    if request.method == "GET":
        if "update" in request.query_params:
            return _error(403, "this endpoint is read-only: SPARQL Update is refused")
        if "query" not in request.query_params:
            return _description(state, request)
        return await _run(state, request.query_params["query"], request)
    if request.method != "POST":
        return _error(405, "this endpoint is read-only: only GET and POST of queries")
    size = int(request.headers.get("content-length") or 0)
    if size > MAX_BODY:
        return _error(413, f"the request body is larger than {MAX_BODY} bytes")
    body = await request.body()
    if len(body) > MAX_BODY:
        return _error(413, f"the request body is larger than {MAX_BODY} bytes")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/sparql-update":
        return _error(403, "this endpoint is read-only: SPARQL Update is refused")
    if ctype == "application/sparql-query":
        return await _run(state, body.decode("utf-8", "replace"), request)
    if ctype == "application/x-www-form-urlencoded":
        form = await request.form()
        if "update" in form:
            return _error(403, "this endpoint is read-only: SPARQL Update is refused")
        if "query" in form:
            return await _run(state, str(form["query"]), request)
        return _error(400, "a form POST needs a 'query' field")
    return _error(415, "send application/sparql-query or application/x-www-form-urlencoded")


async def queries(request: Request) -> Response:
    items = [{"name": h.name, "title": h.title, "description": h.description, "url": f"/queries/{h.name}",
              "parameters": [{"name": p.name, "type": p.type, "required": p.required, "example": p.example}
                             for p in h.params]} for h in helpers().values()]
    return JSONResponse(items)


async def named_query(request: Request) -> Response:
    state: ServerState = request.app.state.kopa
    name = request.path_params["name"]
    fmt_ext = None
    for ext in ("json", "csv"):
        if name.endswith("." + ext):
            name, fmt_ext = name[: -len(ext) - 1], ext
    try:
        h = helper(name)
        init = bindings(h, dict(request.query_params))
    except QueryError as exc:
        return _error(404 if "no query helper" in str(exc) else 400, str(exc))
    text = with_values(rebase(h.text, state.settings), init)
    return await _run(state, text, request, RESULT_FORMATS[fmt_ext] if fmt_ext else None)


async def identify(request: Request) -> Response:
    return RedirectResponse(f"/doc/{request.path_params['path']}", status_code=303, headers={"Vary": "Accept"})


async def document(request: Request) -> Response:
    state: ServerState = request.app.state.kopa
    path = request.path_params["path"]
    if ".." in path.split("/") or path.startswith("/") or "\\" in path or "\x00" in path:
        return _error(404, "not found")
    base = (state.site / "doc" / path).resolve()
    if not str(base).startswith(str((state.site / "doc").resolve()) + "/"):
        return _error(404, "not found")
    headers = {"Link": conneg.link_header(f"/doc/{path.rsplit('.', 1)[0] if _has_ext(path) else path}")}
    if _has_ext(path):
        return FileResponse(base, headers=headers) if base.is_file() else _error(404, "not found")
    chosen = conneg.choose(request.headers.get("accept"))
    headers["Vary"] = "Accept"
    if chosen is None:
        return Response((state.site / "_config" / "406.html").read_bytes(), status_code=406,
                        media_type="text/html; charset=utf-8", headers=headers)
    target = Path(f"{base}.{chosen.extension}")
    if not target.is_file():
        return _error(404, "not found")
    return FileResponse(target, media_type=chosen.media_type, headers=headers)


def _has_ext(path: str) -> bool:
    return path.endswith(tuple(f".{r.extension}" for r in conneg.REPRESENTATIONS))


async def health(request: Request) -> Response:
    state: ServerState = request.app.state.kopa
    return JSONResponse({"status": "ok", "triples": state.pool.triples})


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.exception("internal error")
    return _error(500, "internal error", dict(conneg.SECURITY_HEADERS))  # answered outside the middleware


#: The most header bytes a request may carry (names and values); more is 431.
MAX_HEADER_BYTES = 32 * 1024


class SecurityHeaders:
    """ASGI middleware: every response carries :data:`kopa_graph.conneg.SECURITY_HEADERS` (the
    Content-Security-Policy among them), errors and redirects included; a request whose headers exceed
    :data:`MAX_HEADER_BYTES` is answered 431 before any route sees it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in conneg.SECURITY_HEADERS]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        size = sum(len(k) + len(v) for k, v in scope["headers"])
        if size > MAX_HEADER_BYTES:
            body = json.dumps({"error": f"the request's headers are {size} bytes; at most {MAX_HEADER_BYTES} "
                                        "are read"}).encode()
            await send({"type": "http.response.start", "status": 431, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                *self.headers]})
            await send({"type": "http.response.body", "body": body})
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(graph: Graph, settings: Settings, workers: int = 2, timeout: float = 10.0, memory_mb: int = 2048,
               max_rows: int = 10_000, site_dir: Path | None = None, data_dir: Path | None = None,
               sandbox: bool = True) -> Starlette:
    """The ASGI application over ``graph`` (validated by the caller); its pages are the static site in
    ``site_dir``, or one built here from ``data_dir`` (the source data ``graph`` was built from).
    Query workers are confined (:mod:`kopa_graph.sandbox`) unless ``sandbox=False``; where they cannot
    be, :class:`kopa_graph.sandbox.SandboxUnavailable`."""
    from kopa_graph.ntriples import ntriples

    pool = QueryPool(ntriples(graph), workers, timeout, memory_mb, max_rows, sandbox=sandbox)
    if site_dir is None:
        from kopa_graph.sitebuild import build_site

        site_dir = Path(tempfile.mkdtemp(prefix="kopa-site-")) / "www"
        build_site(site_dir, settings, data_dir)
    app = Starlette(
        routes=[Route("/sparql", sparql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
                Route("/queries", queries), Route("/queries/{name}", named_query),
                Route("/id/{path:path}", identify), Route("/doc/{path:path}", document), Route("/health", health)],
        middleware=[Middleware(SecurityHeaders),
                    Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                               allow_headers=["Accept", "Content-Type"])],
        exception_handlers={Exception: _internal_error},
    )
    app.state.kopa = ServerState(pool, site_dir, settings, graph)
    return app


def serve(host: str, port: int, settings: Settings, data_dir: Path | None = None, **limits: Any) -> None:
    import uvicorn

    from kopa_graph.pipeline import build_and_validate

    graph = build_and_validate(data_dir, settings)[0].graph
    app = create_app(graph, settings, data_dir=data_dir, **limits)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, limit_concurrency=64,
                h11_max_incomplete_event_size=16384)


__all__ = ["create_app", "json", "serve"]
