"""publish's paged read-back through the store's SPARQL query endpoint (issue 18 §1: Virtuoso's Graph Store GET
fails with 500 over 1,000,000 triples), live on Virtuoso (``/sparql``) and Oxigraph (``/query``), with pages
small enough that several are read and page boundaries fall inside a cycle of blank nodes. Each test writes only
graphs whose IRIs carry its own name (CI shares one Virtuoso between processes)."""

from __future__ import annotations

import http.server
import re
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef

from conftest import Quiet, forward, loopback
from kopa_graph.cli import main
from kopa_graph.publish.graphstore.dialects import check_read_back
from kopa_graph.publish.graphstore.paged import ReadBack, read_paged
from kopa_graph.publish.triplestore import PublishError, publish
from kopa_graph.rdfio.namespaces import XSD
from test_server import oxigraph  # noqa: F401  (the fixture: a live Oxigraph server)

USER, PASSWORD = "dba", "dba"  # the throw-away Virtuoso's administrator (tests/virtuoso.py)
EX = "https://example.org/test-paged/"
FRVEC = b"Virtuoso 22023 Error FRVEC: array in for vectored over max vector length 1007999 > 1000000"


def _cyclic(n: int = 30) -> Graph:
    """``n`` IRIs each pointing at a blank node, the blank nodes in one cycle with a literal each: ``4n``
    triples, one blank-node cluster that every page boundary cuts."""
    g = Graph()
    nodes = [BNode() for _ in range(n)]
    for i, node in enumerate(nodes):
        g.add((URIRef(f"{EX}s{i % 7}"), URIRef(EX + "p"), node))
        g.add((node, URIRef(EX + "v"), Literal(i)))
        g.add((node, URIRef(EX + "next"), nodes[(i + 1) % n]))
        g.add((URIRef(f"{EX}t{i}"), URIRef(EX + "price"), Literal("1.50", datatype=XSD.decimal)))
    return g


