"""A SPARQL lexer that finds what must never run, before any engine sees the query.

It reads the text the way Oxigraph's parser (spargebra, a scannerless PEG
grammar) does, and refuses what would make the engine fetch anything
(``SERVICE``, ``FROM``, ``FROM NAMED``, ``LOAD``), the other update verbs, and
queries deep or long enough to overflow the parser's stack.

**Keywords.** Oxigraph matches a keyword as so many characters, ASCII case
ignored, with no word boundary: ``SERVICESILENT<…>`` is ``SERVICE SILENT <…>``,
``ASKFROM<…>{}`` is ``ASK FROM <…> {}``, ``SERVICEx:y`` is ``SERVICE`` then the
prefixed name ``x:y``, ``1SERVICE`` and ``'x'SERVICE`` end a term and start a
keyword. So every run of name characters outside the terminals below (a *run*:
letters, digits, ``_``) is searched for the keyword *inside* it, and so is the
prefix of every prefixed name (``ASKFROM:x``). No keyword of the language
contains one of these words, so an ordinary query is never refused for it; a
prefix such as ``download:`` is (rename it).

**Terminals** are matched with Oxigraph's own character classes, and never
reach further than Oxigraph's do, so what this lexer skips as a string, an IRI,
a comment, a variable, a blank node or the local part of a prefixed name is
what Oxigraph skips: comments (``#`` to the end of the line, also between the
words of ``SERVICE#c`` ⏎ ``SILENT``); strings, long ones first, with only the
escapes ``\\t \\b \\n \\r \\f \\" \\' \\\\ \\uXXXX \\UXXXXXXXX`` (anything else, or a
string left open, is a syntax error and refused as one); IRIs with ``\\u``
escapes (oxiri accepts no character this lexer's IRI leaves out); variables,
whose names have no ``-`` or ``.``; the local part of a prefixed name, which in
Oxigraph takes one group of dots only (``e:a.b.SERVICE`` is ``e:a.b`` then
``.`` then ``SERVICE``); language tags. Where ``<`` is a less-than sign but
reads here as the start of an IRI (``FILTER(1<2&&3>2)``), no keyword can hide:
``SERVICE`` needs a ``{`` and ``FROM`` an IRI or a name before the next ``{``,
and an IRI here holds neither ``{``, ``<`` nor a space. Such a span after an
operand inside brackets does count as code toward nesting and length (below). Outside strings and
IRIs Oxigraph reads ``\\u0053`` as a syntax error, but the SPARQL grammar (and a
spargebra built with ``standard-unicode-escaping``) decodes such escapes
everywhere first, so a text with escapes is scanned a second time, decoded,
and refused if either reading is.

**Depth.** Oxigraph's parser recurses once or more per level of nesting and,
out of stack, kills the process (SIGSEGV). Crash points on an 8 MiB stack
(pyoxigraph 0.5.13, each construct in its own process, by bisection): nested
``CONCAT(`` 926, ``STR(`` 958, ``EXISTS{FILTER(`` 717 (two levels each), ``{``
2,218, sub-selects 2,562, ``[`` property lists 3,445, collections 4,100, ``(``
in an expression 4,686, path ``(``, ``^(`` and ``(…)*`` 13,906, a run of ``!``
9,374. The *nesting* of a point is the number of brackets ``( { [ <<`` open
around it, plus the operators ``! ^ + -`` in a row before it and before each
open bracket (``!(!(`` is four levels); it may not pass :data:`MAX_NESTING`
(256: under a third of the cheapest crash point, 2.3 MB of stack at 9 kB a
level). Signs cannot nest in Oxigraph (``- - 1`` is a syntax error) but count.

**Length.** A left-deep chain does not nest, yet Oxigraph recurses once per
element when it builds, optimises and drops the query's algebra: on 8 MiB,
``DESCRIBE`` of 2,625 IRIs crashes (one token each), as do 2,625 of ``MINUS{}``,
``BIND(…)``, ``(1 AS ?v)`` or ``ORDER BY (1)``; ``UNION``, ``OPTIONAL`` and
``LATERAL`` chains at 6,561, ``1+1+…`` at 6,978, ``a/a/…`` at 8,300, ``&&``,
``||`` and ``FILTER`` chains at 9,374, ``a|a|…`` at 10,937. Every node of the
algebra comes from at least one token, and no construct measured takes more
than 3.2 kB of stack per token (the ``DESCRIBE``; nested ``CONCAT(`` 3.0 kB,
three tokens a level), so a query of at most :data:`MAX_TOKENS` tokens (800,
comments not counted) needs at most 2.6 MB, nesting included: under a third of
an 8 MiB stack, whatever it is made of. The server's limit of 10 000
characters does not bound this (``DESCRIBE :a :a …`` is three characters a
term); the ``sparql`` command has no limit of its own. The terms of a ``VALUES``
block or an ``IN`` list are not counted: Oxigraph keeps them as a flat list
(100,000 of them parse and run on an 8 MiB stack), so a query may look up
thousands of values at once.

It costs about 0.1 ms for a 1.5 kB query, is linear in the text (possessive
quantifiers: no alternative is retried inside a token) and is cached by text,
so the endpoint can afford it on every request; the engine still parses the
query and reports syntax errors itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# The character classes of Oxigraph's grammar (spargebra's PN_CHARS_BASE stops at U+FFFD).
_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
         "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd")
_U = "_" + _BASE  # PN_CHARS_U
_NAME = r"0-9\u00b7\u0300-\u036f\u203f-\u2040" + _U  # VARNAME after its first character
_CHARS = r"\-" + _NAME  # PN_CHARS
_RUN = _NAME + "\U00010000-\U000effff"  # what may be a keyword, a number or a prefix: checked as code
_ESC = r"""\\[tbnrf"'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"""
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%]"
_IRI = r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>"

