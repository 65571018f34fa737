"""Checks across the files of ``data/``: references, identifiers, and that every
fact said to come from an article line is really on that line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from kopa_graph.errors import Location
from kopa_graph.source.fields import FieldReader, did_you_mean
from kopa_graph.source.model import (
    COUNTABLE_CLASSES,
    EDUCATION_ROLES,
    LEVELS,
    ORG_CLASSES,
    ORG_TYPES,
    REQUIRED_SCHEMES,
    ROLES,
    THEMES,
    Alias,
    Keyword,
    SourceData,
)

#: Reference to the project pages in an organisation's ``sources``.
PROJECT_SOURCE = "project"
_CODE_RE = re.compile(r"^\d{3}$")


def normalise_line(text: str) -> str:
    """A line as compared: no-break spaces as spaces, runs of blanks as one, trimmed."""
    return " ".join(text.replace("\u00a0", " ").replace("\ufeff", "").split())


def read_article(path: Path, loc: Location, r: FieldReader) -> list[str]:
    """The article's lines (1-based: index 0 is line 1), normalised; [] after a problem."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        r.problem(loc, "article.file", f"cannot read the article {path}: {exc.strerror}",
                  "copy the article text there, or correct 'file'")
        return []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        r.problem(Location(path), "", f"the article is not UTF-8 text (byte {exc.start})", "save it as UTF-8")
        return []
    return [normalise_line(line) for line in text.splitlines()]


def check(data: SourceData, lines: list[str], r: FieldReader) -> None:
    """Record every cross-file problem of ``data`` in ``r``."""
    for scheme_id in REQUIRED_SCHEMES:
        if scheme_id not in data.schemes:
            r.problem(Location(data.project.loc.path.parent / "vocabularies"), "scheme",
                      f"the concept scheme {scheme_id!r} is missing", f"add vocabularies/{scheme_id}.yaml")
    if r.problems:
        return
    _check_schemes(data, r)
    _check_organisations(data, r)
    _check_project(data, r)
    _check_aliases(data, r)
    _check_pilots(data, lines, r)
    _check_claims(data, lines, r)


def _ref(r: FieldReader, loc: Location, field: str, value: str, known: Iterable[str], what: str) -> bool:
    if not value or value in (known if isinstance(known, (dict, set, frozenset)) else set(known)):
        return True  # a dict or set answers at once: this runs for every reference in the data
    r.problem(loc, field, f"unknown {what} {value!r}",
              did_you_mean(value, list(known)) or f"define it first, or use one of the known {what}s")
    return False


def _check_schemes(data: SourceData, r: FieldReader) -> None:
    for scheme in data.schemes.values():
        for concept in scheme.concepts.values():
            for b in concept.broader:
                _ref(r, concept.loc, f"concept {concept.id}.broader", b, scheme.concepts, "concept of this scheme")
            if scheme.id == ORG_TYPES and concept.org_class not in ORG_CLASSES:
                r.problem(concept.loc, f"concept {concept.id}.org_class",
                          f"must be one of {', '.join(ORG_CLASSES)}, found {concept.org_class!r}",
                          "name the W3C ORG class that organisations of this type belong to")
            elif scheme.id != ORG_TYPES and concept.org_class:
                r.problem(concept.loc, f"concept {concept.id}.org_class",
                          "only organisation types have an org_class", "remove it")
            if concept.education and scheme.id != ORG_TYPES:
                r.problem(concept.loc, f"concept {concept.id}.education",
                          "only organisation types say whether their organisations provide education", "remove it")
            elif concept.education and concept.education not in EDUCATION_ROLES:
                r.problem(concept.loc, f"concept {concept.id}.education",
                          f"must be one of {', '.join(EDUCATION_ROLES)}, found {concept.education!r}",
                          "write 'provider' for a type whose organisations provide education (an education "
                          "provider), 'institution' for a type of educational institution, or leave the field out")
        _check_cycles(scheme.id, {c.id: c.broader for c in scheme.concepts.values()},
                      {c.id: c.loc for c in scheme.concepts.values()}, r)


