"""Name resolution: from a name as an article writes it to an identifier.

Organisations resolve by, in this order: a name or other name of
``organisations.yaml``; the alias table ``aliases.csv``; the Swedish or
Finnish name of a municipality in the 2020 or the current classification, or
the usual name of its own organisation ("Lovisa stad", "S:t Michels stad",
"Mikkelin kaupunki", "Joroisten kunta": :mod:`kopa_graph.source.nameforms`).
Themes, education levels, roles and organisation types resolve by their labels
in any language. Matching ignores case and runs of blanks, nothing else: a
name that does not match, or matches two things, is an error with the closest
known names, never a guess.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kopa_graph.source.model import LEVELS, ORG_TYPES, ROLES, THEMES, Municipality, SourceData
from kopa_graph.source.nameforms import organisation_forms


def key(name: str) -> str:
    """The form names are compared in: NFC, case-folded, blanks collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).replace("\u00a0", " ").split()).casefold()


@dataclass(frozen=True)
class Match:
    """What a name resolved to, and by which rule."""

    id: str
    rule: str
    municipality: Municipality | None = None  # set when a municipality not yet in organisations.yaml matched


class Index:
    """Names of one kind of thing → what they stand for."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._names: dict[str, dict[str, Match]] = defaultdict(dict)
        self._display: dict[str, str] = {}

    def add(self, name: str, match: Match) -> None:
        k = key(name)
        if not k:
            return
        self._names[k].setdefault(match.id, match)
        self._display.setdefault(k, name)

    def get(self, name: str) -> list[Match]:
        """Every distinct thing ``name`` stands for (more than one: ambiguous)."""
        return list(self._names.get(key(name), {}).values())

    def closest(self, name: str, n: int = 3) -> list[str]:
        near = difflib.get_close_matches(key(name), list(self._names), n=n, cutoff=0.6)
        return [self._display[k] for k in near]


class Resolver:
    """Resolves names against the curated parts of ``data/``."""

    def __init__(self, data: SourceData) -> None:
        self.organisations = Index("organisation")
        by_code = {o.municipality_code: o.id for o in data.organisations.values() if o.municipality_code}
        for org in data.organisations.values():
            for name in org.names.values():
                self.organisations.add(name, Match(org.id, "organisation name"))
            for names in org.alt_labels.values():
                for name in names:
                    self.organisations.add(name, Match(org.id, "other name of the organisation"))
        for alias in data.aliases:
            self.organisations.add(alias.name, Match(alias.organisation, f"alias table ({alias.loc})"))
        for classification in (data.municipalities, data.municipalities_now):
            for m in classification.values():
                org_id = by_code.get(m.code)
                named = [(name, f"municipality {m.code} in {m.classification} ({lang})")
                         for lang, name in (("sv", m.name_sv), ("fi", m.name_fi))]
                named += [(form, f"municipality {m.code} in {m.classification}: its own organisation ({lang})")
                          for form, lang in organisation_forms(m.name_sv, m.name_fi)]
                for name, rule in named:
                    if org_id:
                        self.organisations.add(name, Match(org_id, rule))
                    else:
                        self.organisations.add(name, Match(f"municipality:{m.code}", rule, m))
        self.themes = self._concepts(data, THEMES, "theme")
        self.levels = self._concepts(data, LEVELS, "education level")
        self.roles = self._concepts(data, ROLES, "role")
        self.org_types = self._concepts(data, ORG_TYPES, "organisation type")

    @staticmethod
    def _concepts(data: SourceData, scheme_id: str, kind: str) -> Index:
        index = Index(kind)
        for concept in data.schemes[scheme_id].concepts.values():
            for lang, label in concept.labels.items():
                index.add(label, Match(concept.id, f"{kind} label ({lang})"))
            for lang, labels in concept.alt_labels.items():
                for label in labels:
                    index.add(label, Match(concept.id, f"{kind} other label ({lang})"))
        return index


def unique(matches: Iterable[Match]) -> Match | None:
    found = list(matches)
    return found[0] if len(found) == 1 else None


def parenthesised(item: str) -> tuple[str, str | None]:
    """'name (extra)' → ('name', 'extra'); ('item', None) when it does not end in a parenthesis."""
    m = re.match(r"^(.*?)\s*\(([^()]*)\)$", item)
    return (m.group(1).strip(), m.group(2).strip()) if m else (item, None)
