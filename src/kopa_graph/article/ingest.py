"""``kopa-graph ingest``: read the published article into the source data.

Every fact keeps the article line it was read from. Names resolve through
:mod:`kopa_graph.source.resolve`; a name that resolves to nothing is an error naming
the line and the closest known names. Identifiers already in ``data/`` are
kept (a pilot or person is matched by name); new ones are minted from the name
(pilots) or numbered on (people, ``p015``, ...).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from kopa_graph.article.layout import ArticleError, Block, Layout, Line, parse_layout
from kopa_graph.article.splitting import split_contacts, split_list, sub_list, unknown_part
from kopa_graph.errors import Location
from kopa_graph.source.model import (
    Claim,
    Contact,
    Keyword,
    LevelMention,
    Member,
    Municipality,
    Organisation,
    Pilot,
    SourceData,
)
from kopa_graph.source.resolve import Index, Match, Resolver, parenthesised

log = logging.getLogger(__name__)

_NUMBER_WORDS = {
    "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9,
    "tio": 10, "elva": 11, "tolv": 12, "tretton": 13, "fjorton": 14, "femton": 15, "sexton": 16,
    "sjutton": 17, "arton": 18, "nitton": 19, "tjugo": 20,
}
_COUNT_RE = re.compile(r"(?<![\w-])(\d+|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
                       + r")\s+(?=([^,.;:()]+))", re.IGNORECASE)
#: Words a counted noun phrase stops before.
_PHRASE_END = re.compile(r"\s+(?:och|samt|eller|i|runt|inom|på|med|som|från|till)\s", re.IGNORECASE)
#: The noun the article uses for pilots, counted by a claim of class Pilot.
PILOT_NOUNS = ("pilotförsök", "pilotförsöken")


_ADD = {
    "organisation": "Add it to data/organisations.yaml, or add this name of a known organisation to data/aliases.csv",
    "theme": "Add the keyword to data/vocabularies/themes.yaml (as a label or alt_labels of a theme)",
    "education level": "Add it to data/vocabularies/education-levels.yaml (as a label or alt_labels)",
    "role": "Add it to data/vocabularies/roles.yaml (as a label or alt_labels)",
    "organisation type": "Add it to data/vocabularies/organisation-types.yaml",
}


@dataclass(frozen=True)
class Resolution:
    """One name read from the article and what it resolved to."""

    line: int
    kind: str
    name: str
    id: str
    rule: str


@dataclass(frozen=True)
class Ingested:
    """What an article says, in the source data's terms."""

    article: Path
    pilots: tuple[Pilot, ...]
    claims: tuple[Claim, ...]
    new_municipalities: tuple[Organisation, ...]
    resolutions: tuple[Resolution, ...]


@dataclass
class _Reader:
    layout: Layout
    data: SourceData
    resolver: Resolver
    resolutions: list[Resolution] = field(default_factory=list)
    new: dict[str, Organisation] = field(default_factory=dict)

    def fail(self, line: Line, message: str) -> ArticleError:
        return ArticleError(self.layout.path, line.n, message)

    def unknown(self, line: Line, index: Index, name: str) -> ArticleError:
        near = index.closest(name)
        hint = f"; the closest known names are {', '.join(repr(n) for n in near)}" if near else ""
        return self.fail(line, f"unknown {index.kind} {name!r}{hint}. {_ADD[index.kind]}, or correct the article")

    def lookup(self, index: Index, name: str) -> Match | None:
        found = index.get(name)
        return found[0] if len(found) == 1 else None

    def resolve(self, line: Line, index: Index, name: str) -> str:
        found = index.get(name)
        if not found:
            raise self.unknown(line, index, name)
        if len(found) > 1:
            raise self.fail(line, f"{index.kind} {name!r} is ambiguous: it names "
                                  + ", ".join(sorted(m.id for m in found)) + "; give one of them another name")
        m = found[0]
        org_id = self._organisation_for(m) if index is self.resolver.organisations else m.id
        self.resolutions.append(Resolution(line.n, index.kind, name, org_id, m.rule))
        return org_id

    def _organisation_for(self, m: Match) -> str:
        if m.municipality is None:
            return m.id
        mun: Municipality = m.municipality
        org = self.new.get(mun.code)
        if org is None:
            taken = set(self.data.organisations) | {o.id for o in self.new.values()}
            org = Organisation(id=_unique(slug(mun.name_fi), taken), type="municipality", names={},
                               loc=Location(self.layout.path), municipality_code=mun.code)
            self.new[mun.code] = org
        return org.id


