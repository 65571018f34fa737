"""Property-based: random pilot sets, written in the article's layout with
random whitespace noise, read back as what was generated (hypothesis)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import SMALL
from kopa_graph import load_source_data
from kopa_graph.article.ingest import ingest_article
from kopa_graph.errors import Location
from kopa_graph.source.model import LEVELS, THEMES, Concept, Organisation, Scheme, SourceData

WORDS = ["skola", "kultur", "bildning", "lärande", "stad", "dal", "sjö", "skog", "fjäll", "älv", "ö", "berg",
         "hamn", "torg", "park", "gård", "bro", "strand", "vik", "udde"]
TITLE_WORDS = ["direktör", "rektor", "chef", "ombud", "lärare", "samordnare", "utvecklare"]
NAMES = ["Anna", "Bertil", "Cecilia", "David", "Eva", "Fredrik", "Greta", "Hans", "Ann-Maj", "Jukka-Tapio"]
SURNAMES = ["Ek", "Lind", "Berg", "Holm", "Björkell-Holm", "Laine", "Öhman", "Nordström"]
NBSP = "\u00a0"
BASE = load_source_data(SMALL, article_facts=False)

cap = str.capitalize
org_name = st.one_of(
    st.builds(lambda a, b: f"{cap(a)} {b}", st.sampled_from(WORDS), st.sampled_from(WORDS)),
    st.builds(lambda a, b, c: f"{cap(a)} för {b} och {c}", st.sampled_from(WORDS), st.sampled_from(WORDS),
              st.sampled_from(WORDS)),
)
theme_label = st.one_of(
    st.builds(lambda a, b: f"{a} {b}", st.sampled_from(WORDS), st.sampled_from(WORDS)),
    st.builds(lambda a, b, c: f"{a} och {b} i {c}", st.sampled_from(WORDS), st.sampled_from(WORDS),
              st.sampled_from(WORDS)),
)
level_label = st.builds(lambda a, b: f"{a}{b}", st.sampled_from(WORDS), st.sampled_from(["stadiet", "nivå", "skola"]))
title = st.one_of(st.sampled_from(TITLE_WORDS),
                  st.builds(lambda a, b, c: f"{a} för {b} och {c}", st.sampled_from(TITLE_WORDS),
                            st.sampled_from(WORDS), st.sampled_from(WORDS)))
person = st.builds(lambda a, b: f"{a} {b}", st.sampled_from(NAMES), st.sampled_from(SURNAMES))
area = st.builds(lambda a, b, och: f"{cap(a)} och {cap(b)}" if och else f"{cap(a)}{b}",
                 st.sampled_from(WORDS), st.sampled_from(WORDS), st.booleans())


@st.composite
def universes(draw: st.DrawFn) -> dict[str, object]:
    orgs = draw(st.lists(org_name, min_size=3, max_size=8, unique_by=str.casefold))
    themes = draw(st.lists(theme_label, min_size=2, max_size=6, unique_by=str.casefold))
    levels = draw(st.lists(level_label, min_size=2, max_size=4, unique_by=str.casefold))
    pilots = []
    for name in draw(st.lists(area, min_size=1, max_size=4, unique_by=str.casefold)):
        members = draw(st.lists(st.sampled_from(orgs), min_size=1, max_size=len(orgs), unique=True))
        keywords = [(t, draw(st.lists(st.sampled_from(levels), max_size=3, unique=True)) if draw(st.booleans())
                     else []) for t in draw(st.lists(st.sampled_from(themes), min_size=1, max_size=len(themes),
                                                     unique=True))]
        people = draw(st.lists(st.tuples(person, st.lists(title, min_size=1, max_size=3)), min_size=1, max_size=3,
                               unique_by=lambda p: p[0]))
        pilots.append((name, members, keywords, people, draw(st.sampled_from(orgs))))
    return {"orgs": orgs, "themes": themes, "levels": levels, "pilots": pilots}


def _ambiguous(labels: list[str]) -> bool:
    """A label that is 'X och Y' of two other labels cannot be told from a list of two."""
    known = {x.casefold() for x in labels}
    return any(f"{a} och {b}".casefold() in known for a in labels for b in labels if a != b)


def _data(u: dict[str, object]) -> SourceData:
    loc = Location(SMALL)
    orgs = {f"o{i}": Organisation(f"o{i}", "limited-company", {"sv": n}, loc) for i, n in enumerate(u["orgs"])}  # type: ignore[arg-type]

    def scheme(scheme_id: str, labels: list[str]) -> Scheme:
        concepts = {f"c{i}": Concept(f"c{i}", {"sv": x, "fi": f"c{i}-fi", "en": f"c{i}-en"}, {}, loc)
                    for i, x in enumerate(labels)}
        return Scheme(scheme_id, {}, {}, concepts, loc)

    schemes = dict(BASE.schemes)
    schemes[THEMES] = scheme(THEMES, u["themes"])  # type: ignore[arg-type]
    schemes[LEVELS] = scheme(LEVELS, u["levels"])  # type: ignore[arg-type]
    return replace(BASE, organisations=orgs, schemes=schemes, municipalities={}, municipalities_now={}, aliases=())


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]


def _article(u: dict[str, object], noise: st.DataObject) -> str:
    lines = ["Testartikel", "", "Inledning utan siffror.", "", "Pilotförsöken:", ""]
    for n, (name, members, keywords, people, org) in enumerate(u["pilots"]):  # type: ignore[attr-defined]
        labelled = n == 0 or noise.draw(st.booleans())
        kw = [t + (f" ({_join(lv)})" if lv else "") for t, lv in keywords]
        contact = _join([", ".join([p, *titles]) for p, titles in people]) + ", " + org
        if n:
            lines += [NBSP, ""]
        lines += [name, "", ("Organisationer som deltar: " if labelled else "") + _join(members), "",
                  ("Nyckelord för utvecklingsarbetet: " if labelled else "") + _join(kw), "",
                  ("Kontaktperson: " if labelled else "") + contact, ""]
    noisy = []
    for line in lines:
        if line.strip() and noise.draw(st.booleans()):
            line = line.replace(" ", NBSP, noise.draw(st.integers(0, 2)))
        noisy.append(line + noise.draw(st.sampled_from(["", " ", "\t", "  "])))
        noisy += [""] * noise.draw(st.integers(0, 1))
    text = ("\r\n" if noise.draw(st.booleans()) else "\n").join(noisy)
    return ("\ufeff" if noise.draw(st.booleans()) else "") + text


@pytest.mark.filterwarnings("ignore")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                  HealthCheck.function_scoped_fixture])
@given(u=universes(), noise=st.data())
def test_generated_articles_read_back_as_generated(u: dict[str, object], noise: st.DataObject,
                                                  tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    assume(not _ambiguous(u["orgs"]) and not _ambiguous(u["themes"]))  # type: ignore[arg-type]
    data = _data(u)
    path = tmp_path_factory.mktemp("art") / "article.txt"
    path.write_bytes(_article(u, noise).encode("utf-8"))
    got = ingest_article(path, data)
    org_id = {n: f"o{i}" for i, n in enumerate(u["orgs"])}  # type: ignore[arg-type]
    theme_id = {n: f"c{i}" for i, n in enumerate(u["themes"])}  # type: ignore[arg-type]
    level_id = {n: f"c{i}" for i, n in enumerate(u["levels"])}  # type: ignore[arg-type]
    expected = [
        (name, [(org_id[m], m) for m in members],
         [(theme_id[t], [level_id[x] for x in lv]) for t, lv in keywords],
         [(p, tuple(titles)) for p, titles in people], org_id[org])
        for name, members, keywords, people, org in u["pilots"]  # type: ignore[attr-defined]
    ]
    actual = [
        (p.name, [(m.organisation, m.as_written) for m in p.members],
         [(k.theme, [lv.level for lv in k.levels]) for k in p.keywords],
         [(c.name, c.titles) for c in p.contacts], p.contacts[0].organisation)
        for p in got.pilots
    ]
    assert actual == expected
