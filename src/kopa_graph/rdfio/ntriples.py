"""Deterministic N-Triples and Turtle writers.

Both write terms the same way (:func:`literal`, :func:`iri`), escape exactly
as canonical N-Triples asks, and sort everything, so that the same graph gives
the same bytes in every process, whatever the hash seed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kopa_graph.rdfio.namespaces import RDF, XSD
from kopa_graph.rdfio.tripleset import TripleSet

_ECHAR = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_LIT_RE = re.compile(r'[\x00-\x1f"\\\x7f]')
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_PN_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_BARE = {
    str(XSD.integer): re.compile(r"^[+-]?[0-9]+$"),
    str(XSD.decimal): re.compile(r"^[+-]?[0-9]*\.[0-9]+$"),
    str(XSD.boolean): re.compile(r"^(?:true|false)$"),
}


def _escape_char(m: re.Match[str]) -> str:
    c = m.group(0)
    return _ECHAR.get(c) or f"\\u{ord(c):04X}"


def literal_text(value: str) -> str:
    return '"' + _LIT_RE.sub(_escape_char, value) + '"'


def iri(term: URIRef) -> str:
    return "<" + _IRI_BAD.sub(lambda m: f"\\u{ord(m.group(0)):04X}", str(term)) + ">"


def graph_iri_in_sparql(graph: str, option: str = "--graph") -> str:
    """``graph`` as an IRI to write into a SPARQL request (``GRAPH <...>``, ``MOVE``, a ``CONSTRUCT``'s graph);
    :class:`~kopa_graph.errors.InputError` naming ``option`` when it holds a character that would end the IRI
    or the request (a space, ``<``, ``>``, a quote, a brace, ``|``, ``^``, a backquote, a backslash)."""
    if _IRI_BAD.search(graph):
        from kopa_graph.errors import InputError

        raise InputError(f"{option} {graph!r}: not an IRI that can be written in SPARQL (no spaces, <, >, quotes, "
                         "braces, |, ^, ` or backslashes)")
    return f"<{graph}>"


def literal(term: Literal, datatype: str | None = None) -> str:
    out = literal_text(str(term))
    if term.language:
        return out + "@" + term.language
    if term.datatype and term.datatype != XSD.string:
        return out + "^^" + (datatype or iri(term.datatype))
    return out


def nt_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return iri(term)
    if isinstance(term, Literal):
        return literal(term)
    if isinstance(term, BNode):
        return "_:" + str(term)
    raise TypeError(f"cannot write {term!r} as RDF")


def term_key(term: Node) -> tuple[int, str, str, str]:
    """A total order on terms: IRIs, then blank nodes, then literals by value, language, datatype."""
    if isinstance(term, URIRef):
        return (0, str(term), "", "")
    if isinstance(term, BNode):
        return (1, str(term), "", "")
    assert isinstance(term, Literal)
    return (2, str(term), term.language or "", str(term.datatype or ""))


def ntriples(graph: Graph) -> bytes:
    """Canonical-style N-Triples, one triple per line, lines sorted."""
    return b"".join(ntriples_lines(graph)[0])


def ntriples_lines(graph: Graph | TripleSet, batches: Callable[[list[bytes]], None] | None = None,
                   batch: int = 50_000) -> tuple[list[bytes], bool]:
    """The sorted lines of :func:`ntriples` (to write one by one, without joining a large graph's
    text in memory), and whether the graph has blank nodes. UTF-8 keeps the order of code points, so
    the lines sort as bytes exactly as they would as text. ``batches`` is given the lines as they are made,
    about ``batch`` at a time and before they are sorted (each line once): for a store to load meanwhile."""
    from kopa_graph.rdfio.oxbridge import by_subject

    written: dict[Node, bytes] = {}  # a term is written once, however often it occurs

    def w(t: Node) -> bytes:
        found = written.get(t)
        if found is None:
            found = written[t] = nt_term(t).encode("utf-8")
        return found

    lines: list[bytes] = []
    extend = lines.extend
    sent = 0
    for s, po in by_subject(graph).items():  # each subject and predicate written once per group, not per triple
        ws = w(s) + b" "
        for p, objects in po.items():
            head = ws + w(p) + b" "
            extend([head + w(o) + b" .\n" for o in objects])
        if batches is not None and len(lines) - sent >= batch:
            batches(lines[sent:])
            sent = len(lines)
    if batches is not None and len(lines) > sent:
        batches(lines[sent:])
    lines.sort()
    return lines, any(isinstance(t, BNode) for t in written)


class _TurtleTerms:
    def __init__(self, prefixes: Mapping[str, str], base: str | None) -> None:
        # longest namespace first, so that the most specific prefix wins
        self.prefixes = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self.base = base
        self.used: set[str] = set()
        self._written: dict[URIRef, str] = {}  # an IRI is written often: once is enough

    def iri(self, term: URIRef) -> str:
        found = self._written.get(term)
        if found is None:
            found, prefix = self._iri(term)
            self._written[term] = found
            if prefix is not None:  # every IRI written is made here once: its prefix is used
                self.used.add(prefix)
        return found

    def _iri(self, term: URIRef) -> tuple[str, str | None]:
        value = str(term)
        for prefix, ns in self.prefixes:
            if value.startswith(ns) and _PN_LOCAL.match(value[len(ns):]):
                return f"{prefix}:{value[len(ns):]}", prefix
        if self.base and value.startswith(self.base):
            rest = value[len(self.base):]
            if rest and ":" not in rest.split("/")[0] and not _IRI_BAD.search(rest) and "#" not in rest \
                    and "?" not in rest and not rest.startswith(("/", ".")) and "/." not in rest:
                return f"<{rest}>", None
        return iri(term), None

    def term(self, term: Node) -> str:
        if isinstance(term, URIRef):
            found = self._written.get(term)
            return self.iri(term) if found is None else found
        if isinstance(term, Literal):
            dt = str(term.datatype) if term.datatype else ""
            if not term.language and dt in _BARE and _BARE[dt].match(str(term)):
                return str(term)
            return literal(term, self.iri(term.datatype) if term.datatype and term.datatype != XSD.string else None)
        return nt_term(term)


def turtle(graph: Graph, prefixes: Mapping[str, str], base: str | None = None) -> bytes:
    """Sorted, readable Turtle: one block per subject, ``a`` first, then predicates
    and objects in order; IRIs under ``base`` are written relative to it."""
    return b"".join(turtle_chunks(graph, prefixes, base))


def turtle_chunks(graph: Graph | TripleSet, prefixes: Mapping[str, str], base: str | None = None) -> Iterator[bytes]:
    """:func:`turtle` in pieces (the prefixes, then one subject's block at a time), to be written
    without the whole text in memory."""
    from kopa_graph.rdfio.oxbridge import by_subject

    terms = _TurtleTerms(prefixes, base)
    grouped = by_subject(graph)
    rdf_type = RDF.type
    said: dict[Node, tuple[tuple[bool, tuple[int, str, str, str]], str]] = {}  # per predicate: its order, its text

    def predicate(p: Node) -> tuple[tuple[bool, tuple[int, str, str, str]], str]:
        found = said.get(p)
        if found is None:
            found = said[p] = ((p != rdf_type, term_key(p)), "a " if p == rdf_type else terms.term(p) + " ")
        return found

    blocks = []
    term = terms.term
    for s in sorted(grouped, key=term_key):
        preds = grouped[s]
        order = sorted(preds, key=lambda p: predicate(p)[0]) if len(preds) > 1 else list(preds)
        parts = []
        for p in order:
            objects = preds[p] if len(preds[p]) == 1 else sorted(preds[p], key=term_key)
            parts.append(predicate(p)[1] + ",\n        ".join([term(o) for o in objects]))
        blocks.append(term(s) + " " + " ;\n    ".join(parts) + " .\n")
    head = [f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()) if p in terms.used]
    if base:
        head.insert(0, f"@base <{base}> .\n")
    yield ("".join(head) + "\n").encode("utf-8")
    for i, block in enumerate(blocks):
        yield (block if i == 0 else "\n" + block).encode("utf-8")


