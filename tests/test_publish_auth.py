"""publish's authentication (HTTP Digest and Basic, --auth), its read-back allowances and its pieces, against
stand-ins on loopback (conftest.graph_store); the live runs are in test_virtuoso.py and test_server.py."""

from __future__ import annotations

import httpx
import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef

from conftest import SMALL, SMALL_TRIPLES, graph_store
from kopa_graph.cli import main
from kopa_graph.errors import InputError
from kopa_graph.publish.graphstore.auth import EndpointAuth, offered_schemes
from kopa_graph.publish.graphstore.dialects import check_read_back
from kopa_graph.publish.graphstore.staged import pieces
from kopa_graph.publish.triplestore import PublishError, publish


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    for i in range(5):
        g.add((URIRef(f"https://example.org/s{i}"), URIRef("https://example.org/p"), Literal(f"v{i}")))
    return g


def test_auto_answers_a_digest_challenge_with_digest_and_never_sends_basic(graph: Graph) -> None:
    with graph_store(auth="digest") as store:
        result = publish(graph, store.url, "https://example.org/g", "u", "p", retries=1)
    assert result.verified
    sent = [given for _, given in store.seen if given]
    assert sent and all(given.startswith("Digest ") for given in sent)
    assert not any(given.startswith("Basic") for _, given in store.seen), "the password never goes in clear"
    assert store.seen[0] == ("HEAD", ""), "nothing secret before the endpoint names its scheme"
    assert [m for m, given in store.seen if m == "PUT"] == ["PUT"], "the body is sent once, already authenticated"


def test_auto_prefers_digest_where_both_are_offered(graph: Graph) -> None:
    with graph_store(auth="both") as store:
        assert publish(graph, store.url, "https://example.org/g", "u", "p", retries=1).verified
    assert not any(given.startswith("Basic") for _, given in store.seen)


def test_auto_uses_basic_where_it_is_the_only_scheme_offered(graph: Graph) -> None:
    with graph_store(auth="basic") as store:
        assert publish(graph, store.url, "https://example.org/g", "u", "p", retries=1).verified
    assert store.seen[0] == ("HEAD", "")
    assert {given.split()[0] for _, given in store.seen if given} == {"Basic"}


def test_auth_basic_refuses_a_digest_endpoint_without_sending_the_password(graph: Graph) -> None:
    with graph_store(auth="digest") as store, pytest.raises(PublishError, match="use --auth digest") as failed:
        publish(graph, store.url, "https://example.org/g", "u", "p", retries=1, auth="basic")
    assert failed.value.exit_code == 4
    assert all(given == "" for _, given in store.seen), "no credentials of any kind were sent"
    assert store.hits == [], "nothing was stored"


def test_auth_digest_refuses_a_basic_only_endpoint(graph: Graph) -> None:
    with graph_store(auth="basic") as store, pytest.raises(PublishError, match="use --auth basic"):
        publish(graph, store.url, "https://example.org/g", "u", "p", retries=1, auth="digest")
    assert all(given == "" for _, given in store.seen)


def test_a_wrong_password_is_refused_with_exit_4_naming_the_options() -> None:
    with graph_store(auth="digest") as store:
        r = CliRunner(env={"KOPA_PW": "wrong"}).invoke(main, ["publish", "--endpoint", store.url, "--user", "u",
                                                             "--password-env", "KOPA_PW", "--data", str(SMALL),
                                                             "--retries", "1"])
    assert r.exit_code == 4, r.output
    assert "refused (401); check --user, the password variable and --auth" in r.stderr


def test_cli_auth_digest_publishes_to_a_digest_endpoint() -> None:
    with graph_store(auth="digest") as store:
        r = CliRunner(env={"KOPA_PW": "p"}).invoke(main, ["publish", "--endpoint", store.url, "--user", "u",
                                                         "--password-env", "KOPA_PW", "--auth", "digest",
                                                         "--data", str(SMALL)])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"Published {SMALL_TRIPLES} triples to ")


def test_credentials_go_only_to_the_endpoints_origin() -> None:
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, request.headers.get("Authorization", "")))
        return httpx.Response(401, headers={"WWW-Authenticate": 'Basic realm="x"'})

    auth = EndpointAuth("u", "p", "auto", ["http://store.example:8890/sparql-graph-crud-auth"])
    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as client:
        client.get("http://store.example:8890/x")
        client.get("http://elsewhere.example:8890/x")
        client.get("http://store.example:8891/x")
    assert [(h, a.split()[0] if a else "") for h, a in seen] == [
        ("store.example", ""), ("store.example", "Basic"), ("elsewhere.example", ""), ("store.example", "")]


