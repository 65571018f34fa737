"""Labels in sv, fi and en for the standard properties and classes the pages
show, so that a page names them in words instead of IRIs (the ``terms`` of
``messages/LANG.json``)."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from kopa_graph.languages import LANGUAGES
from kopa_graph.publish.site.messages import messages
from kopa_graph.rdfio.namespaces import PREFIXES, RDFS


def label_graph() -> Graph:
    g = Graph()
    for lang in LANGUAGES:
        for curie, text in messages(lang)["terms"].items():
            prefix, local = curie.split(":", 1)
            g.add((URIRef(PREFIXES[prefix] + local), RDFS.label, Literal(text, lang=lang)))
    return g
