"""The command line through click's CliRunner: every command, every exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SMALL, break_beta
from kopa_graph.cli import main
from kopa_graph.graph.build import BuiltGraph
from kopa_graph.rdfio.namespaces import KOPA, RDF

runner = CliRunner()


def test_build_writes_the_three_formats_and_the_context(built: Path) -> None:
    assert sorted(p.name for p in built.iterdir()) == ["context.jsonld", "kopa.jsonld", "kopa.nt", "kopa.ttl",
                                                      "manifest.json"]


def test_build_reports_what_it_did(tmp_path: Path) -> None:
    """The count it reports is the graph's: one line per triple in the golden N-Triples of the fixture."""
    triples = len((Path(__file__).parent / "golden" / "small.nt").read_bytes().splitlines())
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Built {triples} triples; conforms to the shapes.")
    assert f"wrote {tmp_path / 'o' / 'kopa.ttl'}" in result.stdout
    assert result.stderr == ""


def test_build_default_is_the_shipped_data(tmp_path: Path, shipped_built: BuiltGraph) -> None:
    """Without --data the outputs are the shipped data's graph: the same N-Triples, the 13 pilots."""
    from kopa_graph.rdfio.ntriples import ntriples

    result = runner.invoke(main, ["build", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "kopa.nt").read_bytes() == ntriples(shipped_built.graph)
    pilots = set(shipped_built.graph.subjects(RDF.type, KOPA.Pilot))
    assert len(pilots) == 13


def test_nonconforming_data_exits_1_names_the_place_and_writes_nothing(small_copy: Path, built: Path) -> None:
    before = {p.name: p.read_bytes() for p in built.iterdir()}
    break_beta(small_copy)
    result = runner.invoke(main, ["build", "--data", str(small_copy), "--out", str(built)])
    assert result.exit_code == 1, result.output
    report = result.stderr
    assert report.startswith("Does not conform: 1 violation")
    assert "https://w3id.org/kopa/id/pilot/beta" in report
    assert f"(defined at {small_copy / 'pilots.yaml'}:" in report
    assert "at least two member organisations" in report
    assert "shape kopash:Pilot-members" in report
    assert result.stdout == ""
    assert {p.name: p.read_bytes() for p in built.iterdir()} == before, "earlier outputs must stay as they were"


def test_unwritable_output_exits_3(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(blocker / "out")])
    assert result.exit_code == 3, result.output
    assert "cannot create the output folder" in result.stderr


