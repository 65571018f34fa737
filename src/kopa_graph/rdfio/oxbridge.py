"""rdflib terms to pyoxigraph and back: the fast engine behind the graph seam.

Blank nodes keep their labels (a store loaded from text would rename them),
``xsd:string`` literals come back as rdflib's plain literals (RDF 1.1 makes
them the same term; rdflib does not), and every other literal keeps its
lexical form and datatype exactly.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Collection, Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kopa_graph.rdfio.tripleset import TripleSet


class UnsupportedTerm(TypeError):
    """A pyoxigraph term with no rdflib counterpart here: an RDF 1.2 triple term (``<<( s p o )>>``)."""

if TYPE_CHECKING:
    import pyoxigraph as ox

_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
#: The types derived from xsd:integer: Oxigraph keeps their literals as xsd:integer (the same value).
INTEGER_SUBTYPES = frozenset(URIRef(_XSD + t) for t in (
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"))
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_ox(term: Node, _cache: dict[Node, Any] | None = None) -> Any:
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def from_ox(term: Any) -> Node:
    """The rdflib term equal to the pyoxigraph ``term``."""
    return _from_ox()(term)


@lru_cache(maxsize=1)
def _from_ox() -> Callable[[Any], Node]:
    return _converter(None)


def converter() -> Callable[[Any], Node]:
    """:func:`from_ox` for one result: a literal of a datatype with a value (a number, a date) is parsed
    once however often it occurs."""
    return _converter({})


def _converter(typed: dict[tuple[str, str], Literal] | None) -> Callable[[Any], Node]:
    """:func:`from_ox` with the pyoxigraph classes and datatype IRIs looked up in advance, and IRIs and
    plain or language-tagged literals made without rdflib's constructors.

    Those constructors check what Oxigraph has checked already (an IRI's characters, a language tag's
    form) and, for a string, find its Python value by a lookup that ends with the string itself; the
    attributes set here are the ones they set (a test compares the two on many terms). Literals of
    any other datatype go through :class:`rdflib.Literal`, which parses their value, remembered in
    ``typed`` when given. (Remembering every term costs more than making it again: most terms in a
    result occur once.)
    """
    import pyoxigraph as ox

    named, blank, literal = ox.NamedNode, ox.BlankNode, ox.Literal
    new_str = str.__new__
    datatypes: dict[str, URIRef] = {}

    def convert(term: Any) -> Node:
        kind = type(term)
        if kind is named:
            return new_str(URIRef, term.value)
        if kind is literal:
            value: str = term.value
            language: str | None = term.language
            datatype: str = _LANG_STRING if language else term.datatype.value
            if datatype in (_XSD_STRING, _LANG_STRING):
                made: Literal = new_str(Literal, value)
                made._language = language or None
                made._datatype = None
                made._value = value
                made._ill_typed = None
                return made
            if typed is not None:
                found = typed.get((value, datatype))
                if found is not None:
                    return found
            iri = datatypes.get(datatype)
            if iri is None:
                iri = datatypes[datatype] = URIRef(datatype)
            made = Literal(value, datatype=iri)
            if typed is not None:
                typed[value, datatype] = made
            return made
        if kind is blank:
            return BNode(term.value)
        raise UnsupportedTerm(f"kopa-graph does not handle {kind.__name__} terms")

    return convert


class Loading:
    """A new in-memory pyoxigraph store loading N-Triples on a thread of its own while the caller makes
    the next lines (Oxigraph parses without the interpreter's lock): ``with Loading() as loading``, then
    :meth:`add` each batch, then :meth:`store`. Blank nodes would not match from one batch to the next:
    load a graph that has some term by term (:func:`store_of`)."""

    def __init__(self) -> None:
        import pyoxigraph as ox

        self._store = ox.Store()
        self._batches: queue.Queue[bytes | None] = queue.Queue(maxsize=4)  # a bounded lead
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._load, name="kopa-load", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        import pyoxigraph as ox

        while (text := self._batches.get()) is not None:
            if self._failed is None:
                try:
                    self._store.load(text, format=ox.RdfFormat.N_TRIPLES)
                except BaseException as exc:  # raised in the caller's thread, by store()
                    self._failed = exc

    def add(self, lines: list[bytes]) -> None:
        """Load these lines (whole N-Triples lines, each ending with a line break)."""
        self._batches.put(b"".join(lines))

    def store(self) -> ox.Store:
        """The store, once everything added is loaded."""
        self._finish()
        if self._failed is not None:
            raise self._failed
        return self._store

    def _finish(self) -> None:
        if self._thread.is_alive():
            self._batches.put(None)
            self._thread.join()

    def __enter__(self) -> Loading:
        return self

    def __exit__(self, *exc: object) -> None:
        self._finish()


def store_of(graphs: Iterable[Graph | TripleSet], into: ox.Store | None = None) -> ox.Store:
    """An in-memory pyoxigraph store holding the triples of ``graphs`` (their union), added to ``into`` if
    given (a store :class:`Loading` filled from N-Triples, several times faster than rdflib terms handed over
    one by one)."""
    import pyoxigraph as ox

    store = into if into is not None else ox.Store()
    cache: dict[Node, Any] = {}

    def conv(t: Node) -> Any:
        found = cache.get(t)
        if found is None:
            found = cache[t] = to_ox(t)
        return found

    for g in graphs:
        store.extend([ox.Quad(conv(s), conv(p), conv(o)) for s, p, o in triples(g)])
    return store


def _own_index(g: Graph | TripleSet) -> dict[Node, dict[Node, dict[Node, int]]] | None:
    """rdflib's subject-predicate-object index of ``g``, when ``g`` is a plain graph alone in an
    in-memory store (the index then holds exactly its triples); a :class:`TripleSet`'s own index."""
    if isinstance(g, TripleSet):
        return g.spo
    store = g.store
    spo = getattr(store, "_Memory__spo", None)
    contexts = getattr(store, "_Memory__all_contexts", None)
    if type(g) is not Graph or not isinstance(spo, dict) or not isinstance(contexts, set):
        return None
    if any(c is not g for c in contexts):
        return None
    return spo


def triples(g: Graph | TripleSet) -> Iterable[tuple[Node, Node, Node]]:
    """The triples of ``g``; read straight from rdflib's in-memory index when the graph has one (four
    times faster than ``Graph.triples``, which resolves contexts for every triple)."""
    spo = _own_index(g)
    if spo is None:
        yield from g
        return
    for s, po in spo.items():
        for p, objects in po.items():
            for o in objects:
                yield s, p, o


def by_subject(g: Graph | TripleSet) -> Mapping[Node, Mapping[Node, Collection[Node]]]:
    """The triples of ``g`` grouped by subject, then predicate: rdflib's own index when the graph has
    one (no copy of a large graph), else a grouping made here."""
    spo = _own_index(g)
    if spo is not None:
        return spo
    grouped: dict[Node, dict[Node, list[Node]]] = {}
    for s, p, o in g:
        grouped.setdefault(s, {}).setdefault(p, []).append(o)
    return grouped


def select(store: ox.Store, text: str) -> list[dict[str, Node]]:
    """The solutions of a SELECT as dicts of rdflib terms (unbound variables left out)."""
    import pyoxigraph as ox

    result = store.query(text)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("select() runs SELECT queries only")
    names = [v.value for v in result.variables]
    return [{n: from_ox(t) for n, t in zip(names, row, strict=True) if t is not None} for row in result]


__all__ = ["INTEGER_SUBTYPES", "Loading", "UnsupportedTerm", "by_subject", "converter", "from_ox", "select",
           "store_of", "to_ox", "triples"]
