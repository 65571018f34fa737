"""``kopa-graph link --report``: how the graph is linked to the national registries.

Which names resolved to which official entries and by which rule, which
reference records could not be attached (and why), which organisations have
no identifier, which education providers and institutions have no Opintopolku
OID, which municipalities have no Business ID, which themes and education levels
have no exact or close match.

The report is records (:class:`LinkReport`): :func:`render_json` writes them as
they are, :func:`render` as text. Each kind of thing still unresolved is a
section of its own (:data:`UNRESOLVED`); :attr:`LinkReport.counts` counts them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kopa_graph.article.ingest import ingest_article
from kopa_graph.errors import Location
from kopa_graph.graph.links import SCHEMES, IdentifierLink, current, link_identifiers
from kopa_graph.source.model import LEVELS, ORG_TYPES, THEMES, Organisation, SourceData
from kopa_graph.source.resolve import Resolver

_STRONG = ("exactMatch", "closeMatch")

#: The identifier schemes of Opintopolku's organisation service (data/vocabularies/identifier-schemes.yaml).
OPINTOPOLKU_SCHEMES = ("opintopolku-organisation-oid", "opintopolku-institution-oid")
BUSINESS_ID = "business-id"
#: The organisation type of municipalities (data/vocabularies/organisation-types.yaml).
MUNICIPALITY = "municipality"
_ROLE = {"provider": "an education provider", "institution": "an educational institution"}


@dataclass(frozen=True)
class MunicipalityEntry:
    """A municipality of the graph and its entries in the 2020 classification and today's."""

    organisation: str
    code: str
    classification: str
    name_fi: str
    name_sv: str
    region: str | None
    today_classification: str | None  # None: no entry today
    today_code: str | None
    today_name_fi: str | None
    merged: bool  # today's entry is another municipality's: it merged into that one
    file: str  # where the kuntanumero is given
    line: int


@dataclass(frozen=True)
class NameResolution:
    """A name of the article resolved to an organisation, and the rule that resolved it."""

    line: int  # the article line
    name: str
    organisation: str
    rule: str


@dataclass(frozen=True)
class IdentifierRecord:
    """An identifier record of a reference file: attached to the organisation that holds it, or not, and why."""

    file: str
    line: int
    scheme: str  # identifier-scheme concept id ('' for a scheme kopa-graph does not know: scheme_in_file says)
    scheme_in_file: str
    value: str
    organisation: str  # the organisation as the record names it ('kunta:NNN': a municipality code)
    name_in_source: str
    holder: str | None = None  # the organisation it is attached to
    given_for: str | None = None  # when it is the parent's identifier: the unit the record names
    rule: str | None = None  # how the record's organisation resolved (None: it did not)
    reason: str | None = None  # why it is not attached (None: it is)


@dataclass(frozen=True)
class OrganisationGap:
    """An organisation that holds no identifier of ``schemes`` (and the reason it is listed)."""

    organisation: str
    name: str
    type: str
    schemes: tuple[str, ...]
    reason: str
    file: str  # where the organisation is defined
    line: int
    education: str | None = None  # 'provider' or 'institution': what its type says (education_without_oid)
    part_of: str | None = None
    municipality_code: str | None = None


@dataclass(frozen=True)
class ConceptGap:
    """A theme or education level without an exact or close match, and the weaker relations it has."""

    concept: str
    label_sv: str
    relations: tuple[str, ...]
    file: str
    line: int


@dataclass
class LinkReport:
    """The report's records, by section (the field names are the JSON keys)."""

    municipalities: list[MunicipalityEntry] = field(default_factory=list)
    names: list[NameResolution] = field(default_factory=list)
    identifiers: list[IdentifierRecord] = field(default_factory=list)
    unattached: list[IdentifierRecord] = field(default_factory=list)
    unused: list[IdentifierRecord] = field(default_factory=list)
    without_identifiers: list[OrganisationGap] = field(default_factory=list)
    education_without_oid: list[OrganisationGap] = field(default_factory=list)
    municipalities_without_business_id: list[OrganisationGap] = field(default_factory=list)
    themes_without_match: list[ConceptGap] = field(default_factory=list)
    levels_without_code: list[ConceptGap] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """The records still unresolved, by kind, and their total (``total``)."""
        counts = {kind: len(getattr(self, kind)) for kind in UNRESOLVED}
        return {**counts, "total": sum(counts.values())}

    @property
    def unresolved(self) -> int:
        return self.counts["total"]