def slug(text: str) -> str:
    """An identifier from a name: ASCII letters and digits joined by hyphens ('Östra Nyland' → 'ostra-nyland')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _members(r: _Reader, line: Line) -> tuple[Member, ...]:
    orgs = r.resolver.organisations

    def known(name: str) -> Match | None:
        found = r.lookup(orgs, name)
        if found is None:
            base, extra = parenthesised(name)
            if extra is not None and r.lookup(r.resolver.roles, extra) and r.lookup(orgs, base):
                return r.lookup(orgs, base)
        return found

    text = line.text
    items = split_list(text, known)
    if items and items[-1][1] is None and items[-1][0].endswith("."):  # the list may end a sentence
        items = [*items[:-1], *split_list(items[-1][0][:-1].rstrip(), known)]
    members = []
    for item, found in items:
        if found is None and r.lookup(orgs, parenthesised(item)[0]) is None:
            part = unknown_part(item, known)
            raise r.unknown(line, orgs, parenthesised(part)[0] if parenthesised(part)[1] is not None
                            and r.lookup(r.resolver.roles, parenthesised(part)[1] or "") else part)
        role = role_written = None
        name = item
        if r.lookup(orgs, item) is None:
            base, extra = parenthesised(item)
            if extra is not None:
                name, role_written = base, extra
                role = r.resolve(line, r.resolver.roles, extra)
        org = r.resolve(line, orgs, name)
        members.append(Member(org, name, Location(r.layout.path, line.n), role, role_written))
    return tuple(members)


def _keywords(r: _Reader, line: Line) -> tuple[Keyword, ...]:
    themes = r.resolver.themes

    def known(item: str) -> Match | None:
        return r.lookup(themes, parenthesised(item)[0])

    out = []
    for item, found in split_list(line.text, known):
        if found is None:
            raise r.unknown(line, themes, parenthesised(unknown_part(item, known))[0])
        theme_text, levels_text = parenthesised(item)
        theme = r.resolve(line, themes, theme_text)
        levels = tuple(LevelMention(r.resolve(line, r.resolver.levels, word), word, Location(r.layout.path, line.n))
                       for word in (sub_list(levels_text) if levels_text else []))
        out.append(Keyword(theme, item, Location(r.layout.path, line.n), levels))
    return tuple(out)


def _contacts(r: _Reader, line: Line, person_ids: dict[str, str]) -> tuple[Contact, ...]:
    parsed = split_contacts(line.text)
    if isinstance(parsed, str):
        raise r.fail(line, parsed)
    people, org_text = parsed
    org = r.resolve(line, r.resolver.organisations, org_text)
    out = []
    for name, titles in people:
        if name not in person_ids:
            person_ids[name] = f"p{len(person_ids) + 1:03d}"
            while list(person_ids.values()).count(person_ids[name]) > 1:
                person_ids[name] = f"p{int(person_ids[name][1:]) + 1:03d}"
        out.append(Contact(person_ids[name], name, tuple(titles), org, org_text, Location(r.layout.path, line.n)))
    return tuple(out)


def _counted(r: _Reader, phrase: str) -> tuple[str | None, str | None]:
    """What a counted noun phrase counts: ('Pilot', None), (None, org-type id) or (None, None)."""
    words = phrase.split()
    for start in range(len(words)):  # an adjective may precede the noun: 'en enskild yrkeshögskola'
        tail = " ".join(words[start:])
        for form in _singulars(tail):
            if form.casefold() in PILOT_NOUNS:
                return "Pilot", None
            m = r.lookup(r.resolver.org_types, form)
            if m:
                return None, m.id
    return None, None


def _singulars(phrase: str) -> list[str]:
    first, _, rest = phrase.partition(" ")
    forms = [first]
    for plural, singular in (("er", ""), ("or", "a"), ("ar", ""), ("na", "")):
        if first.endswith(plural) and len(first) > len(plural) + 2:
            forms.append(first[: -len(plural)] + singular)
    return [f"{f} {rest}".strip() for f in forms]


def _claims(r: _Reader) -> tuple[Claim, ...]:
    by_count = {(c.counts_class, c.counts_type): c.id for c in r.data.claims}
    out: list[Claim] = []
    for line in r.layout.intro:
        for m in _COUNT_RE.finditer(line.text):
            number, rest = m.group(1), m.group(2)
            phrase = _PHRASE_END.split(" " + rest + " ", maxsplit=1)[0].strip()
            counts_class, counts_type = _counted(r, phrase)
            if counts_class is None and counts_type is None:
                continue
            count = int(number) if number.isdigit() else _NUMBER_WORDS[number.casefold()]
            text = f"{number} {phrase}"
            claim_id = by_count.get((counts_class, counts_type)) or slug(counts_type or "pilots")
            out.append(Claim(claim_id, line.n, text, count, Location(r.layout.path, line.n),
                             counts_class, counts_type))
    ids = [c.id for c in out]
    for c in out:
        if ids.count(c.id) > 1:
            raise ArticleError(r.layout.path, c.line, f"the introduction states the total of {c.id!r} twice")
    return tuple(out)


def ingest_article(article: Path, data: SourceData) -> Ingested:
    """Read ``article`` with the curated parts of ``data`` (organisations, aliases, vocabularies)."""
    layout = parse_layout(Path(article))
    r = _Reader(layout, data, Resolver(data))
    pilot_ids = {p.name.casefold(): p.id for p in data.pilots}
    person_ids = {c.name: c.person for p in data.pilots for c in p.contacts}
    withheld = {c.name for p in data.pilots for c in p.contacts if c.withhold}  # not in the article: kept
    used: set[str] = set()
    pilots = []
    for block in layout.blocks:
        pilot_id = (pilot_ids.get(block.name.text.casefold())
                    or _unique(slug(block.name.text), used | set(pilot_ids.values())))
        if pilot_id in used:
            raise r.fail(block.name, f"a second pilot named {block.name.text!r}; pilot names must differ")
        used.add(pilot_id)
        pilot = _pilot(r, block, pilot_id, person_ids)
        if withheld:
            pilot = replace(pilot, contacts=tuple(replace(c, withhold=c.name in withheld) for c in pilot.contacts))
        pilots.append(pilot)
    claims = _claims(r)
    log.info("read %d pilots and %d stated totals from %s", len(pilots), len(claims), article)
    return Ingested(Path(article), tuple(pilots), claims, tuple(r.new.values()), tuple(r.resolutions))


def _pilot(r: _Reader, block: Block, pilot_id: str, person_ids: dict[str, str]) -> Pilot:
    return Pilot(
        id=pilot_id, name=block.name.text, line=block.name.n, loc=Location(r.layout.path, block.name.n),
        members_line=block.members.n, members=_members(r, block.members),
        keywords_line=block.keywords.n, keywords=_keywords(r, block.keywords),
        contacts_line=block.contacts.n, contacts=_contacts(r, block.contacts, person_ids),
    )
