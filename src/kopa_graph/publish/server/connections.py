"""The HTTP layer under ``kopa-graph serve``: its connections (:class:`BoundedHttp`), the headers every
answer carries (:class:`SecurityHeaders`) and the uvicorn server that runs them (:func:`uvicorn_server`).
The application (routes, queries, pages) is :mod:`kopa_graph.publish.server.app`.

uvicorn (0.30-0.54) reads a request's head for as long as the client takes,
counts open connections (not requests) against ``limit_concurrency`` so that
clients still sending their head make every other request 503, and takes a
POST carrying ``Connection: Upgrade`` and ``Upgrade: h2c`` (as Java's
``HttpClient`` sends them: Jena's ``rsparql`` and ``RDFConnection``, a Fuseki
``SERVICE`` call) as ending at its head: httptools stops there, and the body is
never read. :class:`BoundedHttp` changes those things and nothing else:

- A request's head must be complete :attr:`Bounds.head_seconds` after the
  connection opened or the request's first byte arrived, and its body
  :attr:`Bounds.body_seconds` after the head; otherwise the client gets 408 and
  the connection is closed. Time in which the server itself is not reading (its
  flow control, or a request ahead of it still being answered) does not count.
- A head over :attr:`Bounds.head_bytes` is 431 (414 while it is still the request line) and the
  connection is closed.
- At most :attr:`Bounds.connections` connections; one more is answered 503 with
  ``Retry-After`` and closed. A connection holds no other resource: requests in
  flight are limited by the application (:mod:`kopa_graph.publish.server.app`), so clients
  still sending their head never keep a request from being answered.
- ``Upgrade`` is ignored, as RFC 9110 (section 7.8) allows: the request is read
  as the HTTP/1.1 request it also is, body included, and answered in HTTP/1.1
  (the Java client then goes on in HTTP/1.1). ``CONNECT`` is refused.
- A ``Transfer-Encoding`` other than ``chunked`` (``gzip, chunked``) is 501, not ignored.
- Every answer of its own (400, 405, 408, 414, 431, 501, 503) is the application's JSON error
  shape with the security headers, and closes the connection.

A reverse proxy in front of a public server is still recommended (SECURITY.md).
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
from asyncio import TimerHandle, Transport
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, cast

import httptools
import uvicorn
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from kopa_graph.publish.conneg import SECURITY_HEADERS

log = logging.getLogger(__name__)

_HEAD, _BODY, _IDLE, _UPGRADE, _DONE = "head", "body", "idle", "upgrade", "done"
_HOP = (b"upgrade", b"http2-settings")


@dataclass(frozen=True)
class Bounds:
    """How long and how large a request may be on the wire, and how many connections are held."""

    head_seconds: float = 10.0
    body_seconds: float = 10.0
    head_bytes: int = 64 * 1024
    connections: int = 1000


def error_bytes(status: int, message: str, extra: tuple[tuple[str, str], ...] = ()) -> bytes:
    """A whole HTTP/1.1 answer in the server's error shape (JSON, security headers) that closes the connection."""
    body = json.dumps({"error": message}).encode()
    headers = [("content-type", "application/json"), ("content-length", str(len(body))), ("connection", "close"),
               *extra, *SECURITY_HEADERS]
    return STATUS_LINE[status] + "".join(f"{k}: {v}\r\n" for k, v in headers).encode("latin-1") + b"\r\n" + body


