"""Issue 18 §3: ``kopa-graph diff OLD NEW`` and its patches, on two real releases (the shipped data, and the
shipped data with one pilot's keyword changed) and on blank nodes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef

from conftest import ROOT
from kopa_graph.cli import main
from kopa_graph.publish.diff import BLANK_GROUP, Snapshot, compare, load_snapshot
from kopa_graph.publish.patch import rdf_patch, sparql_update
from kopa_graph.rdfio.manifest import canonical_nquads, graph_hash

JARVISEUTU = "https://w3id.org/kopa/id/pilot/jarviseutu"
#: The one fact changed in the second release: Järviseutu's third keyword is another theme.
OLD_LINE = "        - {theme: online-teaching, as_written: nätundervisning}\n"
NEW_LINE = "        - {theme: flexible-education-models, as_written: nätundervisning}\n"


def changed_data(tmp: Path) -> Path:
    """A copy of the shipped data/ with Järviseutu's keyword 'nätundervisning' pointing to another theme."""
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data)
    pilots = data / "pilots.yaml"
    text = pilots.read_text(encoding="utf-8")
    at = text.index("  - id: jarviseutu\n")
    end = text.index("  - id: ", at + 1)
    block = text[at:end]
    assert block.count(OLD_LINE) == 1
    pilots.write_text(text[:at] + block.replace(OLD_LINE, NEW_LINE) + text[end:], encoding="utf-8")
    return data


def build(data: Path, out: Path) -> Path:
    result = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """Two real releases: the shipped data's and the changed copy's (build outputs), and the copy's data."""
    tmp = tmp_path_factory.mktemp("releases")
    data = changed_data(tmp)
    return build(ROOT / "data", tmp / "old"), build(data, tmp / "new"), data


