"""Small things users expect (issue 17 §6): ``python -m kopa_graph``, ``validate -`` and
``link --report --format json``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SMALL, break_beta
from kopa_graph.cli import main

runner = CliRunner()
KOPA = str(Path(sys.executable).parent / "kopa-graph")


def test_python_m_kopa_graph_is_the_command() -> None:
    """The same help, the same listing, the same exit code for bad usage as the kopa-graph script."""
    for args in (["--help"], ["query", "--list"], ["--version"]):
        module = subprocess.run([sys.executable, "-m", "kopa_graph", *args], capture_output=True, text=True,
                                check=True)
        script = subprocess.run([KOPA, *args], capture_output=True, text=True, check=True)
        assert module.stdout == script.stdout and module.stdout
    assert module.stdout.startswith("kopa-graph, version ")
    bad = subprocess.run([sys.executable, "-m", "kopa_graph", "no-such-command"], capture_output=True, text=True)
    assert bad.returncode == 2 and "Usage: kopa-graph" in bad.stderr


@pytest.fixture(scope="module")
def small_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small") / "out"
    assert runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(out)]).exit_code == 0
    return out


@pytest.mark.parametrize("name", ["kopa.ttl", "kopa.nt", "kopa.jsonld"])
def test_validate_reads_standard_input(small_out: Path, name: str) -> None:
    """``-`` reads the graph from standard input; its format by --input-format or its first characters."""
    data = (small_out / name).read_bytes()
    piped = runner.invoke(main, ["validate", "-"], input=data)
    assert piped.exit_code == 0, piped.output
    assert piped.stdout == runner.invoke(main, ["validate", str(small_out / name)]).stdout
    assert piped.stdout.startswith("Conforms")


def test_validate_standard_input_with_a_format_and_with_files(small_out: Path) -> None:
    nt = (small_out / "kopa.nt").read_bytes()
    given = runner.invoke(main, ["validate", "-", "--input-format", "n-triples"], input=nt)
    assert given.exit_code == 0, given.output
    both = runner.invoke(main, ["validate", str(small_out / "kopa.ttl"), "-"], input=nt)  # one graph, as with files
    assert both.exit_code == 0, both.output


def test_validate_standard_input_that_does_not_conform_exits_1(small_copy: Path, tmp_path: Path) -> None:
    break_beta(small_copy)
    from kopa_graph import Settings, build_graph, load_source_data
    from kopa_graph.rdfio.ntriples import ntriples

    graph = build_graph(load_source_data(small_copy), Settings()).graph
    result = runner.invoke(main, ["validate", "-"], input=ntriples(graph))
    assert result.exit_code == 1 and "at least two member organisations" in result.stdout


@pytest.mark.parametrize("data, says", [
    (b"", "validate -: standard input is empty; pipe a graph in (kopa-graph validate - < out/kopa.ttl)"),
    (b"this is not RDF\n", "standard input (read as turtle by its first characters; --input-format names another): "
                           "not valid turtle"),
    (b'{"@id": ', "standard input (read as json-ld by its first characters; --input-format names another): "
                  "not valid JSON"),
])
def test_bad_standard_input_exits_2_and_says_what_and_how(data: bytes, says: str) -> None:
    result = runner.invoke(main, ["validate", "-"], input=data)
    assert result.exit_code == 2 and result.stderr.startswith(says), result.stderr
    assert result.stdout == ""


def test_validate_standard_input_on_a_terminal_exits_2() -> None:
    """Nothing piped in: kopa-graph says so at once rather than wait for the keyboard."""
    import os
    import pty

    master, slave = pty.openpty()
    try:
        proc = subprocess.run([KOPA, "validate", "-"], stdin=slave, capture_output=True, text=True, timeout=60)
    finally:
        os.close(master)
        os.close(slave)
    assert proc.returncode == 2 and "standard input is a terminal" in proc.stderr


def test_link_report_format_json() -> None:
    """``link --report --format json`` (README: kopa-graph link) is the JSON report, the same as without --report."""
    with_report = runner.invoke(main, ["link", "--report", "--format", "json"])
    assert with_report.exit_code == 0, with_report.output
    report = json.loads(with_report.stdout)
    assert report["unresolved"]["total"] == 54
    assert with_report.stdout == runner.invoke(main, ["link", "--format", "json"]).stdout
