"""The label of a resource in a language: the one lookup the renderings, the query tables and the site use."""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kopa_graph.languages import FALLBACK
from kopa_graph.rdfio.namespaces import SKOS
from kopa_graph.rdfio.tripleset import TripleSet


def label(g: Graph | TripleSet, node: Node | None, lang: str,
          properties: Sequence[URIRef] = (SKOS.prefLabel,)) -> tuple[str, str | None] | None:
    """The label of ``node`` in ``lang`` and its language tag: else in the next language of
    :data:`~kopa_graph.languages.FALLBACK`, else an untagged one, else the first (by text) in any other
    language; ``None`` when it has none. Of several ``properties``, the first with a label in a language
    gives it."""
    found: dict[str | None, str] = {}
    for p in properties:
        for o in g.objects(node, p):
            if isinstance(o, Literal):
                found.setdefault(o.language, str(o))
    for candidate in (lang, *FALLBACK[lang], None):
        if candidate in found:
            return found[candidate], candidate
    if found:
        text, tag = min((text, tag) for tag, text in found.items())
        return text, tag
    return None
