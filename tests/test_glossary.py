"""data/glossary.yaml: the Finnish and English forms of pilot names, titles and totals, checked when read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from conftest import ROOT
from kopa_graph import SourceDataError, build_graph, load_source_data
from kopa_graph.rdfio.namespaces import DCTERMS, KOPA, RDF, RDFS, SCHEMA, SKOS

GLOSSARY = ROOT / "data" / "glossary.yaml"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path / "data"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "pieces"), [
    ("  jarviseutu:\n", "  jarviseutuu:\n", ["pilots.jarviseutuu", "no pilot 'jarviseutuu' in pilots.yaml"]),
    ('    area: {subregion: "146"}', '    area: {subregion: "999"}',
     ["pilots.jarviseutu.area.subregion", "no subregion '999' in the 2020 classification", "use one of"]),
    ('    area: {subregion: "146"}', '    area: {subregion: "146"}\n    name: {fi: X, en: X}',
     ["pilots.jarviseutu", "give either 'area' or 'name'"]),
    ("  alajarvi: {fi: Alajärven kaupunki,", "  alajarvi: {fi: Alavuden kaupunki,",
     ["legal_names.alajarvi.fi", "'Alavuden kaupunki' is not a Finnish form of Alajärvi's own organisation",
      "Alajärven kaupunki"]),
    ("  municipalities: {fi: 44 kuntaa,", "  municipality: {fi: 44 kuntaa,",
     ["claims.municipality", "no claim 'municipality' in claims.yaml"]),
    ("  rektor: {fi: rehtori, en: principal, translated: [fi, en]}", "  rektor: {fi: rehtori, translated: [fi, en]}",
     ["titles.rektor", "missing field"]),
])
def test_a_bad_glossary_entry_is_an_error_with_place_and_fix(data_copy: Path, old: str, new: str,
                                                             pieces: list[str]) -> None:
    _edit(data_copy / "glossary.yaml", old, new)
    with pytest.raises(SourceDataError) as exc:
        load_source_data(data_copy)
    text = str(exc.value)
    assert "glossary.yaml:" in text
    for piece in pieces:
        assert piece in text


def test_without_a_glossary_the_swedish_forms_stay(data_copy: Path, settings) -> None:  # type: ignore[no-untyped-def]
    (data_copy / "glossary.yaml").unlink()
    g = build_graph(load_source_data(data_copy), settings).graph
    pilot = URIRef(settings.id_base + "pilot/sodra-savolax")
    assert {o.language for o in g.objects(pilot, SKOS.prefLabel)} == {"sv"}


def test_names_say_where_they_come_from(shipped_built) -> None:  # type: ignore[no-untyped-def]
    g = shipped_built.graph
    pilots = {str(o): s for s in g.subjects(RDF.type, KOPA.Pilot) for o in g.objects(s, SKOS.prefLabel)
              if o.language == "sv"}
    named_after_region = pilots["Södra Savolax"]
    assert Literal("Etelä-Savo", lang="fi") in set(g.objects(named_after_region, SKOS.prefLabel))
    assert Literal("South Savo", lang="en") in set(g.objects(named_after_region, SKOS.prefLabel))
    assert any(str(o).endswith("/10") for o in g.objects(named_after_region, RDFS.seeAlso)), \
        "a pilot named after a region links the region"
    assert any(str(o).endswith("dataset/municipalities-2020") for o in g.objects(named_after_region, DCTERMS.source))
    translated = pilots["Torneälvsdalen"]
    notes = [str(o) for o in g.objects(translated, SKOS.editorialNote)]
    assert any("'Tornionlaakso' is kopa-graph's translation" in n for n in notes)
    ambiguous = pilots["Sydösterbotten"]
    assert any("Sub-region 153" in str(o) for o in g.objects(ambiguous, SKOS.editorialNote))
    # a Finnish title that a public page gives cites it; the English one is marked as translated
    post = next(s for s, o in g.subject_objects(SKOS.prefLabel) if str(o) == "direktör för fostran och utbildning")
    assert URIRef("https://www.ktlehti.fi/2021/5/koulutuspalveluja-turvataan-yhteistyolla") in set(
        g.objects(post, DCTERMS.source))
    post_notes = [str(o) for o in g.objects(post, SKOS.editorialNote)]
    assert any("English title" in n for n in post_notes) and not any("Finnish title" in n for n in post_notes)
    claim = next(s for s, o in g.subject_objects(SCHEMA.text) if str(o) == "44 kommuner")
    assert Literal("44 kuntaa", lang="fi") in set(g.objects(claim, SCHEMA.text))


def test_every_pilot_and_title_of_the_shipped_data_has_its_forms() -> None:
    data = load_source_data(ROOT / "data")
    assert set(data.glossary.pilots) == {p.id for p in data.pilots}
    titles = {t for p in data.pilots for c in p.contacts for t in c.titles}
    assert titles <= set(data.glossary.titles)
    assert set(data.glossary.claims) == {c.id for c in data.claims}


def test_docs_glossary_lists_every_translated_term(update_golden: bool) -> None:
    """docs/glossary.md is the data's glossary as it is (a golden file: missing or stale, it fails)."""
    from kopa_graph.source.glossarydoc import glossary_markdown

    data = load_source_data(ROOT / "data")
    text = glossary_markdown(data, ROOT)
    path = ROOT / "docs" / "glossary.md"
    if update_golden:
        path.write_text(text, encoding="utf-8")
        pytest.skip(f"rewrote {path}")
    assert path.exists(), "docs/glossary.md is missing: run pytest --update-golden"
    assert path.read_text(encoding="utf-8") == text, "docs/glossary.md is out of step: run pytest --update-golden"
    # every pilot, title and vocabulary concept is in it, with the place to correct it
    for p in data.pilots:
        assert f"| {p.name} |" in text
    assert "| bildningsdirektör | sivistysjohtaja | director of education | translated | `data/glossary.yaml:" in text
    assert "| Södra Savolax | Etelä-Savo | South Savo | official | `data/glossary.yaml:" in text
    assert "`data/vocabularies/themes.yaml:" in text
