"""``kopa-graph serve``: a read-only SPARQL endpoint and linked-data server.

Routes: ``/sparql`` (SPARQL 1.1 Protocol: GET, POST form, POST direct; a
service description on a plain GET, the query editor for a browser), ``/queries``
and ``/queries/NAME`` (the named helpers as URLs, and as pages for a browser:
:mod:`kopa_graph.publish.server.pages`), ``/health``, and the whole static site
as nginx and Apache serve it (:mod:`kopa_graph.publish.server.site`): ``/`` in
the reader's language, ``/id/...`` (303 to ``/doc/...``), ``/doc/...``, the
ontology and shapes, VoID, downloads, a styled 404 for browsers.

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
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kopa_graph.publish import conneg
from kopa_graph.publish.remote import RemoteStore
from kopa_graph.publish.server import pages, site
from kopa_graph.publish.server.connections import Bounds, SecurityHeaders, uvicorn_server
from kopa_graph.publish.server.protocol import error, named_query, queries
from kopa_graph.publish.server.protocol import sparql as sparql_route
from kopa_graph.publish.server.store_pages import Release
from kopa_graph.query.worker import QueryPool
from kopa_graph.scratch import Scratch
from kopa_graph.settings import SERVER_LIMITS, Settings
from kopa_graph.validation.validate import Validated

if TYPE_CHECKING:
    import uvicorn

log = logging.getLogger(__name__)

#: After SIGTERM or SIGINT, how long answers already under way may take before they are cut off.
SHUTDOWN_GRACE = 3
#: After SIGTERM or SIGINT the process is gone within this many seconds (the grace, then closing the workers).
SHUTDOWN_SECONDS = 5.0


@dataclass
class ServerState:
    pool: QueryPool | RemoteStore  # the engine queries go to: the workers, or a remote store
    site: Path
    settings: Settings
    owned: Scratch | None = None  # a temporary folder the server made for the site, removed on close
    sparql: bool = True  # whether /sparql (and its editor) answers queries; the helpers always do
    release: Release | None = None  # over a remote store: what /doc pages take from the release served
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


async def health(request: Request) -> Response:
    state: ServerState = request.app.state.kopa
    return JSONResponse({"status": "ok", "triples": state.pool.triples})


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.exception("internal error")
    return error(500, "internal error", dict(conneg.SECURITY_HEADERS))  # answered outside the middleware


_PHRASES = {404: "not found", 405: "method not allowed"}


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own answers (an unrouted path, a method a route does not take) in the one error shape."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return site.not_found(request)
    message = _PHRASES.get(exc.status_code, str(exc.detail).lower())
    if exc.headers and "Allow" in exc.headers:
        message += f"; this path takes {exc.headers['Allow']}"
    return error(exc.status_code, message, exc.headers)


class _NamesNothing:
    """ASGI middleware: a path holding a control character (``%0a`` ...) names nothing here, 404 as nginx
    answers; the routes' patterns would otherwise take it (``$`` matches before a final newline)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and any(ord(c) < 0x20 or c == "\x7f" for c in scope["path"]):
            await site.not_found(Request(scope))(scope, receive, send)
            return
        await self.app(scope, receive, send)