def test_schemes_are_read_from_every_challenge() -> None:
    response = httpx.Response(401, headers=[("WWW-Authenticate", 'Digest realm="SPARQL", qop="auth", stale="false"'),
                                            ("WWW-Authenticate", 'Basic realm="x", Bearer')])
    assert offered_schemes(response) == ["digest", "basic", "bearer"]


def test_chunk_triples_without_an_update_endpoint_is_a_usage_error() -> None:
    r = CliRunner().invoke(main, ["publish", "--endpoint", "http://127.0.0.1:9/store", "--chunk-triples", "10",
                                  "--data", str(SMALL)])
    assert r.exit_code == 2 and "--chunk-triples needs --update-endpoint" in r.stderr


def test_pieces_keep_each_blank_node_cluster_whole_and_are_the_same_every_run() -> None:
    g = Graph()
    ex = "https://example.org/"
    for i in range(30):
        g.add((URIRef(f"{ex}s{i}"), URIRef(f"{ex}p"), Literal(i)))
    a, b, c = BNode(), BNode(), BNode()
    g.add((URIRef(f"{ex}s0"), URIRef(f"{ex}q"), a))
    for node, nxt in ((a, b), (b, c)):
        g.add((node, URIRef(f"{ex}next"), nxt))
        g.add((node, URIRef(f"{ex}v"), Literal("x")))
    out = pieces(g, 4)
    assert out == pieces(g, 4)
    back = Graph()
    for body in out:
        piece = Graph().parse(data=body, format="nt")
        assert len(piece) <= 4 or any(isinstance(t, BNode) for t in piece.subjects())
        labels = {t for t in piece.all_nodes() if isinstance(t, BNode)}
        assert not labels or len(labels) == 3, "the chain a-b-c travels in one piece"
        back += piece
    assert len(back) == len(g)


def test_read_back_names_each_rewriting_and_refuses_anything_else() -> None:
    ex, xsd = "https://example.org/", "http://www.w3.org/2001/XMLSchema#"
    geo = "http://www.opengis.net/ont/geosparql#"
    sent, back = Graph(), Graph()
    s, p = URIRef(f"{ex}s"), URIRef(f"{ex}p")
    pairs = [(Literal("POINT (1 2)", datatype=URIRef(f"{geo}wktLiteral")),
              Literal("POINT(1 2)", datatype=URIRef("http://www.openlinksw.com/schemas/virtrdf#Geometry"))),
             (Literal("Hej", lang="sv-FI"), Literal("Hej", lang="sv-fi")),
             (Literal("5", datatype=URIRef(f"{xsd}nonNegativeInteger")),
              Literal("5", datatype=URIRef(f"{xsd}integer"))),
             (Literal("1.50", datatype=URIRef(f"{xsd}decimal")), Literal("1.5", datatype=URIRef(f"{xsd}decimal"))),
             (Literal("P1D", datatype=URIRef(f"{xsd}duration")), Literal("86400.0", datatype=URIRef(f"{xsd}duration")))]
    for i, (a, b) in enumerate(pairs):
        sent.add((s, URIRef(f"{p}{i}"), a))
        back.add((s, URIRef(f"{p}{i}"), b))
    note = check_read_back(sent, back, "http://x/store")
    for name in ("wkt-geometry", "integer-subtypes", "canonical-lexical", "duration-seconds"):
        assert f"[{name}]" in note, note
    assert note.count("stores 1 literal ") == 4, note
    assert "language" not in note, "rdflib itself counts @sv-FI and @sv-fi as one literal"
    back.add((s, p, Literal("extra")))
    with pytest.raises(PublishError, match="is not the graph sent"):
        check_read_back(sent, back, "http://x/store")


def test_a_graph_iri_that_would_break_the_move_request_is_refused_before_anything_is_sent(graph: Graph) -> None:
    with graph_store() as store, pytest.raises(InputError, match="not an IRI that can be written in SPARQL"):
        publish(graph, store.url, "https://example.org/g> } ; DROP ALL ; #", chunk_triples=2,
                update_endpoint=store.url.replace("/store", "/update"))
    assert store.seen == [] and store.hits == []


@pytest.mark.parametrize("bad", ["https://example.org/g> } ; DROP ALL ; #", "https://example.org/a b",
                                 'https://example.org/"g"', "https://example.org/{g}"])
