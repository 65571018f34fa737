"""``kopa-graph link --report``: how the graph is linked to the national registries.

Which names resolved to which official entries and by which rule, which
reference records could not be attached (and why), which organisations have
no identifier, which themes and education levels have no exact or close match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kopa_graph.article.ingest import ingest_article
from kopa_graph.graph.links import IdentifierLink, current, link_identifiers
from kopa_graph.source.model import LEVELS, THEMES, SourceData
from kopa_graph.source.resolve import Resolver

_STRONG = ("exactMatch", "closeMatch")


@dataclass
class LinkReport:
    municipalities: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    unattached: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    without_identifiers: list[str] = field(default_factory=list)
    themes_without_match: list[str] = field(default_factory=list)
    levels_without_code: list[str] = field(default_factory=list)

    @property
    def unresolved(self) -> int:
        return (len(self.unattached) + len(self.without_identifiers) + len(self.themes_without_match)
                + len(self.levels_without_code))


def link_report(data: SourceData, data_dir: Path) -> LinkReport:
    report = LinkReport()
    resolver = Resolver(data)
    for org in sorted(data.organisations.values(), key=lambda o: o.municipality_code or ""):
        code = org.municipality_code
        if not code:
            continue
        then = data.municipalities[code]
        now = current(data, code)
        today = (f"{now.classification} {now.code} {now.name_fi}" + (" (merged)" if now.code != code else "")
                 if now else "none")
        region = then.region.code if then.region else "?"
        report.municipalities.append(f"{org.id}: {then.classification} {code} {then.name_fi} / {then.name_sv}, "
                                     f"region {region}; today {today} (kuntanumero in organisations.yaml)")
    article = data_dir / data.article.file
    if data.pilots and article.exists():
        for r in ingest_article(article, data).resolutions:
            if r.kind == "organisation":
                report.names.append(f"line {r.line}: {r.name!r} → {r.id} ({r.rule})")
    links = link_identifiers(data, resolver)
    holders: set[str] = set()
    for link in links:
        row = f"{link.row.loc.path.name}:{link.row.loc.line}"
        if link.holder:
            holders.add(link.holder)
            whose = f" (the identifier of its parent, given for {link.named})" if link.named and \
                link.scheme != "opintopolku-institution-oid" else ""
            report.identifiers.append(f"{row}: {link.scheme} {link.row.value} → {link.holder}{whose} "
                                      f"[{link.rule}]")
        elif link.unused:
            report.unused.append(f"{row}: {link.scheme} {link.row.value}: {link.problem}")
        else:
            report.unattached.append(f"{row}: {link.scheme} {link.row.value}: {link.problem}")
    for org in sorted(data.organisations.values(), key=lambda o: o.id):
        if org.id not in holders and not org.municipality_code:
            report.without_identifiers.append(f"{org.id} ({org.names.get('fi') or org.names.get('sv')})")
    _matches(report.themes_without_match, data, THEMES, {(m.concept, m.relation) for m in data.registry.theme_mappings})
    _matches(report.levels_without_code, data, LEVELS, {(m.concept, m.relation) for m in data.registry.level_mappings})
    return report


def _matches(out: list[str], data: SourceData, scheme: str, mapped: set[tuple[str, str]]) -> None:
    for concept in data.schemes[scheme].concepts.values():
        relations = sorted(rel for cid, rel in mapped if cid == concept.id)
        if not any(rel in _STRONG for rel in relations):
            weaker = f" (only {', '.join(relations)})" if relations else ""
            out.append(f"{concept.id} ({concept.labels.get('sv')}){weaker}")


def render(report: LinkReport) -> str:
    sections = [
        ("Municipalities and their classification entries", report.municipalities),
        ("Names in the article resolved to organisations", report.names),
        ("Identifiers attached", report.identifiers),
        ("Identifier records not attached", report.unattached),
        ("Identifier records of municipalities not in the graph (unused)", report.unused),
        ("Organisations without an identifier of their own", report.without_identifiers),
        ("Themes without an exact or close YSO match", report.themes_without_match),
        ("Education levels without an exact or close classification code", report.levels_without_code),
    ]
    lines = []
    for title, items in sections:
        lines.append(f"{title} ({len(items)}):")
        lines += [f"  {item}" for item in items] or ["  (none)"]
        lines.append("")
    lines.append(f"Unresolved: {report.unresolved}.")
    return "\n".join(lines)


__all__ = ["IdentifierLink", "LinkReport", "link_report", "render"]