def test_diff_of_two_real_releases_groups_the_change_by_resource_with_labels(releases: tuple[Path, Path, Path],
                                                                            tmp_path: Path) -> None:
    old, new, _ = releases
    ru, rdfp = tmp_path / "change.ru", tmp_path / "change.rdfp"
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "json", "--lang", "sv",
                                       "--patch", str(ru), "--patch", str(rdfp)])
    assert result.exit_code == 1, result.output  # different, as diff(1)
    doc = json.loads(result.output)
    assert (doc["removed"], doc["added"], doc["same"]) == (7, 7, False)
    groups = {g["subject"]: g for g in doc["resources"]}
    assert list(groups) == sorted(groups) == [JARVISEUTU, f"{JARVISEUTU}/theme/flexible-education-models",
                                              f"{JARVISEUTU}/theme/online-teaching"]
    assert groups[JARVISEUTU]["label"] == "Järviseutu"
    assert groups[JARVISEUTU]["removed"] == [
        f"<{JARVISEUTU}> <http://purl.org/dc/terms/subject> <https://w3id.org/kopa/id/theme/online-teaching> .",
        f"<{JARVISEUTU}> <https://w3id.org/kopa/ontology#themeStatement> <{JARVISEUTU}/theme/online-teaching> ."]
    assert len(groups[f"{JARVISEUTU}/theme/online-teaching"]["removed"]) == 5
    manifests = [json.loads((p / "manifest.json").read_text()) for p in (old, new)]
    assert [doc["old"]["sha256"], doc["new"]["sha256"]] == [m["graph"]["sha256"] for m in manifests]
    # the SPARQL Update turns the old release into the new one
    store = ox.Store()
    store.load(path=str(old / "kopa.nt"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    store.update(ru.read_text(encoding="utf-8"))
    assert _hash(store) == manifests[1]["graph"]["sha256"]
    patch = rdfp.read_text(encoding="utf-8").splitlines()
    assert patch[:3] == [f"H id <urn:sha256:{manifests[1]['graph']['sha256']}> .",
                         f"H prev <urn:sha256:{manifests[0]['graph']['sha256']}> .", "TX ."]
    assert patch[-1] == "TC ." and sum(x.startswith("D ") for x in patch) == 7 and sum(x.startswith("A ") for x in
                                                                                       patch) == 7


def test_diff_text_and_markdown_are_deterministic_and_same_releases_exit_0(releases: tuple[Path, Path, Path]) -> None:
    old, new, _ = releases
    runs = [CliRunner().invoke(main, ["diff", str(old), str(new), "--format", fmt])
            for fmt in ("text", "markdown", "json") for _ in range(2)]
    assert [r.exit_code for r in runs] == [1] * 6
    assert runs[0].output == runs[1].output and runs[2].output == runs[3].output and runs[4].output == runs[5].output
    today = __import__("datetime").date.today().isoformat()
    assert not any(today in r.output or re.search(r"\d\d:\d\d:\d\d", r.output) for r in runs), "no date or time"
    assert f"{JARVISEUTU}  Järviseutu\n- <{JARVISEUTU}> <http://purl.org/dc/terms/subject>" in runs[0].output
    assert "7 triples removed and 7 added, in 3 resources." in runs[0].output
    assert f"## [Järviseutu]({JARVISEUTU})\n\n```diff\n- <{JARVISEUTU}>" in runs[2].output
    same = CliRunner().invoke(main, ["diff", str(old), str(old / "manifest.json")])
    assert same.exit_code == 0 and "No difference" in same.output


def test_diff_trouble_exits_2_and_says_what_to_do(releases: tuple[Path, Path, Path], tmp_path: Path) -> None:
    old, new, _ = releases
    nothing = CliRunner().invoke(main, ["diff", str(tmp_path), str(new)])
    assert nothing.exit_code == 2 and "no manifest.json here" in nothing.output
    tampered = tmp_path / "tampered"
    shutil.copytree(old, tampered)
    with (tampered / "kopa.nt").open("a", encoding="utf-8") as f:
        f.write("<urn:x> <urn:y> <urn:z> .\n")
    changed = CliRunner().invoke(main, ["diff", str(tampered), str(new)])
    assert changed.exit_code == 2 and "is not the one" in changed.output and "build it again" in changed.output
    bad = CliRunner().invoke(main, ["diff", str(old), str(new), "--patch", str(tmp_path / "p.txt")])
    assert bad.exit_code == 2 and ".ru for SPARQL Update, .rdfp for RDF Patch" in bad.output


def _hash(store: ox.Store) -> str:
    g = Graph()
    for q in store:
        g.add(tuple(_rdflib(t) for t in (q.subject, q.predicate, q.object)))  # type: ignore[arg-type]
    return graph_hash(g)


def _rdflib(t):  # type: ignore[no-untyped-def]
    from kopa_graph.rdfio.oxbridge import from_ox

    return from_ox(t)


def _snapshot(g: Graph, name: str) -> Snapshot:
    return Snapshot(name, graph_hash(g), len(g), None, g)


def _with_blank(value: str, extra: bool = False) -> Graph:
    g = Graph()
    s, b = URIRef("https://example.org/s"), BNode()
    g.add((s, URIRef("https://example.org/p"), b))
    g.add((b, URIRef("https://example.org/v"), Literal(value)))
    g.add((s, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal("s", lang="en")))
    if extra:
        g.add((BNode(), URIRef("https://example.org/v"), Literal("_:c14n0 is text, not a node")))
    return g


def test_a_changed_blank_node_piece_shows_as_removed_and_added_and_the_update_deletes_it_by_shape() -> None:
    old, new = _snapshot(_with_blank("1"), "old"), _snapshot(_with_blank("2", extra=True), "new")
    diff = compare(old, new)
    assert (diff.removed, diff.added) == ((), ())
    assert [len(p.lines) for p in diff.removed_pieces] == [2]
    assert sorted(len(p.lines) for p in diff.added_pieces) == [1, 2]
    assert [g.subject for g in diff.groups] == [BLANK_GROUP, "https://example.org/s"]
    assert diff.groups[1].label == "s"
    update = sparql_update(diff, "https://example.org/g")
    assert ("DELETE WHERE {\n  GRAPH <https://example.org/g> {\n"
            "    <https://example.org/s> <https://example.org/p> ?c14n0") in update
    assert '"_:c14n0 is text, not a node"' in update  # a label inside a literal is left alone
    store = ox.Store()
    for s, p, o in old.graph:
        store.add(ox.Quad(*(_ox(t) for t in (s, p, o)), ox.NamedNode("https://example.org/g")))  # type: ignore[misc]
    store.update(update)
    back = Graph()
    for q in store.quads_for_pattern(None, None, None, ox.NamedNode("https://example.org/g")):
        back.add(tuple(_rdflib(t) for t in (q.subject, q.predicate, q.object)))  # type: ignore[arg-type]
    assert canonical_nquads(back) == canonical_nquads(new.graph)
    with pytest.raises(Exception, match="RDF Patch can delete only by the labels"):
        rdf_patch(diff)
    assert compare(new, new).same and sparql_update(compare(new, new)).count("\n") == 1


def test_a_blank_node_piece_kept_once_of_twice_is_refilled() -> None:
    g1, g2 = Graph(), Graph()
    s, p, v = URIRef("https://example.org/s"), URIRef("https://example.org/p"), URIRef("https://example.org/v")
    for _ in range(2):
        b = BNode()
        g1.add((s, p, b))
        g1.add((b, v, Literal("x")))
    b = BNode()
    g2.add((s, p, b))
    g2.add((b, v, Literal("x")))
    diff = compare(_snapshot(g1, "old"), _snapshot(g2, "new"))
    store = ox.Store()
    for t in g1:
        store.add(ox.Quad(*(_ox(x) for x in t)))  # type: ignore[misc]
    store.update(sparql_update(diff))
    assert len(store) == 2  # DELETE WHERE took both copies; one came back


def _ox(t):  # type: ignore[no-untyped-def]
    from kopa_graph.rdfio.oxbridge import to_ox

    return to_ox(t)


def test_versions_and_the_changes_pages_of_two_real_releases(releases: tuple[Path, Path, Path],
                                                              tmp_path: Path) -> None:
    """build --release-version states the version in manifest.json; site --release-version V --previous OUT links
    the previous release in the description (DCAT 3) and writes the changes pages in sv, fi and en."""
    _, _, data = releases
    old = tmp_path / "old"
    made = CliRunner().invoke(main, ["build", "--out", str(old), "--release-version", "2026.1"])
    assert made.exit_code == 0, made.output
    assert json.loads((old / "manifest.json").read_text())["version"] == "2026.1"
    assert load_snapshot(old).version == "2026.1"
    site = tmp_path / "site"
    result = CliRunner().invoke(main, ["site", str(site), "--data", str(data), "--release-version", "2026.2",
                                       "--previous", str(old)])
    assert result.exit_code == 0, result.output
    void = (site / "void.ttl").read_text(encoding="utf-8")
    assert 'dcat:previousVersion <dataset/kopa/version/2026.1> ;' in void and 'dcat:version "2026.2" ;' in void
    pages = {lang: (site / f"changes{suffix}.html").read_text(encoding="utf-8")
             for lang, suffix in (("sv", ""), ("fi", ".fi"), ("en", ".en"))}
    assert "<h1>Changes in release 2026.2</h1>" in pages["en"] and "7 removed, 7 added, in 3 resources." in pages["en"]
    assert "<h1>Ändringar i version 2026.2</h1>" in pages["sv"] and "<h1>Muutokset versiossa 2026.2</h1>" in pages["fi"]
    for page in pages.values():
        assert '<h2><a href="doc/pilot/jarviseutu">Järviseutu</a></h2>' in page
        assert 'href="doc/pilot/jarviseutu/theme/flexible-education-models"' in page
        assert 'href="doc/pilot/jarviseutu/theme/online-teaching"' not in page  # removed: no page to link
        assert "&lt;https://w3id.org/kopa/id/theme/online-teaching&gt; .</code>" in page
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert all(f"/changes{suffix}.html</loc>" in sitemap for suffix in ("", ".fi", ".en")), "the sitemap lists them"


def test_release_versions_are_explicit_input_and_checked(releases: tuple[Path, Path, Path], tmp_path: Path) -> None:
    old, _, _ = releases  # built without a version
    unversioned = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "a"), "--release-version", "2",
                                            "--previous", str(old)])
    assert unversioned.exit_code == 2 and "states no version; build the previous release with --release-version" \
        in unversioned.output
    bad = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "b"), "--release-version", "2 beta"])
    assert bad.exit_code == 2 and "--release-version '2 beta' is not usable" in bad.output
    versioned = tmp_path / "v1"
    assert CliRunner().invoke(main, ["build", "--out", str(versioned), "--release-version", "1"]).exit_code == 0
    alone = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "c"), "--previous", str(versioned)])
    assert alone.exit_code == 2 and "--previous needs --release-version" in alone.output
    again = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "d"), "--release-version", "1", "--previous",
                                      str(versioned)])
    assert again.exit_code == 2 and "is the previous release's version too" in again.output
    assert not any((tmp_path / n).exists() for n in "abcd")


