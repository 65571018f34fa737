"""Every trap of DOMAIN.md, one by one, on the shipped data's vocabulary."""

from __future__ import annotations

import pytest

from conftest import ROOT
from kopa_graph import load_source_data
from kopa_graph.article.ingest import ingest_article
from kopa_graph.article.splitting import split_commas, split_contacts, split_list, split_och, sub_list
from kopa_graph.source.model import SourceData

ARTICLE = ROOT / "data" / "sources" / "kopa-pilotforsok-sv.txt"


@pytest.fixture(scope="module")
def shipped() -> SourceData:
    return load_source_data(ROOT / "data")


@pytest.fixture(scope="module")
def pilots(shipped: SourceData) -> dict[str, object]:
    return {p.id: p for p in ingest_article(ARTICLE, shipped).pilots}


def test_commas_inside_parentheses_do_not_split() -> None:
    assert split_commas("a, b (c, d och e), f") == ["a", "b (c, d och e)", "f"]


def test_och_splits_only_where_every_part_is_known() -> None:
    known = {"SÖFUK", "Närpes", "Svenska förbundet för utbildning och kultur"}.__contains__

    def resolve(name: str) -> str | None:
        return name if known(name) else None

    assert split_och("SÖFUK och Närpes", resolve) == [("SÖFUK", "SÖFUK"), ("Närpes", "Närpes")]
    assert split_och("Svenska förbundet för utbildning och kultur", resolve) == [
        ("Svenska förbundet för utbildning och kultur",) * 2]
    assert split_och("Svenska förbundet för utbildning och kultur och Närpes", resolve) == [
        ("Svenska förbundet för utbildning och kultur",) * 2, ("Närpes", "Närpes")]
    assert split_och("Okänd och Närpes", resolve) is None
    assert split_list("SÖFUK, Okänd", resolve) == [("SÖFUK", "SÖFUK"), ("Okänd", None)]


def test_sub_list() -> None:
    assert sub_list("grundskola, andra stadiet och yrkeshögskola") == ["grundskola", "andra stadiet", "yrkeshögskola"]


def test_och_inside_a_pilot_name_is_kept(pilots: dict[str, object]) -> None:
    p = pilots["sofuk-och-narpes"]
    assert p.name == "SÖFUK och Närpes"  # type: ignore[attr-defined]
    assert [m.organisation for m in p.members] == ["sofuk", "narpio"]  # type: ignore[attr-defined]


def test_sub_lists_become_levels_of_the_keyword(pilots: dict[str, object]) -> None:
    k = pilots["ostra-nyland"].keywords[2]  # type: ignore[attr-defined]
    assert k.theme == "cooperation-between-education-levels"
    assert k.as_written == "samarbete mellan utbildningsstadier (grundskola, andra stadiet och yrkeshögskola)"
    assert [(lv.level, lv.as_written) for lv in k.levels] == [
        ("basic-education", "grundskola"), ("upper-secondary-education", "andra stadiet"),
        ("uas-education", "yrkeshögskola")]
    assert len(pilots["ostra-nyland"].keywords) == 3  # type: ignore[attr-defined]


def test_two_people_one_organisation_and_och_inside_a_title(pilots: dict[str, object]) -> None:
    contacts = pilots["sydosterbotten"].contacts  # type: ignore[attr-defined]
    assert [(c.name, c.titles, c.organisation) for c in contacts] == [
        ("Lari Marjamäki", ("direktör för fostran och utbildning",), "kauhajoki"),
        ("Pirjo-Leena Ketola", ("högskoleombud",), "kauhajoki")]


def test_one_person_two_titles(pilots: dict[str, object]) -> None:
    (c,) = pilots["birkaland"].contacts  # type: ignore[attr-defined]
    assert (c.name, c.titles, c.organisation) == ("Pekka Simberg", ("direktör", "rektor"), "sasky")


def test_stated_lead_in_parentheses(pilots: dict[str, object]) -> None:
    m = pilots["jarviseutu"].members[0]  # type: ignore[attr-defined]
    assert (m.organisation, m.as_written, m.role, m.role_as_written) == (
        "alajarvi", "Alajärvi", "lead-organisation", "ansvarsorganisation")
    assert [m.role for p in pilots.values() for m in p.members if m.role] == ["lead-organisation"]  # type: ignore[attr-defined]


def test_sentence_full_stop_after_the_last_member(pilots: dict[str, object]) -> None:
    assert pilots["ovre-savolax"].members[-1].as_written == "Vieremä"  # type: ignore[attr-defined]


def test_one_organisation_several_names_is_one_organisation(pilots: dict[str, object]) -> None:
    orgs = {m.organisation for p in pilots.values() for m in p.members}  # type: ignore[attr-defined]
    assert "lappia" in orgs and "yla-savo" in orgs
    assert pilots["ovre-savolax"].contacts[0].organisation == "yla-savo"  # type: ignore[attr-defined]
    assert pilots["jarviseutu"].contacts[0].organisation == "alajarvi"  # type: ignore[attr-defined]


def test_one_organisation_two_pilots(pilots: dict[str, object]) -> None:
    east = [{m.organisation for m in pilots[p].members} for p in ("ostra-nyland", "ostnyland")]  # type: ignore[attr-defined]
    assert east[0] & east[1] == {"porvoo", "loviisa", "sipoo"}


@pytest.mark.parametrize(("text", "expected"), [
    ("Esa Kaunisto, bildningsdirektör, Alajärvi stad", ([("Esa Kaunisto", ["bildningsdirektör"])], "Alajärvi stad")),
    ("A Bc, x och y, z, Org", ([("A Bc", ["x och y", "z"])], "Org")),
    ("A Bc, x och De Fg, y, Org", ([("A Bc", ["x"]), ("De Fg", ["y"])], "Org")),
    ("A Bc, x, De Fg, y och Hi Jk, z, Org", ([("A Bc", ["x"]), ("De Fg", ["y"]), ("Hi Jk", ["z"])], "Org")),
])
def test_split_contacts(text: str, expected: object) -> None:
    assert split_contacts(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("Esa Kaunisto, Alajärvi stad", "fewer than three"),
    ("bildningsdirektör, Esa Kaunisto, Alajärvi stad", "expected a person's name"),
    ("A Bc, x och De Fg, Org", "'De Fg' has no title"),
])
def test_split_contacts_errors(text: str, message: str) -> None:
    result = split_contacts(text)
    assert isinstance(result, str) and message in result


def test_pilot_area_names_are_kept_whole(pilots: dict[str, object]) -> None:
    assert [p.name for p in pilots.values()] == [  # type: ignore[attr-defined]
        "Järviseutu", "Södra Savolax", "Östra Nyland", "Egentliga Tavastland", "Mellersta Savolax",
        "Mellersta Finland", "Birkaland", "Norra Satakunta", "Sydösterbotten", "SÖFUK och Närpes",
        "Torneälvsdalen", "Övre Savolax", "Östnyland"]


