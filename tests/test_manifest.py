"""manifest.json: each file's SHA-256, and an RDFC-1.0 hash of the graph that every format gives."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef

from conftest import SMALL
from kopa_graph.cli import main
from kopa_graph.rdfio.manifest import canonical_nquads, graph_hash

runner = CliRunner()


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release")
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _oxigraph_rdfc(path: Path, fmt: ox.RdfFormat) -> str:
    """The RDFC-1.0 hash as Oxigraph alone computes it from the file: its parser, its canonicalization,
    its N-Quads writer."""
    dataset = ox.Dataset(ox.parse(path=str(path), format=fmt, base_iri="https://w3id.org/kopa/id/"))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = sorted(ox.serialize(dataset, format=ox.RdfFormat.N_QUADS).splitlines(keepends=True))
    return hashlib.sha256(b"".join(lines)).hexdigest()


def test_the_manifest_lists_every_file_and_a_hash_every_format_agrees_on(release: Path) -> None:
    doc = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(doc["files"]) == ["context.jsonld", "kopa.jsonld", "kopa.nt", "kopa.ttl"]
    for name, entry in doc["files"].items():
        data = (release / name).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}, name
    assert doc["profile"] == "full" and doc["dataset"] == "https://w3id.org/kopa/id/dataset/kopa"
    digest = doc["graph"]["sha256"]
    assert doc["graph"]["canonicalization"].startswith("RDFC-1.0")
    for name, fmt in (("kopa.nt", ox.RdfFormat.N_TRIPLES), ("kopa.ttl", ox.RdfFormat.TURTLE)):
        assert _oxigraph_rdfc(release / name, fmt) == digest, name
    from kopa_graph.rdfio.engine import parse_file

    assert graph_hash(parse_file(release / "kopa.jsonld")) == digest
    assert doc["graph"]["triples"] == len(parse_file(release / "kopa.ttl"))


def test_the_graph_hash_ignores_blank_node_labels_and_sees_any_change() -> None:
    p, o = URIRef("http://example.org/p"), Literal("line\nbreak \u0001 ä")

    def graph(label: str, extra: bool = False) -> Graph:
        g = Graph()
        b = BNode(label)
        g.add((URIRef("http://example.org/s"), p, b))
        g.add((b, p, o))
        if extra:
            g.add((b, p, Literal("005")))
        return g

    first, relabelled, changed = graph("x1"), graph("zz9"), graph("x1", extra=True)
    assert graph_hash(first) == graph_hash(relabelled)
    assert graph_hash(first) != graph_hash(changed)
    assert b"_:c14n0" in canonical_nquads(first)
    from kopa_graph.rdfio.oxbridge import to_ox  # the same canonical form as Oxigraph writes for the dataset

    dataset = ox.Dataset()
    for s, pp, oo in first:
        dataset.add(ox.Quad(to_ox(s), to_ox(pp), to_ox(oo)))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    expected = b"".join(sorted(ox.serialize(dataset, format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)))
    assert canonical_nquads(first) == expected


def test_the_profile_is_recorded(tmp_path: Path) -> None:
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(tmp_path), "--no-personal-data"])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["profile"] == "no-personal-data"
