"""Issue 18 §4: ``serve``'s answer cache (:mod:`kopa_graph.query.cache`): the same answers, bounded in
memory, never an answer that is meant to differ, and the figures of ``benchmarks/serve_load.py``."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from kopa_graph import Settings
from kopa_graph.cli import main
from kopa_graph.graph.build import BuiltGraph
from kopa_graph.query.cache import AnswerCache, cacheable
from kopa_graph.query.helpers import helpers
from kopa_graph.query.worker import QueryFailed, QueryPool
from test_server import _free_port, _wait

NT = b"".join(f"<http://e.example/s{i}> <http://e.example/p> \"{i}\" .\n".encode() for i in range(50))


def _run(pool: QueryPool, text: str, fmt: str = "json") -> bytes:
    return asyncio.run(pool.run(text, fmt)).body


@pytest.mark.parametrize("text", [
    "SELECT (RAND() AS ?r) {}", "SELECT (now() AS ?t) {}", "SELECT (UUID() AS ?u) {}",
    "SELECT (STRUUID() AS ?u) {}", "SELECT (bNode() AS ?b) {}", "SELECT (RaNd() AS ?r) {}",
    "SELECT (\\u0052AND() AS ?r) {}", "PREFIX snow: <http://e.example/> SELECT * { ?s snow:p ?o }",
])
def test_a_query_that_may_differ_each_time_is_never_kept(text: str) -> None:
    assert not cacheable(text)
    cache: AnswerCache[str] = AnswerCache(1 << 20)
    assert not cache.put((text, "json", "turtle"), "answer", 10) and len(cache) == 0


def test_the_cache_is_bounded_and_forgets_the_answer_used_longest_ago() -> None:
    cache: AnswerCache[str] = AnswerCache(10_000, max_answer_bytes=4_000)
    assert not cache.put(("SELECT * {}", "json", "turtle"), "big", 5_000)  # over the bound of one answer
    for i in range(10):
        cache.put((f"ASK {{ <x:{i}> ?p ?o }}", "json", "turtle"), f"a{i}", 2_000)
        assert cache.bytes <= 10_000
    kept = [i for i in range(10) if cache.get((f"ASK {{ <x:{i}> ?p ?o }}", "json", "turtle")) is not None]
    assert kept and kept == list(range(10 - len(kept), 10)) and len(kept) < 10  # the newest, the oldest gone
    first = kept[0]
    cache.get((f"ASK {{ <x:{first}> ?p ?o }}", "json", "turtle"))  # used again: now the newest
    cache.put(("ASK {}", "json", "turtle"), "new", 2_000)
    assert cache.get((f"ASK {{ <x:{first}> ?p ?o }}", "json", "turtle")) == f"a{first}"
    assert cache.get((f"ASK {{ <x:{kept[1]}> ?p ?o }}", "json", "turtle")) is None
    nothing: AnswerCache[str] = AnswerCache(0)
    assert not nothing.put(("ASK {}", "json", "turtle"), "a", 1) and len(nothing) == 0


def test_a_kept_answer_is_the_same_bytes_and_needs_no_worker() -> None:
    pool = QueryPool(NT, workers=1, timeout=20, sandbox=False)
    try:
        text = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?o"
        first = _run(pool, text)
        for w in pool._all:  # every worker gone: only a kept answer can come back
            w.kill()
        assert _run(pool, text) == first and pool.cache.hits == 1
        assert len(json.loads(first)["results"]["bindings"]) == 50
        with pytest.raises(QueryFailed):  # a query not asked before needs a worker
            _run(pool, "ASK { ?s ?p \"7\" }")
    finally:
        pool.close()


def test_each_format_is_kept_apart_and_failures_are_never_kept() -> None:
    pool = QueryPool(NT, workers=1, timeout=20, max_rows=10, sandbox=False)
    try:
        text = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o LIMIT 3"
        as_json, as_csv = _run(pool, text, "json"), _run(pool, text, "csv")
        assert as_json != as_csv and _run(pool, text, "csv") == as_csv and _run(pool, text, "json") == as_json
        for _ in range(2):
            with pytest.raises(QueryFailed, match="more than 10 rows"):
                _run(pool, "SELECT * WHERE { ?s ?p ?o }")
        with pytest.raises(QueryFailed):
            _run(pool, "SELECT WHERE")
        assert len(pool.cache) == 2
    finally:
        pool.close()


def test_random_values_are_evaluated_each_time() -> None:
    pool = QueryPool(NT, workers=1, timeout=20, sandbox=False)
    try:
        answers = {_run(pool, "SELECT (RAND() AS ?r) WHERE {}") for _ in range(5)}
        assert len(answers) == 5 and len(pool.cache) == 0
    finally:
        pool.close()


def test_no_cache_with_cache_mb_0() -> None:
    pool = QueryPool(NT, workers=1, timeout=20, sandbox=False, cache_mb=0)
    try:
        text = "ASK { ?s ?p ?o }"
        assert _run(pool, text) == _run(pool, text) and len(pool.cache) == 0 and pool.cache.hits == 0
    finally:
        pool.close()


def test_serve_refuses_a_negative_cache() -> None:
    result = CliRunner().invoke(main, ["serve", "--cache-mb", "-1"])
    assert result.exit_code == 2 and "--cache-mb" in result.output



def _serving(graph: object, site: object, cache_mb: int) -> Iterator[tuple[str, QueryPool]]:
    """The app on ``serve``'s stack in a thread, as ``test_server._serving`` runs it, with its query pool."""
    from kopa_graph.publish.server.app import create_app, http_server

    app = create_app(graph, Settings(), site_dir=site, workers=1, timeout=20.0, cache_mb=cache_mb)  # type: ignore[arg-type]
    port = _free_port()
    srv = http_server(app, "127.0.0.1", port)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    _wait(port)
    try:
        yield f"http://127.0.0.1:{port}", app.state.kopa.pool
    finally:
        srv.should_exit = True
        thread.join(10)
        app.state.kopa.pool.close()


