"""A build that fails half-way leaves the previous outputs byte for byte, and no state behind."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from conftest import SMALL
from kopa_graph.cli import main

runner = CliRunner()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_serializer_failing_on_one_literal_changes_nothing(built: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The JSON-LD writer raises part-way (after Turtle and N-Triples are staged): nothing is replaced."""
    import kopa_graph.rdfio.jsonld as jsonld

    before = _snapshot(built)
    real = jsonld._Compactor.encoded
    seen = []

    def odd(self, obj, term):  # type: ignore[no-untyped-def]
        seen.append(obj)
        if len(seen) == 200:
            raise ValueError(f"cannot write the literal {obj!r}")
        return real(self, obj, term)

    monkeypatch.setattr(jsonld._Compactor, "encoded", odd)
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(built)])
    assert result.exit_code != 0 and isinstance(result.exception, ValueError)
    assert len(seen) == 200
    assert _snapshot(built) == before, "no output replaced, no temporary file left"


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_write_error_changes_nothing_and_says_why(built: Path, monkeypatch: pytest.MonkeyPatch,
                                                    failing: str) -> None:
    before = _snapshot(built)

    def full_disk(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(f"kopa_graph.rdfio.staging.os.{failing}", full_disk)
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(built)])
    assert result.exit_code == 3
    assert "the disk is full (free some space and run again)" in result.stderr
    assert "the previous outputs are unchanged" in result.stderr
    assert _snapshot(built) == before


@pytest.mark.parametrize("core", ["fast", "pyshacl"])
def test_a_validator_exception_is_a_failure_and_leaves_no_global_state(
        built: Path, monkeypatch: pytest.MonkeyPatch, core: str) -> None:
    """pySHACL 0.40.1 switches rdflib.NORMALIZE_LITERALS off and may leave it so after a failure."""
    from kopa_graph.validation import validate

    before = _snapshot(built)

    def crash(*args: object, **kwargs: object) -> None:
        rdflib.NORMALIZE_LITERALS = False
        raise RecursionError("maximum recursion depth exceeded")

    if core == "fast":
        monkeypatch.setattr("kopa_graph.validation.core.FastValidator.validate", crash)
    else:
        monkeypatch.setattr("pyshacl.validate", crash)
        real = validate.validate_graph
        monkeypatch.setattr("kopa_graph.pipeline.validate_graph",
                            lambda *a, **k: real(*a, **{**k, "core": "pyshacl", "sparql": "pyshacl"}))
    assert rdflib.NORMALIZE_LITERALS is True
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(built)])
    assert result.exit_code == 5, result.output
    assert result.stderr.startswith("validation could not finish: RecursionError: maximum recursion depth")
    assert "nothing was written" in result.stderr
    assert rdflib.NORMALIZE_LITERALS is True
    assert _snapshot(built) == before


def _folders(store: Path) -> set[tuple[str, int, int]]:
    """The release folders in ``store``, each told apart from a later one of the same name by its inode and
    change time (a killed run's folder is removed by the next run, which reuses its number)."""
    found = set()
    for p in store.iterdir():
        with contextlib.suppress(FileNotFoundError):
            if p.name.isdigit():
                st = p.lstat()
                found.add((p.name, st.st_ino, st.st_ctime_ns))
    return found


def _new_release_entries(store: Path, old: set[tuple[str, int, int]]) -> int:
    """How far a running build has got: -1 before its release folder exists, else the entries in it."""
    for name, *_ in _folders(store) - old:
        with contextlib.suppress(FileNotFoundError):
            return len(list((store / name).iterdir()))
    return -1


