"""``kopa-graph serve``: a read-only SPARQL endpoint and linked-data server.

Routes: ``/sparql`` (SPARQL 1.1 Protocol: GET, POST form, POST direct; a
service description on a plain GET), ``/queries`` and ``/queries/NAME`` (the
named helpers as URLs), ``/id/...`` (303 to ``/doc/...``), ``/doc/...`` (the
site's documents, negotiated as the static site is), ``/health``.

Read-only and bounded: updates are refused; SERVICE, FROM and LOAD are refused
before evaluation; queries run in killable worker processes with a time and
memory limit; results, query length and request bodies are capped (a body is
read as it arrives and never held past the cap); errors never carry a stack
trace or a file path, and have one shape (JSON ``{"error": ...}``). The
connections under it are bounded in time and number by
:mod:`kopa_graph.publish.server.connections`; on SIGTERM or SIGINT queries in flight are
answered 503 and the process ends within :data:`SHUTDOWN_SECONDS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import urllib.parse
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from kopa_graph.publish import conneg
from kopa_graph.publish.server.connections import Bounds, SecurityHeaders, uvicorn_server
from kopa_graph.query.helpers import QueryError, UnknownHelper, bindings, helper, helpers, rebase, with_values
from kopa_graph.query.lexer import scan
from kopa_graph.query.worker import QueryFailed, QueryPool
from kopa_graph.rdfio.formats import RESULTS_FORMATS, graph_answer_formats, results_answer_formats
from kopa_graph.scratch import Scratch
from kopa_graph.settings import SERVER_LIMITS, Settings
from kopa_graph.validation.validate import Validated

if TYPE_CHECKING:
    import uvicorn

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 10_000
MAX_BODY = 100_000
#: Queries running or waiting for a worker; one more is answered 503 at once (other routes are not counted).
MAX_QUERIES_IN_FLIGHT = 64
#: After SIGTERM or SIGINT, how long answers already under way may take before they are cut off.
SHUTDOWN_GRACE = 3
#: After SIGTERM or SIGINT the process is gone within this many seconds (the grace, then closing the workers).
SHUTDOWN_SECONDS = 5.0
# conneg's choice among answer formats (the "extension" is the format's name)
_RESULTS = tuple(conneg.Representation(f.name, f.media_type, f.answer_quality) for f in results_answer_formats())
_GRAPHS = tuple(conneg.Representation(f.name, f.media_type, f.answer_quality or 0.0) for f in graph_answer_formats())


@dataclass
class ServerState:
    pool: QueryPool
    site: Path
    settings: Settings
    owned: Scratch | None = None  # a temporary folder the server made for the site, removed on close
    queries: set[asyncio.Task[Any]] = field(default_factory=set)  # the requests whose query is in flight
    stopping: bool = False

    def stop(self) -> None:
        """The server is going down: every query in flight is answered 503 now, later ones at once."""
        self.stopping = True
        for task in list(self.queries):
            task.cancel("the server is shutting down")

    def close(self) -> None:
        """Stop the query workers and remove the temporary site folder; a second call does nothing."""
        self.pool.close()
        if self.owned is not None:
            self.owned.close()
            self.owned = None


#: QueryFailed.kind -> HTTP status (and Retry-After, seconds); an unknown kind is 500 "internal error".
_STATUSES: dict[str, tuple[int, str | None]] = {
    "syntax": (400, None), "error": (400, None), "too-many-rows": (413, None), "timeout": (503, "5"),
    "busy": (503, "1"), "memory": (503, None), "crash": (503, "1"),
}
_SHUTTING_DOWN = "the server is shutting down; try again shortly"
_DATASET = ("default-graph-uri", "named-graph-uri")


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _failed(exc: QueryFailed) -> Response:
    status, retry = _STATUSES.get(exc.kind, (500, None))
    if status == 500:
        log.error("a query failed in an unknown way (%s): %s", exc.kind, exc)
        return _error(500, "internal error")
    return _error(status, str(exc), {"Retry-After": retry} if retry else None)


def _dataset_refused(names: Iterable[str]) -> Response | None:
    """The SPARQL 1.1 Protocol's dataset parameters, refused: there is one default graph and no named graphs,
    so a request naming graphs cannot be answered as asked (the protocol forbids ignoring them)."""
    given = sorted(set(names).intersection(_DATASET))
    if not given:
        return None
    return _error(400, f"{' and '.join(given)} cannot be honoured: this endpoint has one default graph (the "
                       "whole dataset) and no named graphs; send the query without "
                       f"{'it' if len(given) == 1 else 'them'}")


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
    if state.stopping:
        return _error(503, _SHUTTING_DOWN, {"Retry-After": "5", "Connection": "close"})
    if len(state.queries) >= MAX_QUERIES_IN_FLIGHT:
        return _error(503, f"{MAX_QUERIES_IN_FLIGHT} queries are in flight, the most this server takes; try again "
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
        return _error(503, _SHUTTING_DOWN, {"Retry-After": "5", "Connection": "close"})
    finally:
        state.queries.discard(task)
    body = answer.body
    if answer.form == "graph" and fmt == "json-ld":

        body = await asyncio.to_thread(_as_jsonld, body, state.settings.id_base)  # off the event loop
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
    sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON>, <http://www.w3.org/ns/formats/SPARQL_Results_XML>,
        <http://www.w3.org/ns/formats/SPARQL_Results_CSV>, <http://www.w3.org/ns/formats/SPARQL_Results_TSV>,
        <http://www.w3.org/ns/formats/Turtle>, <http://www.w3.org/ns/formats/N-Triples>, <http://www.w3.org/ns/formats/JSON-LD> ;
    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ; void:triples {state.pool.triples} ] ] .
"""
    return Response(ttl, media_type="text/turtle; charset=utf-8")


