"""SHACL core constraints, validated with pyoxigraph doing the graph work.

pySHACL walks the graph through rdflib one focus node at a time: half a second
on the real data, minutes at national size. Here each property shape costs one
SPARQL query on pyoxigraph that returns every (focus node, value node) pair of
its targets at once, and the constraints are checked on those pairs in Python,
with the rules pySHACL applies (so the reports agree; a test compares them on
every shape fixture and on the real data). Nested shapes (``sh:node``,
``sh:or``, ``sh:qualifiedValueShape``) are checked for all their value nodes
in one batch.

Only the constraint components the project's shapes use are implemented; a
shapes graph with any other one makes :func:`supported` false, and the caller
falls back to pySHACL, so nothing is ever silently skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kopa_graph.rdfio.namespaces import RDF, RDFS, SH, XSD
from kopa_graph.rdfio.oxbridge import INTEGER_SUBTYPES, converter
from kopa_graph.rdfio.tripleset import TripleSet
from kopa_graph.validation.checks import (
    FastResult,
    Scope,
    as_int,
    candidate,
    compare,
    datatype_ok,
    kind_ok,
    lang_ok,
    nt,
    re_flags,
    sparql_path,
)

#: The constraint parameters this validator understands (with the shape-level words it reads).
KNOWN = {SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.nodeKind, SH.pattern, SH.flags, SH["in"],
         SH.hasValue, SH.languageIn, SH.uniqueLang, SH.minInclusive, SH.maxInclusive, SH.minExclusive,
         SH.maxExclusive, SH.minLength, SH.maxLength, SH.node, SH["or"], SH.qualifiedValueShape,
         SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.property, SH.path, SH.targetClass, SH.targetNode,
         SH.targetSubjectsOf, SH.targetObjectsOf, SH.message, SH.severity, SH.deactivated, SH.name,
         SH.description, SH.order, SH.group, SH.defaultValue, SH.sparql, RDF.type, RDFS.label, RDFS.comment,
         SH.declare, SH.prefix, SH.namespace, SH.prefixes, SH.select, SH.inversePath, SH.alternativePath,
         SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath}
_SHAPE_WORDS = {SH.property, SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
                SH.message, SH.severity, SH.deactivated, SH.name, SH.description, SH.order, SH.group,
                SH.defaultValue, SH.sparql, RDF.type, RDFS.label, RDFS.comment, SH.flags,
                SH.qualifiedMinCount, SH.qualifiedMaxCount}
_BATCH = 20_000


def supported(shapes: Graph) -> str | None:
    """None when every constraint of ``shapes`` is one this validator checks; else the first that is not."""
    for _s, p, o in shapes:
        if str(p).startswith(str(SH)) and p not in KNOWN:
            return str(p)
        if p == SH.qualifiedValueShapesDisjoint and o == Literal(True):
            return str(p)
    return None


RETYPED = INTEGER_SUBTYPES | {XSD.integer}


@dataclass
class FastValidator:
    shapes: Graph
    store: Any  # pyoxigraph.Store holding data + ontology
    #: the same triples in rdflib terms, to undo Oxigraph's retyping
    graphs: list[Graph | TripleSet] = field(default_factory=list)
    _members: dict[Node, set[Node]] = field(default_factory=dict)
    _failing: dict[Node, dict[Node, bool]] = field(default_factory=dict)
    _described: dict[Node, dict[Node, list[Node]]] = field(default_factory=dict)
    _single: set[str] = field(default_factory=set)  # target patterns that are one triple pattern
    _convert: Callable[[Any], Node] = field(default_factory=converter)  # each pyoxigraph term converted once

    # -- graph access -----------------------------------------------------------------
    def _select(self, text: str) -> Iterator[list[Node | None]]:
        convert = self._convert
        for row in self.store.query(text):
            yield [None if t is None else convert(t) for t in row]

    def _class_members(self, cls: Node) -> set[Node]:
        found = self._members.get(cls)
        if found is None:
            query = f"SELECT DISTINCT ?x WHERE {{ ?x <{RDF.type}>/<{RDFS.subClassOf}>* {nt(cls)} }}"
            found = self._members[cls] = {row[0] for row in self._select(query) if row[0] is not None}
        return found

    def _targets(self, shape: Node) -> list[Node]:
        out: dict[Node | None, None] = {}
        for cls in self.shapes.objects(shape, SH.targetClass):
            out.update(dict.fromkeys(sorted(self._class_members(cls), key=str)))
        for node in self.shapes.objects(shape, SH.targetNode):
            out[node] = None
        for p in self.shapes.objects(shape, SH.targetSubjectsOf):
            out.update((r[0], None) for r in self._select(f"SELECT DISTINCT ?x WHERE {{ ?x {nt(p)} ?o }}"))
        for p in self.shapes.objects(shape, SH.targetObjectsOf):
            out.update((r[0], None) for r in self._select(f"SELECT DISTINCT ?x WHERE {{ ?s {nt(p)} ?x }}"))
        return [n for n in out if n is not None]

    def _values(self, path: Node, focus: list[Node], pattern: str | None = None) -> dict[Node, list[Node]]:
        """The value nodes of each focus node; ``pattern`` (binding ?this) selects the same focus nodes in
        the query itself, so a class's instances are not sent back as a VALUES block."""
        out: dict[Node, list[Node]] = {f: [] for f in focus}
        seen: set[tuple[Node, Node]] = set()
        expr = sparql_path(self.shapes, path)
        for query in self._focus_queries(focus, pattern, f"?this {expr} ?value", "?this ?value"):
            for this, value in self._select(query):
                if this is None or value is None:
                    continue
                if this not in out:
                    continue
                for v in self._original(this, path, value):
                    if (this, v) not in seen:
                        seen.add((this, v))
                        out[this].append(v)
        return out

    def _original(self, this: Node, path: Node, value: Node) -> list[Node]:
        """The data's own literal(s) behind ``value``: Oxigraph writes integers canonically ("052" as 52)
        and keeps the subtypes of xsd:integer as xsd:integer."""
        if not (isinstance(value, Literal) and value.datatype == XSD.integer and self.graphs):
            return [value]
        inverse = self.shapes.value(path, SH.inversePath) if not isinstance(path, URIRef) else None
        if not isinstance(path, URIRef) and not isinstance(inverse, URIRef):
            return [value]
        if inverse is not None:
            return [value]  # a literal is never the subject an inverse path reaches
        found: list[Node] = [o for g in self.graphs for o in g.objects(this, path)
                             if isinstance(o, Literal) and o.datatype in RETYPED and _same_number(o, value)]
        return found or [value]

    # -- validation ---------------------------------------------------------------------
    def validate(self, pool: Executor | None = None) -> list[FastResult]:
        """Every result, shape by shape in a fixed order; with a ``pool`` of threads the shapes are checked on
        its threads at once (Oxigraph lets go of the interpreter's lock while it evaluates), and the results
        come back in the same order."""
        shapes = {s for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
                  for s in self.shapes.subjects(p)}
        todo = [shape for shape in sorted(shapes, key=str)
                if self.shapes.value(shape, SH.sparql) is None or self._has_core(shape)]  # else SPARQL only
        found = list(pool.map(self._top_shape, todo)) if pool is not None else [self._top_shape(s) for s in todo]
        return [r for rs in found for r in rs]

    def _top_shape(self, shape: Node) -> list[FastResult]:
        focus = self._targets(shape)
        return self._shape(shape, focus, self._target_pattern(shape)) if focus else []

    def _has_core(self, shape: Node) -> bool:
        return any(p not in _SHAPE_WORDS for p in self.shapes.predicates(shape))

    def _target_pattern(self, shape: Node) -> str | None:
        """A graph pattern binding ?this to the shape's focus nodes, when its only target is one class."""
        words = self._words(shape)
        classes = words.get(SH.targetClass, [])
        if len(classes) != 1 or any(words.get(p) for p in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)):
            return None
        if self._subclasses(classes[0]) == {classes[0]}:  # a class without subclasses: one triple pattern, which
            single = f"?this <{RDF.type}> {nt(classes[0])} ."  # Oxigraph joins several times faster than the path
            self._single.add(single)
            return single
        return f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {nt(classes[0])} ."

    def _subclasses(self, cls: Node) -> set[Node]:
        """``cls`` and every class below it (``rdfs:subClassOf*``) in the data and the ontology."""
        query = f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {nt(cls)} }}"
        return {cls} | {row[0] for row in self._select(query) if row[0] is not None}

    def _shape(self, shape: Node, focus: list[Node], pattern: str | None = None) -> list[FastResult]:
        if self.shapes.value(shape, SH.deactivated) == Literal(True):
            return []
        path = self.shapes.value(shape, SH.path)
        if path is not None:
            bad = self._prefilter(shape)
            if bad is not None:
                return self._filtered(shape, path, focus, pattern, bad)
        values = self._values(path, focus, pattern) if path is not None else {f: [f] for f in focus}
        results = list(self._components(shape, values, path))
        if path is None:
            for prop in sorted(self.shapes.objects(shape, SH.property), key=str):
                results.extend(self._shape(prop, focus, pattern))
        return results

    # -- the filtered path: SPARQL returns candidates only ----------------------------------
    def _prefilter(self, shape: Node) -> str | None:
        """A SPARQL condition on ?value true for every value node that may violate one of the shape's
        value constraints (a superset: the exact check still runs on the rows it lets through); None when
        a constraint of the shape has no such condition, and all value nodes are fetched instead."""
        words = self._words(shape)
        conditions = []
        for word, objects in words.items():
            if word in _COUNTED or word in _INERT:
                continue
            for o in objects:
                condition = candidate(word, o, self.shapes, bool(words.get(SH.flags)))
                if condition is None:
                    return None
                conditions.append(condition)
        return " || ".join(f"({c})" for c in conditions) if conditions else "false"

    def _focus_queries(self, focus: list[Node], pattern: str | None, body: str, select: str,
                       tail: str = "") -> list[str]:
        if pattern in self._single:  # binds each focus node once already: joined as it is
            return [f"SELECT {select} WHERE {{ {pattern} {body} }} {tail}"]
        if pattern is not None:
            return [f"SELECT {select} WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {pattern} }} }} {body} }} {tail}"]
        return [f"SELECT {select} WHERE {{ VALUES ?this {{ {' '.join(nt(f) for f in focus[i:i + _BATCH])} }} "
                f"{body} }} {tail}" for i in range(0, len(focus), _BATCH)]

    def _filtered(self, shape: Node, path: Node, focus: list[Node], pattern: str | None,
                  bad: str) -> list[FastResult]:
        words = self._words(shape)
        expr = sparql_path(self.shapes, path)
        severity = URIRef(str((words.get(SH.severity) or [SH.Violation])[0]))
        messages = tuple(sorted(m for m in words.get(SH.message, []) if isinstance(m, Literal)))
        focus_set = set(focus)
        results: list[FastResult] = []

        def result(f: Node, component: URIRef, value: Node | None) -> None:
            results.append(FastResult(f, shape, component, value, path, severity, messages))

        low = [as_int(m) for m in words.get(SH.minCount, [])]
        high = [as_int(m) for m in words.get(SH.maxCount, [])]
        if low or high:
            agg = "COUNT(DISTINCT ?value)"  # HAVING sees the aggregate, not the projected ?n
            having = " || ".join([f"{agg} < {m}" for m in low] + [f"{agg} > {m}" for m in high])
            for q in self._focus_queries(focus, pattern, f"OPTIONAL {{ ?this {expr} ?value }}",
                                         "?this (COUNT(DISTINCT ?value) AS ?n)", f"GROUP BY ?this HAVING ({having})"):
                for this, n in self._select(q):
                    if this in focus_set and n is not None:
                        count = int(str(n))
                        for m in low:
                            if count < m:
                                result(this, SH.MinCountConstraintComponent, None)
                        for m in high:
                            if count > m:
                                result(this, SH.MaxCountConstraintComponent, None)
        for wanted in words.get(SH.hasValue, []):
            for q in self._focus_queries(focus, pattern, f"FILTER NOT EXISTS {{ ?this {expr} {nt(wanted)} }}",
                                         "?this"):
                for (this,) in self._select(q):
                    if this in focus_set:
                        result(this, SH.HasValueConstraintComponent, None)
        if words.get(SH.uniqueLang) == [Literal(True)]:
            for q in self._focus_queries(focus, pattern, f"?this {expr} ?value FILTER (LANG(?value) != \"\") "
                                         "BIND (LCASE(LANG(?value)) AS ?lang)", "?this ?lang",
                                         "GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?value) > 1)"):
                for this, _lang in self._select(q):
                    if this in focus_set:
                        result(this, SH.UniqueLangConstraintComponent, None)
        if bad != "false":
            candidates: dict[Node, list[Node]] = {}
            seen: set[tuple[Node, Node]] = set()
            body = f"?this {expr} ?value FILTER ({bad})"
            for q in self._focus_queries(focus, pattern, body, "DISTINCT ?this ?value"):
                for this, value in self._select(q):
                    if this not in focus_set or value is None:
                        continue
                    for v in self._original(this, path, value):  # the data's own lexical form
                        if (this, v) not in seen:
                            seen.add((this, v))
                            candidates.setdefault(this, []).append(v)
            results.extend(r for r in self._components(shape, candidates, path) if r.component not in _COUNT_RESULTS)
        return results

    def _conforming(self, shape: Node, nodes: Iterable[Node]) -> dict[Node, bool]:
        """Whether each node conforms to ``shape`` (memoised: a shape is asked about the same nodes often)."""
        memo = self._failing.setdefault(shape, {})
        todo = sorted({n for n in nodes if n not in memo}, key=str)
        if todo:
            failing = {r.focus for r in self._shape(shape, todo)}
            for n in todo:
                memo[n] = n not in failing
        return memo

    def _words(self, shape: Node) -> dict[Node, list[Node]]:
        found = self._described.get(shape)
        if found is None:
            found = self._described[shape] = {}
            for p, o in self.shapes.predicate_objects(shape):
                found.setdefault(p, []).append(o)
        return found

    def _components(self, shape: Node, values: dict[Node, list[Node]], path: Node | None) -> Iterator[FastResult]:
        """Every result of ``shape``'s constraints on ``values`` (focus node -> value nodes), in a fixed order."""
        words = self._words(shape)
        scope = Scope(shape, values, path, words, URIRef(str((words.get(SH.severity) or [SH.Violation])[0])),
                       tuple(sorted(m for m in words.get(SH.message, []) if isinstance(m, Literal))))
        yield from self._on_each_value(scope)
        yield from self._on_the_values(scope)

    def _on_each_value(self, s: Scope) -> Iterator[FastResult]:
        """Counts, and the constraints each value node meets or fails on its own."""
        for m in s.objects(SH.minCount):
            for f, vs in s.values.items():
                if len(vs) < as_int(m):
                    yield s.result(f, SH.MinCountConstraintComponent, None)
        for m in s.objects(SH.maxCount):
            for f, vs in s.values.items():
                if len(vs) > as_int(m):
                    yield s.result(f, SH.MaxCountConstraintComponent, None)
        for dt in s.objects(SH.datatype):
            yield from s.each(SH.DatatypeConstraintComponent, lambda v, dt=dt: datatype_ok(v, dt))
        for cls in s.objects(SH["class"]):
            members = self._class_members(cls)
            yield from s.each(SH.ClassConstraintComponent, lambda v, members=members: v in members)
        for kind in s.objects(SH.nodeKind):
            yield from s.each(SH.NodeKindConstraintComponent, lambda v, kind=kind: kind_ok(v, kind))
        flags = str(s.value(SH.flags) or "")
        for pattern in s.objects(SH.pattern):
            rx = re.compile(str(pattern), re_flags(flags))
            yield from s.each(SH.PatternConstraintComponent,
                              lambda v, rx=rx: not isinstance(v, BNode) and rx.search(str(v)) is not None)
        for length, word, cmp in ((SH.minLength, SH.MinLengthConstraintComponent, lambda n, m: n >= m),
                                  (SH.maxLength, SH.MaxLengthConstraintComponent, lambda n, m: n <= m)):
            for m in s.objects(length):
                yield from s.each(word, lambda v, m=m, cmp=cmp: not isinstance(v, BNode)
                                  and cmp(len(str(v)), as_int(m)))
        for lst in s.objects(SH["in"]):
            allowed = set(Collection(self.shapes, lst))
            yield from s.each(SH.InConstraintComponent, lambda v, allowed=allowed: v in allowed)

    def _on_the_values(self, s: Scope) -> Iterator[FastResult]:
        """The constraints on a focus node's values together, ranges, and the nested shapes."""
        for wanted in s.objects(SH.hasValue):
            for f, vs in s.values.items():
                if wanted not in vs:
                    yield s.result(f, SH.HasValueConstraintComponent, None)
        for lst in s.objects(SH.languageIn):
            langs = {str(x).lower() for x in Collection(self.shapes, lst)}
            yield from s.each(SH.LanguageInConstraintComponent, lambda v, langs=langs: lang_ok(v, langs))
        if s.value(SH.uniqueLang) == Literal(True):
            for f, vs in s.values.items():
                counts: dict[str, int] = {}
                for v in vs:
                    if isinstance(v, Literal) and v.language:
                        counts[v.language.lower()] = counts.get(v.language.lower(), 0) + 1
                for _lang in sorted(k for k, n in counts.items() if n > 1):
                    yield s.result(f, SH.UniqueLangConstraintComponent, None)
        for word, component, want in ((SH.minInclusive, SH.MinInclusiveConstraintComponent, (0, 1)),
                                      (SH.maxInclusive, SH.MaxInclusiveConstraintComponent, (0, -1)),
                                      (SH.minExclusive, SH.MinExclusiveConstraintComponent, (1,)),
                                      (SH.maxExclusive, SH.MaxExclusiveConstraintComponent, (-1,))):
            for bound in s.objects(word):
                yield from s.each(component, lambda v, b=bound, w=want: compare(v, b) in w)
        if not (s.objects(SH.node) or s.objects(SH["or"]) or s.objects(SH.qualifiedValueShape)):
            return
        all_values = [v for vs in s.values.values() for v in vs]
        for inner in s.objects(SH.node):
            ok = self._conforming(inner, all_values)
            yield from s.each(SH.NodeConstraintComponent, lambda v, ok=ok: ok[v])
        for lst in s.objects(SH["or"]):
            verdicts = [self._conforming(o, all_values) for o in Collection(self.shapes, lst)]
            yield from s.each(SH.OrConstraintComponent, lambda v, verdicts=verdicts: any(ok[v] for ok in verdicts))
        for q in s.objects(SH.qualifiedValueShape):
            ok = self._conforming(q, all_values)
            low, high = s.value(SH.qualifiedMinCount), s.value(SH.qualifiedMaxCount)
            for f, vs in s.values.items():
                n = sum(1 for v in vs if ok[v])
                if low is not None and n < as_int(low):
                    yield s.result(f, SH.QualifiedMinCountConstraintComponent, None)
                if high is not None and n > as_int(high):
                    yield s.result(f, SH.QualifiedMaxCountConstraintComponent, None)


def _same_number(ours: Literal, theirs: Literal) -> bool:
    """Whether Oxigraph's ``theirs`` stands for the data's ``ours``: the same number, or, where either is
    not a number at all ("x"^^xsd:integer, which rdflib refuses to compare), the same text."""
    try:
        return ours.eq(theirs)
    except TypeError:
        return str(ours) == str(theirs)


#: Constraints checked by counting (their own queries on the filtered path), and words that constrain nothing.
_COUNTED = {SH.minCount, SH.maxCount, SH.hasValue, SH.uniqueLang}
_COUNT_RESULTS = {SH.MinCountConstraintComponent, SH.MaxCountConstraintComponent, SH.HasValueConstraintComponent,
                  SH.UniqueLangConstraintComponent}
_INERT = {SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.defaultValue,
          RDF.type, RDFS.label, RDFS.comment, SH.deactivated, SH.flags}
__all__ = ["FastResult", "FastValidator", "supported"]
