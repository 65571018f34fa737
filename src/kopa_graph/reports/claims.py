"""``kopa-graph report``: the article's stated totals beside the data, and the
quality of the data. The numbers and lists come from the named helpers
(claims-vs-data, claim-detail, organisations-without-identifiers); this
module only arranges them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Graph

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


def _runs(v: Via) -> str:
    return f"{v.name} (runs {v.via})"


def _readings(c: ClaimLine) -> list[Reading]:
    """The readings of a total that differs from the list, each with its count: the members of the counted
    type; with the organisations of that type that run a member unit; with the members of the type the
    counted one is a kind of (a samkommun that is not one for education); with both."""
    m, r, b = len(c.members), len(c.running_a_member), len(c.of_the_broader_type)
    own = f"the {m} members of this type"
    runs = (f"the {r} organisation{'s' * (r != 1)} of this type that run a member unit "
            f"({', '.join(map(_runs, c.running_a_member))})")
    broader = (f"the {b} member{'s' * (b != 1)} of the broader type "
               f"'{c.of_the_broader_type[0].via if b else ''}' ({', '.join(v.name for v in c.of_the_broader_type)})")
    options = [(own, m)]
    if r:
        options.append((f"{own} and {runs}", m + r))
    if b:
        options.append((f"{own} and {broader}", m + b))
    if r and b:
        options.append((f"{own}, {runs} and {broader}", m + r + b))
    return [Reading(counts, n, n == c.stated) for counts, n in options]


def _reason(c: ClaimLine) -> str:
    if c.difference == 0:
        return "The data agrees with the article."
    if not c.members and not c.running_a_member and not c.of_the_broader_type:
        return f"The data has {c.in_data}; the article states {c.stated}."
    agreeing = [x for x in c.readings if x.agrees]
    if agreeing:
        return (f"The data supports one reading: the article's {c.stated} counts {agreeing[0].counts}. The data "
                f"keeps each organisation's own type; the total is the article's." if len(agreeing) == 1 else
                f"The data supports {len(agreeing)} readings: " + "; ".join(x.counts for x in agreeing) + ".")
    return (f"The article's {c.stated} matches no reading of the list ("
            + "; ".join(f"{x.counts}: {x.count}" for x in c.readings) + "). It may count an organisation of "
            "another type as one of these, or only some of the organisations that run a member unit; the list "
            "alone does not say which.")


def build_report(graph: Graph, settings: Settings, warnings: list[ShaclWarning] | None = None,
                 aliases: list[AliasResolution] | None = None) -> Report:
    claims = []
    prepared = prepare(graph)  # one snapshot for all the queries below
    for row in run_query(prepared, "claims-vs-data", settings, plain=True):
        claim_id = str(row["claim"]).rsplit("/", 1)[-1]
        line = ClaimLine(claim_id, str(row["text"]), int(row["stated"]), int(row["in_data"]), int(row["difference"]))
        for d in run_query(prepared, "claim-detail", settings, plain=True, claim=claim_id):
            name = str(d.get("name") or d["organisation"])
            via = Via(name, str(d.get("via_name") or d.get("via")))
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
            line.readings = _readings(line)
        line.reason = _reason(line)
        claims.append(line)
    parents: dict[tuple[str, str], list[str]] = {}
    for r in run_query(prepared, "organisations-without-identifiers", settings, plain=True):
        key = (str(r["name"]), str(r["organisation"]).rsplit("/", 1)[-1])
        parents.setdefault(key, [])
        if r.get("parent_identifier"):
            parents[key].append(str(r["parent_identifier"]))
    without = [WithoutIdentifiers(name, org_id, ids) for (name, org_id), ids in parents.items()]
    return Report(claims, warnings or [], aliases or [], without)


def render_text(report: Report, markdown: bool = False) -> str:
    h1, h2, item = ("# ", "## ", "- ") if markdown else ("", "", "  ")
    out = [f"{h1}The article's totals and the data", ""]
    for c in report.claims:
        mark = "agrees" if c.difference == 0 else f"differs by {c.difference:+d}"
        out.append(f"{h2 if markdown else ''}{c.text!r}: stated {c.stated}, in the data {c.in_data} ({mark})")
        if c.difference:
            if c.members:
                out.append(f"{item}members of this type ({len(c.members)}): {', '.join(c.members)}")
            if c.running_a_member:
                out.append(f"{item}of this type and running a member unit ({len(c.running_a_member)}): "
                           f"{', '.join(map(_runs, c.running_a_member))}")
            if c.units_of_members:
                out.append(f"{item}members inside a member of this type ({len(c.units_of_members)}): "
                           f"{', '.join(f'{v.name} (inside {v.via})' for v in c.units_of_members)}")
            if c.of_the_broader_type:
                out.append(f"{item}members of the broader type '{c.of_the_broader_type[0].via}' "
                           f"({len(c.of_the_broader_type)}): {', '.join(v.name for v in c.of_the_broader_type)}")
            for x in c.readings:
                out.append(f"{item}reading: {x.counts}: {x.count}{' (the stated number)' if x.agrees else ''}")
            out.append(f"{item}likely reason: {c.reason}")
        if c.merged_since:
            out.append(f"{item}since then ({len(c.merged_since)}): "
                       + ", ".join(f"{m.name} merged into {m.into} ({m.date})" for m in c.merged_since)
                       + f"; {c.in_data - len(c.merged_since)} of them exist today")
        out.append("")
    out += [f"{h1}Data quality", ""]
    sections = (
        ("SHACL warnings", [f"{w.focus}: {w.message}" for w in report.warnings]),
        ("Names resolved through the alias table", [f"line {a.line}: {a.name!r} → {a.id}" for a in report.aliases]),
        ("Organisations without identifiers",
         [f"{o.name} ({o.id})" + (f": only its parent's identifiers {', '.join(o.parent_identifiers)}"
                                  if o.parent_identifiers else "") for o in report.without_identifiers]),
    )
    for title, items in sections:
        out.append(f"{h2 if markdown else ''}{title} ({len(items)})")
        out += [f"{item}{x}" for x in items] or [f"{item}(none)"]
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