class BoundedHttp(HttpToolsProtocol):
    """uvicorn's httptools protocol with the bounds described in the module's docstring."""

    bounds: ClassVar[Bounds] = Bounds()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._phase = _HEAD  # the first request's head is due from the moment the connection opens
        self._timer: TimerHandle | None = None
        self._head_bytes = 0
        self._big = False
        self._began = self._shared = False  # whether a request began, or one ended, in the bytes being fed
        self._head_line = (b"", "1.1")
        self._refusal: tuple[int, str] | None = None

    # -- connection ---------------------------------------------------------------------------------------
    def connection_made(self, transport: Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.bounds.connections:
            self._answer(503, f"the server holds {self.bounds.connections} connections, its most; try again "
                              "shortly", (("retry-after", "1"),))
            return
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self._phase = _DONE
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._phase == _DONE:
            return
        self._unset_keepalive_if_required()
        self._began = self._shared = False
        self._big = len(data) > self.bounds.head_bytes  # a whole head in this read could be too long
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade as upgrade:
            self._without_upgrade(data[int(upgrade.args[0]):])
            return
        except httptools.HttpParserError as exc:
            if self._refusal is None:
                log.debug("invalid HTTP request: %s", exc)
            self._answer(*(self._refusal or (400, "the request is not valid HTTP/1.1")))
            return
        if self._phase == _HEAD:  # the head is still incomplete: what arrived since it began was head
            if not self._began:
                self._head_bytes += len(data)
            else:  # when a request before it ended in the same read, its complete lines at least
                self._head_bytes = self._head_size() if self._shared else len(data)
            if self._head_bytes > self.bounds.head_bytes:
                self._answer(*self._too_long())
                return
        if self._phase in (_HEAD, _BODY) and self._timer is None:
            self._arm()

    def send_400_response(self, msg: str) -> None:
        self._answer(400, "the request is not valid HTTP/1.1")

    # -- parser callbacks -----------------------------------------------------------------------------------
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._phase, self._head_bytes, self._began = _HEAD, 0, True

    def _head_size(self) -> int:
        """The request line and the complete header lines read so far (without their framing)."""
        return len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)

    def _too_long(self) -> tuple[int, str]:
        if self.headers and len(self.url) <= self.bounds.head_bytes:
            return 431, f"the request's head is over {self.bounds.head_bytes} bytes"
        return 414, f"the request's request line is over {self.bounds.head_bytes} bytes"

    def on_headers_complete(self) -> None:
        self._disarm()
        if self._big and self._head_size() > self.bounds.head_bytes:  # it came whole in one long read
            self._refusal = self._too_long()
            raise ValueError(self._refusal[1])  # the parser stops; data_received answers the refusal
        codings = [c.strip().lower() for name, value in self.headers if name == b"transfer-encoding"
                   for c in value.split(b",") if c.strip()]
        if any(c != b"chunked" for c in codings):  # gzip, compress, deflate: none is decoded here
            self._refusal = (501, "the request's Transfer-Encoding is not supported: send the body as it is, "
                                  "or chunked")
            raise ValueError(self._refusal[1])
        if self.parser.should_upgrade():  # httptools will skip the body and stop: the head is read again below
            self._phase = _UPGRADE
            self._head_line = (self.parser.get_method(), self.parser.get_http_version())
            return
        self._phase = _BODY
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        if self._phase == _UPGRADE:
            return
        self._disarm()
        self._phase, self._shared = _IDLE, True
        super().on_message_complete()

    # -- what this class adds ---------------------------------------------------------------------------------
    def _without_upgrade(self, rest: bytes) -> None:
        """Read the request again from its head without ``Upgrade``, then whatever followed it."""
        method, version = self._head_line
        if method == b"CONNECT":
            self._answer(405, "this server does not tunnel (CONNECT)")
            return
        if self._phase != _UPGRADE:  # pragma: no cover - the head read again carries no Upgrade
            self._answer(400, "the request is not valid HTTP/1.1")
            return
        lines = [method + b" " + self.url + b" HTTP/" + version.encode("ascii")]
        for name, value in self.headers:
            if name in _HOP:
                continue
            if name == b"connection":
                tokens = [t.strip() for t in value.split(b",") if t.strip() and t.strip().lower() not in _HOP]
                if not tokens:
                    continue
                value = b", ".join(tokens)
            lines.append(name + b": " + value)
        self.parser = httptools.HttpRequestParser(self)
        with contextlib.suppress(AttributeError):  # httptools < 0.6.3
            self.parser.set_dangerous_leniencies(lenient_data_after_close=True)  # as uvicorn does
        self._phase = _IDLE
        self.data_received(b"\r\n".join(lines) + b"\r\n\r\n" + rest)

    def _arm(self) -> None:
        seconds = self.bounds.head_seconds if self._phase == _HEAD else self.bounds.body_seconds
        self._timer = self.loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expired(self) -> None:
        self._timer = None
        if self._phase not in (_HEAD, _BODY) or self.transport.is_closing():
            return
        answering = self.cycle is not None and not self.cycle.response_complete
        if self.flow.read_paused or (self._phase == _HEAD and answering):
            self._arm()  # the server is not reading, or still answers the request before: not the client's delay
            return
        what, seconds = ("head", self.bounds.head_seconds) if self._phase == _HEAD else ("body",
                                                                                         self.bounds.body_seconds)
        self._answer(408, f"the request's {what} did not arrive within {seconds:g} s")

    def _answer(self, status: int, message: str, extra: tuple[tuple[str, str], ...] = ()) -> None:
        """Answer ``status`` unless a response has begun, and close the connection; a request the application
        is still reading sees the client gone."""
        self._disarm()
        phase, self._phase = self._phase, _DONE
        cycle = self.cycle  # the request being answered, or the one before this head
        if cycle is None or not cycle.response_started or (cycle.response_complete and phase != _BODY):
            self.transport.write(error_bytes(status, message, extra))
        if cycle is not None and not cycle.response_complete:
            cycle.disconnected = True
            cycle.message_event.set()
        self.transport.close()


