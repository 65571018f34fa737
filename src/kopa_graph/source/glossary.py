"""``data/glossary.yaml``: the Finnish and English forms of what the article writes only in Swedish.

Pilot names and contact titles. A pilot named after an area of the 2020 classification takes that area's
official names (cited to the classification); any other form is either cited to the public pages that give
it or marked as kopa-graph's own translation. The file is optional: without it, Finnish and English
outputs show the article's Swedish forms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from kopa_graph.languages import LANGUAGES
from kopa_graph.source.fields import FieldReader
from kopa_graph.source.model import Area, Glossary, LangText, Municipality, Organisation, Pilot, Term
from kopa_graph.source.nameforms import organisation_forms
from kopa_graph.source.yamlfile import YMap, load_yaml

GLOSSARY_FILE = "glossary.yaml"
#: Reads the ``pages`` of an entry (``load._pages``): public http(s) addresses.
PagesOf = Callable[[YMap, FieldReader, str], tuple[str, ...]]
_TRANSLATED_LANGUAGES = tuple(lang for lang in LANGUAGES if lang != "sv")


def read_glossary(data_dir: Path, pilots: tuple[Pilot, ...], claims: frozenset[str],
                  organisations: Mapping[str, Organisation], municipalities: Mapping[str, Municipality],
                  r: FieldReader, pages_of: PagesOf) -> Glossary:
    """Read ``data_dir/glossary.yaml`` (if there is one), checked against the pilots and the 2020 areas."""
    path = Path(data_dir) / GLOSSARY_FILE
    if not path.exists():
        return Glossary()
    try:
        doc = load_yaml(path)
    except Exception as exc:
        r.problems.extend(getattr(exc, "problems", []))
        return Glossary()
    if not r.keys(doc, "", [], ["pilots", "titles", "article", "claims", "legal_names"]):
        return Glossary()
    areas = _areas(municipalities)
    known = {p.id for p in pilots}
    out = Glossary()
    for pid, entry in _entries(doc, "pilots", r):
        where = f"pilots.{pid}"
        if pilots and pid not in known:
            r.problem(entry.loc, where, f"no pilot {pid!r} in pilots.yaml",
                      "use the id of a pilot in pilots.yaml, or remove the entry")
            continue
        if not r.keys(entry, where, [], ["area", "name", "translated", "pages", "note"]):
            continue
        area = _area(entry, where, areas, r)
        if (area is None) == ("name" not in entry):
            r.problem(entry.loc, where, "give either 'area' or 'name'",
                      "area: {region: NN} for a pilot named after a region (or {subregion: NNN}); "
                      "else name: {fi: ..., en: ...}")
            continue
        out.pilots[pid] = _term(entry, where, r, pages_of, area)
    return _read_texts(doc, out, claims, organisations, municipalities, r, pages_of)


def _read_texts(doc: YMap, out: Glossary, claims: frozenset[str], organisations: Mapping[str, Organisation],
                municipalities: Mapping[str, Municipality], r: FieldReader, pages_of: PagesOf) -> Glossary:
    """The titles, totals, legal names and article title of the glossary."""
    for title, entry in _entries(doc, "titles", r):
        where = f"titles.{title}"
        if r.keys(entry, where, ["fi", "en"], ["translated", "pages"]):
            names = {lang: r.text(entry, lang, where) for lang in _TRANSLATED_LANGUAGES}
            out.titles[title] = _term(entry, where, r, pages_of, None, names)
    for claim, entry in _entries(doc, "claims", r):
        where = f"claims.{claim}"
        if claims and claim not in claims:
            r.problem(entry.loc, where, f"no claim {claim!r} in claims.yaml",
                      "use the id of a claim in claims.yaml, or remove the entry")
        elif r.keys(entry, where, ["fi", "en"], ["translated", "pages"]):
            names = {lang: r.text(entry, lang, where) for lang in _TRANSLATED_LANGUAGES}
            out.claims[claim] = _term(entry, where, r, pages_of, None, names)
    for oid, entry in _entries(doc, "legal_names", r):
        where = f"legal_names.{oid}"
        org = organisations.get(oid)
        m = municipalities.get(org.municipality_code or "") if org else None
        if m is None:
            r.problem(entry.loc, where, f"{oid!r} is not a municipality of organisations.yaml",
                      "give legal names of municipalities only, by their id in organisations.yaml")
        elif r.keys(entry, where, ["fi", "en"], ["translated", "pages"]):
            names = {lang: r.text(entry, lang, where) for lang in _TRANSLATED_LANGUAGES}
            forms = [form for form, lang in organisation_forms(m.name_sv, m.name_fi) if lang == "fi"]
            if names.get("fi") and names["fi"] not in forms:
                r.problem(entry.loc_of("fi"), f"{where}.fi",
                          f"{names['fi']!r} is not a Finnish form of {m.name_fi}'s own organisation",
                          f"write the genitive of the name with kaupunki or kunta, one of: {', '.join(forms[:6])}")
            out.legal_names[oid] = _term(entry, where, r, pages_of, None, names)
    if "article" in doc:
        art = r.mapping(doc["article"], doc.loc_of("article"), "article")
        if art is not None and r.keys(art, "article", ["title"], ["translated", "pages"]):
            names = r.lang_text(art, "title", "article", required=_TRANSLATED_LANGUAGES)
            out = replace(out, article=_term(art, "article", r, pages_of, None, names))
    return out


def _entries(doc: YMap, key: str, r: FieldReader) -> Iterator[tuple[str, YMap]]:
    if key not in doc:
        return
    section = r.mapping(doc[key], doc.loc_of(key), key)
    if section is None:
        return
    for name in section:
        entry = r.mapping(section[name], section.loc_of(name), f"{key}.{name}")
        if entry is not None:
            yield str(name), entry


def _areas(municipalities: Mapping[str, Municipality]) -> dict[tuple[str, str], Area]:
    out: dict[tuple[str, str], Area] = {}
    for m in municipalities.values():
        if m.region:
            out[("region", m.region.code)] = m.region
        if m.subregion:
            out[("subregion", m.subregion.code)] = m.subregion
    return out


def _area(entry: YMap, where: str, areas: dict[tuple[str, str], Area], r: FieldReader) -> Area | None:
    if "area" not in entry:
        return None
    m = r.mapping(entry["area"], entry.loc_of("area"), f"{where}.area")
    if m is None or not r.keys(m, f"{where}.area", [], ["region", "subregion"]) or len(m) != 1:
        if m is not None and len(m) != 1:
            r.problem(entry.loc_of("area"), f"{where}.area", "name one area",
                      "area: {region: NN} or area: {subregion: NNN}")
        return None
    kind = next(iter(m))
    code = r.text(m, kind, f"{where}.area")
    found = areas.get((kind, code))
    if found is None:
        codes = sorted(c for k, c in areas if k == kind)
        r.problem(m.loc_of(kind), f"{where}.area.{kind}",
                  f"no {kind} {code!r} in the 2020 classification (reference/municipalities_2020.csv)",
                  f"use one of its {kind} codes ({', '.join(codes[:8])}{', …' if len(codes) > 8 else ''})")
    return found


def _term(entry: YMap, where: str, r: FieldReader, pages_of: PagesOf, area: Area | None,
          names: LangText | None = None) -> Term:
    if names is None:
        names = ({lang: area.names[lang] for lang in _TRANSLATED_LANGUAGES if lang in area.names} if area
                 else r.lang_text(entry, "name", where, required=_TRANSLATED_LANGUAGES))
    translated = r.slug_list(entry, "translated", where)
    for lang in translated:
        if lang not in names or area is not None:
            r.problem(entry.loc_of("translated"), f"{where}.translated",
                      f"{lang!r} is not a language of a form given here",
                      "list the languages (fi, en) whose form kopa-graph translated; an area's names are official")
    notes = r.lang_text(entry, "note", where, required=LANGUAGES if "note" in entry else ())
    return Term(names=names, loc=entry.loc, translated=translated, pages=pages_of(entry, r, where), area=area,
                notes=notes)
