"""The value-level checks of the fast SHACL core path (:mod:`kopa_graph.validation.core`): a value's
datatype, node kind, language and order, a constraint as a SPARQL condition, a property path in
SPARQL, and the result a failed check makes (:class:`FastResult`, through :class:`Scope`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kopa_graph.rdfio.namespaces import RDF, RDFS, SH, XSD

_ANY_LITERAL = {RDFS.Literal}
_XSD_STRING, _LANG_STRING, _RDFS_DATATYPE = XSD.string, RDF.langString, RDFS.Datatype
#: pySHACL's check that a literal's value is of the datatype's Python type (others: assumed fine).
_VALUE_TYPES: dict[Node, Any] = {XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int,
                                 XSD.float: float, XSD.decimal: Decimal, XSD.boolean: bool}


@dataclass(frozen=True)
class FastResult:
    focus: Node
    shape: Node
    component: URIRef
    value: Node | None
    path: Node | None
    severity: URIRef
    messages: tuple[Literal, ...]


@dataclass(frozen=True)
class Scope:
    """One shape's constraints at work on one set of values: what a component check needs."""

    shape: Node
    values: dict[Node, list[Node]]
    path: Node | None
    words: dict[Node, list[Node]]
    severity: URIRef
    messages: tuple[Literal, ...]

    def objects(self, word: Node) -> list[Node]:
        return self.words.get(word, [])

    def value(self, word: Node) -> Node | None:
        found = self.words.get(word)
        return found[0] if found else None

    def result(self, focus: Node, component: URIRef, value: Node | None) -> FastResult:
        return FastResult(focus, self.shape, component, value, self.path, self.severity, self.messages)

    def each(self, component: URIRef, ok: Any) -> Iterator[FastResult]:
        """A result for every value node ``ok`` fails, with its focus node."""
        for f, vs in self.values.items():
            for v in vs:
                if not ok(v):
                    yield self.result(f, component, v)

def sparql_path(shapes: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return f"<{path}>"
    first = shapes.value(path, RDF.first)
    if first is not None:
        return "/".join(f"({sparql_path(shapes, p)})" for p in Collection(shapes, path))
    for word, fmt in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"), (SH.oneOrMorePath, "({})+"),
                      (SH.zeroOrOnePath, "({})?")):
        inner = shapes.value(path, word)
        if inner is not None:
            return fmt.format(sparql_path(shapes, inner))
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(f"({sparql_path(shapes, p)})" for p in Collection(shapes, alternatives)) + ")"
    raise ValueError(f"unsupported SHACL path {path!r}")


def nt(term: Node) -> str:
    from kopa_graph.rdfio.ntriples import nt_term

    return nt_term(term)


#: The integer literals whose lexical form Oxigraph may change (it writes integers canonically, and keeps
#: the subtypes of xsd:integer as xsd:integer): the data's own term is looked up for these.
_LEXICAL: dict[Node, str] = {XSD.integer: "^[+-]?[0-9]+$", XSD.decimal: "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$",
            XSD.boolean: "^(true|false|1|0)$"}
SIMPLE_PATTERN = re.compile(r"[A-Za-z0-9 #=,.:/_^$\[\]{}()+*?|-]*")


