"""Splitting the article's lists: 'a, b och c', with the traps of DOMAIN.md.

``och`` ('and') ends a list but also appears inside names, titles and
keywords, and parentheses hold sub-lists. So a list is split at top-level
commas only, and an item is split at a top-level `` och `` only where every
part is a known name (resolution decides, not guesswork); an item that is a
known name as a whole is never split.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_NAME_RE = re.compile(r"^[A-ZÅÄÖÉÜ][\w'\u2019.-]*(?: [A-ZÅÄÖÉÜ][\w'\u2019.-]*)+$")
_OCH = " och "


def top_level(text: str, sep: str) -> list[int]:
    """Start offsets of ``sep`` in ``text`` outside parentheses."""
    out, depth, i = [], 0, 0
    while i < len(text):
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and text.startswith(sep, i):
            out.append(i)
            i += len(sep)
            continue
        i += 1
    return out


def split_commas(text: str) -> list[str]:
    """``text`` split at top-level ``", "`` (commas inside parentheses stay)."""
    parts, last = [], 0
    for i in top_level(text, ", "):
        parts.append(text[last:i])
        last = i + 2
    parts.append(text[last:])
    return [p.strip() for p in parts]


def split_och(item: str, resolve: Callable[[str], T | None]) -> list[tuple[str, T]] | None:
    """Split ``item`` into known names at top-level `` och ``; None when no split makes every part known.

    The item as a whole wins; otherwise the first ``och`` whose left part is
    known and whose right part splits is taken.
    """
    whole = resolve(item)
    if whole is not None:
        return [(item, whole)]
    for i in top_level(item, _OCH):
        left, right = item[:i].strip(), item[i + len(_OCH):].strip()
        found = resolve(left)
        if found is None:
            continue
        rest = split_och(right, resolve)
        if rest is not None:
            return [(left, found), *rest]
    return None


def unknown_part(item: str, resolve: Callable[[str], T | None]) -> str:
    """The part of an item that no name matches: 'a och b' with only a known gives 'b'."""
    if resolve(item) is not None:
        return ""
    for i in top_level(item, _OCH):
        if resolve(item[:i].strip()) is not None:
            rest = unknown_part(item[i + len(_OCH):].strip(), resolve)
            if rest:
                return rest
    return item


def split_list(text: str, resolve: Callable[[str], T | None]) -> list[tuple[str, T | None]]:
    """'a, b och c' → [(a, ...), (b, ...), (c, ...)]; an item no split makes known comes back with None."""
    items: list[tuple[str, T | None]] = []
    for part in split_commas(text):
        found = split_och(part, resolve)
        if found is None:
            items.append((part, None))
        else:
            items.extend(found)
    return items


def sub_list(text: str) -> list[str]:
    """The words of a parenthesised list: 'a, b och c' → [a, b, c] (no nesting inside)."""
    parts = split_commas(text)
    last = parts.pop()
    return [*parts, *(p.strip() for p in last.split(_OCH))]


def is_person_name(text: str) -> bool:
    """Two or more capitalised words: how the article writes a person's name."""
    return bool(_NAME_RE.match(text))


def split_contacts(text: str) -> tuple[list[tuple[str, list[str]]], str] | str:
    """'N1, t1 och N2, t2, t3, Org' → ([(N1, [t1]), (N2, [t2, t3])], Org), or a message saying what is wrong.

    The organisation is the last top-level item and is written once for all the
    people of the line; a person starts the line, or follows `` och `` or a
    comma after the previous person's last title. Names are capitalised words,
    titles are not: that is how the two are told apart.
    """
    parts = split_commas(text)
    if len(parts) < 3:
        return "a contact is 'Name, title, organisation': found fewer than three comma-separated parts"
    organisation, parts = parts[-1], parts[:-1]
    if not is_person_name(parts[0]):
        return f"expected a person's name at the start of the contact line, found {parts[0]!r}"
    people: list[tuple[str, list[str]]] = [(parts[0], [])]
    for part in parts[1:]:
        if is_person_name(part) and people[-1][1]:  # 'N1, t1, N2, t2, Org': people listed with commas
            people.append((part, []))
            continue
        title, person = part, None
        for i in reversed(top_level(part, _OCH)):
            right = part[i + len(_OCH):].strip()
            if is_person_name(right):
                title, person = part[:i].strip(), right
                break
        if is_person_name(title) and not people[-1][1]:
            return f"{people[-1][0]!r} has no title before {title!r}"
        people[-1][1].append(title)
        if person:
            people.append((person, []))
    for name, titles in people:
        if not titles:
            return f"{name!r} has no title; a contact is 'Name, title, organisation'"
    return people, organisation
