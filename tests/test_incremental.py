"""Issue 18 §3: ``publish --incremental OLD`` on two real releases (the shipped data, and the shipped data with
one pilot's keyword changed), live against Oxigraph and Virtuoso (HTTP Digest)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from rdflib import Graph

from conftest import ROOT, Quiet, loopback
from kopa_graph.cli import main
from kopa_graph.publish.incremental import store_form
from kopa_graph.rdfio.manifest import graph_hash
from test_diff import build, changed_data
from test_server import oxigraph  # noqa: F401  (the fixture: a live Oxigraph server)


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    tmp = tmp_path_factory.mktemp("incremental")
    data = changed_data(tmp)
    return build(ROOT / "data", tmp / "old"), build(data, tmp / "new"), data


def _put(store: str, iri: str, nt: Path, auth: Any = None) -> None:
    response = httpx.put(store, params={"graph": iri}, content=nt.read_bytes(), auth=auth,
                         headers={"Content-Type": "application/n-triples"}, timeout=60)
    assert response.status_code < 300, response.text


def _get(store: str, iri: str, auth: Any = None) -> Graph:
    response = httpx.get(store, params={"graph": iri}, headers={"Accept": "application/n-triples"}, auth=auth,
                         timeout=60)
    assert response.status_code == 200, response.text
    return Graph().parse(data=response.content, format="nt")


def _publish(data: Path, old: Path, store: str, update: str, iri: str, *extra: str,
             env: dict[str, str] | None = None) -> Any:
    return CliRunner(env=env).invoke(main, ["publish", "--data", str(data), "--endpoint", store, "--graph", iri,
                                            "--incremental", str(old), "--update-endpoint", update, *extra])


def _sha(release: Path) -> str:
    return str(json.loads((release / "manifest.json").read_text())["graph"]["sha256"])


def test_incremental_publish_to_oxigraph_sends_only_the_change(oxigraph: str,  # noqa: F811
                                                               releases: tuple[Path, Path, Path]) -> None:
    old, new, data = releases
    iri = "https://example.org/test_incremental/oxigraph"
    _put(f"{oxigraph}/store", iri, old / "kopa.nt")
    result = _publish(data, old, f"{oxigraph}/store", f"{oxigraph}/update", iri)
    assert result.exit_code == 0, result.output
    assert f"Published incrementally: sent the change: 7 triples removed, 7 added; read back: the new release " \
           f"(RDFC-1.0 SHA-256 {_sha(new)})." in result.output
    assert graph_hash(_get(f"{oxigraph}/store", iri)) == _sha(new)
    again = _publish(data, old, f"{oxigraph}/store", f"{oxigraph}/update", iri)  # the store holds new, not old
    assert again.exit_code == 0
    assert "Published in full: the store holds a graph with SHA-256 " + _sha(new) in again.output
    assert graph_hash(_get(f"{oxigraph}/store", iri)) == _sha(new)


def test_incremental_publish_replaces_whole_when_the_store_holds_something_else(
        oxigraph: str, releases: tuple[Path, Path, Path]) -> None:  # noqa: F811
    old, new, data = releases
    iri = "https://example.org/test_incremental/other"
    fresh = _publish(data, old, f"{oxigraph}/store", f"{oxigraph}/update", iri)
    assert fresh.exit_code == 0 and "Published in full: the store holds no such graph" in fresh.output
    assert graph_hash(_get(f"{oxigraph}/store", iri)) == _sha(new)


@contextmanager
def _inert_update_endpoint() -> Iterator[str]:
    """A SPARQL Update endpoint that answers 204 and changes nothing (a store whose update went elsewhere)."""
    class Handler(Quiet, BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(204)
            self.end_headers()

    with loopback(Handler) as url:
        yield f"{url}/update"


def test_incremental_publish_falls_back_when_the_read_back_is_not_the_new_release(
        oxigraph: str, releases: tuple[Path, Path, Path]) -> None:  # noqa: F811
    old, new, data = releases
    iri = "https://example.org/test_incremental/inert"
    _put(f"{oxigraph}/store", iri, old / "kopa.nt")
    with _inert_update_endpoint() as update:
        result = _publish(data, old, f"{oxigraph}/store", update, iri)
    assert result.exit_code == 0, result.output
    assert f"Published in full: after the update the store's graph has SHA-256 {_sha(old)}, not the new " \
           f"release's {_sha(new)}; replaced it whole" in result.output
    assert graph_hash(_get(f"{oxigraph}/store", iri)) == _sha(new)


def test_incremental_publish_needs_an_update_endpoint(releases: tuple[Path, Path, Path]) -> None:
    old, _, data = releases
    result = CliRunner().invoke(main, ["publish", "--data", str(data), "--endpoint", "http://127.0.0.1:9/store",
                                       "--incremental", str(old)])
    assert result.exit_code == 2 and "--incremental needs --update-endpoint" in result.output
    dry = CliRunner().invoke(main, ["publish", "--data", str(data), "--endpoint", "http://127.0.0.1:9/store",
                                    "--incremental", str(old), "--update-endpoint", "http://127.0.0.1:9/u",
                                    "--dry-run"])
    assert dry.exit_code == 2 and "kopa-graph diff OLD NEW --patch FILE.ru" in dry.output


def test_incremental_publish_to_virtuoso_with_digest(virtuoso: Any, releases: tuple[Path, Path, Path]) -> None:
    old, new, data = releases
    iri = "https://example.org/test_incremental/virtuoso"
    digest = httpx.DigestAuth("dba", "dba")
    _put(virtuoso.graph_store, iri, old / "kopa.nt", digest)
    result = _publish(data, old, virtuoso.graph_store, f"{virtuoso.url}/sparql-auth", iri, "--user", "dba",
                      "--password-env", "KOPA_TEST_VIRTUOSO_PW", "--auth", "digest",
                      env={"KOPA_TEST_VIRTUOSO_PW": "dba"})
    assert result.exit_code == 0, result.output
    assert "Published incrementally: sent the change: 7 triples removed, 7 added; read back: the new release " \
           f"(RDFC-1.0 SHA-256 {_sha(new)}; the store's copy hashes " in result.output
    back = _get(virtuoso.graph_store, iri, digest)
    expected = Graph().parse(new / "kopa.nt")
    assert graph_hash(store_form(back)) == graph_hash(store_form(expected))
    assert graph_hash(back) != _sha(new)  # Virtuoso rewrites the WKT literals: the forms are what make them agree


def test_incremental_publish_to_virtuoso_replaces_whole_when_it_holds_no_such_graph(
        virtuoso: Any, releases: tuple[Path, Path, Path]) -> None:
    old, new, data = releases
    iri = "https://example.org/test_incremental/virtuoso-fresh"
    result = _publish(data, old, virtuoso.graph_store, f"{virtuoso.url}/sparql-auth", iri, "--user", "dba",
                      "--password-env", "KOPA_TEST_VIRTUOSO_PW", "--auth", "digest",
                      env={"KOPA_TEST_VIRTUOSO_PW": "dba"})
    assert result.exit_code == 0, result.output
    assert "Published in full: the store holds " in result.output
    back = _get(virtuoso.graph_store, iri, httpx.DigestAuth("dba", "dba"))
    assert graph_hash(store_form(back)) == graph_hash(store_form(Graph().parse(new / "kopa.nt")))


def test_incremental_publish_reads_in_pages_where_the_store_cannot_get_the_graph(
        oxigraph: str, releases: tuple[Path, Path, Path]) -> None:  # noqa: F811
    """A store whose Graph Store GET fails for a large graph (Virtuoso over 1M triples: 500) is read before and
    after the change in pages from --query-endpoint, as publish reads back; without it the error names it."""
    from test_paged import get_fails

    old, new, data = releases
    iri = "https://example.org/test_incremental/paged"
    _put(f"{oxigraph}/store", iri, old / "kopa.nt")
    with get_fails(oxigraph) as (proxy, seen):
        alone = _publish(data, old, f"{proxy}/store", f"{proxy}/update", iri, "--retries", "1")
        assert alone.exit_code == 4 and "--query-endpoint URL" in alone.output, alone.output
        result = _publish(data, old, f"{proxy}/store", f"{proxy}/update", iri, "--retries", "1",
                          "--query-endpoint", f"{proxy}/query", "--read-page-triples", "2000")
    assert result.exit_code == 0, result.output
    assert "Published incrementally: sent the change: 7 triples removed, 7 added" in result.output
    assert seen["query"] >= 2 * (1 + 3), "before and after: the count, then a query a page"
    assert graph_hash(_get(f"{oxigraph}/store", iri)) == _sha(new)


def test_store_form_is_the_two_value_keeping_rewritings_of_the_dialects() -> None:
    from rdflib import Literal, URIRef

    from kopa_graph.publish.graphstore.dialects import REWRITINGS, VIRTUOSO_GEOMETRY
    from kopa_graph.publish.incremental import STORE_FORMS
    from kopa_graph.rdfio.namespaces import GEO, XSD

    assert set(STORE_FORMS) <= {r.name for r in REWRITINGS}
    g = Graph()
    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    g.add((s, p, Literal("5", datatype=XSD.nonNegativeInteger)))
    g.add((s, p, Literal("POINT (23.9  62.9)", datatype=VIRTUOSO_GEOMETRY)))
    g.add((s, p, Literal("1.50", datatype=XSD.decimal)))  # canonical-lexical is not a store form: kept as written
    assert set(store_form(g).objects()) == {Literal("5", datatype=XSD.integer),
                                            Literal("POINT(23.9 62.9)", datatype=GEO.wktLiteral),
                                            Literal("1.50", datatype=XSD.decimal)}


def test_incremental_publish_puts_nothing_into_the_data_graph_and_the_description_whole(
        oxigraph: str, releases: tuple[Path, Path, Path]) -> None:  # noqa: F811
    """README: only the change goes to the data graph (one SPARQL Update, no PUT), and the description graph is
    always sent whole (one PUT): what the store then holds is the new release's description."""
    import urllib.parse

    from conftest import forward
    from kopa_graph import Settings
    from kopa_graph.pipeline import validate_source
    from kopa_graph.publish.description import release_description
    from kopa_graph.publish.triplestore import description_graph_iri

    old, _, data = releases
    iri = "https://example.org/test_incremental/counted"
    _put(f"{oxigraph}/store", iri, old / "kopa.nt")
    target = urllib.parse.urlsplit(oxigraph)
    seen: list[tuple[str, str]] = []

    class Counting(Quiet, BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            graph = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("graph", [""])[0]
            seen.append((self.command, graph or urllib.parse.urlsplit(self.path).path))
            forward(self, target, body, 60)

        do_GET = do_PUT = do_POST = do_HEAD = _any

    with loopback(Counting) as proxy:
        result = _publish(data, old, f"{proxy}/store", f"{proxy}/update", iri)
    assert result.exit_code == 0 and "Published incrementally" in result.output, result.output
    described = description_graph_iri(iri)
    assert [s for s in seen if s[0] in ("PUT", "POST")] == [("POST", "/update"), ("PUT", described)], seen
    expected = release_description(validate_source(data, Settings()).graph, Settings()).description
    assert graph_hash(store_form(_get(f"{oxigraph}/store", described))) == graph_hash(store_form(expected))
