"""Linking the graph to the national registries: which reference record belongs
to which organisation (and by which rule), and the facts derived from them.

Nothing here guesses: a record whose organisation does not resolve is kept as
unlinked, with the reason, for ``kopa-graph link --report``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kopa_graph.source.model import IdentifierRow, Municipality, SourceData
from kopa_graph.source.resolve import Resolver, parenthesised, unique

#: Identifier schemes as the reference files write them → identifier-scheme concept ids.
SCHEMES = {
    "y-tunnus": "business-id",
    "opintopolku-organisaatio-oid": "opintopolku-organisation-oid",
    "opintopolku-oppilaitos-oid": "opintopolku-institution-oid",
}
MUNICIPALITY_CODE_SCHEME = "kuntanumero"
_SCHEME_RE = re.compile(r"^([a-z-]+)(?: \(of (parent|maintainer): (.+)\))?$")


@dataclass(frozen=True)
class IdentifierLink:
    row: IdentifierRow
    scheme: str  # identifier-scheme concept id
    holder: str | None  # the organisation the identifier belongs to
    named: str | None  # the organisation the record names, when that is not the holder (a unit of it)
    rule: str
    problem: str = ""
    #: the record is a municipality's, and the municipality is in no pilot: nothing to attach it to, by design
    unused: bool = False


def _resolve(resolver: Resolver, name: str) -> tuple[str | None, str]:
    m = unique(resolver.organisations.get(name))
    if m and not m.municipality:
        return m.id, m.rule
    base, extra = parenthesised(name)
    if extra is not None:
        m = unique(resolver.organisations.get(base))
        if m and not m.municipality:
            return m.id, f"{m.rule}, after the parenthesis '({extra})'"
    return None, ""


def link_identifiers(data: SourceData, resolver: Resolver | None = None) -> list[IdentifierLink]:
    """Every identifier record of the reference files, linked to its holder or with the reason it is not."""
    resolver = resolver or Resolver(data)
    by_code = {o.municipality_code: o.id for o in data.organisations.values() if o.municipality_code}
    out = []
    for row in data.registry.identifiers:
        m = _SCHEME_RE.match(row.scheme)
        scheme = SCHEMES.get(m.group(1)) if m else None
        if m is None or scheme is None:
            out.append(IdentifierLink(row, "", None, None, "", f"unknown identifier scheme {row.scheme!r}"))
            continue
        if row.organisation.startswith("kunta:"):
            code = row.organisation.split(":", 1)[1]
            org = by_code.get(code)
            if org is None:
                out.append(IdentifierLink(row, scheme, None, None, "", f"municipality {code} ({row.name_in_source}) "
                                                                       "is not in the graph", unused=True))
            else:
                out.append(IdentifierLink(row, scheme, org, None, f"municipality code {code}"))
            continue
        org, rule = _resolve(resolver, row.organisation)
        if org is None:
            out.append(IdentifierLink(row, scheme, None, None, "", f"{row.organisation!r} is not an organisation "
                                                                   "of the graph"))
            continue
        if m.group(2):  # the record gives the identifier of the organisation's parent or maintainer
            parent, parent_rule = _resolve(resolver, m.group(3))
            part_of = data.organisations[org].part_of
            if parent is None or parent != part_of:
                out.append(IdentifierLink(row, scheme, None, org, rule, f"the record says it is the identifier of "
                                          f"{m.group(3)!r}, which is not the parent organisations.yaml gives "
                                          f"({part_of or 'none'})"))
            else:
                out.append(IdentifierLink(row, scheme, parent, org, f"{rule}; its {m.group(2)} {m.group(3)!r}: "
                                          f"{parent_rule}"))
            continue
        if scheme == "opintopolku-institution-oid":  # the institution is named in name_in_source
            name = row.name_in_source.split(" (")[0].strip()
            inst, inst_rule = _resolve(resolver, name)
            if inst is None:
                out.append(IdentifierLink(row, scheme, None, org, rule, f"the OID of the institution {name!r} of "
                                          f"{row.organisation!r}, which is not in the graph"))
            else:
                out.append(IdentifierLink(row, scheme, inst, None if inst == org else org,
                                          f"institution {name!r}: {inst_rule}"))
            continue
        out.append(IdentifierLink(row, scheme, org, None, rule))
    return out


def municipality_of(data: SourceData, org_id: str) -> str | None:
    """The kuntanumero of the municipality an organisation is in, where known: its own, or its parent's."""
    seen = set()
    while org_id and org_id not in seen:
        seen.add(org_id)
        org = data.organisations[org_id]
        if org.municipality_code:
            return org.municipality_code
        org_id = org.part_of or ""
    return None


def successor(data: SourceData, code: str) -> str | None:
    """The municipality that absorbed ``code``, where a change record says so."""
    for change in data.registry.changes:
        if change.code == code:
            return change.absorbed_by
    return None


def current(data: SourceData, code: str) -> Municipality | None:
    """Today's classification entry for ``code``, following mergers."""
    seen = set()
    while code and code not in seen:
        seen.add(code)
        if code in data.municipalities_now:
            return data.municipalities_now[code]
        code = successor(data, code) or ""
    return None
