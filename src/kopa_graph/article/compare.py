"""What an article says versus what ``data/`` holds: ``kopa-graph ingest --check``.

Both sides are flattened into facts keyed by (pilot, field) with the article
line they come from; a difference is a key whose values differ or that one
side lacks. What ``data/`` adds beyond the article (identifiers of
organisations, Finnish names, types, the theme hierarchy) is not compared.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kopa_graph.source.model import Claim, Pilot

Key = tuple[str, str]


@dataclass(frozen=True)
class Difference:
    pilot: str  # pilot id, or 'claims' / 'pilots'
    field: str
    line: int  # the article line (0 when the article lacks the fact)
    article: str | None
    data: str | None

    def __str__(self) -> str:
        where = f"article line {self.line}" if self.line else "not in the article"
        return (f"{self.pilot}: {self.field} ({where}): article {_show(self.article)}, "
                f"data {_show(self.data)}")


def _show(value: str | None) -> str:
    return "(nothing)" if value is None else repr(value)


def flatten(pilots: Iterable[Pilot], claims: Iterable[Claim], with_lines: bool = True) -> dict[Key, tuple[int, str]]:
    """Every fact of the article part of the data, keyed by (pilot id, field)."""
    out: dict[Key, tuple[int, str]] = {}

    def put(pilot: str, field: str, line: int, value: object) -> None:
        out[(pilot, field)] = (line, str(value))

    order = []
    for p in pilots:
        order.append(p.id)
        put(p.id, "name", p.line, p.name)
        if with_lines:
            put(p.id, "line", p.line, p.line)
            for group, line in (("members", p.members_line), ("keywords", p.keywords_line),
                                ("contacts", p.contacts_line)):
                put(p.id, f"{group}.line", line, line)
        put(p.id, "members.count", p.members_line, len(p.members))
        for i, m in enumerate(p.members, start=1):
            put(p.id, f"members[{i}]", p.members_line,
                f"{m.as_written} → {m.organisation}" + (f" ({m.role_as_written} → {m.role})" if m.role else ""))
        put(p.id, "keywords.count", p.keywords_line, len(p.keywords))
        for i, k in enumerate(p.keywords, start=1):
            levels = ", ".join(f"{lv.as_written} → {lv.level}" for lv in k.levels)
            put(p.id, f"keywords[{i}]", p.keywords_line,
                f"{k.as_written} → {k.theme}" + (f" [{levels}]" if levels else ""))
        put(p.id, "contacts.count", p.contacts_line, len(p.contacts))
        for i, c in enumerate(p.contacts, start=1):
            put(p.id, f"contacts[{i}]", p.contacts_line,
                f"{c.name} ({c.person}), {', '.join(c.titles)}, {c.organisation_as_written} → {c.organisation}")
    out[("pilots", "order")] = (0, ", ".join(order))
    for claim in claims:
        counted = claim.counts_class or claim.counts_type
        put("claims", claim.id, claim.line, f"{claim.text} = {claim.count} of {counted}"
            + (f" (line {claim.line})" if with_lines else ""))
    return out


def differences(article: dict[Key, tuple[int, str]], data: dict[Key, tuple[int, str]]) -> list[Difference]:
    out = []
    for key in sorted(set(article) | set(data), key=lambda k: (_first_line(k, article, data), k)):
        a, d = article.get(key), data.get(key)
        if (a and a[1]) != (d and d[1]):
            out.append(Difference(key[0], key[1], a[0] if a else 0, a[1] if a else None, d[1] if d else None))
    return out


def _first_line(key: Key, *sides: dict[Key, tuple[int, str]]) -> int:
    lines = [side[key][0] for side in sides if key in side and side[key][0]]
    return min(lines) if lines else 0
