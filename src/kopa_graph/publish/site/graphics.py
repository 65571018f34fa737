"""The site's index (pilot table, network picture, theme matrix, downloads) and
the pages for the ontology and the shapes. Pictures are inline SVG with a
title and a description: readable without JavaScript, and with a text
alternative."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from kopa_graph.geo.atlas import Atlas
from kopa_graph.graph.dataset import Distribution
from kopa_graph.languages import LANGUAGES
from kopa_graph.publish.site.maps import country_map
from kopa_graph.publish.site.messages import messages
from kopa_graph.publish.site.pages import Site, Value, lang_suffix, page, value
from kopa_graph.publish.templating import Markup, fragment
from kopa_graph.rdfio.engine import parse_file
from kopa_graph.rdfio.formats import FORMATS
from kopa_graph.rdfio.namespaces import DCTERMS, KOPA, ORG, RDF, RDFS, SKOS
from kopa_graph.rdfio.ntriples import term_key
from kopa_graph.resources import shapes_paths

TEXT = {lang: messages(lang)["index"] for lang in LANGUAGES}


def _pilots(site: Site) -> list[URIRef]:
    g = site.graph
    return sorted((p for p in g.subjects(RDF.type, KOPA.Pilot) if isinstance(p, URIRef)),
                  key=lambda p: (min((int(str(s).rsplit(",", 1)[1]) for s in g.objects(p, DCTERMS.source)
                                      if "#line=" in str(s)), default=0), str(p)))


def _members(site: Site, pilot: URIRef) -> list[URIRef]:
    g = site.graph
    return sorted({o for m in g.subjects(ORG.organization, pilot) for o in g.objects(m, ORG.member)
                   if isinstance(o, URIRef)}, key=term_key)


def _label(site: Site, node: URIRef, lang: str) -> Value:
    """A picture's label of ``node``: its text, and its language (the page's when the label has none)."""
    text, tag = site.label(node, lang)
    return Value(text, tag or lang)


def _network_svg(site: Site, lang: str) -> Markup:
    pilots = _pilots(site)
    orgs = sorted({o for p in pilots for o in _members(site, p)}, key=lambda o: site.label(o, lang)[0])
    row = 18
    height = max(len(pilots), len(orgs)) * row + 40
    py = {p: 30 + i * (height - 40) / max(1, len(pilots)) for i, p in enumerate(pilots)}
    oy = {o: 30 + i * row for i, o in enumerate(orgs)}
    desc = "; ".join(f"{site.label(p, lang)[0]}: " + ", ".join(site.label(o, lang)[0] for o in _members(site, p))
                     for p in pilots)
    return fragment("network.svg.j2", height=height, title=TEXT[lang]["network"], desc=desc,
                    edges=[(py[p], oy[o]) for p in pilots for o in _members(site, p)],
                    pilots=[(py[p], _label(site, p, lang)) for p in pilots],
                    members=[(oy[o], _label(site, o, lang)) for o in orgs])


def _matrix_svg(site: Site, lang: str) -> Markup:
    g = site.graph
    pilots = _pilots(site)
    themes = sorted({t for p in pilots for t in g.objects(p, DCTERMS.subject) if isinstance(t, URIRef)},
                    key=lambda t: site.label(t, lang)[0])
    cell, left, top = 22, 200, 260
    width, height = left + cell * len(themes) + 220, top + cell * len(pilots) + 10  # room for the slanted labels
    rows = [{"y": top + i * cell, "label": _label(site, p, lang),
             "cells": [(left + j * cell, (p, DCTERMS.subject, th) in g) for j, th in enumerate(themes)]}
            for i, p in enumerate(pilots)]
    desc = "; ".join(f"{site.label(p, lang)[0]}: " + ", ".join(site.label(th, lang)[0] for th in themes
                                                               if (p, DCTERMS.subject, th) in g) for p in pilots)
    return fragment("matrix.svg.j2", width=width, height=height, top=top, left=left, cell=cell,
                    title=TEXT[lang]["matrix"], desc=desc, rows=rows,
                    themes=[(left + j * cell + cell / 2, _label(site, th, lang)) for j, th in enumerate(themes)])


def index_body(site: Site, lang: str, dists: list[Distribution], atlas: Atlas | None = None) -> str:
    g = site.graph
    here = f"index{lang_suffix(lang)}.html"
    pilots = [{"name": value(site, here, p, lang), "members": len(_members(site, p)),
               "themes": [value(site, here, th, lang) for th in sorted(g.objects(p, DCTERMS.subject),
                                                                      key=lambda x: site.label(x, lang)[0])],
               "regions": [value(site, here, r, lang) for a in g.objects(p, DCTERMS.spatial)
                           if str(a).endswith("_20260101") for r in sorted(g.objects(a, DCTERMS.hasPart), key=term_key)]}
              for p in _pilots(site)]
    downloads = [{"file": d.file, "media_type": d.media_type, "name": d.file.rsplit("/", 1)[-1], "size": d.size,
                  "title": d.title} for d in sorted(dists, key=lambda d: d.file)]
    ds = next(iter(sorted(g.subjects(RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")), key=str)))
    body = fragment("index.html.j2", t=TEXT[lang], pilots=pilots, network=_network_svg(site, lang),
                    map=country_map(site, atlas, lang, here) if atlas is not None else None,
                    matrix=_matrix_svg(site, lang), downloads=downloads, dataset=value(site, here, ds, lang),
                    suffix=lang_suffix(lang))
    switch = {code: f"index{lang_suffix(code)}.html" for code in LANGUAGES}
    return page(TEXT[lang]["title"], lang, lang, here, body, [(FORMATS["turtle"].media_type, "download/kopa.ttl")],
                None, switch)


def ontology_body(onto: Graph, lang: str) -> Markup:
    terms = []
    for term in sorted({s for s in onto.subjects(RDFS.isDefinedBy, None) if isinstance(s, URIRef)}, key=str):
        local = str(term).rsplit("#", 1)[-1]
        labels = {o.language: str(o) for o in onto.objects(term, RDFS.label) if isinstance(o, Literal)}
        defs = {o.language: str(o) for o in onto.objects(term, SKOS.definition) if isinstance(o, Literal)}
        label_lang = lang if lang in labels else "en"
        terms.append({"local": local, "lang": label_lang, "label": labels.get(label_lang, local),
                      "definition": defs.get(label_lang, ""),
                      "refines": sorted(str(o) for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.seeAlso)
                                        for o in onto.objects(term, p))})
    return fragment("ontology.html.j2", terms=terms)


def shapes_body(lang: str) -> Markup:
    from kopa_graph.rdfio.namespaces import SH

    g = Graph(bind_namespaces="none")
    for path in shapes_paths():
        parse_file(path, graph=g)
    shapes = []
    for shape in sorted({s for s in g.subjects(RDF.type, None) if (isinstance(s, URIRef)
                         and (s, RDF.type, SH.NodeShape) in g) or (s, RDF.type, SH.PropertyShape) in g}, key=str):
        messages = [str(m) for m in g.objects(shape, SH.message)]
        messages += [str(m) for c in g.objects(shape, SH.sparql) for m in g.objects(c, SH.message)]
        shapes.append({"name": str(shape).rsplit("#", 1)[-1], "message": " ".join(messages)})
    return fragment("shapes.html.j2", files=[p.name for p in shapes_paths()], shapes=shapes)