def _check_cycles(scheme_id: str, broader: dict[str, tuple[str, ...]], locs: dict[str, Location],
                  r: FieldReader) -> None:
    for start in sorted(broader):
        seen, todo = set(), list(broader[start])
        while todo:
            node = todo.pop()
            if node == start:
                r.problem(locs[start], f"concept {start}.broader",
                          f"the hierarchy of scheme {scheme_id!r} loops back to {start!r}",
                          "a concept cannot be broader than itself; remove one 'broader' link")
                break
            if node not in seen:
                seen.add(node)
                todo.extend(broader.get(node, ()))


def _check_organisations(data: SourceData, r: FieldReader) -> None:
    types = data.schemes[ORG_TYPES].concepts
    codes: dict[str, str] = {}
    for org in data.organisations.values():
        where = f"organisation {org.id}"
        _ref(r, org.loc, f"{where}.type", org.type, types, "organisation type")
        if org.part_of:
            _ref(r, org.loc, f"{where}.part_of", org.part_of, data.organisations, "organisation")
            if org.part_of == org.id:
                r.problem(org.loc, f"{where}.part_of", "an organisation cannot be part of itself", "remove part_of")
        for src in org.sources:
            _ref(r, org.loc, f"{where}.sources", src, [*data.datasets, PROJECT_SOURCE], "source")
        if org.type == "municipality":
            code = org.municipality_code or ""
            if not _CODE_RE.match(code):
                r.problem(org.loc, f"{where}.municipality_code",
                          f"a municipality needs its three-digit kuntanumero as text, found {code!r}",
                          'write it quoted with its leading zeros, for example municipality_code: "005"')
            elif code not in data.municipalities:
                r.problem(org.loc, f"{where}.municipality_code",
                          f"{code} is not a municipality code of the 2020 classification",
                          "look the code up in data/reference/municipalities_2020.csv")
            elif code in codes:
                r.problem(org.loc, f"{where}.municipality_code",
                          f"code {code} is already used by organisation {codes[code]!r}",
                          "a municipality is listed once; refer to it by that id")
            else:
                codes[code] = org.id
            if org.names:
                r.problem(org.loc, f"{where}.name", "a municipality's names come from the classification",
                          "remove 'name'; the names are read by municipality_code")
        else:
            if org.municipality_code:
                r.problem(org.loc, f"{where}.municipality_code", "only municipalities have a municipality_code",
                          "remove it, or set type: municipality")
            if not org.names:
                r.problem(org.loc, f"{where}.name", "missing field", "add 'name: {sv: ..., fi: ...}'")


def _check_project(data: SourceData, r: FieldReader) -> None:
    roles = data.schemes[ROLES].concepts
    for m in data.project.members:
        _ref(r, m.loc, "project.members[].organisation", m.organisation, data.organisations, "organisation")
        _ref(r, m.loc, "project.members[].role", m.role, roles, "role")
    if data.project.end < data.project.start:
        r.problem(data.project.loc, "project.end", "the project ends before it starts", "check start and end")
    _ref(r, data.article.loc, "article.publisher", data.article.publisher, data.organisations, "organisation")


def _check_aliases(data: SourceData, r: FieldReader) -> None:
    seen: dict[str, Alias] = {}
    for a in data.aliases:
        _ref(r, a.loc, "organisation", a.organisation, data.organisations, "organisation")
        key = a.name.casefold()
        if key in seen and seen[key].organisation != a.organisation:
            r.problem(a.loc, "name", f"{a.name!r} is already an alias of {seen[key].organisation!r} "
                      f"(line {seen[key].loc.line})", "a name can stand for one organisation only")
        seen.setdefault(key, a)


def _on_line(r: FieldReader, lines: list[str], loc: Location, field: str, line: int, text: str,
             exact: bool = False) -> None:
    if not lines:
        return
    if line > len(lines):
        r.problem(loc, field, f"article line {line} does not exist (the article has {len(lines)} lines)",
                  "correct the line number")
        return
    have = lines[line - 1]
    found = have == normalise_line(text) if exact else normalise_line(text).casefold() in have.casefold()
    if not found:
        r.problem(loc, field, f"{text!r} is not on article line {line}, which reads {have!r}",
                  "correct the text or the line number so that they agree with the article")


