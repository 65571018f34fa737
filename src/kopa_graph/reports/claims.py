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


def _reason(c: ClaimLine) -> str:
    m, r = len(c.members), len(c.running_a_member)
    if c.difference == 0:
        return "The data agrees with the article."
    if not c.members and not c.running_a_member:
        return f"The data has {c.in_data}; the article states {c.stated}."
    if c.stated == m + r and r:
        return (f"The article seems to count the {r} organisation{'s' * (r != 1)} that run a member unit "
                f"({', '.join(map(_runs, c.running_a_member))}) as well as the {m} members of this type.")
    options = f"the {m} members of this type"
    if r:
        options += (f", nor the {m + r} that include the {r} organisation{'s' * (r != 1)} running a member unit "
                    f"({', '.join(map(_runs, c.running_a_member))})")
    return (f"The article's {c.stated} matches neither {options}. It may count an organisation of another type "
            "as one of these, or only some of the organisations that run a member unit; the list alone does not "
            "say which.")


def build_report(graph: Graph, settings: Settings, warnings: list[ShaclWarning] | None = None,
                 aliases: list[AliasResolution] | None = None) -> Report:
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
                    line.running_a_member.append(Via(name, str(via)))
                else:
                    line.units_of_members.append(Via(name, str(via)))
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
            out.append(f"{item}likely reason: {c.reason}")
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
