"""Issue 18 §4, third round: the build's N-Triples written by the validating child, loaded as they are made,
and validation's shapes on more than one thread, without changing a byte or a result.

Speed is measured in benchmarks/floor.py, never asserted here. These tests pin what makes the build faster
and that the guarantees hold: the same files, the same reports whatever the number of threads, a second
thread only once the parent has nothing left to do, and a failed child leaves the last release whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from conftest import SMALL, pid_of_call
from kopa_graph.cli import main
from kopa_graph.forked import Forked, parent_idle
from kopa_graph.graph.build import BuiltGraph
from kopa_graph.rdfio.engine import serialize
from kopa_graph.rdfio.namespaces import prefixes_for
from kopa_graph.rdfio.ntriples import ntriples_lines
from kopa_graph.rdfio.oxbridge import Loading, store_of
from kopa_graph.settings import Settings
from kopa_graph.validation.pool import shape_threads
from kopa_graph.validation.validate import load_ontology, load_shapes, render_json, validate_graph
from test_shapes import _apply, _cases

runner = CliRunner()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_validating_child_writes_the_ntriples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   small_built: BuiltGraph, settings: Settings) -> None:
    from kopa_graph import pipeline

    seen = tmp_path / "written-in"
    pid_of_call(monkeypatch, pipeline, "fill", seen)
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert int(seen.read_text()) != os.getpid(), "the N-Triples were written by this process, not the child"
    prefixes = prefixes_for(settings.id_base)
    assert (out / "kopa.nt").read_bytes() == serialize(small_built.triples, "n-triples", prefixes, settings.id_base)
    manifest = json.loads((out / "manifest.json").read_text())
    nt = (out / "kopa.nt").read_bytes()
    assert manifest["files"]["kopa.nt"] == {"bytes": len(nt), "sha256": hashlib.sha256(nt).hexdigest()}


def test_a_child_killed_while_validating_leaves_the_last_release_whole(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from kopa_graph import pipeline

    out = tmp_path / "out"
    assert runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(out)]).exit_code == 0
    before = _files(tmp_path)

    def killed(*args: object, **kwargs: object) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(pipeline, "validate_graph", killed)
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(out)])
    assert result.exit_code == 5, result.output
    assert "validation could not finish" in result.stderr and "nothing was written" in result.stderr
    assert _files(tmp_path) == before, "the release changed, or a temporary file was left behind"


def test_the_child_knows_when_the_parent_is_idle() -> None:
    assert parent_idle().is_set(), "a process that is no forked child has nobody working for it"

    def child() -> tuple[bool, bool]:
        idle = parent_idle()
        return idle.is_set(), idle.wait(30)

    with Forked(child) as work:
        time.sleep(0.2)
        work.idle()
        before, after = work.result()
    assert (before, after) == (False, True)
    with Forked(child) as work:  # result() says so itself (the child may have started after it did)
        assert work.result()[1] is True


def test_one_thread_works_until_the_gate_opens_and_none_is_left_after() -> None:
    gate = threading.Event()
    with shape_threads(3, gate) as pool:
        assert pool is not None
        workers = set(pool.map(lambda _: threading.get_ident(), range(200)))
    assert len(workers) == 1, "a second thread took work before the gate opened"
    assert gate.is_set()
    assert not [t for t in threading.enumerate() if t.name.startswith("kopa-validate")], "a thread outlived the pool"

    with shape_threads(2) as pool:  # no gate: both start at once
        assert pool is not None
        started = threading.Barrier(2, timeout=10)
        assert len(set(pool.map(lambda _: (started.wait(), threading.get_ident())[1], range(2)))) == 2
    with shape_threads(1) as pool:
        assert pool is None


def test_the_report_is_the_same_whatever_the_number_of_threads(small_built: BuiltGraph, settings: Settings) -> None:
    shapes, ontology = load_shapes(settings), load_ontology()
    g = Graph()
    tripped = 0
    for case in _cases("invalid"):
        try:
            broken = _apply(small_built, case)
        except Exception:  # a case that does not apply on top of the others: its own test covers it
            continue
        g += broken - small_built.graph
        tripped += 1
    g += small_built.graph
    reports = {n: validate_graph(g, settings, shapes=shapes, ontology=ontology, threads=n) for n in (1, 2, 4)}
    assert not reports[1].conforms and len({r.shape for r in reports[1].results}) > 50, tripped
    assert render_json(reports[2]) == render_json(reports[1])
    assert render_json(reports[4]) == render_json(reports[1])


def test_lines_loaded_in_batches_are_the_graph(small_built: BuiltGraph) -> None:
    with Loading() as loading:
        lines, blanks = ntriples_lines(small_built.triples, loading.add, batch=100)
        store = loading.store()
    assert not blanks and lines == sorted(lines)
    whole = store_of([small_built.triples])
    assert len(store) == len(whole) == len(lines)
    assert set(store) == set(whole)


def test_a_batch_that_does_not_parse_is_raised_and_the_loader_ends() -> None:
    with Loading() as loading:
        loading.add([b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n"])
        loading.add([b"<https://example.org/s> <https://example.org/p> <not an iri> .\n"])
        with pytest.raises(SyntaxError):
            loading.store()
    assert not [t for t in threading.enumerate() if t.name == "kopa-load"]
    with pytest.raises(ZeroDivisionError), Loading() as loading:  # the maker fails: the loader still ends
        loading.add([b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n"])
        raise ZeroDivisionError
    assert not [t for t in threading.enumerate() if t.name == "kopa-load"]


def test_a_reserved_file_is_never_written_through_a_link_put_in_its_place(tmp_path: Path) -> None:
    from kopa_graph.errors import OutputError
    from kopa_graph.rdfio.staging import Staging, fill

    precious = tmp_path / "precious"
    precious.write_bytes(b"mine\n")
    with Staging(tmp_path / "out", published=False) as staging:
        tmp = staging.reserve("kopa.nt")
        tmp.unlink()
        tmp.symlink_to(precious)
        with pytest.raises(OutputError, match="cannot write the output"):
            fill(tmp, [b"<a> <b> <c> .\n"], tmp_path / "out" / "kopa.nt")
    assert precious.read_bytes() == b"mine\n"
    assert not tmp.exists() and not tmp.is_symlink(), "the reserved file is removed with the run"


def test_the_child_dies_with_its_parent(tmp_path: Path) -> None:
    """Found by an attack: a build killed while its child validated left the child running for the rest of
    the validation, holding the output folder's lock (the next run was refused, naming the dead parent)."""
    import subprocess
    import sys

    code = ("import os, time\nfrom kopa_graph.forked import Forked\n"
            "work = Forked(lambda: time.sleep(120))\nprint(work._pid, flush=True)\nos._exit(0)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    child = int(proc.stdout)

    def alive() -> bool:
        try:
            with open(f"/proc/{child}/stat", encoding="ascii") as fh:
                return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 20
    while alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(), "the child outlived its parent"


def test_a_line_oxigraph_refuses_is_a_validator_failure_not_a_traceback(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from kopa_graph.rdfio import oxbridge

    real = oxbridge.Loading.add

    def spoiled(self: oxbridge.Loading, lines: list[bytes]) -> None:
        real(self, [*lines, b"<https://example.org/s> <https://example.org/p> <not an iri> .\n"])

    monkeypatch.setattr(oxbridge.Loading, "add", spoiled)
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(out)])
    assert result.exit_code == 5, result.output
    assert "validation could not finish: SyntaxError" in result.stderr and "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()
