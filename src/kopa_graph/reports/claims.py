"""``kopa-graph report``: the article's stated totals beside the data, and the
quality of the data. The numbers and lists come from the named helpers
(claims-vs-data, claim-detail, organisations-without-identifiers); this
module only arranges them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from rdflib import Graph

from kopa_graph.languages import LANGUAGES
from kopa_graph.query.evaluate import prepare
from kopa_graph.query.helpers import run_query
from kopa_graph.settings import Settings


@dataclass(frozen=True)
class Via:
    """An organisation counted through another: one that runs a member unit, or a unit inside a member."""

    name: str
    via: str


@dataclass(frozen=True)
class Merged:
    """A counted member that has merged into another since the article: what, into what, and the day."""

    name: str
    into: str
    date: str


@dataclass(frozen=True)
class Reading:
    """One way to read a stated total against the list: what it counts, how many that is, and whether that
    is the stated number."""

    counts: str
    count: int
    agrees: bool


@dataclass
class ClaimLine:
    claim: str
    text: str
    stated: int
    in_data: int
    difference: int
    members: list[str] = field(default_factory=list)
    running_a_member: list[Via] = field(default_factory=list)
    units_of_members: list[Via] = field(default_factory=list)
    of_the_broader_type: list[Via] = field(default_factory=list)  # via: the broader type's name
    merged_since: list[Merged] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    reason: str = ""


@dataclass(frozen=True)
class ShaclWarning:
    """A SHACL warning: the resource it is about, and the shape's message."""

    focus: str
    message: str


@dataclass(frozen=True)
class AliasResolution:
    """A name of the article resolved through the alias table."""

    line: int
    name: str
    id: str


@dataclass(frozen=True)
class WithoutIdentifiers:
    """An organisation with no identifier of its own (``parent_identifiers``: its parent's, if any)."""

    name: str
    id: str
    parent_identifiers: list[str]


@dataclass
class Report:
    """The report's data, structured until it is rendered: :func:`render_json` writes it as it is."""

    claims: list[ClaimLine]
    warnings: list[ShaclWarning]
    aliases: list[AliasResolution]
    without_identifiers: list[WithoutIdentifiers]


#: The languages of the report's text (kopa_graph.languages), and the one it is written in unless asked.
DEFAULT_REPORT_LANGUAGE = "en"


@cache
def words(lang: str) -> dict[str, str]:
    """The report's words in ``lang`` (``reports/messages/LANG.json``: a translator edits them)."""
    if lang not in LANGUAGES:
        raise ValueError(f"no report messages in {lang!r}: the languages are {', '.join(LANGUAGES)}")
    text = (resources.files("kopa_graph.reports") / "messages" / f"{lang}.json").read_text(encoding="utf-8")
    found: dict[str, str] = json.loads(text)
    return found


def _runs(v: Via, w: dict[str, str]) -> str:
    return w["runs"].format(name=v.name, via=v.via)


def _readings(c: ClaimLine, w: dict[str, str]) -> list[Reading]:
    """The readings of a total that differs from the list, each with its count: the members of the counted
    type; with the organisations of that type that run a member unit; with the members of the type the
    counted one is a kind of (a samkommun that is not one for education); with both."""
    m, r, b = len(c.members), len(c.running_a_member), len(c.of_the_broader_type)
    own = w["own"].format(m=m)
    runs = w["runs_1" if r == 1 else "runs_n"].format(r=r, names=", ".join(_runs(v, w) for v in c.running_a_member))
    broader = w["broader_1" if b == 1 else "broader_n"].format(
        b=b, type=c.of_the_broader_type[0].via if b else "", names=", ".join(v.name for v in c.of_the_broader_type))
    options = [(own, m)]
    if r:
        options.append((w["and2"].format(a=own, b=runs), m + r))
    if b:
        options.append((w["and2"].format(a=own, b=broader), m + b))
    if r and b:
        options.append((w["and3"].format(a=own, b=runs, c=broader), m + r + b))
    return [Reading(counts, n, n == c.stated) for counts, n in options]


def _reason(c: ClaimLine, w: dict[str, str]) -> str:
    if c.difference == 0:
        return w["reason_agrees"]
    if not c.members and not c.running_a_member and not c.of_the_broader_type:
        return w["reason_plain"].format(in_data=c.in_data, stated=c.stated)
    agreeing = [x for x in c.readings if x.agrees]
    if len(agreeing) == 1:
        return w["reason_one"].format(stated=c.stated, counts=agreeing[0].counts)
    if agreeing:
        return w["reason_several"].format(n=len(agreeing), readings="; ".join(x.counts for x in agreeing))
    return w["reason_none"].format(stated=c.stated, readings="; ".join(f"{x.counts}: {x.count}" for x in c.readings))


class _Names:
    """Names in the report's language, where one is asked for (the helpers give the article's, Swedish)."""

    def __init__(self, graph: Graph, lang: str | None) -> None:
        self.graph, self.lang = graph, lang

    def of(self, iri: object, given: object) -> str:
        from rdflib import URIRef

        from kopa_graph.graph.labels import label

        if self.lang is not None and iri:
            found = label(self.graph, URIRef(str(iri)), self.lang)
            if found is not None:
                return found[0]
        return str(given or iri)

    def claim_text(self, claim: object, given: str) -> str:
        from rdflib import Literal, URIRef

        from kopa_graph.rdfio.namespaces import SCHEMA

        if self.lang is not None:
            for o in self.graph.objects(URIRef(str(claim)), SCHEMA.text):
                if isinstance(o, Literal) and o.language == self.lang:
                    return str(o)
        return given


