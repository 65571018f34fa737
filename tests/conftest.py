"""Shared fixtures. Paths are found relative to this file, never the working directory."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from kopa_graph import Settings, build_graph, load_source_data
from kopa_graph.graph.build import BuiltGraph

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
SMALL = FIXTURES / "small"
GOLDEN = TESTS / "golden"
#: The small fixture's triples: the lines of its golden N-Triples (reviewed whenever the golden changes), so a
#: test that reads the count from a command's output pins nothing of its own.
SMALL_TRIPLES = sum(1 for line in (GOLDEN / "small.nt").read_text(encoding="utf-8").splitlines() if line.strip())


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden files under tests/golden from the current output")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def small_built(settings: Settings) -> BuiltGraph:
    return build_graph(load_source_data(SMALL), settings)


@pytest.fixture(scope="session")
def shipped_built(settings: Settings) -> BuiltGraph:
    return build_graph(load_source_data(ROOT / "data"), settings)


@pytest.fixture()
def small_copy(tmp_path: Path) -> Path:
    """A writable copy of the small fixture data, to break in a test."""
    dest = tmp_path / "data"
    shutil.copytree(SMALL, dest)
    return dest


def need_peer(present: bool, what: str, install: str) -> None:
    """A real peer program (rapper, nginx, Chromium, Oxigraph) a test runs against: skipped on a developer's
    machine that lacks it, a failure in CI, which sets KOPA_REQUIRE_PEERS and installs every peer."""
    if present:
        return
    if os.environ.get("KOPA_REQUIRE_PEERS"):
        pytest.fail(f"{what} is required here ({install})")
    pytest.skip(f"{what} is not installed ({install})")


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A live OpenLink Virtuoso 7 on loopback (tests/virtuoso.py): CI's, named by ``KOPA_VIRTUOSO_URL``, or one
    started here for the session. Tests sharing it write only graphs whose IRIs are their own."""
    import virtuoso as launcher  # tests/virtuoso.py

    url = os.environ.get("KOPA_VIRTUOSO_URL")
    if url:
        yield launcher.Virtuoso(url.rstrip("/"), 0, Path(os.environ.get("KOPA_VIRTUOSO_DIR", "/tmp")))
        return
    need_peer(launcher.binary() is not None, "OpenLink Virtuoso (virtuoso-t)", "apt-get install virtuoso-opensource")
    server = launcher.start(tmp_path_factory.mktemp("virtuoso"))
    yield server
    launcher.stop(server.pid)


def jena_classpath(tmp: Path) -> str | None:
    """Debian's Jena (libapache-jena-java) and what it needs, with the fix its 4.5.0 build needs: the bundled
    Xerces classes moved to ``xerces.*`` but their message files did not (shared/ENGINES.md)."""
    java_dir = Path("/usr/share/java")
    if shutil.which("java") is None or not (java_dir / "jena-arq.jar").exists():
        return None
    fix = tmp / "jena-xerces-messages.jar"
    with zipfile.ZipFile(java_dir / "jena-core.jar") as core, zipfile.ZipFile(fix, "w") as out:
        for name in core.namelist():
            if name.startswith("org/apache/jena/ext/xerces/impl/") and not name.endswith("/"):
                out.writestr(name.replace("org/apache/jena/ext/xerces/impl/", "xerces/impl/", 1), core.read(name))
    needed = ["jena-*", "slf4j-api", "slf4j-nop", "commons-*", "dexx.collection", "gson", "guava", "httpclient",
              "httpcore", "jackson-core", "jackson-databind", "jackson-annotations", "jsonld-java",
              "titanium-json-ld", "protobuf", "thrift"]
    jars = sorted({str(j) for pattern in needed for j in java_dir.glob(f"{pattern}.jar")
                   if not re.search(r"-\d", j.stem)})  # the unversioned names only
    return ":".join([*jars, str(fix)])


