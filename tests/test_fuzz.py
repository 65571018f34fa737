"""Fuzzing, bounded: mangled source files, mangled articles and arbitrary query parameters may only
ever end in the project's own errors, each with a message; never another exception (issue 9).

Each test runs a fixed number of generated cases (``max_examples``); ``pytest
--hypothesis-show-statistics tests/test_fuzz.py`` reports how many ran and how long they took.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SMALL
from kopa_graph.errors import KopaError
from kopa_graph.source.load import load_source_data

FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])

# Edits a person's slip or a hostile file could make: cut, duplicate, insert, replace, reorder.
_CHARS = [*" \t\n:-[]{},'\"#&*!|>%@`?\\0123456789abcxyzåäö", "\u0000", "\ufeff", "\u2028"]
_NOISE = st.text(st.sampled_from(_CHARS), max_size=12)


@st.composite
def mangled(draw: st.DrawFn, text: str) -> str:
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            text = draw(_NOISE)
            continue
        at = draw(st.integers(0, len(text) - 1))
        end = min(len(text), at + draw(st.integers(0, 40)))
        kind = draw(st.sampled_from(["cut", "insert", "replace", "duplicate", "swap-lines", "truncate"]))
        if kind == "cut":
            text = text[:at] + text[end:]
        elif kind == "insert":
            text = text[:at] + draw(_NOISE) + text[at:]
        elif kind == "replace":
            text = text[:at] + draw(_NOISE) + text[end:]
        elif kind == "duplicate":
            text = text[:end] + text[at:end] + text[end:]
        elif kind == "truncate":
            text = text[:at]
        else:
            lines = text.splitlines(keepends=True)
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "".join(lines)
    return text


def _only_our_errors(call) -> str:  # type: ignore[no-untyped-def]
    try:
        call()
    except KopaError as exc:
        message = str(exc)
        assert message.strip(), "an error must say what is wrong"
        assert "Traceback" not in message
        return "refused"
    return "accepted"


@pytest.mark.parametrize("name", ["pilots.yaml", "organisations.yaml", "claims.yaml", "project.yaml",
                                  "aliases.csv"])
def test_mangled_source_files_give_our_errors(tmp_path_factory: pytest.TempPathFactory, name: str) -> None:
    original = (SMALL / name).read_text(encoding="utf-8")
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(SMALL, folder / "data")
    data = folder / "data"
    outcomes: dict[str, int] = {}

    @FUZZ
    @given(mangled(original))
    def run(text: str) -> None:
        (data / name).write_text(text, encoding="utf-8")
        outcome = _only_our_errors(lambda: load_source_data(data))
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    run()
    print(f"fuzz {name}: {outcomes}")
    assert outcomes.get("refused", 0) > 10, outcomes  # the mangling does reach the checks


def test_mangled_articles_give_our_errors(tmp_path: Path) -> None:
    from kopa_graph.article.ingest import ingest_article
    from kopa_graph.resources import default_data_dir

    data = load_source_data(default_data_dir(), article_facts=False)
    article = default_data_dir() / "sources" / "kopa-pilotforsok-sv.txt"
    original = article.read_text(encoding="utf-8")
    target = tmp_path / article.name
    outcomes: dict[str, int] = {}

    @FUZZ
    @given(mangled(original))
    def run(text: str) -> None:
        target.write_text(text, encoding="utf-8")
        outcome = _only_our_errors(lambda: ingest_article(target, data))
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    target.write_text(original, encoding="utf-8")
    assert _only_our_errors(lambda: ingest_article(target, data)) == "accepted", "the unmangled article reads"
    run()
    print(f"fuzz article: {outcomes}")
    assert outcomes.get("refused", 0) > 10, outcomes


_VALUES = st.one_of(st.text(max_size=60), st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "alfa",
                                                            "https://w3id.org/kopa/id/pilot/alfa", '"', "'",
                                                            "\\", "} ; DROP ALL", "<x>", "\u0000", "?x", "$x"]))


def test_arbitrary_query_parameters_give_rows_or_our_errors(small_built) -> None:  # type: ignore[no-untyped-def]
    from kopa_graph.query.evaluate import prepare
    from kopa_graph.query.helpers import helpers, run_query

    prepared = prepare(small_built.graph)
    names = sorted(helpers())

    @FUZZ
    @given(st.sampled_from(names), st.dictionaries(st.sampled_from(["pilot", "municipality", "organisation",
                                                                    "theme", "text", "type", "region", "limit",
                                                                    "iri", "identifier", "nope"]),
                                                   _VALUES, max_size=3))
    def run(name: str, params: dict[str, str]) -> None:
        outcome = _only_our_errors(lambda: run_query(prepared, name, **params))
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    outcomes: dict[str, int] = {}
    run()
    print(f"fuzz query parameters: {outcomes}")


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_arbitrary_query_parameters_over_http(small_built) -> None:  # type: ignore[no-untyped-def]
    """The same through the server: every answer is 200 or 4xx with a JSON error, never 5xx."""
    import httpx
    from starlette.testclient import TestClient

    from kopa_graph.publish.server.app import create_app
    from kopa_graph.query.helpers import helpers
    from kopa_graph.settings import Settings

    site = SMALL  # pages are not asked for here; any folder will do
    app = create_app(small_built.graph, Settings(), workers=1, timeout=5.0, site_dir=site)
    names = sorted(helpers())
    try:
        with TestClient(app) as client:
            @FUZZ
            @given(st.sampled_from(names), st.lists(st.tuples(st.text(max_size=20), _VALUES), max_size=4))
            def run(name: str, params: list[tuple[str, str]]) -> None:
                try:
                    r = client.get(f"/queries/{name}", params=params)
                except httpx.InvalidURL:
                    return
                assert r.status_code == 200 or 400 <= r.status_code < 500, (r.status_code, r.text[:200])
                if r.status_code != 200:
                    assert r.json()["error"]
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

            statuses: dict[int, int] = {}
            run()
            print(f"fuzz HTTP parameters: {statuses}")
    finally:
        app.state.kopa.pool.close()