def test_every_sparql_request_refuses_a_graph_iri_that_would_break_it(bad: str) -> None:
    """The MOVE (above), the paged read-back's CONSTRUCT and the SPARQL Update of --incremental and diff --patch
    write the graph IRI into the request: each refuses one that would end it (the Update did not)."""
    from kopa_graph.publish.diff import Snapshot, compare
    from kopa_graph.publish.graphstore.paged import read_paged
    from kopa_graph.publish.patch import sparql_update

    g = Graph()
    g.add((URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal("o")))
    diff = compare(Snapshot("old", "0" * 64, 0, None, Graph()), Snapshot("new", "1" * 64, 1, None, g))
    with pytest.raises(InputError, match="not an IRI that can be written in SPARQL"):
        sparql_update(diff, bad)
    with pytest.raises(InputError, match="not an IRI that can be written in SPARQL"):
        read_paged(httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500))), "http://x/q", bad, 10, 1)
    assert "GRAPH <https://example.org/g>" in sparql_update(diff, "https://example.org/g")


def test_credentials_go_to_the_origins_of_the_endpoint_the_update_and_the_query_endpoint_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """SECURITY.md: the paged read-back asks --query-endpoint, so its origin is the third that may be answered
    with credentials (after its own 401); any other origin gets none (test above)."""
    from kopa_graph.publish import triplestore
    from kopa_graph.publish.graphstore.client import open_client
    from kopa_graph.publish.graphstore.paged import ReadBack

    clients: list[httpx.Client] = []

    def spy(*args: object, **kwargs: object) -> httpx.Client:
        clients.append(open_client(*args, **kwargs))  # type: ignore[arg-type]
        return clients[-1]

    monkeypatch.setattr(triplestore, "open_client", spy)
    g = Graph()
    g.add((URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal("o")))
    with pytest.raises(PublishError):  # nothing listens on these ports
        publish(g, "http://127.0.0.1:9/store", "https://example.org/g", "u", "p", retries=1, timeout=2,
                chunk_triples=10, update_endpoint="http://127.0.0.1:10/update",
                read_back=ReadBack("sparql", "https://127.0.0.2/query"))
    assert isinstance(clients[0].auth, EndpointAuth)
    assert clients[0].auth.origins == {("http", "127.0.0.1", 9), ("http", "127.0.0.1", 10), ("https", "127.0.0.2", 443)}


def test_publish_takes_no_proxy_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTP_PROXY or ALL_PROXY would get every request, credentials included (Basic: the password itself); publish
    contacts the endpoint's own host only. Before, the proxy received HEAD, PUT and GET with the Authorization."""
    from test_remote import _Listener

    elsewhere = _Listener()
    monkeypatch.setenv("HTTP_PROXY", elsewhere.url)
    monkeypatch.setenv("ALL_PROXY", elsewhere.url)
    g = Graph()
    g.add((URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal("o")))
    try:
        with pytest.raises(PublishError):  # the host does not exist (.invalid): nothing to reach
            publish(g, "http://store.invalid:8890/store", "https://example.org/g", "u", "secret", retries=1,
                    timeout=2)
        assert elsewhere.accepted == [], "the proxy named by the environment was contacted"
    finally:
        elsewhere.close()


@pytest.mark.parametrize(("challenges", "chosen"), [(['Bearer realm="x"', 'Basic realm="x"'], "basic"),
                                                    (['Basic realm="x"', 'Digest realm="x", nonce="n"'], "digest"),
                                                    (['Basic realm="x"'], "basic")])
def test_auto_takes_digest_whenever_offered_else_basic(challenges: list[str], chosen: str) -> None:
    auth = EndpointAuth("u", "p", "auto", ["http://store.example/"])
    response = httpx.Response(401, headers=[("WWW-Authenticate", c) for c in challenges],
                              request=httpx.Request("HEAD", "http://store.example/"))
    auth.learn(response)
    assert auth.chosen == chosen


def test_the_move_is_sent_once_and_never_retried(graph: Graph) -> None:
    """A retried MOVE would move an empty staging graph over the graph: an update endpoint that fails it gets
    it once, whatever --retries says, and the error names the MOVE and says the graph was not changed."""
    from http.server import BaseHTTPRequestHandler

    from conftest import Quiet, loopback

    moves: list[bytes] = []

    class Update(Quiet, BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            moves.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()

    refused = pytest.raises(PublishError, match=r"\(MOVE <.*> TO <https://example.org/g>\).*was not changed")
    with graph_store() as store, loopback(Update) as update, refused:
        publish(graph, store.url, "https://example.org/g", chunk_triples=len(graph) + 1, retries=3,
                update_endpoint=f"{update}/update")
    assert len(moves) == 1 and moves[0].startswith(b"update=MOVE")