@contextmanager
def get_fails(upstream: str, stuck: bool = False) -> Iterator[tuple[str, dict[str, int]]]:
    """A proxy to ``upstream`` that answers every Graph Store GET with Virtuoso's 500 for a graph over 1M triples,
    and counts the SPARQL queries (POSTs with a ``query``) it forwards; ``stuck``: every page is the first (a store
    whose answer order moves between pages, at its worst)."""
    target = urllib.parse.urlsplit(upstream)
    seen = {"GET": 0, "query": 0}

    class Handler(Quiet, http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.command == "GET" and "graph=" in self.path:
                seen["GET"] += 1
                self.send_response(500)
                self.send_header("Content-Length", str(len(FRVEC)))
                self.end_headers()
                self.wfile.write(FRVEC)
                return
            if self.command == "POST" and body.startswith(b"query="):
                seen["query"] += 1
                if stuck:
                    body = re.sub(rb"OFFSET\+\d+", b"OFFSET+0", body)
                    self.headers.replace_header("Content-Length", str(len(body)))
            forward(self, target, body, 60)

        do_GET = do_PUT = do_POST = do_HEAD = _any

    with loopback(Handler) as url:
        yield url, seen


def test_virtuoso_keeps_blank_node_labels_from_page_to_page(virtuoso: Any) -> None:
    g = _cyclic()
    iri = EX + "labels"
    publish(g, virtuoso.graph_store, iri, USER, PASSWORD)
    back = read_paged(httpx.Client(), virtuoso.sparql, iri, 7, 1)
    assert len(back) == len(g) == 120
    assert len({o for o in back.objects() if isinstance(o, BNode)}) == 30, "one node per blank node sent"
    assert check_read_back(g, back, iri).endswith("[canonical-lexical]")


@pytest.mark.parametrize("page", [7, 50, 1000])
def test_publish_into_virtuoso_reads_back_in_pages_when_the_get_fails(virtuoso: Any, page: int) -> None:
    g = _cyclic()
    iri = f"{EX}fallback-{page}"
    with get_fails(virtuoso.url) as (proxy, seen):
        with pytest.raises(PublishError, match="--query-endpoint URL"):  # before: the GET's 500 ended publish
            publish(g, f"{proxy}/sparql-graph-crud-auth", iri, USER, PASSWORD, retries=1)
        result = publish(g, f"{proxy}/sparql-graph-crud-auth", iri, USER, PASSWORD, retries=1,
                         read_back=ReadBack("auto", f"{proxy}/sparql", page))
    assert result.verified and "[canonical-lexical]" in result.note
    assert seen["GET"] == 2
    assert seen["query"] == 1 + -(-len(g) // page), "the count, then one query a page"


def test_staged_publish_into_virtuoso_with_sparql_read_back(virtuoso: Any) -> None:
    g = _cyclic()
    iri = EX + "staged"
    result = publish(g, virtuoso.graph_store, iri, USER, PASSWORD, chunk_triples=40,
                     update_endpoint=f"{virtuoso.url}/sparql-auth", read_back=ReadBack("sparql", virtuoso.sparql, 9))
    assert result.verified and "[canonical-lexical]" in result.note


def test_a_store_holding_more_than_was_sent_fails_the_paged_check(virtuoso: Any) -> None:
    g = _cyclic()
    iri = EX + "extra"
    publish(g, virtuoso.graph_store, iri, USER, PASSWORD)
    fewer = Graph()
    for t in list(g)[:-4]:
        fewer.add(t)
    with pytest.raises(PublishError, match="is not the graph sent"):
        check_read_back(fewer, read_paged(httpx.Client(), virtuoso.sparql, iri, 16, 1), iri)


def test_pages_that_repeat_fail_the_check_and_keep_the_old_graph(virtuoso: Any) -> None:
    g = _cyclic()
    iri = EX + "stuck"
    with get_fails(virtuoso.url, stuck=True) as (proxy, _), \
            pytest.raises(PublishError, match="hold 30 distinct triples of the 120 the store counts"):
        publish(g, f"{proxy}/sparql-graph-crud-auth", iri, USER, PASSWORD, retries=1, chunk_triples=40,
                update_endpoint=f"{proxy}/sparql-auth", read_back=ReadBack("sparql", f"{proxy}/sparql", 30))
    assert len(Graph().parse(data=httpx.get(virtuoso.graph_store, params={"graph": iri},
                                            auth=httpx.DigestAuth(USER, PASSWORD)).content, format="nt")) == 0


def test_publish_into_oxigraph_reads_back_in_pages(oxigraph: str) -> None:  # noqa: F811
    g = _cyclic()
    iri = EX + "oxigraph"
    with get_fails(oxigraph) as (proxy, seen):
        result = publish(g, f"{proxy}/store", iri, retries=1, read_back=ReadBack("sparql", f"{proxy}/query", 11))
    by_get = publish(g, f"{oxigraph}/store", iri, retries=1)
    assert result.verified and result.note == by_get.note, "the same check, the same rewritings named"
    assert "[canonical-lexical]" in result.note, "Oxigraph 0.5 keeps xsd:decimal 1.50 as 1.5 (through GET too)"
    assert seen["GET"] == 0 and seen["query"] == 1 + -(-len(g) // 11)
    back = read_paged(httpx.Client(), f"{oxigraph}/query", iri, 11, 1)
    assert len({o for o in back.objects() if isinstance(o, BNode)}) == 30, "Oxigraph's labels are stable too"


def test_cli_publishes_with_read_back_sparql_into_oxigraph(oxigraph: str) -> None:  # noqa: F811
    from conftest import SMALL

    result = CliRunner().invoke(main, ["--quiet", "publish", "--data", str(SMALL), "--endpoint", f"{oxigraph}/store",
                                       "--graph", EX + "cli", "--read-back", "sparql", "--query-endpoint",
                                       f"{oxigraph}/query", "--read-page-triples", "100"])
    assert result.exit_code == 0, result.output
    assert "read back: the same graph" in result.output


def test_cli_read_back_sparql_needs_a_query_endpoint() -> None:
    result = CliRunner().invoke(main, ["publish", "--endpoint", "http://127.0.0.1:9/store", "--read-back", "sparql"])
    assert result.exit_code == 2
    assert "--read-back sparql needs --query-endpoint" in result.output


def test_read_back_graph_store_never_reads_in_pages(oxigraph: str) -> None:  # noqa: F811
    """--read-back graph-store: a GET and nothing else, even with a query endpoint given and the GET failing;
    --read-back auto with a GET that answers asks the query endpoint nothing either."""
    g = _cyclic()
    iri = EX + "graph-store-only"
    with get_fails(oxigraph) as (proxy, seen), pytest.raises(PublishError, match="HTTP 500"):
        publish(g, f"{proxy}/store", iri, retries=1, read_back=ReadBack("graph-store", f"{proxy}/query", 7))
    assert seen["GET"] == 1 and seen["query"] == 0
    counted = {"query": 0}

    class Counting(Quiet, http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            counted["query"] += 1
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()

    with loopback(Counting) as query:
        result = publish(g, f"{oxigraph}/store", iri, retries=1, read_back=ReadBack("auto", f"{query}/query", 7))
    assert result.verified and counted["query"] == 0


def _capped_store(lines: list[str], cap: int, empty_from: int | None = None) -> tuple[httpx.Client, list[str]]:
    """A client on a stand-in query endpoint that holds ``lines`` (N-Triples) and answers at most ``cap`` triples
    a page, as a store with a row cap does (Virtuoso's stock ResultSetMaxRows); from offset ``empty_from`` its
    pages are empty (a graph emptied while it is read). Records each page's LIMIT/OFFSET."""
    import json as _json
    import urllib.parse

    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        query = urllib.parse.parse_qs(request.content.decode())["query"][0]
        if query.startswith("SELECT (COUNT"):
            return httpx.Response(200, content=_json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
                {"n": {"type": "literal", "value": str(len(lines))}}]}}).encode())
        limit, offset = (int(x) for x in re.search(r"LIMIT (\d+) OFFSET (\d+)", query).groups())  # type: ignore[union-attr]
        asked.append(f"{limit}/{offset}")
        rows = [] if empty_from is not None and offset >= empty_from else lines[offset:offset + min(limit, cap)]
        return httpx.Response(200, content="".join(rows).encode(), headers={"Content-Type": "application/n-triples"})

    return httpx.Client(transport=httpx.MockTransport(handler)), asked


def test_a_store_that_caps_its_pages_is_read_whole_and_an_empty_page_is_an_error() -> None:
    """README: a store that caps its answers gives short pages and the next starts after them; an empty page
    before the count is reached is an error (the graph changed while it was read)."""
    lines = [f'<{EX}s{i:02d}> <{EX}p> "{i}" .\n' for i in range(25)]
    client, asked = _capped_store(lines, cap=10)
    back = read_paged(client, "http://store.example/query", EX + "g", 50, 1)
    assert len(back) == 25 and asked == ["50/0", "50/10", "50/20"]
    client, asked = _capped_store(lines, cap=10, empty_from=10)
    with pytest.raises(PublishError, match="holds 25 triples but the page at offset 10 is empty"):
        read_paged(client, "http://store.example/query", EX + "g", 50, 1)
