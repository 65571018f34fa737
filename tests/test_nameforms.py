"""A municipality's own organisation resolves as people write it ("Kajana stad", "Kajaanin kaupunki",
"Joroisten kunta") from the official lists, with no row in the alias table (issue 15, section 6)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import ROOT
from kopa_graph.article.ingest import ArticleError, ingest_article
from kopa_graph.source.load import load_source_data
from kopa_graph.source.nameforms import finnish_genitives, organisation_forms, swedish_genitive

REFERENCE = ROOT / "data" / "reference"
ARTICLE = ROOT / "data" / "sources" / "kopa-pilotforsok-sv.txt"
_FOLD = str.maketrans("äöåÄÖÅ", "aoaAOA")


def _municipalities() -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for name in ("municipalities_2020.csv", "municipalities.csv"):
        with (REFERENCE / name).open(encoding="utf-8") as fh:
            rows.update({r["code"]: r for r in csv.DictReader(fh)})
    return rows


def test_the_forms_public_files_write_are_among_the_forms() -> None:
    """The licence files of 30 municipalities' adult education centres are named by the municipality's own
    organisation, genitive and all (Ikaalisten_kaupunki, Kauhajoen_kaupunki, Lopen_kunta, Kiuruveden_kunta,
    Varkauden_kaupunki, Sibbo_kommun, Narpes_stad): each is one of the forms made for it."""
    municipalities = _municipalities()
    with (REFERENCE / "municipality_business_ids.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 30
    for row in rows:
        genitive, kind = row["licence_file_in_source"].split("_")[:2]
        m = municipalities[row["code"]]
        forms = {form.translate(_FOLD) for form, _ in organisation_forms(m["name_sv"], m["name_fi"])}
        assert f"{genitive} {kind.split('.')[0]}" in forms, (row["name_fi"], sorted(forms))


@pytest.mark.parametrize(("name", "genitive"), [
    ("Alajärvi", "Alajärven"), ("Kauhajoki", "Kauhajoen"), ("Ikaalinen", "Ikaalisten"), ("Joroinen", "Joroisten"),
    ("Kiuruvesi", "Kiuruveden"), ("Varkaus", "Varkauden"), ("Lapinlahti", "Lapinlahden"), ("Loppi", "Lopen"),
    ("Mikkeli", "Mikkelin"), ("Tampere", "Tampereen"), ("Turku", "Turun"), ("Hanko", "Hangon"),
    ("Leppävirta", "Leppävirran"), ("Mänttä-Vilppula", "Mänttä-Vilppulan"), ("Kajaani", "Kajaanin"),
    ("Pello", "Pellon"), ("Helsinki", "Helsingin")])
def test_finnish_genitives(name: str, genitive: str) -> None:
    assert genitive in finnish_genitives(name)


def test_swedish_genitive() -> None:
    assert [swedish_genitive(n) for n in ("S:t Michel", "Närpes", "Lovisa")] == ["S:t Michels", "Närpes", "Lovisas"]


def test_no_form_names_two_municipalities() -> None:
    """Over both classifications (2020 and today), no form is made for two municipalities: none can resolve
    to the wrong one (a shared form would resolve to neither: an error, never a guess)."""
    owners: dict[str, set[str]] = defaultdict(set)
    for code, m in _municipalities().items():
        for form, _ in organisation_forms(m["name_sv"], m["name_fi"]):
            owners[form.casefold()].add(code)
    assert len(owners) > 2500
    assert {form: codes for form, codes in owners.items() if len(codes) > 1} == {}


def _with_pilot(tmp_path: Path, block: str) -> Path:
    text = ARTICLE.read_text(encoding="utf-8")
    anchor = "Järviseutu\n\nOrganisationer"
    path = tmp_path / "article.txt"
    path.write_text(text.replace(anchor, block + "\n\n\u00a0\n\n" + anchor, 1), encoding="utf-8")
    return path


def test_a_pilot_of_municipalities_outside_the_44(tmp_path: Path) -> None:
    """A new pilot block naming three municipalities that are in no pilot, its contact organisation written
    "Kajana stad" (and, in another variant, "Kajaanin kaupunki"): it resolves, through no alias row."""
    data = load_source_data(ROOT / "data")
    assert not any(a.name.casefold().startswith("kajana") for a in data.aliases)
    for contact_org, lang in (("Kajana stad", "sv"), ("Kajaanin kaupunki", "fi"), ("Sotkamon kunta", "fi")):
        article = _with_pilot(tmp_path, "Kajanaland\n\nKajana (ansvarsorganisation), Paltamo och Sotkamo\n\n"
                                        f"Samarbete mellan gymnasier\n\nNy Person, bildningsdirektör, {contact_org}")
        ingested = ingest_article(article, data)
        found = {(r.name, r.id, r.rule) for r in ingested.resolutions if r.line == 15}
        code, org = ("765", "sotkamo") if "Sotkamo" in contact_org else ("205", "kajaani")
        assert found == {(contact_org, org, f"municipality {code} in kunta_1_20200101: its own organisation "
                                            f"({lang})")}, found
        assert {m.municipality_code for m in ingested.new_municipalities} == {"205", "578", "765"}


def test_an_unknown_form_is_still_an_error_with_suggestions(tmp_path: Path) -> None:
    article = _with_pilot(tmp_path, "Kajanaland\n\nKajana (ansvarsorganisation), Paltamo och Sotkamo\n\n"
                                    "Samarbete mellan gymnasier\n\nNy Person, bildningsdirektör, Kajanaborgs stad")
    with pytest.raises(ArticleError) as info:
        ingest_article(article, load_source_data(ROOT / "data"))
    assert "unknown organisation 'Kajanaborgs stad'" in str(info.value) and "Kajana" in str(info.value)


def test_a_form_two_organisations_go_by_is_ambiguous(tmp_path: Path) -> None:
    """A form that stands for two organisations resolves to neither: an alias row giving "Kajana stad" to
    Kotka, beside Kajaani's own form, makes the name an error naming both (never a guess)."""
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    with (copy / "aliases.csv").open("a", encoding="utf-8") as fh:
        fh.write("Kajana stad,kotka,a test: the name of another organisation\n")
    data = load_source_data(copy)
    article = _with_pilot(tmp_path, "Kajanaland\n\nKajana (ansvarsorganisation), Paltamo och Sotkamo\n\n"
                                    "Samarbete mellan gymnasier\n\nNy Person, bildningsdirektör, Kajana stad")
    with pytest.raises(ArticleError) as info:
        ingest_article(article, data)
    assert "organisation 'Kajana stad' is ambiguous: it names kotka, municipality:205" in str(info.value)
