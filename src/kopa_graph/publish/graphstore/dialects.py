"""What triplestores change in a graph they store, and the read-back check that allows for it.

A graph read back from the endpoint must be the graph sent: isomorphic (blank-node labels are the store's own;
Virtuoso answers ``_:b10005`` for the ``_:n1`` sent), or isomorphic once each known rewriting below is applied to
both sides. Each rewriting found is reported (the ``note`` of the result), with how many literals it touched;
anything else is a different graph (:class:`~kopa_graph.publish.graphstore.client.PublishError`).

Measured against Oxigraph 0.5 and Virtuoso 7.2 (``tests/test_virtuoso.py`` names each):

- ``integer-subtypes`` (Oxigraph): literals of a type derived from ``xsd:integer`` come back as ``xsd:integer``.
- ``wkt-geometry`` (Virtuoso): ``geo:wktLiteral`` comes back as ``virtrdf:Geometry`` with the WKT respaced
  (``POINT (1 2)`` as ``POINT(1 2)``).
- Virtuoso writes language tags in lower case (``sv-FI`` as ``sv-fi``): tags are case-insensitive and rdflib
  counts both as one literal, so this reads back as the same graph and is not reported.
- ``canonical-lexical`` (Virtuoso; Oxigraph for ``xsd:decimal``): typed literals in canonical form (``1.50``
  as ``1.5``, ``"1"^^xsd:boolean`` as ``true``, ``.5`` seconds as ``.500``).
- ``duration-seconds`` (Virtuoso): ``xsd:duration`` as a number of seconds (``P1D`` as ``86400.0``, not a valid
  ``xsd:duration``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from kopa_graph.publish.graphstore.client import PublishError
from kopa_graph.rdfio.namespaces import GEO, XSD
from kopa_graph.rdfio.oxbridge import INTEGER_SUBTYPES

log = logging.getLogger("kopa_graph.publish.triplestore")

VIRTUOSO_GEOMETRY = URIRef("http://www.openlinksw.com/schemas/virtrdf#Geometry")
_CANONICAL_TYPES = frozenset({XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.dateTime})


@dataclass(frozen=True)
class Rewriting:
    name: str
    says: str  # after "N literals": what the store did
    apply: Callable[[Literal], Literal]


def _integer(o: Literal) -> Literal:
    return Literal(str(o), datatype=XSD.integer) if o.datatype in INTEGER_SUBTYPES else o


def _wkt(o: Literal) -> Literal:
    if o.datatype not in (GEO.wktLiteral, VIRTUOSO_GEOMETRY):
        return o
    return Literal(re.sub(r"\s*([(),])\s*", r"\1", " ".join(str(o).split())), datatype=GEO.wktLiteral)


def _canonical(o: Literal) -> Literal:
    if o.datatype not in _CANONICAL_TYPES:
        return o
    value = o.toPython()
    invalid = value is o  # not a valid lexical form: left as written
    if invalid:
        return o
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = repr(value)
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
    else:
        text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return Literal(text, datatype=o.datatype)


def _duration(o: Literal) -> Literal:
    if o.datatype != XSD.duration:
        return o
    value = o.toPython()
    try:
        seconds = float(str(o)) if value is o else value.total_seconds()
    except (AttributeError, ValueError):  # a duration in months has no fixed number of seconds
        return o
    return Literal(repr(float(seconds)), datatype=XSD.duration)


REWRITINGS = (
    Rewriting("integer-subtypes", "of a type derived from xsd:integer (such as xsd:nonNegativeInteger) as "
              "xsd:integer; the values are the same", _integer),
    Rewriting("wkt-geometry", "of type geo:wktLiteral as virtrdf:Geometry with the WKT text respaced; the "
              "shapes are the same", _wkt),
    Rewriting("canonical-lexical", "in their canonical form (1.50 as 1.5, \"1\"^^xsd:boolean as true); the "
              "values are the same", _canonical),
    Rewriting("duration-seconds", "of type xsd:duration as a number of seconds (P1D as 86400.0, which is not "
              "an xsd:duration)", _duration),
)


def _rewrite_all(o: Node) -> Node:
    if isinstance(o, Literal):
        for r in REWRITINGS:
            o = r.apply(o)
    return o


def _rewrite(g: Graph, rewritings: tuple[Rewriting, ...] = REWRITINGS) -> Graph:
    out = Graph()
    for s, p, o in g:
        if isinstance(o, Literal):
            for r in rewritings:
                o = r.apply(o)
        out.add((s, p, o))
    return out


def _has_bnodes(triples: set[tuple[Node, Node, Node]]) -> bool:
    return any(isinstance(s, BNode) or isinstance(o, BNode) for s, _, o in triples)


def same_graph(a: Graph, b: Graph) -> bool:
    """Isomorphic; a plain set comparison when neither has blank nodes (linear, for large graphs)."""
    if len(a) != len(b):
        return False
    x, y = set(a), set(b)
    if not _has_bnodes(x) and not _has_bnodes(y):
        return x == y
    return isomorphic(a, b)


def _same_rewritten(sent: set[tuple[Node, Node, Node]], back: set[tuple[Node, Node, Node]],
                    a: Graph, b: Graph) -> bool:
    if _has_bnodes(sent) or _has_bnodes(back):
        return isomorphic(_rewrite(a), _rewrite(b))
    return {(s, p, _rewrite_all(o)) for s, p, o in sent} == {(s, p, _rewrite_all(o)) for s, p, o in back}


def found_rewritings(sent: Iterable[tuple[Node, Node, Node]],
                     back: Iterable[tuple[Node, Node, Node]]) -> dict[str, int]:
    """Which rewritings turn the literals sent into those read back, with how many literals each touched."""
    there = {o for _, _, o in back if isinstance(o, Literal)}
    seen = {r.name: {_rewrite_one(x, r) for x in there} for r in REWRITINGS}
    counts: dict[str, int] = {}
    for o in {o for _, _, o in sent if isinstance(o, Literal)} - there:
        done = o
        for r in REWRITINGS:
            done = r.apply(done)
            if done != o and done in seen[r.name]:
                counts[r.name] = counts.get(r.name, 0) + 1
                break
        else:
            for r in REWRITINGS:  # a literal changed by more than one: counted under each that changed it
                if r.apply(o) != o:
                    counts[r.name] = counts.get(r.name, 0) + 1
    return counts


def _rewrite_one(o: Literal, upto: Rewriting) -> Literal:
    for r in REWRITINGS:
        o = r.apply(o)
        if r is upto:
            return o
    return o


def check_read_back(sent: Graph, back: Graph, url: str) -> str:
    """``""`` when ``back`` is ``sent``; the note naming each rewriting when it is ``sent`` rewritten; otherwise
    :class:`PublishError`."""
    x, y = set(sent), set(back)
    plain = not _has_bnodes(x) and not _has_bnodes(y)
    if len(x) == len(y) and (x == y if plain else isomorphic(sent, back)):
        return ""
    if len(x) != len(y) or not _same_rewritten(x, y, sent, back):
        raise PublishError(f"{url}: the graph read back has {len(back)} triples and is not the graph sent "
                           f"({len(sent)} triples); the endpoint holds something else")
    counts = found_rewritings(x, y)
    says = {r.name: r.says for r in REWRITINGS}
    note = "; ".join(f"the endpoint stores {n} literal{'s' * (n != 1)} {says[name]} [{name}]"
                     for name, n in sorted(counts.items(), key=lambda kv: [r.name for r in REWRITINGS].index(kv[0])))
    log.warning("%s: %s", url, note)
    return note
