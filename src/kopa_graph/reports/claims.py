"""``kopa-graph report``: the article's stated totals beside the data, and the
quality of the data. The numbers and lists come from the named helpers
(claims-vs-data, claim-detail, organisations-without-identifiers); this
module only arranges them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Graph

from kopa_graph.query.helpers import prepare, run_query
from kopa_graph.settings import Settings


@dataclass
class ClaimLine:
    claim: str
    text: str
    stated: int
    in_data: int
    difference: int
    members: list[str] = field(default_factory=list)
    running_a_member: list[str] = field(default_factory=list)
    units_of_members: list[str] = field(default_factory=list)
    reason: str = ""


@dataclass
class Report:
    claims: list[ClaimLine]
    warnings: list[str]
    aliases: list[str]
    without_identifiers: list[str]


def _reason(c: ClaimLine) -> str:
    m, r = len(c.members), len(c.running_a_member)
    if c.difference == 0:
        return "The data agrees with the article."
    if not c.members and not c.running_a_member:
        return f"The data has {c.in_data}; the article states {c.stated}."
    if c.stated == m + r and r:
        return (f"The article seems to count the {r} organisation{'s' * (r != 1)} that run a member unit "
                f"({', '.join(c.running_a_member)}) as well as the {m} members of this type.")
    options = f"the {m} members of this type"
    if r:
        options += (f", nor the {m + r} that include the {r} organisation{'s' * (r != 1)} running a member unit "
                    f"({', '.join(c.running_a_member)})")
    return (f"The article's {c.stated} matches neither {options}. It may count an organisation of another type "
            "as one of these, or only some of the organisations that run a member unit; the list alone does not "
            "say which.")


def build_report(graph: Graph, settings: Settings, warnings: list[str] | None = None,
                 aliases: list[str] | None = None) -> Report:
    claims = []
    prepared = prepare(graph)  # one snapshot for all the queries below
    for row in run_query(prepared, "claims-vs-data", settings, plain=True):
        claim_id = str(row["claim"]).rsplit("/", 1)[-1]
        line = ClaimLine(claim_id, str(row["text"]), int(row["stated"]), int(row["in_data"]), int(row["difference"]))
        if line.difference:
            for d in run_query(prepared, "claim-detail", settings, plain=True, claim=claim_id):
                name = str(d.get("name") or d["organisation"])
                via = d.get("via_name") or d.get("via")
                if d["relation"] == "member":
                    line.members.append(name)
                elif d["relation"] == "runs-a-member":
                    line.running_a_member.append(f"{name} (runs {via})")
                else:
                    line.units_of_members.append(f"{name} (inside {via})")
        line.reason = _reason(line)
        claims.append(line)
    parents: dict[str, list[str]] = {}
    for r in run_query(prepared, "organisations-without-identifiers", settings, plain=True):
        key = f"{r['name']} ({str(r['organisation']).rsplit('/', 1)[-1]})"
        parents.setdefault(key, [])
        if r.get("parent_identifier"):
            parents[key].append(str(r["parent_identifier"]))
    without = [key + (f": only its parent's identifiers {', '.join(ids)}" if ids else "")
               for key, ids in parents.items()]
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
                           f"{', '.join(c.running_a_member)}")
            if c.units_of_members:
                out.append(f"{item}members inside a member of this type ({len(c.units_of_members)}): "
                           f"{', '.join(c.units_of_members)}")
            out.append(f"{item}likely reason: {c.reason}")
        out.append("")
    out += [f"{h1}Data quality", ""]
    for title, items in (("SHACL warnings", report.warnings), ("Names resolved through the alias table",
                                                               report.aliases),
                         ("Organisations without identifiers", report.without_identifiers)):
        out.append(f"{h2 if markdown else ''}{title} ({len(items)})")
        out += [f"{item}{x}" for x in items] or [f"{item}(none)"]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def render_json(report: Report) -> str:
    return json.dumps(asdict(report), ensure_ascii=False, indent=2) + "\n"


def alias_resolutions(data_dir: Path) -> list[str]:
    """The article's names that resolved through the alias table."""
    from kopa_graph.article.ingest import ingest_article
    from kopa_graph.source.load import load_source_data

    data = load_source_data(data_dir)
    article = data_dir / data.article.file
    return [f"line {r.line}: {r.name!r} → {r.id}" for r in ingest_article(article, data).resolutions
            if r.rule.startswith("alias table")]
