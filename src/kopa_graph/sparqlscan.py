"""A SPARQL lexer that finds what must never run, before any engine sees the query.

It splits the text into the SPARQL 1.1 terminals (comments, strings, IRIs,
variables, language tags, prefixed names, numbers, words, punctuation) the way
a SPARQL lexer does, and looks at the bare words: in SPARQL a bare word is
always a keyword, a built-in function, ``a`` or a boolean. So ``SERVICE``,
``FROM``, ``LOAD`` and the update verbs are found wherever a parser would see
them, and never inside a string, an IRI or a comment. A prefixed name whose
prefix is such a word (``SERVICE:x``) is refused too, since a parser may read
it as the keyword followed by ``:x``. Codepoint escapes
(``\\u0053ERVICE``) are processed first, as the SPARQL grammar says they are.

It costs about 0.1 ms for a 1.5 kB query (and is cached by text) where a full
parse with rdflib costs 6-177 ms, so the endpoint can afford it on every
request; the engine still parses the query and reports syntax errors itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: The SPARQL 1.1 terminals, in the order a lexer tries them. Quantifiers are
#: possessive and a run of name characters is consumed whole, so no
#: alternative is retried inside a token and the scan is linear in the text
#: (a 10 kB query of any shape takes milliseconds). A string always matches up
#: to its closing quote or the end of its line (or text); one without its
#: closing quote is a syntax error.
_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*+)
    | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*+(?:'''|\Z)|\"\"\"(?:[^"\\]|\\.|"(?!""))*+(?:\"\"\"|\Z))
    | (?P<string>'(?:[^'\\\n\r]|\\.)*+(?:'|(?=[\n\r])|\Z)|"(?:[^"\\\n\r]|\\.)*+(?:"|(?=[\n\r])|\Z))
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*+>)
    | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]++)
    | (?P<lang>@[A-Za-z]++(?:-[A-Za-z0-9]++)*+)
    | (?P<pname>(?:[^\W\d][\w.\-\u00B7]*+)?:(?:[\w:%\-\u00B7]|\\.|\.(?=[\w:%\-\\]))*+)
    | (?P<number>[+-]?(?:\d++\.?\d*+(?:[eE][+-]?\d++)?|\.\d++(?:[eE][+-]?\d++)?))
    | (?P<word>[^\W\d][\w.\-\u00B7]*+)
    | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)
_WORD_PART = re.compile(r"[^\W\d][\w\-]*")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

FETCHING = {"SERVICE": "SERVICE is refused: kopa-graph never sends a query elsewhere",
            "FROM": "FROM and FROM NAMED are refused: a query runs on the graph it is given, nothing else",
            "LOAD": "SPARQL Update is refused, LOAD above all: kopa-graph never fetches a document a query names; "
                     "only queries run here (SELECT, ASK, CONSTRUCT, DESCRIBE)"}
UPDATES = frozenset({"INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING"})
FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
#: The deepest nesting of brackets ``( { [`` a query may have. Parsers recurse on each level: Oxigraph's
#: exhausts its stack and kills the process at about 3000 nested groups, rdflib's hits Python's
#: recursion limit much sooner. Real queries stay under ten.
MAX_NESTING = 256
_OPEN, _CLOSE = frozenset("({["), frozenset(")}]")


@dataclass(frozen=True)
class Scan:
    form: str | None  # SELECT, ASK, CONSTRUCT or DESCRIBE: the first query form keyword
    refusal: str | None  # why the query must not run; None when it may
    update: bool = False  # the refusal is for an update


def _unescape(text: str) -> str:
    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code < 0x110000 else m.group(0)

    return _ESCAPE.sub(char, text)


def _scan(text: str) -> Scan:
    form = None
    depth = 0
    for m in _TOKEN.finditer(text):
        kind, token = m.lastgroup, m.group()
        if kind == "other":
            if token in _OPEN:
                depth += 1
                if depth > MAX_NESTING:
                    return Scan(form, f"the query nests brackets more than {MAX_NESTING} deep; kopa-graph refuses "
                                      "it (a parser would run out of stack): write it with fewer levels")
            elif token in _CLOSE:
                depth -= 1
            continue
        if kind == "pname":  # a parser may read SERVICE:x as SERVICE :x, or ex:a.SERVICE as ex:a . SERVICE
            prefix, _, local = token.partition(":")
            words = [prefix, *local.split(".")[1:]]
        elif kind == "word":  # keywords, or several of them joined by dots (a run such as "a.b.c")
            words = _WORD_PART.findall(token)
        elif kind in ("string", "long") and (len(token) < 2 or token[-1] != token[0]
                                              or (kind == "long" and (len(token) < 6 or token[-3:] != token[:3]))):
            line = text.count("\n", 0, m.start()) + 1
            column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
            return Scan(form, f"SPARQL syntax error at line {line}, column {column}: the string is not closed")
        else:
            continue
        for w in words:
            word = w.upper()
            if word in FETCHING:
                return Scan(form, FETCHING[word], update=word == "LOAD")
            if word in UPDATES:
                return Scan(form, "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is refused: only queries run "
                                  "here (SELECT, ASK, CONSTRUCT, DESCRIBE)", update=True)
            if form is None and word in FORMS:
                form = word
    return Scan(form, None)


@lru_cache(maxsize=4096)
def scan(text: str) -> Scan:
    """The query form of ``text`` and, when it must not run, why."""
    first = _scan(text)
    if first.refusal is None and "\\" in text:
        unescaped = _unescape(text)
        if unescaped != text:
            second = _scan(unescaped)
            if second.refusal is not None:
                return second
    return first


def syntax_message(message: str) -> str:
    """Oxigraph's "error at 3:17: expected ..." as a message that names line and column."""
    m = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if m is None:
        return "SPARQL syntax error: " + message
    return f"SPARQL syntax error at line {m.group(1)}, column {m.group(2)}: {m.group(3)}"


__all__ = ["FETCHING", "FORMS", "MAX_NESTING", "UPDATES", "Scan", "scan", "syntax_message"]
