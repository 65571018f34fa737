"""A diff for people and programs: plain text, Markdown or JSON, each deterministic (no dates, sorted)."""

from __future__ import annotations

import json

from kopa_graph.publish.diff import BLANK_GROUP, Diff, Snapshot

REPORT_FORMATS = ("text", "markdown", "json")


def _side(s: Snapshot) -> dict[str, object]:
    return {"release": s.where, "sha256": s.sha256, "triples": s.triples, "version": s.version}


def summary(diff: Diff) -> str:
    """One line: how many triples went and came, in how many resources."""
    if diff.same:
        return f"No difference: both releases hold the same graph (RDFC-1.0 SHA-256 {diff.new.sha256})."
    removed = sum(len(g.removed) for g in diff.groups)
    added = sum(len(g.added) for g in diff.groups)
    return (f"{removed} triple{'s' * (removed != 1)} removed and {added} added, in {len(diff.groups)} "
            f"resource{'s' * (len(diff.groups) != 1)}.")


def as_json(diff: Diff) -> str:
    doc = {
        "old": _side(diff.old), "new": _side(diff.new), "same": diff.same,
        "removed": sum(len(g.removed) for g in diff.groups), "added": sum(len(g.added) for g in diff.groups),
        "resources": [{"subject": g.subject, "label": g.label, "removed": list(g.removed), "added": list(g.added)}
                      for g in diff.groups],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _heading(subject: str, label: str | None) -> str:
    if subject == BLANK_GROUP:
        return "blank nodes without an IRI subject"
    return f"{subject}  {label}" if label else subject


def as_text(diff: Diff) -> str:
    out = [f"--- {diff.old.where} (sha256 {diff.old.sha256}, {diff.old.triples} triples)",
           f"+++ {diff.new.where} (sha256 {diff.new.sha256}, {diff.new.triples} triples)", summary(diff)]
    for g in diff.groups:
        out += ["", _heading(g.subject, g.label)]
        out += [f"- {line}" for line in g.removed] + [f"+ {line}" for line in g.added]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


def as_markdown(diff: Diff) -> str:
    out = ["# Changes", "", f"- old: `{diff.old.where}` (sha256 `{diff.old.sha256}`, {diff.old.triples} triples)",
           f"- new: `{diff.new.where}` (sha256 `{diff.new.sha256}`, {diff.new.triples} triples)", "",
           summary(diff)]
    for g in diff.groups:
        title = (_md(_heading(g.subject, None)) if g.subject == BLANK_GROUP
                 else f"[{_md(g.label or g.subject)}]({g.subject.replace(')', '%29')})")
        fence = "````" if any("```" in line for line in g.removed + g.added) else "```"
        out += ["", f"## {title}", "", fence + "diff"]
        out += [f"- {line}" for line in g.removed] + [f"+ {line}" for line in g.added] + [fence]
    return "\n".join(out) + "\n"


def render(diff: Diff, fmt: str) -> str:
    return {"text": as_text, "markdown": as_markdown, "json": as_json}[fmt](diff)