#: The terminals, in the order Oxigraph tries them. Every quantifier is possessive, as PEG repetition is,
#: so no alternative is retried inside a token and the scan is linear in the text.
_TOKEN = re.compile(
    rf"""
      (?P<comment>\#[^\n\r]*+)
    | (?P<string>'''(?:(?:''|')?+(?:[^'\\]|{_ESC}))*+'''|\"\"\"(?:(?:\"\"|\")?+(?:[^"\\]|{_ESC}))*+\"\"\"
                 |'(?:[^'\\\n\r]|{_ESC})*+'|"(?:[^"\\\n\r]|{_ESC})*+")
    | (?P<quote>'(?:[^'\\\n\r]|{_ESC})*+|"(?:[^"\\\n\r]|{_ESC})*+)  # a string Oxigraph cannot read
    | (?P<iri>{_IRI})
    | (?P<open>[({{\[]|<(?!{_IRI})<)
    | (?P<close>[)}}\]]|>>)
    | (?P<var>[?$][0-9{_U}][{_NAME}]*+)
    | (?P<lang>@[A-Za-z]++(?:-[A-Za-z0-9]++)*+(?:--[A-Za-z]++)?+)
    | (?P<bnode>_:[0-9{_U}][{_CHARS}]*+(?:\.++[{_CHARS}]++)*+)
    | (?P<pname>[{_RUN}]*+:(?:(?:[:0-9{_U}]|{_PLX})(?:[:{_CHARS}]|{_PLX})*+(?:\.++(?:[:{_CHARS}]|{_PLX})++)?+)?+)
    | (?P<run>[{_RUN}]++)
    | (?P<other>\S)
    """,
    re.VERBOSE,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")  # ASCII only, as Oxigraph

FETCHING = {"SERVICE": "SERVICE is refused: kopa-graph never sends a query elsewhere",
            "FROM": "FROM and FROM NAMED are refused: a query runs on the graph it is given, nothing else",
            "LOAD": "SPARQL Update is refused, LOAD above all: kopa-graph never fetches a document a query names; "
                     "only queries run here (SELECT, ASK, CONSTRUCT, DESCRIBE)"}
UPDATES = frozenset({"INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING"})
FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
_FETCHING_IN = re.compile("|".join(FETCHING))
_UPDATE_IN = re.compile("|".join(sorted(UPDATES)))
_FORM_AT = re.compile("|".join(sorted(FORMS)))
_UPDATE_MESSAGE = ("SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is refused: only queries run here (SELECT, ASK, "
                   "CONSTRUCT, DESCRIBE)")

#: The deepest nesting a query may have: brackets ``( { [ <<`` open around a point, plus the operators
#: ``! ^ + -`` in a row before it and before each open bracket. Oxigraph overflows an 8 MiB stack at 926
#: to 13,906 levels, depending on the construct (see the module's text); real queries stay under ten.
MAX_NESTING = 256
#: The most tokens a query may have (comments, and the terms of VALUES blocks and IN lists, not counted): every chain
#: stays under a third of its crash point on an 8 MiB stack (the module's text). The helper queries have 59
#: to 304.
MAX_TOKENS = 800
_SIGNS = frozenset("!^+-")


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


def _where(text: str, at: int) -> str:
    line = text.count("\n", 0, at) + 1
    column = at - text.rfind("\n", 0, at)
    return f"line {line}, column {column}"


def _keyword(code: str, text: str, at: int, *, inside: bool = True, updates_inside: bool = True) -> Scan | None:
    """The refusal for a keyword that ``code`` holds (``inside`` it, or as the whole of it), if any."""
    upper = code.translate(_UPPER)
    fetching = _FETCHING_IN.search(upper) if inside else _FETCHING_IN.fullmatch(upper)
    if fetching is not None:
        word = fetching.group()
        found = FETCHING[word]
        if upper != word:
            found += (f" ({word} is inside {code!r} at {_where(text, at)}: a SPARQL parser reads keywords with no "
                      "space around them; rename or separate the word)")
        return Scan(None, found, update=word == "LOAD")
    if (_UPDATE_IN.search(upper) is not None) if updates_inside else upper in UPDATES:
        return Scan(None, _UPDATE_MESSAGE, update=True)
    return None


def _too_deep(text: str, at: int, by_operators: bool) -> str:
    if by_operators:
        what = (f"the query nests more than {MAX_NESTING} levels at {_where(text, at)}: each of the operators ! ^ + - "
                "in a row before an operand is a level, as is each bracket around it")
    else:
        what = (f"the query nests brackets more than {MAX_NESTING} deep at {_where(text, at)} (the operators ! ^ + - "
                "before a bracket count as levels too)")
    return what + "; kopa-graph refuses it, as a parser would run out of stack: write it with fewer levels"


def _scan(text: str) -> Scan:
    form = None
    nesting = 0  # levels open around this point
    opened: list[int] = []  # the levels each open bracket added (1 + the operators before it)
    signs = 0  # operators ! ^ + - in a row just before this point
    tokens = 0
    declaring = False  # the last word was PREFIX: the name that follows is declared, not a query form
    values = _Values()
    brackets: list[str] = []  # the open brackets, innermost last
    after_operand = False  # the last token could end an operand: a "<" now may be less-than
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "comment":
            continue
        token = m.group()
        if not values.data(kind, token, len(opened)):
            tokens += 1
            if kind == "iri" and after_operand and brackets and brackets[-1] == "(":
                # ?x<…>: Oxigraph may read "<" as less-than and what follows as code, which this lexer took
                # for one IRI; count that code too, as if it were (FILTER(?x<((((…1))))FILTER(?y>2) nests)
                hidden, deepest = _as_code(token[1:-1], nesting)
                tokens += hidden
                if deepest > MAX_NESTING:
                    return Scan(form, _too_deep(text, m.start(), by_operators=any(c in _SIGNS for c in token)))
        if tokens > MAX_TOKENS:
            return Scan(form, f"the query has more than {MAX_TOKENS} tokens (words, names, literals, signs); "
                              "kopa-graph refuses it, as a parser would run out of stack on a chain that long: "
                              "split it into several queries, or use fewer terms")
        after_operand = kind in _OPERAND_END or token == ")"
        if kind == "open":
            brackets.append(token)
        elif kind == "close" and brackets:
            brackets.pop()
        if kind == "other" and token in _SIGNS:
            signs += 1
            if nesting + signs > MAX_NESTING:
                return Scan(form, _too_deep(text, m.start(), by_operators=True))
            continue
        if kind == "open":
            level = 1 + signs
            nesting += level
            opened.append(level)
            if nesting > MAX_NESTING:
                return Scan(form, _too_deep(text, m.start(), by_operators=signs > 0))
        elif kind == "close":
            nesting -= opened.pop() if opened else 0
        elif kind == "quote":
            return Scan(form, f"SPARQL syntax error at {_where(text, m.start())}: the string is not closed, or "
                              "holds an escape other than \\t \\b \\n \\r \\f \\\" \\' \\\\ \\uXXXX")
        elif kind in ("run", "pname"):
            found, form = _word(kind, token, text, m.start(), form, declaring)
            if found is not None:
                return Scan(form, found.refusal, found.update)
            declaring = kind == "run" and token.translate(_UPPER).endswith("PREFIX")
            signs = 0
            continue
        declaring = False
        signs = 0
    return Scan(form, None)


def _word(kind: str, token: str, text: str, at: int, form: str | None,
          declaring: bool) -> tuple[Scan | None, str | None]:
    """A run of letters (``run``) or a prefixed name (``pname``) at ``at``: the refusal it holds, if any, and the
    query form (``form`` until the first word that names one)."""
    if kind == "run":
        found = _keyword(token, text, at)
        head = token
    else:  # the prefix is code (ASKFROM:x is ASK FROM :x); the local part is not
        prefix, _, local = token.partition(":")
        found = _keyword(prefix, text, at, updates_inside=False)  # address: is a prefix, not ADD
        for word in local.split(".")[1:]:  # ex:a.SERVICE, as other parsers may read it: the whole word only
            found = found or _keyword(word, text, at, inside=False, updates_inside=False)
        head = prefix
        if declaring:  # PREFIX e: <…> declares e, which names no form
            return found, form
    if found is None and form is None:  # DESCRIBEe:x is DESCRIBE e:x
        match = _FORM_AT.match(head.translate(_UPPER))
        form = match.group() if match is not None else None
    return found, form


#: Tokens after which a ``<`` may be a less-than sign rather than the start of an IRI.
_OPERAND_END = frozenset({"var", "iri", "pname", "string", "lang", "bnode", "run"})


def _as_code(content: str, nesting: int) -> tuple[int, int]:
    """``content`` read as query text: its tokens, and the deepest nesting it reaches from ``nesting`` (brackets
    and runs of ``! ^ + -``, as in :func:`_scan`; a bracket it closes without opening is ignored)."""
    tokens, deepest, signs = 0, nesting, 0
    opened: list[int] = []
    for m in _TOKEN.finditer(content):
        kind = m.lastgroup
        if kind == "comment":
            continue
        tokens += 1
        if kind == "other" and m.group() in _SIGNS:
            signs += 1
            deepest = max(deepest, nesting + signs)
            continue
        if kind == "open":
            opened.append(1 + signs)
            nesting += opened[-1]
            deepest = max(deepest, nesting)
        elif kind == "close" and opened:
            nesting -= opened.pop()
        signs = 0
    return tokens, deepest


class _Values:
    """Follows ``VALUES ?x {…}``, ``VALUES (?x ?y) {…}`` and ``IN (…)`` / ``NOT IN (…)``: the terms of a data
    block or of an ``IN`` list are a flat list in Oxigraph (100,000 of them parse and run on an 8 MiB stack),
    so they do not count toward :data:`MAX_TOKENS`. Only what such a list may hold is let off: terms and
    ``UNDEF``, the brackets of a block's rows, the signs and ``^^`` of a block's literals, the commas of an
    ``IN`` list (whose items are expressions: a sign or a bracket there is code, and ends the list for this
    count). Anything else ends it; every check but the count still applies inside."""

    _TERMS = frozenset({"iri", "pname", "string", "lang", "run"})
    _MARKS = frozenset({"^", "+", "-", "."})

    def __init__(self) -> None:
        self.phase = 0  # 0: outside; 1: after VALUES or IN, before its "{" or "("; 2: in the list
        self.block = True  # a VALUES block (else an IN list)
        self.depth = 0  # brackets open when the list began

    def data(self, kind: str | None, token: str, depth: int) -> bool:
        """Whether ``token`` is an item of a VALUES block or IN list (``depth``: brackets open before it)."""
        word = token.translate(_UPPER) if kind == "run" else ""
        if word in ("VALUES", "IN"):
            self.phase, self.block = 1, word == "VALUES"
            return False
        if self.phase == 1:
            if kind == "open" and token == ("{" if self.block else "("):
                self.phase, self.depth = 2, depth + 1
            elif not (self.block and (kind == "var" or token in "()")):
                self.phase = 0
            return False
        if self.phase == 2:
            if kind == "close" and token == ("}" if self.block else ")") and depth == self.depth:
                self.phase = 0
                return False
            if kind in self._TERMS or (self.block and ((kind == "other" and token in self._MARKS) or token in "()")):
                return True
            if not self.block and token in (",", "^"):
                return True
            self.phase = 0
        return False


#: Texts up to this long are remembered (the helpers' are under 4,000 characters), at most :data:`_REMEMBERED`
#: of them: at most some 32 MB whatever the texts (a count alone let 4,096 texts of 100 kB each stay).
_MEMO_CHARS = 8192
_REMEMBERED = 1024


def scan(text: str) -> Scan:
    """The query form of ``text`` and, when it must not run, why."""
    return _remembered(text) if len(text) <= _MEMO_CHARS else _scan_both(text)


@lru_cache(maxsize=_REMEMBERED)
def _remembered(text: str) -> Scan:
    return _scan_both(text)


def _scan_both(text: str) -> Scan:
    first = _scan(text)
    if first.refusal is None and "\\" in text:
        unescaped = _unescape(text)
        if unescaped != text:
            second = _scan(unescaped)
            if second.refusal is not None:
                return second
    return first


__all__ = ["FETCHING", "FORMS", "MAX_NESTING", "MAX_TOKENS", "UPDATES", "Scan", "scan"]
