"""kopa-graph ingest: the shipped article reads back as the shipped data; a new
version of the article updates the data; differences are listed; names resolve
through the official lists and the alias table."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from kopa_graph import load_source_data
from kopa_graph.article.compare import differences, flatten
from kopa_graph.article.ingest import ingest_article
from kopa_graph.article.layout import ArticleError
from kopa_graph.cli import main

ARTICLE = ROOT / "data" / "sources" / "kopa-pilotforsok-sv.txt"
runner = CliRunner()


@pytest.fixture(scope="module")
def shipped():  # type: ignore[no-untyped-def]
    return load_source_data(ROOT / "data")


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(ROOT / "data", dest)
    return dest


def _article_variant(tmp_path: Path, old: str, new: str, name: str = "article.txt") -> Path:
    text = ARTICLE.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_check_shipped_article_agrees_with_shipped_data() -> None:
    result = runner.invoke(main, ["ingest", str(ARTICLE), "--data", str(ROOT / "data"), "--check"])
    assert result.exit_code == 0, result.output
    assert "Read 13 pilots and 6 stated totals" in result.stdout
    assert "The data agrees with the article." in result.stdout


def test_ingest_of_shipped_article_rewrites_identical_files(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "new"
    result = runner.invoke(main, ["ingest", str(ARTICLE), "--data", str(data_copy), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "0 changes from the data as it was." in result.stdout
    for name in ("pilots.yaml", "claims.yaml", "organisations.yaml", "sources/kopa-pilotforsok-sv.txt"):
        assert (out / name).read_bytes() == (ROOT / "data" / name).read_bytes(), name


def test_check_lists_each_difference_with_pilot_field_line_and_values(tmp_path: Path) -> None:
    article = _article_variant(tmp_path, "Borgå, Kotka, Lovisa och Sibbo", "Borgå, Kotka och Lovisa")
    article.write_text(article.read_text(encoding="utf-8").replace("Sammanlagt deltar 44", "Sammanlagt deltar 45"),
                       encoding="utf-8")
    result = runner.invoke(main, ["ingest", str(article), "--data", str(ROOT / "data"), "--check"])
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "3 differences between the article and the data:" in out
    assert ("ostnyland: members.count (article line 131): article '3', data '4'") in out
    assert ("ostnyland: members[3] (article line 131): article 'Lovisa → loviisa', data 'Lovisa → loviisa'"
            not in out)
    assert "ostnyland: members[4] (not in the article): article (nothing), data 'Sibbo → sipoo'" in out
    assert "claims: municipalities (article line 3): article '45 kommuner = 45 of municipality (line 3)'" in out


def test_check_reports_what_the_data_says_differently(data_copy: Path) -> None:
    claims = data_copy / "claims.yaml"
    claims.write_text(claims.read_text(encoding="utf-8").replace("count: 4, counts_type: limited-company",
                                                                  "count: 5, counts_type: limited-company"),
                      encoding="utf-8")
    result = runner.invoke(main, ["ingest", str(ARTICLE), "--data", str(data_copy), "--check"])
    assert result.exit_code == 1
    assert "claims: limited-companies (article line 3): article '4 aktiebolag = 4 of limited-company (line 3)', " \
           "data '4 aktiebolag = 5 of limited-company (line 3)'" in result.stdout


def test_new_article_version_updates_the_data(data_copy: Path, tmp_path: Path) -> None:
    """A municipality not yet listed (Hangö, by its Swedish name) joins a pilot; a contact changes."""
    article = _article_variant(tmp_path, "Borgå, Kotka, Lovisa och Sibbo", "Borgå, Kotka, Lovisa, Sibbo och Hangö")
    article.write_text(article.read_text(encoding="utf-8").replace(
        "Anders Nordström, rektor, Lovisa stad", "Anders Nordström, rektor och Ny Person, lärare, Lovisa stad"),
        encoding="utf-8")
    result = runner.invoke(main, ["ingest", str(article), "--data", str(data_copy)])
    assert result.exit_code == 0, result.output
    assert "new municipality 078 → organisation 'hanko'" in result.stdout
    data = load_source_data(data_copy)
    ostnyland = next(p for p in data.pilots if p.id == "ostnyland")
    assert [m.organisation for m in ostnyland.members] == ["porvoo", "kotka", "loviisa", "sipoo", "hanko"]
    assert [(c.person, c.name, c.titles) for c in ostnyland.contacts] == [
        ("p014", "Anders Nordström", ("rektor",)), ("p015", "Ny Person", ("lärare",))]
    assert data.organisations["hanko"].municipality_code == "078"
    assert (data_copy / "sources" / "kopa-pilotforsok-sv.txt").read_bytes() == article.read_bytes()
    build = runner.invoke(main, ["build", "--data", str(data_copy), "--out", str(tmp_path / "out")])
    assert build.exit_code == 0, build.output


def test_unknown_name_is_an_error_with_line_and_closest_names(data_copy: Path, tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in data_copy.iterdir() if p.is_file()}
    article = _article_variant(tmp_path, "Evijärvi, Lappajärvi", "Evijärv, Lappajärvi")
    result = runner.invoke(main, ["ingest", str(article), "--data", str(data_copy)])
    assert result.exit_code == 2
    assert f"{article}:11: unknown organisation 'Evijärv'; the closest known names are 'Evijärvi'" in result.stderr
    assert {p.name: p.read_bytes() for p in data_copy.iterdir() if p.is_file()} == before


def test_names_resolve_in_swedish_and_finnish_and_through_aliases(shipped, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    article = _article_variant(tmp_path, "Vindala och", "Vimpeli och")
    ingested = ingest_article(article, shipped)
    rules = {(r.name, r.id, r.rule) for r in ingested.resolutions}
    assert ("Vimpeli", "vimpeli", "municipality 934 in kunta_1_20200101 (fi)") in rules
    assert ("Honkajoki", "honkajoki", "municipality 099 in kunta_1_20200101 (sv)") in rules
    assert ("Alajärvi stad", "alajarvi", "municipality 005 in kunta_1_20200101: its own organisation (sv)") in rules
    lappia = {r.name for r in ingested.resolutions if r.id == "lappia"}
    assert lappia == {"Kemi-Tornedalens samkommun för utbildning Lappia",
                      "Kemi-Tornionlaakson koulutuskuntayhtymä Lappia"}


def test_honkajoki_resolves_through_the_2020_list_only(shipped) -> None:  # type: ignore[no-untyped-def]
    from kopa_graph.source.resolve import Resolver

    r = Resolver(shipped)
    assert "099" not in shipped.municipalities_now
    assert [m.id for m in r.organisations.get("Honkajoki")] == ["honkajoki"]


def test_a_municipality_named_only_in_the_2026_list_resolves(shipped) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from kopa_graph.source.model import Municipality
    from kopa_graph.source.resolve import Resolver

    now = dict(shipped.municipalities_now)
    now["999"] = Municipality("999", "Uusikunta", "Nykommun", "kunta_1_20260101")
    match = Resolver(replace(shipped, municipalities_now=now)).organisations.get("Nykommun")
    assert [(m.id, m.rule) for m in match] == [("municipality:999", "municipality 999 in kunta_1_20260101 (sv)")]


def test_claims_are_parsed_from_the_introduction(shipped) -> None:  # type: ignore[no-untyped-def]
    claims = ingest_article(ARTICLE, shipped).claims
    assert [(c.text, c.count, c.counts_class or c.counts_type, c.line) for c in claims] == [
        ("tretton regionala pilotförsök", 13, "Pilot", 3),
        ("44 kommuner", 44, "municipality", 3),
        ("8 samkommuner för utbildning", 8, "joint-authority-for-education", 3),
        ("4 aktiebolag", 4, "limited-company", 3),
        ("en enskild yrkeshögskola", 1, "university-of-applied-sciences", 3),
        ("ett affärsverk", 1, "municipal-enterprise", 3),
    ]


NOISE = {
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "bom": lambda t: "\ufeff" + t,
    "nbsp-inside-lines": lambda t: t.replace("Alajärvi (ansvarsorganisation)", "Alajärvi\u00a0(ansvarsorganisation)")
                                    .replace("Esa Kaunisto", "Esa\u00a0Kaunisto"),
    "trailing-blanks": lambda t: "\n".join(line + "  \t" for line in t.split("\n")),
}


@pytest.mark.parametrize("noise", sorted(NOISE))
def test_tolerated_noise_gives_the_same_data_and_lines(shipped, tmp_path: Path, noise: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "noisy.txt"
    path.write_bytes(NOISE[noise](ARTICLE.read_text(encoding="utf-8")).encode("utf-8"))
    ingested = ingest_article(path, shipped)
    assert differences(flatten(ingested.pilots, ingested.claims), flatten(shipped.pilots, shipped.claims)) == []


def test_extra_blank_lines_and_no_labels_give_the_same_data(shipped, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = ARTICLE.read_text(encoding="utf-8")
    for label in ("Organisationer som deltar: ", "Nyckelord för utvecklingsarbetet: ", "Kontaktperson: "):
        text = text.replace(label, "")
    text = text.replace("\n\n", "\n\n\n\n")
    path = tmp_path / "spaced.txt"
    path.write_text(text, encoding="utf-8")
    ingested = ingest_article(path, shipped)
    assert differences(flatten(ingested.pilots, ingested.claims, with_lines=False),
                       flatten(shipped.pilots, shipped.claims, with_lines=False)) == []
    assert ingested.pilots[0].members_line == 21  # the lines are the new file's


def test_two_pilots_with_the_same_name_are_refused(shipped, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    article = _article_variant(tmp_path, "\nÖstnyland\n", "\nÖstra Nyland\n")
    with pytest.raises(ArticleError, match="a second pilot named 'Östra Nyland'"):
        ingest_article(article, shipped)