def pid_of_call(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, record: Path) -> None:
    """Replace ``module.name`` by a wrapper that writes the calling process's id into ``record`` first: to
    tell which process (the parent, or a forked child) called it."""
    real = getattr(module, name)

    def recording(*args: object, **kwargs: object) -> Any:
        record.write_text(str(os.getpid()))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, recording)


def describe_diff(expected: Graph, actual: Graph, limit: int = 40) -> str:
    """What is only in each graph, as N-Triples lines, for a readable failure."""
    _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))

    def lines(g: Graph) -> str:
        rows = sorted(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in g)
        more = f"\n    ... and {len(rows) - limit} more" if len(rows) > limit else ""
        return "\n".join("    " + r for r in rows[:limit]) + more

    return f"only in expected ({len(only_expected)}):\n{lines(only_expected)}\n" \
           f"only in actual ({len(only_actual)}):\n{lines(only_actual)}"


def break_beta(data: Path) -> None:
    """Leave pilot beta with one member: loads fine, but does not conform."""
    path = data / "pilots.yaml"
    text = path.read_text(encoding="utf-8")
    for item in ("        - {organisation: evijarvi, as_written: Evijärvi}\n        - {organisation: lappajarvi",):
        assert item in text
    text = text.replace("        - {organisation: evijarvi, as_written: Evijärvi}\n"
                        "        - {organisation: lappajarvi, as_written: Lappajärvi}\n"
                        "        - {organisation: honkajoki, as_written: Honkajoki}\n", "")
    path.write_text(text, encoding="utf-8")


@pytest.fixture()
def built(tmp_path: Path) -> Path:
    """An output folder holding a release of the small fixture, made by ``kopa-graph build``."""
    from click.testing import CliRunner

    from kopa_graph.cli import main

    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--data", str(SMALL), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@dataclass
class GraphStore:
    url: str
    hits: list[dict[str, str]] = field(default_factory=list)  # path and headers of each PUT
    held: dict[str, bytes] = field(default_factory=dict)  # the body of the last PUT to each path
    seen: list[tuple[str, str]] = field(default_factory=list)  # method and Authorization header of every request


def _digest_ok(header: str, method: str, user: str, password: str, nonce: str) -> bool:
    """Whether ``header`` is a right RFC 7616 (MD5, qop=auth) answer to the challenge with ``nonce``."""
    import hashlib
    import re

    if not header.startswith("Digest "):
        return False
    f = dict(re.findall(r'(\w+)="?([^",]*)"?', header[7:]))
    md5 = lambda text: hashlib.md5(text.encode()).hexdigest()  # noqa: E731
    ha1, ha2 = md5(f"{user}:{f.get('realm')}:{password}"), md5(f"{method}:{f.get('uri')}")
    want = md5(f"{ha1}:{nonce}:{f.get('nc')}:{f.get('cnonce')}:{f.get('qop')}:{ha2}")
    return f.get("username") == user and f.get("nonce") == nonce and f.get("response") == want