def build_report(graph: Graph, settings: Settings, warnings: list[ShaclWarning] | None = None,
                 aliases: list[AliasResolution] | None = None, lang: str | None = None) -> Report:
    """The report's data. ``lang``: its sentences, the claims' texts and the organisations' names in that language
    (where the data has them); without, the sentences in English and the article's own words (Swedish)."""
    w = words(lang or DEFAULT_REPORT_LANGUAGE)
    names = _Names(graph, lang)
    claims = []
    prepared = prepare(graph)  # one snapshot for all the queries below
    for row in run_query(prepared, "claims-vs-data", settings, plain=True):
        claim_id = str(row["claim"]).rsplit("/", 1)[-1]
        line = ClaimLine(claim_id, names.claim_text(row["claim"], str(row["text"])), int(row["stated"]),
                         int(row["in_data"]), int(row["difference"]))
        for d in run_query(prepared, "claim-detail", settings, plain=True, claim=claim_id):
            name = names.of(d["organisation"], d.get("name"))
            via = Via(name, names.of(d.get("via"), d.get("via_name")))
            if d["relation"] == "merged-since":
                line.merged_since.append(Merged(name, via.via, str(d["date"])))
            elif not line.difference:
                continue  # the lists explain a difference; a total that agrees needs none
            elif d["relation"] == "member":
                line.members.append(name)
            else:
                {"runs-a-member": line.running_a_member, "unit-of-a-member": line.units_of_members,
                 "member-of-the-broader-type": line.of_the_broader_type}[str(d["relation"])].append(via)
        if line.difference:
            line.readings = _readings(line, w)
        line.reason = _reason(line, w)
        claims.append(line)
    parents: dict[tuple[str, str], list[str]] = {}
    for r in run_query(prepared, "organisations-without-identifiers", settings, plain=True):
        key = (names.of(r["organisation"], r["name"]), str(r["organisation"]).rsplit("/", 1)[-1])
        parents.setdefault(key, [])
        if r.get("parent_identifier"):
            parents[key].append(str(r["parent_identifier"]))
    without = [WithoutIdentifiers(name, org_id, ids) for (name, org_id), ids in parents.items()]
    return Report(claims, warnings or [], aliases or [], without)


def _claim_lines(c: ClaimLine, w: dict[str, str], item: str) -> list[str]:
    """The lines under a claim's heading: the lists that explain a difference, the readings, the mergers."""
    out = []
    if c.difference:
        if c.members:
            out.append(item + w["members"].format(n=len(c.members), names=", ".join(c.members)))
        if c.running_a_member:
            out.append(item + w["running"].format(n=len(c.running_a_member),
                                                  names=", ".join(_runs(v, w) for v in c.running_a_member)))
        if c.units_of_members:
            out.append(item + w["units"].format(n=len(c.units_of_members), names=", ".join(
                w["inside"].format(name=v.name, via=v.via) for v in c.units_of_members)))
        if c.of_the_broader_type:
            out.append(item + w["broader"].format(type=c.of_the_broader_type[0].via, n=len(c.of_the_broader_type),
                                                  names=", ".join(v.name for v in c.of_the_broader_type)))
        for x in c.readings:
            out.append(item + w["reading"].format(counts=x.counts, count=x.count)
                       + (w["stated_number"] if x.agrees else ""))
        out.append(item + w["likely_reason"].format(reason=c.reason))
    if c.merged_since:
        mergers = ", ".join(w["merged"].format(name=m.name, into=m.into, date=m.date) for m in c.merged_since)
        out.append(item + w["since"].format(n=len(c.merged_since), mergers=mergers,
                                            left=c.in_data - len(c.merged_since)))
    return out


def render_text(report: Report, markdown: bool = False, lang: str | None = None) -> str:
    """The report for people (or, ``markdown``, for a page or an issue), its sentences in ``lang`` (English
    unless given: build the report in the same language)."""
    w = words(lang or DEFAULT_REPORT_LANGUAGE)
    h1, h2, item = ("# ", "## ", "- ") if markdown else ("", "", "  ")
    out = [f"{h1}{w['title']}", ""]
    for c in report.claims:
        mark = w["agrees"] if c.difference == 0 else w["differs"].format(difference=f"{c.difference:+d}")
        out.append((h2 if markdown else "") + w["claim"].format(text=repr(c.text), stated=c.stated,
                                                                in_data=c.in_data, mark=mark))
        out += _claim_lines(c, w, item)
        out.append("")
    out += [f"{h1}{w['quality']}", ""]
    sections = (
        (w["shacl"], [f"{x.focus}: {x.message}" for x in report.warnings]),
        (w["aliases"], [w["alias_line"].format(line=a.line, name=repr(a.name), id=a.id) for a in report.aliases]),
        (w["without"], [w["parent_ids"].format(name=o.name, id=o.id, ids=", ".join(o.parent_identifiers))
                        if o.parent_identifiers else f"{o.name} ({o.id})" for o in report.without_identifiers]),
    )
    for title, items in sections:
        out.append(f"{h2 if markdown else ''}{title} ({len(items)})")
        out += [f"{item}{x}" for x in items] or [f"{item}{w['none']}"]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def render_json(report: Report) -> str:
    return json.dumps(asdict(report), ensure_ascii=False, indent=2) + "\n"


def alias_resolutions(data_dir: Path) -> list[AliasResolution]:
    """The article's names that resolved through the alias table."""
    from kopa_graph.article.ingest import ingest_article
    from kopa_graph.source.load import load_source_data

    data = load_source_data(data_dir)
    article = data_dir / data.article.file
    return [AliasResolution(r.line, r.name, r.id) for r in ingest_article(article, data).resolutions
            if r.rule.startswith("alias table")]
