"""What a person sees of a query's syntax: the prefixes ``kopa-graph sparql`` declares for them, a syntax error as
one line with a caret under the query text, and the column order of ``SELECT *``.

Pure text work with the lexer's terminals (:mod:`kopa_graph.query.lexer`): no RDF library, so the server's query
workers use it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kopa_graph.query.lexer import _TOKEN, _UPPER

#: The prefixes every SPARQL engine's users expect without declaring them (those that are not already in the
#: project's table, :data:`kopa_graph.rdfio.namespaces.PREFIXES`).
STANDARD_PREFIXES: dict[str, str] = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "sh": "http://www.w3.org/ns/shacl#",
    "xml": "http://www.w3.org/XML/1998/namespace",
}

_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_DECLARED = re.compile(r"PREFIX\s*([^\s:]*):", re.IGNORECASE)


@dataclass(frozen=True)
class SyntaxProblem:
    """A syntax error in a query: where (1-based line and column, in characters) and what, in one line."""

    line: int
    column: int
    what: str
    source_line: str

    @property
    def headline(self) -> str:
        """The one line: what the server's 400 answer says."""
        return f"SPARQL syntax error at line {self.line}, column {self.column}: {self.what}"

    def with_caret(self) -> str:
        """The headline, then the query's line and a caret under the column (what ``kopa-graph sparql`` says)."""
        shown = self.source_line.expandtabs(1)
        return f"{self.headline}\n  {shown}\n  {' ' * (self.column - 1)}^"


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(x) + 1 for x in lines[: line - 1]) + column - 1


def _line_col(text: str, at: int) -> tuple[int, int]:
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def _tokens(text: str) -> list[tuple[int, int, str | None, str]]:
    return [(m.start(), m.end(), m.lastgroup, m.group()) for m in _TOKEN.finditer(text) if m.lastgroup != "comment"]


def _second_opinion(text: str) -> int | None:
    """Where rdflib's parser (pyparsing) stops reading ``text``, if it does: the start of the construct it could
    not read, often nearer the mistake than Oxigraph's farthest point, which is mostly the end of the query."""
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(text)
    except Exception as exc:  # pyparsing.ParseException and friends
        line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
        return _offset(text, line, col) if isinstance(line, int) and isinstance(col, int) else None
    return None


def problem(engine_message: str, text: str, prefixes: dict[str, str] | None = None, *,
            second_opinion: bool = False) -> SyntaxProblem:
    """Oxigraph's "error at 3:17: expected one of …" (a grammar dump) as a :class:`SyntaxProblem`: the prefix
    left undeclared just before that point, or the token found there, or what is wrong at the end.

    ``prefixes``: those declared outside the text (``kopa-graph sparql``'s defaults). ``second_opinion``: where
    Oxigraph stops at the very end, ask rdflib's parser where it stops (the command does; the server's workers
    load no RDF library).
    """
    m = _ERROR_AT.match(engine_message)
    if m is None:
        first = " ".join(engine_message.split())[:200]
        return SyntaxProblem(1, 1, first, text.split("\n", 1)[0])
    at = min(len(text), _offset(text, int(m.group(1)), int(m.group(2))))
    if second_opinion and not text[at:].strip():
        earlier = _second_opinion(text)
        at = earlier if earlier is not None and earlier < at else at
    tokens = _tokens(text)
    declared = {d.lower() for d in _DECLARED.findall(text)} | {p.lower() for p in prefixes or {}}
    before = [t for t in tokens if t[1] <= at]
    for start, _, kind, token in reversed(before[-2:]):
        prefix = token.partition(":")[0]
        if kind == "pname" and prefix.lower() not in declared:
            where = start
            what = (f"the prefix {prefix}: is not declared; declare it (PREFIX {prefix}: <…>) or write the full "
                    "IRI in <…>")
            break
    else:
        found = next((t for t in tokens if t[1] > at), None)
        if found is None:
            where, what = _at_the_end(text, tokens)
        else:
            where = max(at, found[0])
            shown = found[3] if len(found[3]) <= 40 else found[3][:37] + "..."
            what = (f"cannot read the query from {shown!r} on: a term, a bracket, a dot or a keyword is missing, "
                    "misspelt or out of place here or just before")
    line, column = _line_col(text, where)
    return SyntaxProblem(line, column, what, text.split("\n")[line - 1])


_PAIRS = {")": "(", "}": "{", "]": "["}


def _at_the_end(text: str, tokens: list[tuple[int, int, str | None, str]]) -> tuple[int, str]:
    """Where and what, for an error the engine places at the end of the query: the first bracket left open, or
    (brackets balanced) that something before the end is missing or out of place."""
    opened: list[tuple[int, str]] = []
    for start, _, kind, token in tokens:
        if kind == "open" and token in "({[":
            opened.append((start, token))
        elif kind == "close" and token in _PAIRS:
            if not opened or opened[-1][1] != _PAIRS[token]:
                return start, f"{token!r} closes no {_PAIRS[token]!r}"
            opened.pop()
    if opened:
        start, token = opened[0]
        return start, f"this {token!r} is never closed"
    return len(text), ("the query cannot be read to its end: a term, an operand or a keyword is missing or out of "
                       "place before here")


def star_order(text: str, names: list[str]) -> list[str]:
    """The variables ``names`` of a ``SELECT *`` query in the order they first appear in ``text`` (as Jena
    orders them; Oxigraph sorts them); ``names`` as they are for any other query."""
    if "*" not in text:  # no SELECT * (most queries): not worth reading the text
        return names
    tokens = _tokens(text)
    words = [(kind, token.translate(_UPPER) if kind == "run" else token) for _, _, kind, token in tokens]
    star = None
    for i, (kind, word) in enumerate(words):
        if kind == "run" and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            if word != "SELECT":
                return names
            j = i + 1
            while j < len(words) and words[j][1] in ("DISTINCT", "REDUCED"):
                j += 1
            star = j if j < len(words) and words[j][1] == "*" else None
            break
    if star is None:
        return names
    first: dict[str, int] = {}
    for i, (kind, word) in enumerate(words[star:]):
        if kind == "var":
            first.setdefault(word[1:], i)
    known = [n for n in names if n in first]
    return sorted(known, key=first.__getitem__) + [n for n in names if n not in first]


__all__ = ["STANDARD_PREFIXES", "SyntaxProblem", "problem", "star_order"]
