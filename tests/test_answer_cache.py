"""Issue 18 §4: ``serve``'s answer cache (:mod:`kopa_graph.query.cache`): the same answers, bounded in
memory, never an answer that is meant to differ, and the figures of ``benchmarks/serve_load.py``."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
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
    from kopa_graph.publish.server.app import create_app, http_server

    app = create_app(graph, Settings(), site_dir=site, workers=1, timeout=20.0, cache_mb=cache_mb)  # type: ignore[arg-type]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = http_server(app, "127.0.0.1", port)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/health").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    try:
        yield base, app.state.kopa.pool
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
