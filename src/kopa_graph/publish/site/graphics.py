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


#: The width of a character of the pictures' sans-serif text, in ems: a generous average, so that a label's
#: box (a chip, a margin) is never narrower than its text (tests/test_pages.py measures them in Chromium).
EM_PER_CHAR = 0.62
NETWORK_WIDTH = 800


def text_width(text: str, size: float) -> float:
    """The width a label of ``text`` at ``size`` px is given in a picture."""
    return len(text) * size * EM_PER_CHAR


def _network_svg(site: Site, lang: str) -> Markup:
    """The pilots and their members: a row per pilot, its name and then its members as chips in the pilot's
    colour (network.svg.j2 holds the palette), wrapped to the picture's width; a reader follows a pilot
    along its row instead of along lines."""
    rows, y = [], 0.0
    for i, pilot in enumerate(_pilots(site)):
        y += 26
        top, chips, x = y, [], 0.0
        for org in sorted(_members(site, pilot), key=lambda o: site.label(o, lang)[0].casefold()):
            label = _label(site, org, lang)
            w = text_width(label.text, 12) + 16
            if x and x + w > NETWORK_WIDTH:
                x, y = 0.0, y + 28
            chips.append({"x": x, "y": y + 6, "w": w, "label": label})
            x += w + 6
        rows.append({"colour": i, "y": top, "label": _label(site, pilot, lang), "chips": chips})
        y += 28 + 10
    desc = "; ".join(f"{site.label(p, lang)[0]}: " + ", ".join(site.label(o, lang)[0] for o in _members(site, p))
                     for p in _pilots(site))
    return fragment("network.svg.j2", width=NETWORK_WIDTH, height=round(y + 4), title=TEXT[lang]["network"],
                    desc=desc, rows=rows)


def _matrix_svg(site: Site, lang: str) -> Markup:
    """Themes (columns, slanted labels) by pilot (rows): the margins are as wide as the longest label needs."""
    g = site.graph
    pilots = _pilots(site)
    themes = sorted({t for p in pilots for t in g.objects(p, DCTERMS.subject) if isinstance(t, URIRef)},
                    key=lambda t: site.label(t, lang)[0])
    longest = max((text_width(site.label(t, lang)[0], 11) for t in themes), default=0)
    cell = 22
    left = round(max((text_width(site.label(p, lang)[0], 12) for p in pilots), default=0) + 16)
    top = round(longest * 0.866 + 16)  # a label slanted by 60 degrees rises sin 60 of its length
    width = round(left + cell * len(themes) + longest * 0.5 + 16)  # and reaches cos 60 of it to the right
    height = top + cell * len(pilots) + 10
    rows = [{"y": top + i * cell, "label": _label(site, p, lang),
             "cells": [(left + j * cell, (p, DCTERMS.subject, th) in g) for j, th in enumerate(themes)]}
            for i, p in enumerate(pilots)]
    desc = "; ".join(f"{site.label(p, lang)[0]}: " + ", ".join(site.label(th, lang)[0] for th in themes
                                                               if (p, DCTERMS.subject, th) in g) for p in pilots)
    return fragment("matrix.svg.j2", width=width, height=height, top=top, left=left, cell=cell,
                    title=TEXT[lang]["matrix"], desc=desc, rows=rows,
                    themes=[(left + j * cell + cell / 2, _label(site, th, lang)) for j, th in enumerate(themes)])


def index_body(site: Site, lang: str, dists: list[Distribution], atlas: Atlas | None = None,
               endpoint: str | None = None, front_end: bool = False) -> str:
    """The index page in ``lang``. ``endpoint``: the SPARQL endpoint the page points to (``site
    --sparql-endpoint``); ``front_end``: the site is served by ``kopa-graph serve``, whose query editor and
    helper pages the page links to instead."""
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
                    suffix=lang_suffix(lang), endpoint=endpoint, front_end=front_end)
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