def test_sigkill_at_any_moment_leaves_the_previous_release(tmp_path: Path) -> None:
    """Kill -9 a real build at several moments, each chosen by what it has written so far (its release
    folder made, then holding 1, 2, 3 and 4 entries), not by the clock: each time the outputs are the
    earlier release, whole; a build that gets to the end first shows the new release, whole."""
    script = Path(sys.executable).with_name("kopa-graph")
    assert script.exists()
    data = tmp_path / "data"
    subprocess.run([sys.executable, str(Path(__file__).parents[1] / "benchmarks" / "synth.py"), str(data),
                    "--pilots", "300"], check=True, capture_output=True)
    out = tmp_path / "out"
    subprocess.run([str(script), "-q", "build", "--data", str(SMALL), "--out", str(out)], check=True,
                   capture_output=True)
    subprocess.run([str(script), "-q", "build", "--data", str(data), "--out", str(tmp_path / "whole")],
                   check=True, capture_output=True)
    before = _snapshot(out)
    store = tmp_path / ".out.releases"
    killed = 0
    for point in (0, 1, 2, 3, 4):
        old = _folders(store)  # the release shown, and what the last killed run left
        proc = subprocess.Popen([str(script), "-q", "build", "--data", str(data), "--out", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None and _new_release_entries(store, old) < point:
            time.sleep(0.0005)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
        now = {name: data for name, data in _snapshot(out).items() if not name.startswith(".")}
        if proc.returncode == 0:  # it finished first: the new release, whole
            assert now == _snapshot(tmp_path / "whole")
            break
        assert now == before, f"killed with {point} entries in its release folder: the outputs changed"
    assert killed >= 3, "the build was too quick to be killed part-way"


@pytest.fixture()
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real file system of 1 MB (tmpfs): room for one release of the fixture, not for the shipped data."""
    from conftest import need_peer

    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
                             capture_output=True, check=False).returncode == 0
    need_peer(mounted, "a tmpfs mount", "run the tests as root, as CI does")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)


def test_a_full_disk_is_a_clear_error_and_keeps_the_previous_release(small_disk: Path) -> None:
    out = small_disk / "out"
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(out)])
    assert result.exit_code == 0, result.output
    before = _snapshot(out)
    result = runner.invoke(main, ["build", "--out", str(out)])  # the shipped data: about 1.8 MB
    assert result.exit_code == 3, result.output
    assert "the disk is full (free some space and run again)" in result.stderr
    assert "the previous outputs are unchanged" in result.stderr
    assert _snapshot(out) == before, "the earlier release is whole and no temporary file is left"


#: Run kopa-graph with os.replace and os.rename killing the process (SIGKILL) right after their Nth call.
KILL_AFTER_RENAME = """
import os, signal, sys
n, calls = int(sys.argv[1]), []
def killing(real):
    def call(*args, **kwargs):
        real(*args, **kwargs)
        calls.append(args)
        if len(calls) == n:
            os.kill(os.getpid(), signal.SIGKILL)
    return call
os.replace, os.rename = killing(os.replace), killing(os.rename)
from kopa_graph.cli import main
main(sys.argv[2:])
"""


def _whole(out: Path) -> dict[str, object]:
    """The manifest of the release ``out`` shows, after checking that it lists exactly the files beside it and
    that each has its SHA-256 and size."""
    import hashlib
    import json

    manifest = json.loads((out / "manifest.json").read_bytes())
    assert sorted(p.name for p in out.iterdir()) == sorted([*manifest["files"], "manifest.json"])
    for name, entry in manifest["files"].items():
        data = (out / name).read_bytes()
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (entry["sha256"], entry["bytes"]), name
    doc: dict[str, object] = manifest
    return doc


@pytest.mark.parametrize("first", [False, True], ids=["over-a-release", "first-build"])
def test_sigkill_after_every_rename_leaves_a_whole_release(tmp_path: Path, first: bool) -> None:
    """Kill -9 a real build right after its 1st, 2nd, ... rename: what OUT shows is always one whole release,
    the earlier one or the new one, never a mix."""
    new = None
    for n in range(1, 50):
        out = tmp_path / str(n) / "out"
        old = None
        if not first:
            result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(out), "--no-personal-data"])
            assert result.exit_code == 0, result.output
            old = _whole(out)
        proc = subprocess.run([sys.executable, "-c", KILL_AFTER_RENAME, str(n), "-q", "build", "--data", str(SMALL),
                               "--out", str(out)], capture_output=True, text=True, check=False)
        if proc.returncode == 0:  # fewer than n renames: the build finished
            assert n > 2, "a build renames more than once"
            assert new is not None, "killed right after its last rename, the build had switched to the new release"
            assert _whole(out) == new
            break
        assert proc.returncode == -signal.SIGKILL, proc.stderr
        if first and not os.path.lexists(out):
            continue  # killed before the first release was switched in: nothing shows yet
        shown = _whole(out)
        if shown != old:
            new = new or shown
            assert shown == new and shown["profile"] == "full", f"killed after rename {n}: a third release?"
    else:
        pytest.fail("the build never finished")


def test_the_next_build_removes_what_a_killed_build_left(tmp_path: Path) -> None:
    """Temporary files of a build killed while writing are removed by the next build (under its lock)."""
    out = tmp_path / "out"
    assert runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(out)]).exit_code == 0
    kill_while_writing = KILL_AFTER_RENAME.replace("os.replace, os.rename = killing(os.replace), killing(os.rename)",
                                                   "os.fsync = killing(os.fsync)")
    proc = subprocess.run([sys.executable, "-c", kill_while_writing, "3", "-q", "build", "--data", str(SMALL),
                           "--out", str(out)], capture_output=True, text=True, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    left = [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert left, "the killed build left temporary files"
    assert runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(out)]).exit_code == 0
    assert [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")] == []
    _whole(out)
    releases = tmp_path / ".out.releases"
    current = os.readlink(out).rsplit("/", 1)[-1]
    assert sorted(os.listdir(tmp_path)) == [".out.releases", "out"]
    assert sorted(os.listdir(releases)) == sorted([".kopa-graph", ".lock", "1", current]), \
        "the current release and the one before it (readers may still be on it), nothing else"


#: Run kopa-graph, pausing (until a line on standard input) when it first flushes kopa.nt to disk.
PAUSE_AT_KOPA_NT = """
import os, sys
real = os.fsync
def pause(fd):
    if os.readlink(f"/proc/self/fd/{fd}").rsplit("/", 1)[-1].startswith(".kopa.nt."):
        print("paused", flush=True)
        sys.stdin.readline()
    real(fd)
os.fsync = pause
from kopa_graph.cli import main
main(sys.argv[1:])
"""


def test_a_second_build_into_the_same_folder_exits_with_a_clear_message(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = subprocess.Popen([sys.executable, "-c", PAUSE_AT_KOPA_NT, "-q", "build", "--data", str(SMALL),
                              "--out", str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert first.stdout is not None and first.stdout.readline() == "paused\n"
        second = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(out)])
        assert second.exit_code == 3, second.output
        assert second.stderr.startswith(f"{out}: another kopa-graph (process {first.pid}) is writing here; "
                                        "wait for it to finish, then run again"), second.stderr
    finally:
        first.communicate("go on\n", timeout=120)
    assert first.returncode == 0
    _whole(out)
    assert runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(out)]).exit_code == 0