#: Every section of the report, in order, with its title.
SECTIONS = {
    "municipalities": "Municipalities and their classification entries",
    "names": "Names in the article resolved to organisations",
    "identifiers": "Identifiers attached",
    "unattached": "Identifier records not attached",
    "unused": "Identifier records of municipalities not in the graph (unused)",
    "without_identifiers": "Organisations without an identifier of their own",
    "education_without_oid": "Education providers and institutions without an Opintopolku OID",
    "municipalities_without_business_id": "Municipalities without a Business ID",
    "themes_without_match": "Themes without an exact or close YSO match",
    "levels_without_code": "Education levels without an exact or close classification code",
}
#: The sections whose records are unresolved: ``--strict`` fails while any of them has one. An organisation
#: can be in more than one (no identifier at all, and so no Opintopolku OID either): the total counts records.
UNRESOLVED = ("unattached", "without_identifiers", "education_without_oid", "municipalities_without_business_id",
              "themes_without_match", "levels_without_code")


def _file(loc: Location, data_dir: Path) -> str:
    """The file of ``loc`` as a path inside the data folder (as given, when it is not inside it)."""
    try:
        return loc.path.resolve().relative_to(data_dir.resolve()).as_posix()
    except ValueError:
        return str(loc.path)


def education_role(data: SourceData, type_id: str) -> str | None:
    """What organisation type ``type_id`` says about education ('provider', 'institution'), or its nearest
    broader type's; None when neither says."""
    types = data.schemes[ORG_TYPES].concepts
    todo, seen = [type_id], set()
    while todo:
        t = todo.pop(0)
        if t in seen or t not in types:
            continue
        seen.add(t)
        if types[t].education:
            return types[t].education
        todo += types[t].broader
    return None


def _name(data: SourceData, org: Organisation) -> str:
    if org.municipality_code and org.municipality_code in data.municipalities:
        return data.municipalities[org.municipality_code].name_fi
    return org.names.get("fi") or org.names.get("sv") or org.id


def _record(link: IdentifierLink, data_dir: Path) -> IdentifierRecord:
    row = link.row
    return IdentifierRecord(_file(row.loc, data_dir), row.loc.line, link.scheme, row.scheme, row.value,
                            row.organisation, row.name_in_source, link.holder,
                            link.named if link.holder and link.scheme != "opintopolku-institution-oid" else None,
                            link.rule or None, None if link.holder else link.problem)


def link_report(data: SourceData, data_dir: Path) -> LinkReport:
    report = LinkReport()
    resolver = Resolver(data)
    for org in sorted(data.organisations.values(), key=lambda o: o.municipality_code or ""):
        code = org.municipality_code
        if not code:
            continue
        then = data.municipalities[code]
        now = current(data, code)
        report.municipalities.append(MunicipalityEntry(
            org.id, code, then.classification, then.name_fi, then.name_sv, then.region.code if then.region else None,
            now.classification if now else None, now.code if now else None, now.name_fi if now else None,
            bool(now and now.code != code), _file(org.loc, data_dir), org.loc.line))
    article = data_dir / data.article.file
    if data.pilots and article.exists():
        for r in ingest_article(article, data).resolutions:
            if r.kind == "organisation":
                report.names.append(NameResolution(r.line, r.name, r.id, r.rule))
    held: dict[str, set[str]] = {}  # organisation → the schemes it holds an identifier of
    for link in link_identifiers(data, resolver):
        record = _record(link, data_dir)
        if link.holder:
            held.setdefault(link.holder, set()).add(link.scheme)
            report.identifiers.append(record)
        else:
            (report.unused if link.unused else report.unattached).append(record)

    def gap(org: Organisation, schemes: tuple[str, ...], reason: str, education: str | None = None) -> OrganisationGap:
        return OrganisationGap(org.id, _name(data, org), org.type, schemes, reason, _file(org.loc, data_dir),
                               org.loc.line, education, org.part_of, org.municipality_code)

    all_schemes = tuple(dict.fromkeys(SCHEMES.values()))
    in_pilots = _pilot_organisations(data)
    for org in sorted(data.organisations.values(), key=lambda o: o.id):
        schemes = held.get(org.id, set())
        if not schemes and not org.municipality_code:
            report.without_identifiers.append(gap(org, all_schemes, "no identifier record is attached to it and it "
                                                                    "has no kuntanumero"))
        if org.id not in in_pilots:
            continue
        role = education_role(data, org.type)
        if role and not schemes & set(OPINTOPOLKU_SCHEMES):
            report.education_without_oid.append(gap(
                org, OPINTOPOLKU_SCHEMES, f"its type {org.type!r} is {_ROLE.get(role, role)} "
                                          f"(organisation-types.yaml); no Opintopolku OID record is attached to it",
                education=role))
        if org.type == MUNICIPALITY and BUSINESS_ID not in schemes:
            report.municipalities_without_business_id.append(gap(org, (BUSINESS_ID,),
                                                                 "no Business ID record is attached to it"))
    _matches(report.themes_without_match, data, THEMES, {(m.concept, m.relation) for m in data.registry.theme_mappings},
             data_dir)
    _matches(report.levels_without_code, data, LEVELS, {(m.concept, m.relation) for m in data.registry.level_mappings},
             data_dir)
    return report