def test_bad_base_iri_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(main, ["--base-iri", "not an iri", "build", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "base IRI 'not an iri' is not usable" in result.stderr


def test_another_base_iri_builds_and_conforms(tmp_path: Path) -> None:
    base = "https://data.example.fi/kopa/"
    result = runner.invoke(main, ["--base-iri", base, "build", "--data", str(SMALL), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    turtle = (tmp_path / "kopa.ttl").read_text(encoding="utf-8")
    assert f"@base <{base}id/> ." in turtle
    assert "https://w3id.org/kopa/id/" not in turtle
    assert "https://w3id.org/kopa/id/" not in (tmp_path / "kopa.nt").read_text(encoding="utf-8")


def test_base_iri_from_the_environment(tmp_path: Path) -> None:
    base = "https://env.example.fi/"
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(tmp_path)],
                           env={"KOPA_BASE_IRI": base})
    assert result.exit_code == 0, result.output
    assert f"<{base}id/pilot/alfa>" in (tmp_path / "kopa.nt").read_text(encoding="utf-8")


def test_validate_conforming_files(built: Path) -> None:
    for name in ("kopa.ttl", "kopa.jsonld", "kopa.nt"):
        result = runner.invoke(main, ["validate", str(built / name)])
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == "Conforms: no problems found."


def _nonconforming_file(tmp_path: Path, built: Path) -> Path:
    bad = tmp_path / "bad.nt"
    lines = [line for line in (built / "kopa.nt").read_text(encoding="utf-8").splitlines(keepends=True)
             if not line.startswith("<https://w3id.org/kopa/id/pilot/beta> <http://purl.org/dc/terms/isPartOf>")]
    bad.write_text("".join(lines), encoding="utf-8")
    return bad


def test_validate_nonconforming_file_text(tmp_path: Path, built: Path) -> None:
    result = runner.invoke(main, ["validate", str(_nonconforming_file(tmp_path, built))])
    assert result.exit_code == 1
    assert result.stdout.startswith("Does not conform: 1 violation")
    assert "https://w3id.org/kopa/id/pilot/beta" in result.stdout
    assert "path dct:isPartOf" in result.stdout


def test_validate_nonconforming_file_json(tmp_path: Path, built: Path) -> None:
    result = runner.invoke(main, ["validate", "--format", "json", str(_nonconforming_file(tmp_path, built))])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    assert [(r["focus"], r["shape"], r["severity"]) for r in report["results"]] == [
        ("https://w3id.org/kopa/id/pilot/beta", "https://w3id.org/kopa/shapes#Pilot-isPartOf", "Violation")]


def test_validate_nonconforming_file_turtle(tmp_path: Path, built: Path) -> None:
    from rdflib import Graph, Literal

    from kopa_graph.rdfio.namespaces import SH

    result = runner.invoke(main, ["validate", "--format", "turtle", str(_nonconforming_file(tmp_path, built))])
    assert result.exit_code == 1
    g = Graph().parse(data=result.stdout, format="turtle")
    assert (None, SH.conforms, Literal(False)) in g
    assert len(list(g.subjects(SH.focusNode, None))) == 1


def test_validate_unparseable_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    result = runner.invoke(main, ["validate", str(bad)])
    assert result.exit_code == 2
    assert str(bad) in result.stderr and "not valid turtle" in result.stderr


def test_validate_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(main, ["validate", str(tmp_path / "missing.ttl")])
    assert result.exit_code == 2
    assert "cannot read the file" in result.stderr


def test_validate_unknown_extension_exits_2(tmp_path: Path) -> None:
    odd = tmp_path / "data.txt"
    odd.write_text("", encoding="utf-8")
    result = runner.invoke(main, ["validate", str(odd)])
    assert result.exit_code == 2
    assert "cannot tell the RDF format" in result.stderr


def test_validate_refuses_remote_jsonld_context(tmp_path: Path) -> None:
    doc = tmp_path / "remote.jsonld"
    doc.write_text(json.dumps({"@context": "http://127.0.0.1:9/ctx.jsonld", "@id": "x"}), encoding="utf-8")
    result = runner.invoke(main, ["validate", str(doc)])
    assert result.exit_code == 2
    assert "never fetches contexts" in result.stderr


def test_validate_refuses_xml_entities(tmp_path: Path) -> None:
    doc = tmp_path / "bomb.rdf"
    doc.write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rdf:RDF '
                   'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', encoding="utf-8")
    result = runner.invoke(main, ["validate", str(doc)])
    assert result.exit_code == 2
    assert "DOCTYPE" in result.stderr


def test_version() -> None:
    from kopa_graph import __version__

    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"kopa-graph, version {__version__}"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    help_text = main.commands[command].help
    assert help_text, f"{command} has no help text"
    assert result.stdout.startswith(f"Usage: main {command} ")
    assert " ".join(help_text.split()[:4]) in " ".join(result.stdout.split())


def test_usage_error_exits_2() -> None:
    result = runner.invoke(main, ["build", "--no-such-option"])
    assert result.exit_code == 2


def test_help_loads_no_rdf_library() -> None:
    """kopa-graph --help stays fast by design: the command line imports rdflib, pySHACL and pyoxigraph only
    in the commands that need them (the speed itself is measured in benchmarks, not here)."""
    import subprocess
    import sys

    code = ("import sys, runpy; sys.argv = ['kopa-graph', '--help']\n"
            "try:\n    runpy.run_module('kopa_graph.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('rdflib', 'pyshacl', 'pyoxigraph') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]", out


def test_public_names_survive_submodule_imports() -> None:
    """kopa_graph's names load on first use; importing the submodule kopa_graph.graph.build must not change
    kopa_graph.build (the function)."""
    import subprocess
    import sys

    code = ("import kopa_graph.graph.build, kopa_graph\nfrom kopa_graph import build, build_graph, __version__\n"
            "print(callable(build), build.__module__, build_graph.__module__, bool(__version__))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "kopa_graph.pipeline", "kopa_graph.graph.build", "True"]


def _script() -> str:
    import shutil
    import sys

    beside = Path(sys.executable).with_name("kopa-graph")
    found = str(beside) if beside.exists() else shutil.which("kopa-graph")
    assert found, "the kopa-graph console script is not installed (pip install -e .)"
    return found


def test_console_script_keeps_exit_codes_output_and_earlier_outputs(small_copy: Path, tmp_path: Path) -> None:
    """The installed command (cli.run: no cyclic GC, no teardown) says and does what main() does."""
    import subprocess

    out = tmp_path / "out"
    ok = subprocess.run([_script(), "-q", "build", "--data", str(small_copy), "--out", str(out)],
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("Built ") and ok.stdout.rstrip().endswith("manifest.json"), ok.stdout
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(before) == ["context.jsonld", "kopa.jsonld", "kopa.nt", "kopa.ttl", "manifest.json"]
    break_beta(small_copy)
    failed = subprocess.run([_script(), "build", "--data", str(small_copy), "--out", str(out)],
                            capture_output=True, text=True, check=False)
    assert failed.returncode == 1
    assert failed.stderr.startswith("Does not conform: 1 violation"), failed.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before, "no temporary file left, nothing replaced"
    missing = subprocess.run([_script(), "build", "--data", str(tmp_path / "nowhere")],
                             capture_output=True, text=True, check=False)
    assert missing.returncode == 2 and "the data folder does not exist" in missing.stderr
    usage = subprocess.run([_script(), "build", "--no-such-option"], capture_output=True, text=True, check=False)
    assert usage.returncode == 2 and "No such option" in usage.stderr
    assert subprocess.run([_script(), "--version"], capture_output=True, text=True, check=True).stdout.startswith(
        "kopa-graph, version ")


def test_commands_in_process_leave_the_garbage_collector_on(tmp_path: Path) -> None:
    """Only the console script switches the cyclic collector off; main() called from Python does not."""
    import gc

    assert gc.isenabled()
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert gc.isenabled()


@pytest.mark.parametrize(("query", "fmt", "says"), [
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "csv", "CONSTRUCT queries answer with a graph"),
    ("DESCRIBE <https://w3id.org/kopa/id/pilot/alfa>", "json", "DESCRIBE queries answer with a graph"),
    ("SELECT * WHERE { ?s ?p ?o }", "turtle", "SELECT queries answer with results"),
    ("ASK { ?s ?p ?o }", "n-triples", "ASK queries answer with results"),
])
def test_sparql_refuses_a_format_of_the_other_kind(query: str, fmt: str, says: str) -> None:
    """--format csv on a CONSTRUCT printed Turtle, and --format turtle on a SELECT a table: a format that
    does not fit the answer is exit 2 with the formats that do, before any graph is built."""
    result = runner.invoke(main, ["sparql", query, "--data", str(SMALL), "--format", fmt])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"--format {fmt} does not fit: {says}; give --format "), result.stderr
    assert result.stdout == ""


_RUN_WITH_A_HANDLER = """
import atexit, sys
mark = sys.argv[1]
atexit.register(lambda: open(mark, "w").write("ran"))
sys.argv = ["kopa-graph", *sys.argv[2:]]
from kopa_graph.cli import run
run()
"""


@pytest.mark.parametrize(("args", "code"), [(["query", "statistics", "--data", str(SMALL), "--no-sandbox"], 0),
                                            (["query", "no-such-helper"], 2), (["build", "--data", "/nonexistent"], 2)])
def test_the_console_script_ends_as_python_does(tmp_path: Path, args: list[str], code: int) -> None:
    """kopa_graph.cli.run: exit handlers run and the exit code is the command's, though the process skips
    the collector's last pass over the graph (it freezes what is left instead of calling os._exit)."""
    import subprocess
    import sys

    mark = tmp_path / "handler-ran"
    done = subprocess.run([sys.executable, "-c", _RUN_WITH_A_HANDLER, str(mark), *args], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == code, done.stderr
    assert mark.read_text() == "ran"
    assert "Traceback" not in done.stderr