def _check_pilots(data: SourceData, lines: list[str], r: FieldReader) -> None:
    orgs, roles = data.organisations, data.schemes[ROLES].concepts
    themes, levels = data.schemes[THEMES].concepts, data.schemes[LEVELS].concepts
    pilot_ids: dict[str, int] = {}
    persons: dict[str, str] = {}
    for pilot in data.pilots:
        where = f"pilot {pilot.id}"
        if pilot.id in pilot_ids:
            r.problem(pilot.loc, f"{where}.id", f"duplicate identifier {pilot.id!r}",
                      f"first used on line {pilot_ids[pilot.id]}; give each pilot its own id")
        pilot_ids.setdefault(pilot.id, pilot.loc.line)
        _on_line(r, lines, pilot.loc, f"{where}.name", pilot.line, pilot.name, exact=True)
        seen: set[str] = set()
        for m in pilot.members:
            _ref(r, m.loc, f"{where}.members[].organisation", m.organisation, orgs, "organisation")
            if m.organisation in seen:
                r.problem(m.loc, f"{where}.members[].organisation", f"{m.organisation!r} is listed twice in this pilot",
                          "an organisation takes part in a pilot once; remove the second entry")
            seen.add(m.organisation)
            if m.role:
                _ref(r, m.loc, f"{where}.members[].role", m.role, roles, "role")
            if bool(m.role) != bool(m.role_as_written):
                r.problem(m.loc, f"{where}.members[].role", "a stated role needs both 'role' and 'role_as_written'",
                          "give both, or neither")
            _on_line(r, lines, m.loc, f"{where}.members[].as_written", pilot.members_line, m.as_written)
            if m.role_as_written:
                _on_line(r, lines, m.loc, f"{where}.members[].role_as_written", pilot.members_line,
                         f"{m.as_written} ({m.role_as_written})")
        themes_seen: set[str] = set()
        for k in pilot.keywords:
            _check_keyword(r, lines, where, pilot.keywords_line, k, themes, levels)
            if k.theme in themes_seen:
                r.problem(k.loc, f"{where}.keywords[].theme", f"theme {k.theme!r} appears twice in this pilot",
                          "merge the two keywords")
            themes_seen.add(k.theme)
        for c in pilot.contacts:
            _ref(r, c.loc, f"{where}.contacts[].organisation", c.organisation, orgs, "organisation")
            if persons.setdefault(c.person, c.name) != c.name:
                r.problem(c.loc, f"{where}.contacts[].person",
                          f"person id {c.person!r} is already used for {persons[c.person]!r}",
                          "one id is one person: give this person a new id")
            for text in (c.name, *c.titles, c.organisation_as_written):
                _on_line(r, lines, c.loc, f"{where}.contacts[]", pilot.contacts_line, text)


def _check_keyword(r: FieldReader, lines: list[str], where: str, line: int, k: Keyword,
                   themes: Iterable[str], levels: Iterable[str]) -> None:
    _ref(r, k.loc, f"{where}.keywords[].theme", k.theme, themes, "theme")
    _on_line(r, lines, k.loc, f"{where}.keywords[].as_written", line, k.as_written)
    for lv in k.levels:
        _ref(r, lv.loc, f"{where}.keywords[].levels[].level", lv.level, levels, "education level")
        if normalise_line(lv.as_written).casefold() not in k.as_written.casefold():
            r.problem(lv.loc, f"{where}.keywords[].levels[].as_written",
                      f"{lv.as_written!r} is not part of the keyword {k.as_written!r}",
                      "levels are the words in the keyword's parentheses")


def _check_claims(data: SourceData, lines: list[str], r: FieldReader) -> None:
    types = data.schemes[ORG_TYPES].concepts
    ids: set[str] = set()
    for c in data.claims:
        if c.id in ids:
            r.problem(c.loc, f"claim {c.id}.id", f"duplicate identifier {c.id!r}", "give each claim its own id")
        ids.add(c.id)
        if c.counts_type:
            _ref(r, c.loc, f"claim {c.id}.counts_type", c.counts_type, types, "organisation type")
        if c.counts_class and c.counts_class not in COUNTABLE_CLASSES:
            r.problem(c.loc, f"claim {c.id}.counts_class", f"{c.counts_class!r} cannot be counted",
                      f"use one of {', '.join(COUNTABLE_CLASSES)}")
        _on_line(r, lines, c.loc, f"claim {c.id}.text", c.line, c.text)
