"""The site's graph read through its own indexes: what a page asks of the graph (a node's objects of a
property, the subjects that link to a node) looked up in rdflib's in-memory indexes directly, without the
matching, context and generator machinery of ``Graph.triples`` around each lookup (a site makes millions).

The answers, and their order, are those of the graph's own methods (:class:`rdflib.Graph`'s ``objects``,
``subjects``, ``value``, ``predicate_objects``, ``subject_predicates`` and ``in``), for the graph in the
default in-memory store (``tests/test_site.py`` compares them); a graph in any other store is asked
through its methods.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rdflib import Graph
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

_NONE: dict[Any, Any] = {}


class Facts:
    """Read-only lookups on ``graph``, answered as its methods answer them."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        store = graph.store
        # a Memory store of one graph: its three indexes hold exactly the graph's triples
        self._direct = type(store) is Memory and graph.identifier is not None and not graph.context_aware
        self._spo: dict[Any, Any] = getattr(store, "_Memory__spo", _NONE) if self._direct else _NONE
        self._pos: dict[Any, Any] = getattr(store, "_Memory__pos", _NONE) if self._direct else _NONE
        self._osp: dict[Any, Any] = getattr(store, "_Memory__osp", _NONE) if self._direct else _NONE
        self._direct = self._direct and self._spo is not _NONE and self._pos is not _NONE and self._osp is not _NONE

    def objects(self, s: Node, p: Node) -> list[Node]:
        if self._direct:
            return list(self._spo.get(s, _NONE).get(p, _NONE))
        return list(self.graph.objects(s, p))

    def subjects(self, p: Node, o: Node) -> list[Node]:
        if self._direct:
            return list(self._pos.get(p, _NONE).get(o, _NONE))
        return list(self.graph.subjects(p, o))

    def value(self, subject: Node | None = None, predicate: Node | None = None,
              object: Node | None = None) -> Node | None:
        """``subject``'s ``predicate`` (or, without a subject, a subject that has ``predicate`` ``object``),
        the first as rdflib's ``Graph.value`` gives it, or None."""
        if subject is None:
            found = self.subjects(predicate, object) if predicate is not None and object is not None else []
        else:
            found = self.objects(subject, predicate) if predicate is not None else []
        return found[0] if found else None

    def predicate_objects(self, s: Node) -> Iterator[tuple[Node, Node]]:
        if not self._direct:
            yield from self.graph.predicate_objects(s)
            return
        for p, objects in list(self._spo.get(s, _NONE).items()):
            for o in list(objects):
                yield p, o

    def subject_predicates(self, o: Node) -> Iterator[tuple[Node, Node]]:
        if not self._direct:
            yield from self.graph.subject_predicates(o)
            return
        for s, predicates in list(self._osp.get(o, _NONE).items()):
            for p in list(predicates):
                yield s, p

    def __contains__(self, triple: tuple[Node, Node, Node | None]) -> bool:
        s, p, o = triple
        if not self._direct:
            return triple in self.graph
        found = self._spo.get(s, _NONE).get(p, _NONE)
        return bool(found) if o is None else o in found


@contextmanager
def joined(graph: Graph, extra: Graph) -> Iterator[Graph]:
    """``graph`` with ``extra``'s triples in it, for the ``with`` block: for a site, the release's graph and
    its description, without a copy of the graph (at a million triples, about a gigabyte). The triples
    ``graph`` lacked are added, and after the block removed, and the entries of rdflib's three indexes that
    removing them leaves empty are taken out, so ``graph`` is as it was, index order included
    (``tests/test_site_parallel.py`` compares). A graph in any other store: a copy, ``graph + extra``. While
    the block runs, ``graph`` holds the union: no other thread may read it then."""
    store = graph.store
    indexes: list[Any] = [getattr(store, f"_Memory__{name}", None) for name in ("spo", "pos", "osp")]
    if type(store) is not Memory or graph.context_aware or any(i is None for i in indexes):
        yield graph + extra
        return
    added = [t for t in extra if t not in graph]
    for t in added:
        graph.add(t)
    try:
        yield graph
    finally:
        spo, pos, osp = indexes
        for s, p, o in added:
            graph.remove((s, p, o))
            for index, a, b in ((spo, s, p), (pos, p, o), (osp, o, s)):
                if not index[a][b]:
                    del index[a][b]
                if not index[a]:
                    del index[a]
