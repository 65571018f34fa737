"""Writing the article part of the source data (``pilots.yaml``, ``claims.yaml``)
in the layout people edit: one pilot per block, one item per line, every list
with its article line. The same data always gives the same text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

import yaml

from kopa_graph.source.model import Claim, Contact, Keyword, Member, Pilot

PILOTS_HEADER = """\
# The pilots, as the article lists them ({article}).
# Written by `kopa-graph ingest`; it may be edited by hand, and
# `kopa-graph ingest ARTICLE --check` lists every difference from the article.
# Every fact carries the article line it was read from: `line` on the pilot is
# its area name; `members`, `keywords` and `contacts` each give the line of
# their list and its items in the article's order.
#
#  members:   organisation (id in organisations.yaml), as_written (the item as
#             the article writes it, without a role in parentheses), role
#             (only where the article states one, e.g. the lead organisation),
#             role_as_written (the text in parentheses).
#  keywords:  theme (id in vocabularies/themes.yaml), as_written (the keyword
#             as written, parentheses included), levels (the education levels
#             listed in parentheses: level id in vocabularies/education-levels.yaml
#             and as_written).
#  contacts:  person (opaque, stable id: IRIs never carry a name), name, titles
#             (one post per title), organisation, organisation_as_written;
#             withhold: true leaves the person out of every output (their
#             posts stay), for a person who asked not to be published.
"""

CLAIMS_HEADER = """\
# Totals that the article's introduction states, read by `kopa-graph ingest`.
# They are claims made by the source, recorded as written; the graph never
# bends the list to match them. `counts_class` names a kopa class,
# `counts_type` an organisation type (data/vocabularies/organisation-types.yaml).
"""

_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#{}\[\],]*$")


def scalar(value: str | int) -> str:
    """A YAML flow scalar: plain where YAML reads it back as the same string, else double-quoted."""
    if isinstance(value, int):
        return str(value)
    if _PLAIN.match(value) and value == value.strip() and yaml.safe_load(f"k: {value}") == {"k": value}:
        return value
    return json.dumps(value, ensure_ascii=False)


def _flow(pairs: Iterable[tuple[str, str | int | None]]) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in pairs if v is not None) + "}"


def _member(m: Member) -> str:
    return _flow([("organisation", m.organisation), ("as_written", m.as_written), ("role", m.role),
                  ("role_as_written", m.role_as_written)])


def _keyword(k: Keyword) -> list[str]:
    if not k.levels:
        return [f"        - {_flow([('theme', k.theme), ('as_written', k.as_written)])}"]
    lines = [f"        - theme: {scalar(k.theme)}", f"          as_written: {scalar(k.as_written)}",
             "          levels:"]
    lines += [f"            - {_flow([('level', lv.level), ('as_written', lv.as_written)])}" for lv in k.levels]
    return lines


def _contact(c: Contact) -> str:
    titles = "[" + ", ".join(scalar(t) for t in c.titles) + "]"
    head = _flow([("person", c.person), ("name", c.name)])[:-1]
    tail = _flow([("organisation", c.organisation), ("organisation_as_written", c.organisation_as_written)])[1:]
    if c.withhold:
        tail = tail[:-1] + ", withhold: true}"
    return f"{head}, titles: {titles}, {tail}"


def pilots_yaml(pilots: Iterable[Pilot], article: str) -> str:
    lines = [PILOTS_HEADER.format(article=article).rstrip("\n"), "pilots:"]
    for n, p in enumerate(pilots):
        if n:
            lines.append("")
        lines += [f"  - id: {scalar(p.id)}", f"    name: {scalar(p.name)}", f"    line: {p.line}",
                  "    members:", f"      line: {p.members_line}", "      items:"]
        lines += [f"        - {_member(m)}" for m in p.members]
        lines += ["    keywords:", f"      line: {p.keywords_line}", "      items:"]
        for k in p.keywords:
            lines += _keyword(k)
        lines += ["    contacts:", f"      line: {p.contacts_line}", "      items:"]
        lines += [f"        - {_contact(c)}" for c in p.contacts]
    return "\n".join(lines) + "\n"


def claims_yaml(claims: Iterable[Claim]) -> str:
    lines = [CLAIMS_HEADER.rstrip("\n"), "claims:"]
    for c in claims:
        lines.append("  - " + _flow([("id", c.id), ("line", c.line), ("text", c.text), ("count", c.count),
                                     ("counts_class", c.counts_class), ("counts_type", c.counts_type)]))
    return "\n".join(lines) + "\n"