def protocol(bounds: Bounds) -> type[BoundedHttp]:
    """The protocol class for uvicorn's ``Config(http=...)`` with these bounds."""
    return cast("type[BoundedHttp]", type("BoundedHttp", (BoundedHttp,), {"bounds": bounds}))


class _Server(uvicorn.Server):
    """uvicorn's server, calling ``on_exit`` as soon as it begins to shut down (before it waits for answers),
    and ``on_start`` with the address it listens on once its socket is bound (port 0: the port it got)."""

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None],
                 on_start: Callable[[str], None] | None = None) -> None:
        super().__init__(config)
        self.on_exit = on_exit
        self.on_start = on_start

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.on_start is not None and not self.should_exit and getattr(self, "servers", None):
            host, port = self.servers[0].sockets[0].getsockname()[:2]
            self.on_start(f"http://{f'[{host}]' if ':' in host else host}:{port}/")

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.on_exit()
        await super().shutdown(sockets)


def uvicorn_server(app: Any, host: str, port: int, bounds: Bounds, on_exit: Callable[[], None],
                   grace: int, on_start: Callable[[str], None] | None = None) -> uvicorn.Server:
    """uvicorn over ``app`` on :class:`BoundedHttp` with ``bounds`` (no WebSocket, so no ``Upgrade`` is taken),
    uvloop where installed, no access log and at most ``grace`` seconds for answers under way once SIGTERM or
    SIGINT came (uvicorn's own default waits for ever); ``on_exit`` is called when that begins, ``on_start``
    with the server's address (``http://127.0.0.1:8000/``) once it listens."""
    config = uvicorn.Config(app, host=host, port=port, http=protocol(bounds), ws="none", lifespan="on",
                            log_level="warning", access_log=False, timeout_graceful_shutdown=grace)
    return _Server(config, on_exit, on_start)


#: The most header bytes a request may carry (names and values); more is 431.
MAX_HEADER_BYTES = 32 * 1024


class SecurityHeaders:
    """ASGI middleware: every response carries :data:`kopa_graph.publish.conneg.SECURITY_HEADERS` (the
    Content-Security-Policy among them), errors and redirects included, unless it sets one of them itself
    (the query editor and the helpers' pages set their own policy); a request whose headers exceed
    :data:`MAX_HEADER_BYTES` is answered 431 before any route sees it. ``Range`` and ``If-Range`` are
    dropped: every answer is whole (RFC 9110 lets a server ignore them), so no library answers a bad range in
    a shape of its own."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS]

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
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() not in (b"range", b"if-range")]}

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":  # a page that sets its own policy keeps it
                own = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in self.headers if h[0] not in own)]
            await send(message)

        await self.app(scope, receive, with_headers)
