"""Typed reading of fields from line-aware YAML, collecting every problem.

A :class:`FieldReader` never raises on a bad field: it records a
:class:`~kopa_graph.errors.Problem` (file, line, field, what is wrong, the fix)
and returns a placeholder, so one run reports all problems at once.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable
from typing import Any

from kopa_graph.errors import Location, Problem
from kopa_graph.languages import LANGUAGES
from kopa_graph.source.yamlfile import YList, YMap

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LANG_NAMES = {"sv": "Swedish", "fi": "Finnish", "en": "English"}


def closest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    near = closest(word, choices)
    return f"did you mean {', '.join(repr(c) for c in near)}?" if near else ""


#: The address of a public page, as a reference file or a YAML file gives one (pages:, evidence_url).
PAGE_ADDRESS = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


class FieldReader:
    """Reads fields of YAML mappings into Python values, collecting problems."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, loc: Location, field: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(loc, field, message, fix))

    # -- structure -----------------------------------------------------------

    def mapping(self, value: Any, loc: Location, field: str) -> YMap | None:
        if isinstance(value, YMap):
            return value
        self.problem(loc, field, f"expected a mapping (key: value), found {_kind(value)}")
        return None

    def items(self, value: Any, loc: Location, field: str) -> list[Any]:
        if isinstance(value, YList):
            return list(value)
        self.problem(loc, field, f"expected a list, found {_kind(value)}", "write it as a YAML list ('- ...')")
        return []

    def keys(self, m: YMap, where: str, required: Iterable[str], optional: Iterable[str] = ()) -> bool:
        """Check ``m`` has every required key and no unknown one; True when it does."""
        required, optional = list(required), list(optional)
        ok = True
        for key in required:
            if key not in m:
                ok = False
                self.problem(m.loc, f"{where}.{key}" if where else key, "missing field", f"add '{key}: ...'")
        for key in m:
            if key not in required and key not in optional:
                ok = False
                hint = did_you_mean(key, required + optional)
                known = ", ".join(required + optional)
                self.problem(m.loc_of(key), f"{where}.{key}" if where else key, "unknown field",
                             hint or f"known fields: {known}")
        return ok

    # -- scalars -------------------------------------------------------------

    def text(self, m: YMap, key: str, where: str, required: bool = True) -> str:
        value = m.get(key)
        if value is None:
            if required and key in m:
                self.problem(m.loc_of(key), f"{where}.{key}", "is empty", "give it a value")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(m.loc_of(key), f"{where}.{key}", f"expected text, found {_kind(value)}")
            return ""
        if not isinstance(value, str):
            self.problem(m.loc_of(key), f"{where}.{key}", f"expected text, found the number {value!r}",
                         f"quote it: {key}: \"{value}\"")
            return ""
        text = " ".join(value.split())
        if not text:
            self.problem(m.loc_of(key), f"{where}.{key}", "is empty", "give it a value")
        return text

    def slug(self, m: YMap, key: str, where: str, required: bool = True) -> str:
        value = self.text(m, key, where, required)
        if value and not SLUG_RE.match(value):
            self.problem(m.loc_of(key), f"{where}.{key}", f"{value!r} is not a valid identifier",
                         "use lowercase letters a-z, digits and single hyphens (for example 'ostra-nyland')")
            return ""
        return value

    def flag(self, m: YMap, key: str, where: str) -> bool:
        """An optional yes/no field: absent is False."""
        value = m.get(key, False)
        if not isinstance(value, bool):
            self.problem(m.loc_of(key), f"{where}.{key}", f"expected true or false, found {_kind(value)}",
                         f"write '{key}: true' or leave the field out")
            return False
        return value

    def integer(self, m: YMap, key: str, where: str, minimum: int = 0) -> int:
        value = m.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(m.loc_of(key), f"{where}.{key}", f"expected a whole number, found {_kind(value)}")
            return 0
        if value < minimum:
            self.problem(m.loc_of(key), f"{where}.{key}", f"must be at least {minimum}, found {value}")
            return 0
        return value

    def date(self, m: YMap, key: str, where: str) -> datetime.date | None:
        """A day, written YYYY-MM-DD (YAML reads it as a date; a quoted one is read the same). A missing key
        is :meth:`keys`'s to report."""
        if key not in m:
            return None
        value = m.get(key)
        if isinstance(value, str) and _DATE_RE.match(value.strip()):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                pass
        elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        self.problem(m.loc_of(key), f"{where}.{key}", f"expected a day written YYYY-MM-DD, found {_kind(value)}",
                     f"write the day as '{key}: 2021-12-31'")
        return None

    def text_list(self, m: YMap, key: str, where: str) -> tuple[str, ...]:
        if key not in m:
            return ()
        out = []
        for value in self.items(m[key], m.loc_of(key), f"{where}.{key}"):
            if isinstance(value, str) and value.strip():
                out.append(" ".join(value.split()))
            else:
                self.problem(m.loc_of(key), f"{where}.{key}", f"expected text items, found {_kind(value)}")
        return tuple(out)

    def slug_list(self, m: YMap, key: str, where: str) -> tuple[str, ...]:
        values = self.text_list(m, key, where)
        for value in values:
            if not SLUG_RE.match(value):
                self.problem(m.loc_of(key), f"{where}.{key}", f"{value!r} is not a valid identifier",
                             "use lowercase letters a-z, digits and single hyphens")
        return values

    # -- language-tagged text ------------------------------------------------

    def _lang(self, m: YMap, lang: Any, where: str) -> bool:
        if lang in LANGUAGES:
            return True
        hint = did_you_mean(str(lang), LANGUAGES)
        names = ", ".join(f"{code} ({name})" for code, name in _LANG_NAMES.items())
        self.problem(m.loc_of(lang) if isinstance(lang, str) else m.loc, f"{where}.{lang}",
                     f"{lang!r} is not a language tag kopa-graph uses", hint or f"use one of {names}")
        return False

    def lang_text(self, m: YMap, key: str, where: str, required: Iterable[str] = ()) -> dict[str, str]:
        if key not in m:
            if list(required):
                self.problem(m.loc, f"{where}.{key}", "missing field", f"add '{key}: {{sv: ..., fi: ..., en: ...}}'")
            return {}
        inner = self.mapping(m[key], m.loc_of(key), f"{where}.{key}")
        if inner is None:
            return {}
        out = {lang: self.text(inner, lang, f"{where}.{key}") for lang in inner
               if self._lang(inner, lang, f"{where}.{key}")}
        for lang in required:
            if lang not in inner:
                self.problem(inner.loc, f"{where}.{key}", f"no {_LANG_NAMES[lang]} text",
                             f"add '{lang}: ...'")
        return {k: v for k, v in out.items() if v}

    def lang_texts(self, m: YMap, key: str, where: str) -> dict[str, tuple[str, ...]]:
        if key not in m:
            return {}
        inner = self.mapping(m[key], m.loc_of(key), f"{where}.{key}")
        if inner is None:
            return {}
        return {lang: self.text_list(inner, lang, f"{where}.{key}") for lang in inner
                if self._lang(inner, lang, f"{where}.{key}")}


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, YMap | dict):
        return "a mapping"
    if isinstance(value, YList | list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    return f"{type(value).__name__} {value!r}"
