"""Issue 18 §4: the build writes into a bare triple index and validates in a child process.

Speed itself is measured in benchmarks/floor.py, never asserted here: these tests pin what makes it
fast (no rdflib graph made by ``kopa-graph build``, validation in another process) and that the
outputs and the library's API are what they were.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from conftest import SMALL, SMALL_TRIPLES, pid_of_call
from kopa_graph.cli import main
from kopa_graph.forked import ChildFailed, Forked
from kopa_graph.graph.build import BuiltGraph
from kopa_graph.rdfio.engine import serialize
from kopa_graph.rdfio.namespaces import prefixes_for
from kopa_graph.rdfio.tripleset import TripleSet
from kopa_graph.settings import Settings

runner = CliRunner()


def test_the_graph_is_made_on_first_use_and_once(small_built: BuiltGraph) -> None:
    built = BuiltGraph(small_built.triples, small_built.origins)
    assert "graph" not in built.__dict__, "building makes no rdflib graph"
    graph = built.graph
    assert isinstance(graph, Graph) and built.graph is graph
    assert len(graph) == len(built.triples) == SMALL_TRIPLES
    assert set(graph) == set(built.triples)
    assert dict(graph.namespaces())["skos"] == URIRef("http://www.w3.org/2004/02/skos/core#")


@pytest.mark.parametrize("fmt", ["turtle", "n-triples", "json-ld"])
def test_the_triple_index_and_rdflib_write_the_same_bytes(small_built: BuiltGraph, settings: Settings,
                                                         fmt: str) -> None:
    prefixes = prefixes_for(settings.id_base)
    from_index = serialize(small_built.triples, fmt, prefixes, settings.id_base)
    assert from_index == serialize(small_built.graph, fmt, prefixes, settings.id_base)


def test_a_triple_set_is_a_set() -> None:
    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    triples = TripleSet()
    for o in (Literal("a"), Literal("a"), Literal("a", lang="sv"), Literal("1", datatype=URIRef(
            "http://www.w3.org/2001/XMLSchema#integer"))):
        triples.add((s, p, o))
    assert len(triples) == 3 and len(list(triples)) == 3
    assert (s, p, Literal("a", lang="sv")) in triples and (p, p, Literal("a")) not in triples
    assert list(triples.objects(s, p)) == [Literal("a"), Literal("a", lang="sv"),
                                           Literal("1", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer"))]
    assert isomorphic(triples.to_graph(), Graph().parse(data=b"".join(
        f"{s.n3()} {p.n3()} {o.n3()} .\n".encode() for _, _, o in triples), format="nt"))


def test_build_never_makes_the_rdflib_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before issue 18 every triple went through rdflib's Graph.add, the largest stage at 1M triples."""
    def refused(self: TripleSet) -> Graph:
        raise AssertionError("kopa-graph build made an rdflib graph")

    monkeypatch.setattr(TripleSet, "to_graph", refused)
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert f"Built {SMALL_TRIPLES} triples" in result.output
    assert sum(1 for _ in (tmp_path / "out" / "kopa.nt").open(encoding="utf-8")) == SMALL_TRIPLES


def test_build_validates_in_another_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kopa_graph import pipeline

    seen = tmp_path / "validated-in"
    pid_of_call(monkeypatch, pipeline, "validate_graph", seen)
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert int(seen.read_text()) != os.getpid()


def test_forked_returns_the_childs_value_and_raises_its_exception() -> None:
    with Forked(lambda: (os.getpid(), [1, 2, 3])) as work:
        pid, value = work.result()
    assert pid != os.getpid() and value == [1, 2, 3]

    def fails() -> None:
        raise ValueError("a fault in the child")

    with pytest.raises(ValueError, match="a fault in the child"), Forked(fails) as work:
        work.result()


def test_forked_says_when_the_child_dies_without_an_answer() -> None:
    with pytest.raises(ChildFailed, match="ended by signal 9 without an answer"), \
            Forked(lambda: os.kill(os.getpid(), signal.SIGKILL)) as work:
        work.result()


def test_leaving_the_block_ends_the_child() -> None:
    import time

    with Forked(lambda: time.sleep(60)) as work:
        pid = work._pid
    assert pid is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # already waited for: no child left behind


def test_the_floor_writes_the_three_formats_of_the_same_graph(tmp_path: Path, small_built: BuiltGraph,
                                                              settings: Settings) -> None:
    """benchmarks/floor.py, issue 18's baseline: pyoxigraph alone on the build's N-Triples."""
    import sys

    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import floor

    nt = tmp_path / "kopa.nt"
    nt.write_bytes(serialize(small_built.triples, "n-triples", prefixes_for(settings.id_base), settings.id_base))
    floor.floor(nt, tmp_path / "out")
    for name, fmt in (("floor.ttl", "turtle"), ("floor.nt", "nt"), ("floor.jsonld", "json-ld")):
        assert isomorphic(Graph().parse(tmp_path / "out" / name, format=fmt), small_built.graph), name


def test_the_source_files_load_as_pyyamls_safe_loader_reads_them(tmp_path: Path) -> None:
    """The YAML loader's shortcuts (a text scalar is its text; a lighter resolver) change no value or type."""
    import yaml

    from kopa_graph.source.yamlfile import load_yaml

    def plain(x: object) -> object:
        if isinstance(x, dict):
            return [(plain(k), plain(v)) for k, v in x.items()]
        if isinstance(x, list):
            return [plain(v) for v in x]
        return type(x).__name__, repr(x)

    text = ("a: yes\nb: 1\nc: 1.5\nd: 2020-01-01\ne: ~\nf: ''\ng: 'yes'\nh: -3\ni: .inf\nk: null\nl: x\nm: 0o17\n"
            "n: 2020-01-01 10:00:00\no: [1, 'a', b, no, &x 'anchored', *x]\np: {q: On, r: \"2\"}\n'': 5\ns: |\n  two\n"
            "  lines\n")
    (tmp_path / "f.yaml").write_text(text, encoding="utf-8")
    assert plain(load_yaml(tmp_path / "f.yaml")) == plain(yaml.load(text, Loader=yaml.SafeLoader))
    from conftest import ROOT

    for path in sorted((ROOT / "data").glob("*.yaml")):
        expected = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        assert plain(load_yaml(path)) == plain(expected), path


def test_nothing_buffered_before_the_fork_is_written_twice() -> None:
    """kopa_graph.forked flushes stdout and stderr before it forks: text the parent wrote but had not yet sent
    is not sent again by the child (which would copy the buffer)."""
    import subprocess
    import sys

    code = ("import sys; sys.stdout.write('before '); sys.stderr.write('err ')\n"
            "from kopa_graph.forked import Forked\n"
            "with Forked(lambda: 41) as child: n = child.result()\n"
            "print(n + 1)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**__import__("os").environ, "PYTHONUNBUFFERED": ""})
    assert (done.returncode, done.stdout, done.stderr) == (0, "before 42\n", "err ")
