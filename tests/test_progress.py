"""Progress shows on a terminal only: build on a real pseudo-terminal, and -q."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from conftest import SMALL, SMALL_TRIPLES
from kopa_graph.graph.build import BuiltGraph
from kopa_graph.progress import Progress

KOPA = str(Path(sys.executable).parent / "kopa-graph")


def test_stages_and_counts_report_elapsed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a clock the test sets (no timing): a stage's own time and the time since the start; a count's
    line is rewritten at most ten times a second, and always at the end."""
    import kopa_graph.progress as progress

    now = [100.0]
    monkeypatch.setattr(progress.time, "perf_counter", lambda: now[0])
    out = io.StringIO()
    p = Progress(enabled=True, stream=out)
    now[0] = 101.5
    with p.stage("validate 10 triples"):
        now[0] = 103.75
    assert out.getvalue() == ("\r\x1b[K  validate 10 triples …"
                              "\r\x1b[K  validate 10 triples: 2.25 s (elapsed 3.75 s)\n")
    out.seek(0)
    out.truncate()
    p.count("resource pages", 1, 3)  # the first count starts the clock of the rate: no rate yet
    now[0] += 0.05
    p.count("resource pages", 2, 3)  # within a tenth of a second of the last: not written
    now[0] += 0.01
    p.count("resource pages", 3, 3)  # the end: always written
    assert out.getvalue() == ("\r\x1b[K  resource pages [########----------------] 1/3"
                              "\r\x1b[K  resource pages [########################] 3/3 50/s in 0.06 s "
                              "(elapsed 3.81 s)\n")


def test_a_bar_shows_count_rate_and_eta(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bar fills with the count; the rate is what was done since the count began, and the ETA what is left
    at that rate (a clock the test sets)."""
    import kopa_graph.progress as progress

    now = [0.0]
    monkeypatch.setattr(progress.time, "perf_counter", lambda: now[0])
    out = io.StringIO()
    p = Progress(enabled=True, stream=out)
    p.count("pages", 0, 1000)
    now[0] = 2.0
    p.count("pages", 250, 1000)  # 125 a second: 750 more take 6 s
    assert out.getvalue().endswith("\r\x1b[K  pages [######------------------] 250/1000 125/s ETA 6 s")
    now[0] = 122.0
    p.count("pages", 500, 1000)  # 500 in 122 s: 500 more take 2 min 02 s
    assert out.getvalue().endswith("500/1000 4/s ETA 2 min 02 s")
    assert progress.bar_line("x", 5, 10, 0.001).endswith("ETA 1 h 23 min")


def test_track_counts_items_or_their_size() -> None:
    out = io.StringIO()
    p = Progress(enabled=True, stream=out)
    pieces = [b"abc", b"de", b"f"]
    assert list(p.track("sent", pieces, 6, size=len, unit=" B")) == pieces
    assert "[########################] 6/6 B" in out.getvalue() and out.getvalue().endswith("\n")
    quiet = io.StringIO()
    assert list(Progress(enabled=False, stream=quiet).track("sent", pieces, 6)) == pieces
    assert quiet.getvalue() == ""


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_for_terminal_shows_only_on_a_terminal() -> None:
    assert Progress.for_terminal(stream=_Tty()).enabled
    assert not Progress.for_terminal(stream=io.StringIO()).enabled
    assert not Progress.for_terminal(quiet=True, stream=_Tty()).enabled


def test_publish_shows_the_bytes_it_sends_and_still_sends_them_whole(small_built: BuiltGraph) -> None:
    """On a terminal the body goes in pieces counted on a bar, with its length given (not chunked): the store
    gets the same bytes and the same headers as without a bar."""
    from kopa_graph.publish.triplestore import publish
    from kopa_graph.rdfio.ntriples import ntriples

    with _store() as (url, received):
        out = _Tty()
        result = publish(small_built.graph, url, "https://example.org/g", progress=Progress.for_terminal(stream=out))
    assert result.verified
    body = ntriples(small_built.graph)
    assert received == [(body, str(len(body)), None)]
    assert f"sent [########################] {len(body)}/{len(body)} B" in out.getvalue()


@contextmanager
def _store() -> Iterator[tuple[str, list[tuple[bytes, str | None, str | None]]]]:
    """A graph store that keeps one graph: PUT replaces it, GET answers it."""
    received: list[tuple[bytes, str | None, str | None]] = []
    held = [b""]

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            length = self.headers.get("Content-Length")
            held[0] = self.rfile.read(int(length or 0))
            received.append((held[0], length, self.headers.get("Transfer-Encoding")))
            self.send_response(204)
            self.end_headers()

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/n-triples")
            self.send_header("Content-Length", str(len(held[0])))
            self.end_headers()
            self.wfile.write(held[0])

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/store", received
    finally:
        server.shutdown()
        server.server_close()


def test_disabled_progress_writes_nothing() -> None:
    out = io.StringIO()
    p = Progress(enabled=False, stream=out)
    with p.stage("anything"):
        p.count("pages", 1, 2)
    assert out.getvalue() == ""


def _build_on_a_terminal(tmp_path: Path, *flags: str) -> tuple[int, str, str]:
    """Run kopa-graph build with standard error on a pseudo-terminal; stdout stays a pipe."""
    return _on_a_terminal([*flags, "build", "--data", str(SMALL), "--out", str(tmp_path / "out")])


def _on_a_terminal(args: list[str]) -> tuple[int, str, str]:
    """Run kopa-graph with standard error on a pseudo-terminal; stdout stays a pipe."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([KOPA, *args],
                            stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not data:
            break
        chunks.append(data)
    stdout = proc.stdout.read().decode() if proc.stdout else ""
    proc.wait(60)
    os.close(master)
    return proc.returncode, stdout, b"".join(chunks).decode("utf-8", "replace")


def test_build_shows_each_stage_on_a_terminal(tmp_path: Path) -> None:
    code, stdout, terminal = _build_on_a_terminal(tmp_path)
    assert code == 0, terminal
    for stage in ("load the source data:", "build the graph:", "write kopa.ttl:", "write kopa.jsonld:",
                  f"write kopa.nt and validate {SMALL_TRIPLES} triples:", "save to ", "kopa.jsonld: nodes [####"):
        assert stage in terminal, terminal
    assert "elapsed" in terminal
    assert "elapsed" not in stdout and stdout.startswith(f"Built {SMALL_TRIPLES} triples")


def test_quiet_and_pipes_show_no_progress(tmp_path: Path) -> None:
    code, stdout, terminal = _build_on_a_terminal(tmp_path, "-q")
    assert stdout.startswith(f"Built {SMALL_TRIPLES} triples")
    assert code == 0 and "elapsed" not in terminal
    piped = subprocess.run([KOPA, "build", "--data", str(SMALL), "--out", str(tmp_path / "o2")], capture_output=True,
                           text=True, check=True)
    assert piped.stderr == ""


def test_site_shows_a_bar_on_a_terminal_and_nothing_on_a_pipe(tmp_path: Path) -> None:
    code, _, terminal = _on_a_terminal(["site", str(tmp_path / "site"), "--data", str(SMALL)])
    assert code == 0, terminal
    assert "resource pages [########################] " in terminal and "/s in " in terminal, terminal
    piped = subprocess.run([KOPA, "site", str(tmp_path / "site2"), "--data", str(SMALL)], capture_output=True,
                           text=True, check=True)
    assert piped.stderr == "" and "[#" not in piped.stdout
