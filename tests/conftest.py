"""Shared fixtures. Paths are found relative to this file, never the working directory."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from kopa_graph import Settings, build_graph, load_source_data
from kopa_graph.build import BuiltGraph

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
SMALL = FIXTURES / "small"
GOLDEN = TESTS / "golden"


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