def candidate(word: Node, o: Node, shapes: Graph, flags: bool = False) -> str | None:
    """The SPARQL condition on ?value that holds for every value the constraint (word, o) may reject."""
    if word == SH.datatype:
        if o == XSD.string:
            return f"!(isLiteral(?value) && LANG(?value) = \"\" && DATATYPE(?value) = <{XSD.string}>)"
        if o == RDF.langString:
            return "!(isLiteral(?value) && LANG(?value) != \"\")"
        if o in _LEXICAL:
            return f"!(isLiteral(?value) && DATATYPE(?value) = <{o}> && REGEX(STR(?value), \"{_LEXICAL[o]}\"))"
        return None
    if word == SH["class"]:
        return f"NOT EXISTS {{ ?value <{RDF.type}>/<{RDFS.subClassOf}>* {nt(o)} }}"
    if word == SH.nodeKind:
        tests: dict[Node, str] = {
                 SH.IRI: "isIRI(?value)", SH.BlankNode: "isBlank(?value)", SH.Literal: "isLiteral(?value)",
                 SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))",
                 SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
                 SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))"}
        return f"!{tests[o]}" if o in tests else None
    if word == SH["in"]:
        members = list(Collection(shapes, o))
        return "!(" + (" || ".join(f"sameTerm(?value, {nt(m)})" for m in members) or "false") + ")"
    if word == SH.languageIn:
        langs = [str(x) for x in Collection(shapes, o)]
        if any(not re.fullmatch(r"[A-Za-z0-9-]+|\*", x) for x in langs):
            return None
        return "!(isLiteral(?value) && (" + (" || ".join(f'langMatches(LANG(?value), "{x}")' for x in langs)
                                             or "false") + "))"
    if word == SH.pattern:
        if flags or not SIMPLE_PATTERN.fullmatch(str(o)):
            return None  # a regex dialect difference could hide a violation: every value is checked instead
        return f'isBlank(?value) || !REGEX(STR(?value), "{o}")'
    bounds: dict[Node, str] = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
    if word in bounds and isinstance(o, Literal) and isinstance(o.value, (int, Decimal)) \
            and not isinstance(o.value, bool):
        return f"!COALESCE(?value {bounds[word]} {o}, false)"
    return None


def re_flags(flags: str) -> int:
    out = 0
    for ch, bit in (("i", re.IGNORECASE), ("m", re.MULTILINE), ("s", re.DOTALL), ("x", re.VERBOSE)):
        if ch in flags.lower():
            out |= bit
    return out


def datatype_ok(v: Node, dt: Node) -> bool:
    """pySHACL's rule: the literal's datatype is ``dt`` (plain literals are xsd:string, tagged ones
    rdf:langString) and, for the types rdflib knows, the lexical form is valid."""
    if not isinstance(v, Literal):
        return False
    if dt in _ANY_LITERAL:
        return True
    if dt == _RDFS_DATATYPE:
        return v.datatype is not None
    if v.datatype is None:
        if v.language:
            return dt == _LANG_STRING and isinstance(v.value, str)
        return dt == _XSD_STRING and isinstance(v.value, str)
    if v.datatype != dt or getattr(v, "ill_typed", None) is True:
        return False
    value = v.value
    kind = _VALUE_TYPES.get(dt)
    if kind is None:
        return True
    if kind is int and isinstance(value, bool):
        return False
    return isinstance(value, kind)


def as_int(n: Node) -> int:
    return int(str(n))


_KINDS: dict[Node, tuple[type, ...]] = {SH.IRI: (URIRef,), SH.BlankNode: (BNode,), SH.Literal: (Literal,),
                                        SH.BlankNodeOrIRI: (BNode, URIRef), SH.BlankNodeOrLiteral: (BNode, Literal),
                                        SH.IRIOrLiteral: (URIRef, Literal)}


def kind_ok(v: Node, kind: Node) -> bool:
    kinds = _KINDS.get(kind)
    return kinds is not None and isinstance(v, kinds)


def lang_ok(v: Node, langs: set[str]) -> bool:
    if not isinstance(v, Literal) or not v.language:
        return False
    if "*" in langs:
        return True
    lang = v.language.lower()
    return lang in langs or lang.split("-")[0] in langs


def compare(v: Node, bound: Node) -> int | None:
    """-1, 0 or 1 as pySHACL compares a value with a range bound (its own comparison, so a dateTime
    against a date is out of range in both); None when they cannot be compared."""
    from pyshacl.rdfutil.compare import compare_literal  # the comparison alone: no validator loads

    if not isinstance(v, Literal) or not isinstance(bound, Literal):
        return None
    if isinstance(v.value, str) != isinstance(bound.value, str):
        return None
    try:
        return int(compare_literal(v, bound))  # type: ignore[no-untyped-call]
    except (TypeError, NotImplementedError):
        # pySHACL's value-range constraints catch the same two and count the value out of range, as None is
        # here; "x"^^xsd:integer against 5 raises TypeError (tests/test_shapes.py::
        # test_range_constraints_compare_values_as_pyshacl_does asserts it and compares with pySHACL)
        return None