class Quiet:
    """Mixed into a test's ``BaseHTTPRequestHandler``: no access log on stderr."""

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def loopback(handler: Any) -> Iterator[str]:
    """``handler`` (a request handler class) served on 127.0.0.1 by a ``ThreadingHTTPServer`` in daemon threads:
    yields its base URL ``http://127.0.0.1:PORT``; shut down and closed on exit."""
    import http.server

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def graph_store(status: int = 204, headers: dict[str, str] | None = None, auth: str | None = None,
                user: str = "u", password: str = "p") -> Iterator[GraphStore]:
    """A Graph Store stand-in on loopback: answers each PUT with ``status`` (and ``headers``), records it,
    keeps its body and gives that back on GET. With ``auth`` (``digest``, ``basic`` or ``both``: Digest and
    Basic offered) every request needs ``user``/``password`` that way, else 401 with the challenge; every
    request's Authorization header is recorded (``seen``)."""
    import base64
    import http.server

    store = GraphStore("")
    nonce = "kopa-test-nonce-1"
    challenges = {"digest": [f'Digest realm="test", nonce="{nonce}", qop="auth", algorithm=MD5'],
                  "basic": ['Basic realm="test"'],
                  "both": ['Basic realm="test"', f'Digest realm="test", nonce="{nonce}", qop="auth", algorithm=MD5']}
    basic = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    class Handler(Quiet, http.server.BaseHTTPRequestHandler):
        def _allowed(self) -> bool:
            given = self.headers.get("Authorization", "")
            store.seen.append((self.command, given))
            if auth is None or (auth in ("basic", "both") and given == basic) or \
                    (auth in ("digest", "both") and _digest_ok(given, self.command, user, password, nonce)):
                return True
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(401)
            for challenge in challenges[auth]:
                self.send_header("WWW-Authenticate", challenge)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False

        def do_HEAD(self) -> None:
            if self._allowed():
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        def do_PUT(self) -> None:
            if not self._allowed():
                return
            store.hits.append({"path": self.path, **dict(self.headers.items())})
            store.held[self.path] = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            if not self._allowed():
                return
            body = store.held.get(self.path, b"")
            self.send_response(200)
            self.send_header("Content-Type", "application/n-triples")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with loopback(Handler) as url:
        store.url = f"{url}/store"
        yield store



@contextmanager
def probing(base: str, pause: float = 0.02) -> Iterator[list[tuple[int, float]]]:
    """While the block runs, a client sends ``ASK {}`` to ``base``/sparql again and again (one connection,
    ``pause`` seconds between answers); yields the list of (status, seconds) it fills."""
    import time

    import httpx

    probes: list[tuple[int, float]] = []
    stop = threading.Event()

    def probe() -> None:
        with httpx.Client(timeout=10) as client:
            while not stop.is_set():
                started = time.monotonic()
                status = client.get(f"{base}/sparql", params={"query": "ASK {}"}).status_code
                probes.append((status, time.monotonic() - started))
                time.sleep(pause)

    thread = threading.Thread(target=probe)
    thread.start()
    try:
        yield probes
    finally:
        stop.set()
        thread.join(30)


def wait_for_health(base: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Wait until the server ``proc`` answers ``base``/health with 200; fail if it ends or takes too long."""
    import time

    import httpx

    deadline = time.monotonic() + seconds
    while True:
        assert proc.poll() is None, "the server ended before it answered"
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, f"the server did not answer /health within {seconds:g} s"
        time.sleep(0.1)


def forward(handler: Any, target: Any, body: bytes, timeout: float) -> None:
    """Send the request ``handler`` (an ``http.server`` handler) holds, with ``body``, to ``target`` (a split
    URL), and its answer back whole (one Content-Length, no hop-by-hop headers)."""
    import http.client

    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=timeout)
    headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host", "connection")}
    conn.request(handler.command, handler.path, body=body or None, headers=headers)
    answer = conn.getresponse()
    data = answer.read()
    handler.send_response(answer.status)
    for k, v in answer.getheaders():
        if k.lower() not in ("transfer-encoding", "connection", "content-length"):
            handler.send_header(k, v)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(data)
    conn.close()


@contextmanager
def failing_after(upstream: str, posts: int) -> Iterator[str]:
    """A proxy on loopback that forwards everything to ``upstream``'s host, except that after ``posts`` POSTs
    it drops every further POST without an answer (a run that dies midway)."""
    import http.client
    import http.server
    import urllib.parse

    target = urllib.parse.urlsplit(upstream)
    count = {"POST": 0}

    class Handler(Quiet, http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.command == "POST":
                count["POST"] += 1
                if count["POST"] > posts:
                    self.close_connection = True
                    return
            forward(self, target, body, 60)

        do_GET = do_PUT = do_POST = do_HEAD = _any

    with loopback(Handler) as url:
        yield url