def _too_large() -> Response:
    # the rest of the body is never read: the connection is closed after the answer
    return _error(413, f"the request body is larger than {MAX_BODY} bytes", {"Connection": "close"})


async def _body(request: Request) -> bytes | Response:
    """The request body, read as it arrives and never held past :data:`MAX_BODY` bytes, whatever
    ``Content-Length`` says or whether the body comes chunked (how long it may take: kopa_graph.publish.server.connections)."""
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
        return _error(400, "the request body did not arrive whole")
    return b"".join(chunks)


def _one_query(values: list[str]) -> str | Response:
    if len(values) != 1:
        return _error(400, f"a request carries exactly one query; this one has {len(values)}")
    return values[0]


async def sparql(request: Request) -> Response:
    state: ServerState = request.app.state.kopa
    params = request.query_params
    if request.method == "GET":
        if "update" in params:
            return _error(403, "this endpoint is read-only: SPARQL Update is refused")
        if "query" not in params:
            return _dataset_refused(params.keys()) or _description(state, request)
        text = _dataset_refused(params.keys()) or _one_query(params.getlist("query"))
        return text if isinstance(text, Response) else await _run(state, text, request)
    if request.method != "POST":
        return _error(405, "this endpoint is read-only: only GET and POST of queries")
    if "update" in params:
        return _error(403, "this endpoint is read-only: SPARQL Update is refused")
    if "query" in params:  # never one of two queries silently
        return _error(400, "a POST carries its query in the body; this one also has a 'query' in its URL: send "
                           "one or the other")
    body = await _body(request)
    if isinstance(body, Response):
        return body
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/sparql-update":
        return _error(403, "this endpoint is read-only: SPARQL Update is refused")
    if ctype == "application/sparql-query":
        refused = _dataset_refused(params.keys())
        return refused or await _run(state, body.decode("utf-8", "replace"), request)
    if ctype == "application/x-www-form-urlencoded":
        form = urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        names = {name for name, _ in form}
        if "update" in names:
            return _error(403, "this endpoint is read-only: SPARQL Update is refused")
        refused = _dataset_refused([*names, *params.keys()])
        if refused is not None:
            return refused
        if "query" not in names:
            return _error(400, "a form POST needs a 'query' field")
        text = _one_query([value for name, value in form if name == "query"])
        return text if isinstance(text, Response) else await _run(state, text, request)
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
        repeated = sorted({k for k in request.query_params if len(request.query_params.getlist(k)) > 1})
        if repeated:
            return _error(400, f"{name}: parameter {repeated[0]!r} is given more than once; give it once")
        init = bindings(h, dict(request.query_params))
    except QueryError as exc:
        return _error(404 if isinstance(exc, UnknownHelper) else 400, str(exc))
    text = with_values(rebase(h.text, state.settings), init)
    return await _run(state, text, request, RESULTS_FORMATS[fmt_ext].media_type if fmt_ext else None)


async def identify(request: Request) -> Response:
    return RedirectResponse(f"/doc/{request.path_params['path']}", status_code=303, headers={"Vary": "Accept"})


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a file; a name the system cannot even look up (too long, ...) is none."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


async def document(request: Request) -> Response:
    state: ServerState = request.app.state.kopa
    path = request.path_params["path"]
    if ".." in path.split("/") or path.startswith("/") or "\\" in path or "\x00" in path:
        return _error(404, "not found")
    try:
        base = (state.site / "doc" / path).resolve()
    except (OSError, ValueError):
        return _error(404, "not found")
    if not str(base).startswith(str((state.site / "doc").resolve()) + "/"):
        return _error(404, "not found")
    link = urllib.parse.quote(f"/doc/{path.rsplit('.', 1)[0] if _has_ext(path) else path}", safe="/")
    headers = {"Link": conneg.link_header(link)}
    if _has_ext(path):
        return FileResponse(base, headers=headers) if _is_file(base) else _error(404, "not found")
    chosen = conneg.choose(request.headers.get("accept"))
    headers["Vary"] = "Accept"
    if chosen is None:
        return Response((state.site / "_config" / "406.html").read_bytes(), status_code=406,
                        media_type="text/html; charset=utf-8", headers=headers)
    target = Path(f"{base}.{chosen.extension}")
    if not _is_file(target):
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