class _Cors(CORSMiddleware):
    """CORS for pages and scripts of any origin (GET and POST); a preflight asking for more is refused in the
    one error shape, not Starlette's plain text."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        kept = {k: v for k, v in response.headers.items() if k.lower() not in ("content-type", "content-length")}
        return error(400, "this cross-origin request asks for a method or a header the endpoint does not take "
                          "(it takes GET and POST, with Accept and Content-Type)", kept)


def create_app(graph: Graph | None, settings: Settings, site_dir: Path, workers: int = SERVER_LIMITS.workers,
               timeout: float = SERVER_LIMITS.timeout, memory_mb: int = SERVER_LIMITS.memory_mb,
               max_rows: int = SERVER_LIMITS.max_rows, sandbox: bool = True,
               owned: Scratch | None = None, store: RemoteStore | None = None, sparql: bool = True,
               release: Release | None = None, cache_mb: int = SERVER_LIMITS.cache_mb) -> Starlette:
    """The ASGI application over ``graph`` (validated by the caller), its pages the static site in
    ``site_dir``; ``owned``, the temporary folder holding that site, goes when the app closes.
    Query workers are confined (:mod:`kopa_graph.query.sandbox`) unless ``sandbox=False``; where they cannot
    be, :class:`kopa_graph.query.sandbox.SandboxUnavailable`. With ``store`` (a remote SPARQL store,
    :mod:`kopa_graph.publish.remote`) queries go to it and no worker is started (``graph`` may be None), and
    with ``release`` /doc pages are made from the store (:mod:`kopa_graph.publish.server.store_pages`);
    ``sparql=False`` turns ``/sparql`` and its editor off (404), the helpers still answer. ``cache_mb``
    bounds the workers' answer cache (:mod:`kopa_graph.query.cache`; 0: none; never over a store)."""
    if store is not None:
        engine: QueryPool | RemoteStore = store
    else:
        from kopa_graph.rdfio.ntriples import ntriples

        assert graph is not None, "a graph, or a remote store"
        engine = QueryPool(ntriples(graph), workers, timeout, memory_mb, max_rows, sandbox=sandbox, cache_mb=cache_mb)
    app = Starlette(
        routes=[Route("/sparql", sparql_route, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
                Route("/queries", queries), Route("/queries/{name}", named_query),
                Route("/id/{path:path}", site.identify), Route("/doc/{path:path}", site.document),
                Route("/health", health), Route("/", site.index), Route("/static/{path:path}", pages.static),
                *(Route(f"/{name}", site.negotiated) for name in site.NEGOTIATED),
                Route("/{path:path}", site.site_file)],
        middleware=[Middleware(SecurityHeaders), Middleware(_NamesNothing),
                    Middleware(_Cors, allow_origins=["*"], allow_methods=["GET", "POST"],
                               allow_headers=["Accept", "Content-Type"])],
        exception_handlers={Exception: _internal_error, HTTPException: _http_error},
        lifespan=_lifespan,
    )
    app.router.redirect_slashes = False  # "/x/" that is not there is 404, never a redirect built from Host
    app.state.kopa = ServerState(engine, site_dir, settings, owned, sparql=sparql, release=release)
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


def http_server(app: Starlette, host: str, port: int, bounds: Bounds | None = None,
                announce: Callable[[str], None] | None = None) -> uvicorn.Server:
    """The uvicorn server ``serve`` runs ``app`` on (:func:`kopa_graph.publish.server.connections.uvicorn_server`): on
    SIGTERM or SIGINT the queries in flight are answered 503 at once, other answers get
    :data:`SHUTDOWN_GRACE` seconds, then the lifespan stops the workers and removes the temporary site; the
    process is gone within :data:`SHUTDOWN_SECONDS`. Once it listens, ``announce`` gets the line that says
    where (``http://127.0.0.1:8000/ (SPARQL at /sparql)``)."""
    state: ServerState = app.state.kopa

    def started(url: str) -> None:
        where = "SPARQL at /sparql" if state.sparql else "/sparql turned off"
        if isinstance(state.pool, RemoteStore):
            where += f"; queries go to {state.pool.endpoint}"
        if announce is not None:
            announce(f"{url} ({where})")

    return uvicorn_server(app, host, port, bounds or Bounds(), on_exit=app.state.kopa.stop, grace=SHUTDOWN_GRACE,
                          on_start=started)


def serve(validated: Validated, host: str, port: int, *, bounds: Bounds | None = None,
          announce: Callable[[str], None] | None = None, **limits: Any) -> None:
    """Serve a validated graph, and its site, on ``host:port`` until SIGTERM or SIGINT (``limits`` go to
    :func:`create_app`, ``bounds`` and ``announce`` to :func:`http_server`). The site is built from the same
    graph into a temporary folder, removed when the server stops (and by the next server if this one is
    killed)."""
    from kopa_graph.publish.site.build import build_site

    owned = Scratch("site", _scratch())  # a killed server's is removed by the next one
    try:
        build_site(validated, owned.path / "www", front_end=True)
        if limits.get("store") is not None:
            limits["release"] = Release.of(validated)
        app = create_app(validated.graph, validated.settings, owned.path / "www", owned=owned, **limits)
    except BaseException:
        owned.close()
        raise
    try:
        http_server(app, host, port, bounds, announce).run()
    finally:
        app.state.kopa.close()


__all__ = ["SHUTDOWN_SECONDS", "Bounds", "create_app", "http_server", "serve"]
