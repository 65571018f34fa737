"""A graph as a bare subject-predicate-object index: what the build writes into.

rdflib's :class:`~rdflib.Graph` keeps three indexes and a context map for every
triple, and checks every term on every ``add``: at a million triples that was
the largest stage of ``kopa-graph build`` (issue 18). The build needs only one
index, the one every writer reads (:func:`kopa_graph.rdfio.oxbridge.by_subject`):
a :class:`TripleSet` is that index alone, in the same shape and insertion order
as rdflib's in-memory store keeps it, so the writers give the same bytes from
either. :meth:`TripleSet.to_graph` makes the rdflib graph for those who ask for
one (library users, queries, the site), once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from rdflib import Graph
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


class TripleSet:
    """A set of triples indexed subject → predicate → objects (dicts, in the order first added)."""

    __slots__ = ("_count", "prefixes", "spo")

    def __init__(self, prefixes: Mapping[str, str] | None = None) -> None:
        self.spo: dict[Node, dict[Node, dict[Node, int]]] = {}
        #: the prefixes :meth:`to_graph` binds
        self.prefixes = dict(prefixes or {})
        self._count = 0

    def add(self, triple: Triple) -> None:
        s, p, o = triple
        po = self.spo.get(s)
        if po is None:
            po = self.spo[s] = {}
        objects = po.get(p)
        if objects is None:
            objects = po[p] = {}
        if o not in objects:
            objects[o] = 1
            self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Triple]:
        for s, po in self.spo.items():
            for p, objects in po.items():
                for o in objects:
                    yield s, p, o

    def __contains__(self, triple: Triple) -> bool:
        s, p, o = triple
        return o in self.spo.get(s, {}).get(p, {})

    def objects(self, subject: Node | None, predicate: Node) -> Iterator[Node]:
        """The objects of ``subject`` and ``predicate``, as :meth:`rdflib.Graph.objects` gives them (but a
        subject of None is no pattern: it has none)."""
        if subject is not None:
            yield from self.spo.get(subject, {}).get(predicate, {})

    def to_graph(self) -> Graph:
        """The same triples in an rdflib graph with the prefixes bound."""
        g = Graph(bind_namespaces="none")
        for prefix, ns in self.prefixes.items():
            g.bind(prefix, ns, override=True, replace=True)
        store_add = g.store.add
        for triple in self:
            store_add(triple, g, quoted=False)
        return g


__all__ = ["Triple", "TripleSet"]