_PHRASES = {404: "not found", 405: "method not allowed"}


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own answers (an unrouted path, a method a route does not take) in the one error shape."""
    assert isinstance(exc, HTTPException)
    message = _PHRASES.get(exc.status_code, str(exc.detail).lower())
    if exc.headers and "Allow" in exc.headers:
        message += f"; this path takes {exc.headers['Allow']}"
    return _error(exc.status_code, message, exc.headers)


def create_app(graph: Graph, settings: Settings, site_dir: Path, workers: int = SERVER_LIMITS.workers,
               timeout: float = SERVER_LIMITS.timeout, memory_mb: int = SERVER_LIMITS.memory_mb,
               max_rows: int = SERVER_LIMITS.max_rows, sandbox: bool = True,
               owned: Scratch | None = None) -> Starlette:
    """The ASGI application over ``graph`` (validated by the caller), its pages the static site in
    ``site_dir``; ``owned``, the temporary folder holding that site, goes when the app closes.
    Query workers are confined (:mod:`kopa_graph.query.sandbox`) unless ``sandbox=False``; where they cannot
    be, :class:`kopa_graph.query.sandbox.SandboxUnavailable`."""
    from kopa_graph.rdfio.ntriples import ntriples

    pool = QueryPool(ntriples(graph), workers, timeout, memory_mb, max_rows, sandbox=sandbox)
    app = Starlette(
        routes=[Route("/sparql", sparql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
                Route("/queries", queries), Route("/queries/{name}", named_query),
                Route("/id/{path:path}", identify), Route("/doc/{path:path}", document), Route("/health", health)],
        middleware=[Middleware(SecurityHeaders),
                    Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                               allow_headers=["Accept", "Content-Type"])],
        exception_handlers={Exception: _internal_error, HTTPException: _http_error},
        lifespan=_lifespan,
    )
    app.state.kopa = ServerState(pool, site_dir, settings, owned)
    return app


def _scratch() -> str | None:
    """Where the server's own copy of the site goes: ``$TMPDIR`` when set, else ``/dev/shm`` where it is a
    writable file system with room (the site is about 25 MB in some 4,000 files, and removing that many
    synced files from a slow disk took 12 s here, more than the shutdown bound), else the system's
    temporary folder (None: :mod:`tempfile` chooses)."""
    if os.environ.get("TMPDIR"):
        return None
    try:
        fs = os.statvfs("/dev/shm")
    except (AttributeError, OSError):
        return None
    return "/dev/shm" if fs.f_bavail * fs.f_frsize > 256 * 2**20 and os.access("/dev/shm", os.W_OK) else None


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    yield
    app.state.kopa.close()  # the workers and the temporary site go with the server, however it is stopped


def http_server(app: Starlette, host: str, port: int, bounds: Bounds | None = None) -> uvicorn.Server:
    """The uvicorn server ``serve`` runs ``app`` on (:func:`kopa_graph.publish.server.connections.uvicorn_server`): on
    SIGTERM or SIGINT the queries in flight are answered 503 at once, other answers get
    :data:`SHUTDOWN_GRACE` seconds, then the lifespan stops the workers and removes the temporary site; the
    process is gone within :data:`SHUTDOWN_SECONDS`."""
    return uvicorn_server(app, host, port, bounds or Bounds(), on_exit=app.state.kopa.stop, grace=SHUTDOWN_GRACE)


def serve(validated: Validated, host: str, port: int, *, bounds: Bounds | None = None, **limits: Any) -> None:
    """Serve a validated graph, and its site, on ``host:port`` until SIGTERM or SIGINT (``limits`` go to
    :func:`create_app`, ``bounds`` to :func:`http_server`). The site is built from the same graph into a
    temporary folder, removed when the server stops (and by the next server if this one is killed)."""
    from kopa_graph.publish.site.build import build_site

    owned = Scratch("site", _scratch())  # a killed server's is removed by the next one
    try:
        build_site(validated, owned.path / "www")
        app = create_app(validated.graph, validated.settings, owned.path / "www", owned=owned, **limits)
    except BaseException:
        owned.close()
        raise
    try:
        http_server(app, host, port, bounds).run()
    finally:
        app.state.kopa.close()


__all__ = ["MAX_BODY", "SHUTDOWN_SECONDS", "Bounds", "create_app", "http_server", "serve"]
