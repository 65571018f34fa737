"""Progress shows on a terminal only: build on a real pseudo-terminal, and -q."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SMALL, SMALL_TRIPLES
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
    p.count("resource pages", 1, 3)
    now[0] += 0.05
    p.count("resource pages", 2, 3)  # within a tenth of a second of the last: not written
    now[0] += 0.01
    p.count("resource pages", 3, 3)  # the end: always written
    assert out.getvalue() == ("\r\x1b[K  resource pages: 1/3 (elapsed 3.75 s)"
                              "\r\x1b[K  resource pages: 3/3 (elapsed 3.81 s)\n")


def test_disabled_progress_writes_nothing() -> None:
    out = io.StringIO()
    p = Progress(enabled=False, stream=out)
    with p.stage("anything"):
        p.count("pages", 1, 2)
    assert out.getvalue() == ""


def _build_on_a_terminal(tmp_path: Path, *flags: str) -> tuple[int, str, str]:
    """Run kopa-graph build with standard error on a pseudo-terminal; stdout stays a pipe."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([KOPA, *flags, "build", "--data", str(SMALL), "--out", str(tmp_path / "out")],
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
    for stage in ("load the source data:", "build the graph:", f"validate {SMALL_TRIPLES} triples:", "write kopa.ttl:",
                  "write kopa.nt:", "write kopa.jsonld:", "save to "):
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