def test_every_helper_and_format_is_the_same_bytes_kept_or_evaluated(small_built: BuiltGraph,
                                                                     tmp_path: Path) -> None:
    """A differential test: a server that keeps answers against one that evaluates every query."""
    (tmp_path / "www").mkdir()
    kept_server = _serving(small_built.graph, tmp_path / "www", 64)
    plain_server = _serving(small_built.graph, tmp_path / "www", 0)
    (kept, pool), (plain, _) = next(kept_server), next(plain_server)
    try:
        asked = 0
        for h in helpers().values():
            params = {p.name: p.example for p in h.params if p.example}
            for path, accept in ((f"/queries/{h.name}.json", "*/*"), (f"/queries/{h.name}.csv", "*/*"),
                                 (f"/queries/{h.name}.tsv", "*/*"),
                                 (f"/queries/{h.name}", "application/sparql-results+xml")):
                answers = [httpx.get(base + path, params=params, headers={"Accept": accept})
                           for base in (kept, kept, plain)]
                assert [a.status_code for a in answers] == [200] * 3, (path, answers[0].text)
                assert answers[0].content == answers[1].content == answers[2].content, path
                asked += 1
        graph_query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <http://www.w3.org/ns/org#Organization> ; ?p ?o }"
        for accept in ("text/turtle", "application/n-triples", "application/ld+json"):
            answers = [httpx.get(f"{base}/sparql", params={"query": graph_query}, headers={"Accept": accept})
                       for base in (kept, kept, plain)]
            assert answers[0].status_code == 200 and answers[0].content == answers[1].content == answers[2].content
        assert asked == 4 * len(helpers()) and pool.cache.hits >= asked + 3  # the second of each was kept
    finally:
        for gen in (kept_server, plain_server):
            gen.close()


def test_the_bound_holds_in_the_memory_the_entries_take() -> None:
    """``--cache-mb`` is what the entries take, tiny answers as well as big ones (measured by tracemalloc)."""
    import tracemalloc

    from kopa_graph.query.worker import Answer

    bound = 4 * 1024 * 1024
    for count, size in ((60_000, 30), (600, 20_000)):
        tracemalloc.start()
        try:
            cache: AnswerCache[Answer] = AnswerCache(bound)
            before = tracemalloc.get_traced_memory()[0]
            for i in range(count):
                body = b"x" * size + str(i).encode()
                cache.put((f"ASK {{ <x:{i}> ?p ?o }}", "csv", "turtle"), Answer("boolean", body, 1), len(body))
            taken = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert cache.bytes <= bound and len(cache) < count  # full: the oldest went
        assert taken <= bound * 1.05, (count, size, taken)


BLANK_NT = NT + b"<http://e.example/s0> <http://e.example/q> _:b1 .\n"


@pytest.mark.parametrize("text", [
    "CONSTRUCT { _:b <http://e.example/x> ?s } WHERE { ?s ?p ?o } LIMIT 3",
    "CONSTRUCT { [] <http://e.example/x> ?s } WHERE { ?s ?p ?o } LIMIT 3",
    "CONSTRUCT { ?s <http://e.example/x> ( ?o 1 ) } WHERE { ?s ?p ?o } LIMIT 3",
    "SELECT ?o WHERE { ?s <http://e.example/q> ?o }",  # a blank node of the data
])
def test_an_answer_with_a_blank_node_is_never_kept(text: str) -> None:
    """A CONSTRUCT template's blank nodes are new at each evaluation (their labels too): such an answer is
    evaluated each time, as the words RAND or BNODE are."""
    pool = QueryPool(BLANK_NT, workers=1, timeout=20, sandbox=False)
    try:
        for _ in range(2):
            assert asyncio.run(pool.run(text, "json", "n-triples")).blank
        assert len(pool.cache) == 0 and pool.cache.hits == 0
        asyncio.run(pool.run("SELECT ?o WHERE { ?s <http://e.example/p> ?o } LIMIT 2"))
        assert len(pool.cache) == 1  # the same pool keeps an answer without one
    finally:
        pool.close()


def test_a_cancelled_query_never_hands_its_answer_to_the_next() -> None:
    """The server cancels the queries in flight when it stops; the worker that was evaluating one is
    replaced, so its late answer is never read as (and kept for) another query's."""
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    pool = QueryPool(NT, workers=1, timeout=60, sandbox=False)
    try:
        async def cancel_then_ask() -> tuple[bytes, bytes]:
            task = asyncio.ensure_future(pool.run(slow))
            await asyncio.sleep(0.5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            first = (await pool.run('ASK { ?s ?p "7" }')).body
            return first, (await pool.run('ASK { ?s ?p "7" }')).body

        first, again = asyncio.run(cancel_then_ask())
        assert json.loads(first) == {"head": {}, "boolean": True} and again == first
    finally:
        pool.close()


def test_the_lexer_remembers_few_and_short_texts() -> None:
    """The lexer's memory of texts it scanned is bounded in size, not only in number."""
    from kopa_graph.query import lexer

    lexer._remembered.cache_clear()
    for i in range(50):
        lexer.scan("#" + "\U0001F600" * 9_000 + f"\nASK {{ <x:{i}> ?p ?o }}")
    assert lexer._remembered.cache_info().currsize == 0
    for i in range(lexer._REMEMBERED + 100):
        lexer.scan(f"ASK {{ <x:{i}> ?p ?o }}")
    assert lexer._remembered.cache_info().currsize == lexer._REMEMBERED
