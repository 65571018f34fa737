"""Golden files for the small fixture: a missing golden file fails; refresh
them on purpose with ``pytest --update-golden``."""

from __future__ import annotations

import pytest
from rdflib import Graph

from conftest import GOLDEN, describe_diff
from kopa_graph import Settings, serialize_release
from kopa_graph.graph.build import BuiltGraph
from kopa_graph.rdfio.engine import parse_bytes
from kopa_graph.rdfio.formats import FORMATS

CASES = [("small.ttl", "kopa.ttl", "turtle"), ("small.jsonld", "kopa.jsonld", "json-ld"),
         ("small.nt", "kopa.nt", "n-triples")]


@pytest.mark.parametrize(("golden_name", "output_name", "fmt"), CASES)
def test_output_matches_golden(small_built: BuiltGraph, settings: Settings, update_golden: bool,
                               golden_name: str, output_name: str, fmt: str) -> None:
    actual = serialize_release(small_built.graph, settings)[output_name]
    golden = GOLDEN / golden_name
    if update_golden:
        golden.write_bytes(actual)
        pytest.skip(f"rewrote {golden}")
    assert golden.exists(), f"golden file {golden} is missing: run pytest --update-golden and review the diff"
    expected = golden.read_bytes()
    if actual != expected:
        g_expected = parse_bytes(expected, FORMATS[fmt], str(golden))
        g_actual = parse_bytes(actual, FORMATS[fmt], output_name)
        diff = describe_diff(g_expected, g_actual)
        pytest.fail(f"{output_name} differs from {golden}:\n{diff}\n"
                    "(if the change is intended, run pytest --update-golden and review the diff)")


def test_golden_graph_is_the_built_graph(small_built: BuiltGraph) -> None:
    """The golden Turtle, read back, is exactly the built graph (no drift in meaning)."""
    from rdflib.compare import isomorphic

    golden = GOLDEN / "small.ttl"
    assert golden.exists(), "run pytest --update-golden"
    g = Graph().parse(golden, format="turtle")
    assert isomorphic(g, small_built.graph), describe_diff(small_built.graph, g)