def _release(folder: Path, nt: str) -> Path:
    """A release folder as load_snapshot reads it: kopa.nt and a manifest.json with its hashes."""
    import hashlib

    folder.mkdir(parents=True)
    (folder / "kopa.nt").write_text(nt, encoding="utf-8")
    graph = Graph().parse(data=nt, format="nt")
    (folder / "manifest.json").write_text(json.dumps({
        "graph": {"sha256": graph_hash(graph), "triples": len(graph)},
        "files": {"kopa.nt": {"sha256": hashlib.sha256(nt.encode()).hexdigest()}}}), encoding="utf-8")
    return folder


def test_cli_refuses_an_rdf_patch_that_would_remove_blank_nodes_and_names_ru(tmp_path: Path) -> None:
    """README: a diff that removes blank nodes is refused as RDF Patch, exit 2, naming .ru (which works)."""
    old = _release(tmp_path / "old", '<https://example.org/s> <https://example.org/p> _:b .\n'
                                     '_:b <https://example.org/v> "1" .\n')
    new = _release(tmp_path / "new", '<https://example.org/s> <https://example.org/p> "x" .\n')
    refused = CliRunner().invoke(main, ["diff", str(old), str(new), "--patch", str(tmp_path / "change.rdfp")])
    assert refused.exit_code == 2 and ".ru" in refused.output, refused.output
    assert not (tmp_path / "change.rdfp").exists()
    update = CliRunner().invoke(main, ["diff", str(old), str(new), "--patch", str(tmp_path / "change.ru")])
    assert update.exit_code == 1, update.output
    assert "DELETE WHERE" in (tmp_path / "change.ru").read_text(encoding="utf-8")


def test_a_release_built_without_a_version_states_none(releases: tuple[Path, Path, Path]) -> None:
    """A version is never taken from the clock: a build without --release-version writes none in its manifest."""
    manifest = json.loads((releases[0] / "manifest.json").read_text(encoding="utf-8"))
    assert "version" not in manifest and "previous_version" not in manifest
    assert "version" not in json.dumps(manifest["graph"])
