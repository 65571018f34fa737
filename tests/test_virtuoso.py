"""publish into a live OpenLink Virtuoso 7 (the ``virtuoso`` fixture, tests/virtuoso.py): Digest, read-back, the
dialect differences it shows, every query helper over its /sparql, and the staged path with a failure midway.
Each test writes only graphs whose IRIs carry its own name (CI shares one Virtuoso between processes)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from conftest import SMALL, failing_after
from kopa_graph import Settings
from kopa_graph.cli import main
from kopa_graph.graph.build import BuiltGraph
from kopa_graph.publish.description import release_description
from kopa_graph.publish.graphstore.dialects import GEO, REWRITINGS, _rewrite, same_graph
from kopa_graph.publish.graphstore.staged import staging_iri
from kopa_graph.publish.triplestore import PublishError, publish
from kopa_graph.query.evaluate import with_values
from kopa_graph.query.helpers import bindings, helpers, rebase, run_query

USER, PASSWORD = "dba", "dba"  # the throw-away server's administrator (tests/virtuoso.py)
G = "https://example.org/test-virtuoso/"
NT = {"Accept": "application/n-triples"}

def _get(virtuoso: Any, graph: str) -> Graph:
    r = httpx.get(virtuoso.graph_store, params={"graph": graph}, headers=NT, auth=httpx.DigestAuth(USER, PASSWORD))
    assert r.status_code == 200, r.text
    return Graph().parse(data=r.content, format="nt")


def test_publish_the_shipped_graph_into_virtuoso_with_digest_and_read_it_back(virtuoso: Any,
                                                                             shipped_built: BuiltGraph) -> None:
    graph = shipped_built.graph
    description = release_description(graph, Settings()).description
    iri = G + "shipped"
    result = publish(graph, virtuoso.graph_store, iri, USER, PASSWORD, description=description)
    assert result.verified and result.triples == len(graph)
    wkt = sum(1 for o in set(graph.objects()) if isinstance(o, Literal) and o.datatype == GEO.wktLiteral)
    assert wkt > 0
    assert result.note == (f"the endpoint stores {wkt} literals of type geo:wktLiteral as virtrdf:Geometry with the "
                           "WKT text respaced; the shapes are the same [wkt-geometry]")
    assert result.description_note == "", "Virtuoso keeps xsd:nonNegativeInteger (Oxigraph does not)"
    back = _get(virtuoso, iri)
    assert not same_graph(back, graph), "the geometries differ as stored"
    assert same_graph(_rewrite(back, REWRITINGS), _rewrite(graph, REWRITINGS))
    assert same_graph(_get(virtuoso, iri + "/description"), description)


def test_virtuoso_dialect_differences_are_each_named(virtuoso: Any) -> None:
    ex, xsd = "https://example.org/", "http://www.w3.org/2001/XMLSchema#"
    g = Graph()
    s = URIRef(ex + "s")
    for i, o in enumerate([Literal("POINT (23.9 62.9)", datatype=GEO.wktLiteral),
                           Literal("1.50", datatype=URIRef(xsd + "decimal")),
                           Literal("P1D", datatype=URIRef(xsd + "duration")),
                           Literal("5", datatype=URIRef(xsd + "nonNegativeInteger")),
                           Literal("Hej", lang="sv-FI")]):
        g.add((s, URIRef(f"{ex}p{i}"), o))
    iri = G + "dialects"
    note = publish(g, virtuoso.graph_store, iri, USER, PASSWORD).note
    assert "[wkt-geometry]" in note and "[canonical-lexical]" in note and "[duration-seconds]" in note, note
    assert "integer" not in note, "Virtuoso keeps integer subtypes"
    raw = httpx.get(virtuoso.graph_store, params={"graph": iri}, headers=NT,
                    auth=httpx.DigestAuth(USER, PASSWORD)).text
    assert '"Hej"@sv-fi' in raw, "language tags come back in lower case (rdflib counts them as the same literal)"


def test_virtuoso_relabels_blank_nodes_and_publish_still_reads_the_same_graph(virtuoso: Any) -> None:
    from rdflib import BNode

    g = Graph()
    node = BNode("kopa1")
    g.add((URIRef("https://example.org/s"), URIRef("https://example.org/p"), node))
    g.add((node, URIRef("https://example.org/v"), Literal("x")))
    iri = G + "bnodes"
    assert publish(g, virtuoso.graph_store, iri, USER, PASSWORD).note == ""
    raw = httpx.get(virtuoso.graph_store, params={"graph": iri}, headers=NT,
                    auth=httpx.DigestAuth(USER, PASSWORD)).text
    assert "_:kopa1" not in raw and re.search(r"_:b\d+", raw), raw


def _remote_rows(virtuoso: Any, name: str, params: dict[str, str], graph: str) -> list[dict[str, Any]]:
    """A helper's rows from Virtuoso's /sparql over ``graph`` (default-graph-uri), its parameters given as a
    ``VALUES`` block, as ``serve --sparql-endpoint`` sends them (Virtuoso has no initial bindings)."""
    h = helpers()[name]
    text = with_values(rebase(h.text, Settings()), bindings(h, params))
    r = httpx.post(virtuoso.sparql, data={"query": text, "default-graph-uri": graph},
                   headers={"Accept": "application/sparql-results+json"}, timeout=60)
    if r.status_code != 200:
        return [{"error": {"value": r.text[:300]}}]
    return r.json()["results"]["bindings"]


def _values(rows: list[dict[str, Any]], remote: bool) -> list[tuple[tuple[str, str], ...]]:
    """Rows as sorted (column, value) pairs, compared as values: an IRI or literal by its text (the datatypes
    agree on this graph: xsd:integer counts on both), geometries respaced as Virtuoso writes them."""
    def text(v: Any) -> str:
        value = v["value"] if remote else str(v)
        return re.sub(r"\s*([(),])\s*", r"\1", value) if value.startswith(("POINT", "MULTIPOLYGON")) else value

    return sorted(tuple(sorted((k, text(v)) for k, v in row.items() if v is not None)) for row in rows)


def test_every_query_helper_gives_the_same_rows_on_virtuoso(virtuoso: Any, shipped_built: BuiltGraph) -> None:
    graph = shipped_built.graph
    iri = G + "helpers"
    publish(graph, virtuoso.graph_store, iri, USER, PASSWORD)
    wrong = []
    for name, h in helpers().items():
        params = {p.name: p.example for p in h.params if p.example and p.required}
        here, there = run_query(graph, name, Settings(), **params), _remote_rows(virtuoso, name, params, iri)
        if _values(here, False) != _values(there, True) or not here:
            wrong.append(f"{name} {params}: {len(here)} rows here, there {there[:2]}")
    assert not wrong, "\n".join(wrong)


#: Each helper that takes a text, with values outside ASCII (Swedish, Finnish, upper case) and ids: Virtuoso
#: 7.2 lost the rows of STR() applied to such a value from VALUES (members-by-type with Sydösterbotten,
#: pilots-of-municipality with Borgå had none), so no helper applies STR() to a parameter.
NON_ASCII = [("members-by-type", "pilot", "SYDÖSTERBOTTEN"), ("members-by-type", "pilot", "sydosterbotten"),
             ("contacts-of-pilot", "pilot", "Sydösterbotten"), ("pilot-card", "pilot", "Östnyland"),
             ("pilots-of-municipality", "municipality", "Borgå"), ("pilots-of-municipality", "municipality", "PORVOO"),
             ("pilots-of-municipality", "municipality", "638"), ("pilots-by-region", "region_param", "Österbotten"),
             ("pilots-by-theme", "theme_param", "Etäopetus"), ("label-search", "text", "ö"),
             ("claim-detail", "claim", "municipalities")]


def test_helpers_given_values_outside_ascii_give_the_same_rows_on_virtuoso(virtuoso: Any,
                                                                           shipped_built: BuiltGraph) -> None:
    graph = shipped_built.graph
    iri = G + "helpers-non-ascii"
    publish(graph, virtuoso.graph_store, iri, USER, PASSWORD)
    wrong = []
    for name, key, value in NON_ASCII:
        here = run_query(graph, name, Settings(), **{key: value})
        there = _remote_rows(virtuoso, name, {key: value}, iri)
        if _values(here, False) != _values(there, True) or not here:
            wrong.append(f"{name} {key}={value}: {len(here)} rows here, there {there[:2]}")
    assert not wrong, "\n".join(wrong)


def test_cli_auth_basic_against_virtuosos_digest_endpoint_exits_4_naming_auth_digest(virtuoso: Any) -> None:
    r = CliRunner(env={"KOPA_VT_PW": PASSWORD}).invoke(main, [
        "publish", "--endpoint", virtuoso.graph_store, "--graph", G + "cli-basic", "--user", USER,
        "--password-env", "KOPA_VT_PW", "--auth", "basic", "--data", str(SMALL), "--retries", "1"])
    assert r.exit_code == 4, r.output
    assert "asks for HTTP Digest" in r.stderr and "use --auth digest" in r.stderr


def test_cli_publishes_into_virtuoso_with_auto_auth(virtuoso: Any) -> None:
    iri = G + "cli-auto"
    r = CliRunner(env={"KOPA_VT_PW": PASSWORD}).invoke(main, [
        "publish", "--endpoint", virtuoso.graph_store, "--graph", iri, "--user", USER, "--password-env",
        "KOPA_VT_PW", "--data", str(SMALL)])
    assert r.exit_code == 0, r.output
    assert "[wkt-geometry]" in r.stdout
    assert len(_get(virtuoso, iri)) > 0


def test_staged_publish_into_virtuoso_and_a_failure_midway_keeps_the_old_graph(virtuoso: Any,
                                                                              shipped_built: BuiltGraph) -> None:
    graph = shipped_built.graph
    iri = G + "staged"
    update = f"{virtuoso.url}/sparql-auth"
    first = publish(graph, virtuoso.graph_store, iri, USER, PASSWORD, chunk_triples=1000, update_endpoint=update)
    assert first.verified and "[wkt-geometry]" in first.note
    held = _get(virtuoso, iri)
    assert len(held) == len(graph)
    assert len(_get_or_empty(virtuoso, staging_iri(iri))) == 0, "MOVE emptied the staging graph"
    smaller = Graph()
    for i, t in enumerate(sorted(graph)):
        if i % 2:
            smaller.add(t)
    with failing_after(virtuoso.url, 2) as proxy, pytest.raises(PublishError) as failed:
        publish(smaller, f"{proxy}/sparql-graph-crud-auth", iri, USER, PASSWORD, chunk_triples=500,
                update_endpoint=f"{proxy}/sparql-auth", retries=1)
    message = str(failed.value)
    assert "piece 4 of 8" in message and f"the graph <{iri}> was not changed" in message, message
    assert same_graph(_get(virtuoso, iri), held), "the endpoint still holds the last good graph, whole"
    again = publish(smaller, virtuoso.graph_store, iri, USER, PASSWORD, chunk_triples=500, update_endpoint=update)
    assert again.verified and len(_get(virtuoso, iri)) == len(smaller), "the next run replaces what was staged"


def _get_or_empty(virtuoso: Any, graph: str) -> Graph:
    r = httpx.get(virtuoso.graph_store, params={"graph": graph}, headers=NT, auth=httpx.DigestAuth(USER, PASSWORD))
    return Graph().parse(data=r.content, format="nt") if r.status_code == 200 else Graph()


def _sql_port(virtuoso: Any) -> str:
    import configparser

    ini = configparser.RawConfigParser(strict=False, interpolation=None, inline_comment_prefixes=(";",))
    ini.read(virtuoso.folder / "virtuoso.ini", encoding="utf-8")
    return ini.get("Parameters", "ServerPort")


def test_bulk_bundle_loads_with_isql_into_the_same_graphs(virtuoso: Any, small_built: BuiltGraph) -> None:
    import shutil
    import subprocess

    from conftest import need_peer

    need_peer(shutil.which("isql-vt") is not None, "Virtuoso's isql-vt", "apt-get install virtuoso-opensource")
    iri = G + "bundle"
    folder = virtuoso.folder / "bundle-test-virtuoso"
    r = CliRunner().invoke(main, ["publish", "--bulk-bundle", str(folder), "--graph", iri, "--data", str(SMALL)])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "data.nq", "description.nq", "load.sql"]
    assert f"ld_dir('{folder}', 'data.nq', '{iri}');" in (folder / "load.sql").read_text(encoding="utf-8")
    for _ in range(2):  # a second run replaces the graph: the same triples, not twice as many
        run = subprocess.run(["isql-vt", _sql_port(virtuoso), USER, PASSWORD, str(folder / "load.sql")],
                             capture_output=True, text=True, timeout=300, check=False)
        assert run.returncode == 0 and "data.nq" in run.stdout and "Error" not in run.stdout, run.stdout + run.stderr
    back = _get(virtuoso, iri)
    assert same_graph(_rewrite(back, REWRITINGS), _rewrite(small_built.graph, REWRITINGS))
    assert len(_get(virtuoso, iri + "/description")) > 0


def test_publish_needs_an_endpoint_or_a_bundle_folder() -> None:
    r = CliRunner().invoke(main, ["publish", "--data", str(SMALL)])
    assert r.exit_code == 2 and "give either --endpoint" in r.stderr
