"""Every published format reads back as the same graph, with rdflib, with an
independent JSON-LD processor (PyLD), and with an independent parser (rapper)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from conftest import ROOT, SMALL, describe_diff, need_peer
from kopa_graph import Settings, serialize_release
from kopa_graph.graph.build import BuiltGraph
from kopa_graph.rdfio.engine import parse_bytes
from kopa_graph.rdfio.formats import FORMATS
from kopa_graph.rdfio.jsonld import project_context
from kopa_graph.rdfio.namespaces import XSD

OUTPUTS = {"kopa.ttl": "turtle", "kopa.jsonld": "json-ld", "kopa.nt": "n-triples"}


@pytest.fixture(scope="module")
def release(shipped_built: BuiltGraph, settings: Settings) -> dict[str, bytes]:
    return serialize_release(shipped_built.graph, settings)


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_each_format_reads_back_isomorphic(release: dict[str, bytes], shipped_built: BuiltGraph, name: str) -> None:
    g = parse_bytes(release[name], FORMATS[OUTPUTS[name]], name)
    assert isomorphic(g, shipped_built.graph), describe_diff(shipped_built.graph, g)


def test_turtle_to_jsonld_to_graph(release: dict[str, bytes], settings: Settings,
                                   shipped_built: BuiltGraph) -> None:
    """Turtle → graph → JSON-LD → graph: nothing lost or changed on the way."""
    from_turtle = parse_bytes(release["kopa.ttl"], FORMATS["turtle"], "kopa.ttl")
    jsonld = serialize_release(from_turtle, settings)["kopa.jsonld"]
    assert jsonld == release["kopa.jsonld"]
    again = parse_bytes(jsonld, FORMATS["json-ld"], "again.jsonld")
    assert isomorphic(again, shipped_built.graph), describe_diff(shipped_built.graph, again)


def _no_network(url: str, options: object = None) -> None:
    raise AssertionError(f"PyLD tried to load {url}: the document must not need the network")


def test_pyld_reads_the_jsonld_as_the_same_graph(release: dict[str, bytes], shipped_built: BuiltGraph) -> None:
    from pyld import jsonld

    doc = json.loads(release["kopa.jsonld"])
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": _no_network})
    g = Graph().parse(data=nquads, format="nquads")
    assert isomorphic(g, shipped_built.graph), describe_diff(shipped_built.graph, g)


def test_jsonld_is_compact_with_the_shipped_context(release: dict[str, bytes], settings: Settings) -> None:
    doc = json.loads(release["kopa.jsonld"])
    assert doc["@context"] == {"kopaid": settings.id_base, **project_context()}
    assert json.loads(release["context.jsonld"])["@context"] == doc["@context"]
    pilot = next(n for n in doc["@graph"] if n["@id"] == "kopaid:pilot/jarviseutu")
    assert {"@language": "sv", "@value": "Järviseutu"} in pilot["prefLabel"]  # and its Finnish and English names
    assert pilot["isPartOf"] == "kopaid:project/kopa"
    assert "kopa:Pilot" in pilot["@type"]


def test_a_pruned_document_is_the_whole_one_with_a_smaller_context(settings: Settings) -> None:
    """``jsonld(pruned=True)``: the same nodes, byte for byte, and the context's entries that they use, laid
    out as the json module would; a prefix is kept for a term's definition (``xsd`` for ``position``) and for
    a key that is no term (``org:unknown``), none for an empty graph."""
    from kopa_graph.rdfio.jsonld import jsonld

    g = Graph()
    s = URIRef(settings.id_base + "test/1")
    g.add((s, URIRef("http://schema.org/position"), Literal(3)))
    g.add((s, URIRef("http://purl.org/dc/terms/source"), URIRef("http://example.org/x")))
    g.add((s, URIRef("http://www.w3.org/ns/org#unknown"), Literal("y")))
    whole, pruned = json.loads(jsonld(g, settings.id_base)), json.loads(jsonld(g, settings.id_base, pruned=True))
    assert pruned["@graph"] == whole["@graph"]
    assert sorted(pruned["@context"]) == ["dct", "kopaid", "org", "position", "schema", "source", "xsd"]
    text = jsonld(g, settings.id_base, pruned=True).decode("utf-8")
    assert text == json.dumps(pruned, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert json.loads(jsonld(Graph(), settings.id_base, pruned=True)) == {"@context": {}, "@graph": []}


def test_tricky_literals_survive_every_format(settings: Settings) -> None:
    g = Graph()
    s = URIRef(settings.id_base + "test/1")
    p = URIRef("http://example.org/p")
    values = [Literal("005"), Literal('quote " and \\ backslash'), Literal("line\nbreak\ttab\r"),
              Literal("\u0001 control \u007f del"), Literal("ä ö å é ß 日本"), Literal("sv text", lang="sv"),
              Literal("fi-FI text", lang="fi-FI"), Literal("44", datatype=XSD.nonNegativeInteger),
              Literal("2020", datatype=XSD.gYear), Literal("1.50", datatype=XSD.decimal),
              Literal("-7", datatype=XSD.integer), Literal("true", datatype=XSD.boolean),
              Literal("NaN", datatype=XSD.double), Literal("x", datatype=URIRef("http://example.org/dt"))]
    for v in values:
        g.add((s, p, v))
    g.add((s, p, URIRef("http://example.org/ä?q=1&r=ö")))  # a non-ASCII IRI
    blank, other = BNode(), BNode()  # blank nodes, one pointing to another
    g.add((s, p, blank))
    g.add((blank, p, Literal("NaN", datatype=XSD.double)))
    g.add((blank, p, other))
    g.add((other, p, Literal("1.0", datatype=XSD.decimal)))
    files = serialize_release(g, settings)
    from kopa_graph.rdfio.manifest import graph_hash

    for name, fmt in OUTPUTS.items():
        back = parse_bytes(files[name], FORMATS[fmt], name)
        assert isomorphic(back, g), f"{name}:\n" + describe_diff(g, back)
        assert graph_hash(back) == graph_hash(g), name


@pytest.mark.parametrize("name", ["kopa.ttl", "kopa.nt"])
def test_rapper_parses_to_the_same_triples(release: dict[str, bytes], shipped_built: BuiltGraph, tmp_path: Path,
                                           name: str) -> None:
    need_peer(shutil.which("rapper") is not None, "rapper", "apt-get install raptor2-utils")
    path = tmp_path / name
    path.write_bytes(release[name])
    syntax = {"kopa.ttl": "turtle", "kopa.nt": "ntriples"}[name]
    out = subprocess.run(["rapper", "-q", "-i", syntax, "-o", "ntriples", str(path)], check=True,
                         capture_output=True).stdout
    g = Graph().parse(data=out, format="nt")
    assert isomorphic(g, shipped_built.graph), describe_diff(shipped_built.graph, g)


def _build_in_subprocess(out: Path, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-m", "kopa_graph.cli", "build", "--data", str(SMALL), "--out", str(out)],
                   check=True, env=env, cwd=ROOT, capture_output=True)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_builds_are_byte_identical_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    first = _build_in_subprocess(tmp_path / "a", "1")
    second = _build_in_subprocess(tmp_path / "b", "4242")
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], f"{name} differs between two builds"


def test_a_second_build_rewrites_identical_files(tmp_path: Path) -> None:
    from kopa_graph import build

    build(SMALL, tmp_path, Settings())
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    build(SMALL, tmp_path, Settings())
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_both_readers_give_the_same_graph_and_blank_nodes_stay_apart() -> None:
    """Turtle and N-Triples are read by pyoxigraph (rdflib when a language tag has a capital): the same
    triples as rdflib's own reader, and blank nodes of two documents never merge."""
    from rdflib import BNode

    ttl = (b'@prefix ex: <http://example.org/> .\nex:a ex:p "x"@sv, "005", "1.50"^^<http://www.w3.org/2001/'
           b'XMLSchema#decimal>, [ ex:q _:b1 ], ( 1 2 ) ; ex:r <rel> .\n_:b1 ex:s "line\\nbreak" .\n')
    ours = parse_bytes(ttl, FORMATS["turtle"], "/tmp/doc.ttl")
    theirs = Graph().parse(data=ttl, format="turtle", publicID="file:///tmp/doc.ttl")
    assert isomorphic(ours, theirs), describe_diff(theirs, ours)
    assert dict(ours.namespaces())["ex"] == URIRef("http://example.org/")
    both = parse_bytes(b"_:b1 <http://x/p> <http://x/o> .\n", FORMATS["n-triples"], "one.nt")
    parse_bytes(b"_:b1 <http://x/p> <http://x/o> .\n", FORMATS["n-triples"], "two.nt", both)
    assert len({s for s in both.subjects() if isinstance(s, BNode)}) == 2
    upper = parse_bytes(b'<http://x/a> <http://x/p> "t"@fi-FI .\n', FORMATS["n-triples"], "upper.nt")
    assert next(iter(upper.objects())).language == "fi-FI", "read as written"


def test_syntax_errors_name_the_line_and_column() -> None:
    from kopa_graph.errors import RDFLoadError

    with pytest.raises(RDFLoadError, match=r"bad\.ttl: not valid turtle: Parser error between line 2 column 27"):
        parse_bytes(b'<http://x/a> <http://x/p> "ok" .\n<http://x/a> <http://x/p> "open .\n', FORMATS["turtle"],
                    "bad.ttl")