def _pilot_organisations(data: SourceData) -> set[str]:
    """The pilots' organisations: members, contacts' employers and the organisations they are part of (the
    municipalities of a merger recorded only for its change event are not asked for registry identifiers)."""
    out = {m.organisation for p in data.pilots for m in p.members} | \
        {c.organisation for p in data.pilots for c in p.contacts}
    for oid in list(out):
        while (parent := data.organisations[oid].part_of if oid in data.organisations else None) is not None \
                and parent not in out:
            out.add(parent)
            oid = parent
    return out


def _matches(out: list[ConceptGap], data: SourceData, scheme: str, mapped: set[tuple[str, str]],
             data_dir: Path) -> None:
    for concept in data.schemes[scheme].concepts.values():
        relations = sorted(rel for cid, rel in mapped if cid == concept.id)
        if not any(rel in _STRONG for rel in relations):
            out.append(ConceptGap(concept.id, concept.labels.get("sv", ""), tuple(relations),
                                  _file(concept.loc, data_dir), concept.loc.line))


def _text(item: object) -> str:
    """One record as a line of the text report."""
    if isinstance(item, MunicipalityEntry):
        today = (f"{item.today_classification} {item.today_code} {item.today_name_fi}"
                 + (" (merged)" if item.merged else "")) if item.today_code else "none"
        return (f"{item.organisation}: {item.classification} {item.code} {item.name_fi} / {item.name_sv}, "
                f"region {item.region or '?'}; today {today} (kuntanumero in {item.file}:{item.line})")
    if isinstance(item, NameResolution):
        return f"line {item.line}: {item.name!r} → {item.organisation} ({item.rule})"
    if isinstance(item, IdentifierRecord):
        head = f"{item.file}:{item.line}: {item.scheme or item.scheme_in_file} {item.value}"
        if item.holder is None:
            return f"{head}: {item.reason}"
        whose = f" (the identifier of its parent, given for {item.given_for})" if item.given_for else ""
        return f"{head} → {item.holder}{whose} [{item.rule}]"
    if isinstance(item, OrganisationGap):
        what = f"{item.type}, {_ROLE.get(item.education, item.education)}" if item.education else item.type
        code = f", kuntanumero {item.municipality_code}" if item.municipality_code else ""
        return f"{item.organisation} ({item.name}{code}): {what}; {item.file}:{item.line}"
    if isinstance(item, ConceptGap):
        weaker = f" (only {', '.join(item.relations)})" if item.relations else ""
        return f"{item.concept} ({item.label_sv}){weaker}"
    raise TypeError(f"not a record of the link report: {item!r}")


def render(report: LinkReport) -> str:
    """The report as text: every section with its records, then the unresolved records by kind."""
    lines = []
    for key, title in SECTIONS.items():
        items = getattr(report, key)
        lines.append(f"{title} ({len(items)}):")
        lines += [f"  {_text(item)}" for item in items] or ["  (none)"]
        lines.append("")
    counts = report.counts
    lines.append("Unresolved, by kind:")
    lines += [f"  {SECTIONS[kind]}: {counts[kind]}" for kind in UNRESOLVED]
    lines.append(f"Unresolved: {counts['total']}.")
    return "\n".join(lines)


def render_json(report: LinkReport) -> str:
    """The report as one JSON object: a list of records per section, and ``unresolved``: the count of each
    kind still unresolved and their ``total``."""
    return json.dumps({**asdict(report), "unresolved": report.counts}, ensure_ascii=False, indent=2) + "\n"


__all__ = ["SECTIONS", "UNRESOLVED", "ConceptGap", "IdentifierLink", "IdentifierRecord", "LinkReport",
           "MunicipalityEntry", "NameResolution", "OrganisationGap", "education_role", "link_report", "render",
           "render_json"]
