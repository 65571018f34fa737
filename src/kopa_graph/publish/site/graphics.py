"""The site's index (pilot table, network picture, theme matrix, downloads) and
the pages for the ontology and the shapes. Pictures are inline SVG with a
title and a description: readable without JavaScript, and with a text
alternative."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from kopa_graph.graph.dataset import Distribution
from kopa_graph.languages import LANGUAGES
from kopa_graph.publish.site.messages import messages
from kopa_graph.publish.site.pages import Site, esc, lang_suffix, page, value_html
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


def _network_svg(site: Site, lang: str) -> str:
    pilots = _pilots(site)
    orgs = sorted({o for p in pilots for o in _members(site, p)}, key=lambda o: site.label(o, lang)[0])
    row = 18
    height = max(len(pilots), len(orgs)) * row + 40
    py = {p: 30 + i * (height - 40) / max(1, len(pilots)) for i, p in enumerate(pilots)}
    oy = {o: 30 + i * row for i, o in enumerate(orgs)}
    t = TEXT[lang]
    lines = [f'<line x1="230" y1="{py[p]:.1f}" x2="470" y2="{oy[o]:.1f}" stroke="#9ab" stroke-width="1"/>'
             for p in pilots for o in _members(site, p)]
    nodes = [f'<text x="220" y="{py[p] + 4:.1f}" text-anchor="end" font-size="13" font-weight="bold"'
             f' lang="{site.label(p, lang)[1] or lang}">{esc(site.label(p, lang)[0])}</text>' for p in pilots]
    nodes += [f'<text x="480" y="{oy[o] + 4:.1f}" font-size="11" lang="{site.label(o, lang)[1] or lang}">'
              f'{esc(site.label(o, lang)[0])}</text>' for o in orgs]
    desc = "; ".join(f"{site.label(p, lang)[0]}: " + ", ".join(site.label(o, lang)[0] for o in _members(site, p))
                     for p in pilots)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="800" height="{height:.0f}" viewBox="0 0 800 {height}" role="img" '
            f'aria-labelledby="network-title network-desc"><title id="network-title">{esc(t["network"])}</title>'
            f'<desc id="network-desc">{esc(desc)}</desc>' + "".join(lines + nodes) + "</svg>")


def _matrix_svg(site: Site, lang: str) -> str:
    g = site.graph
    pilots = _pilots(site)
    themes = sorted({t for p in pilots for t in g.objects(p, DCTERMS.subject) if isinstance(t, URIRef)},
                    key=lambda t: site.label(t, lang)[0])
    cell, left, top = 22, 200, 260
    width, height = left + cell * len(themes) + 220, top + cell * len(pilots) + 10  # room for the slanted labels
    t = TEXT[lang]
    parts = []
    for j, th in enumerate(themes):
        x = left + j * cell + cell / 2
        parts.append(f'<text transform="translate({x:.1f},{top - 6}) rotate(-60)" font-size="11" '
                     f'lang="{site.label(th, lang)[1] or lang}">{esc(site.label(th, lang)[0])}</text>')
    for i, p in enumerate(pilots):
        y = top + i * cell
        parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" font-size="12" '
                     f'lang="{site.label(p, lang)[1] or lang}">{esc(site.label(p, lang)[0])}</text>')
        for j, th in enumerate(themes):
            filled = (p, DCTERMS.subject, th) in g
            parts.append(f'<rect x="{left + j * cell + 2}" y="{y + 2}" width="{cell - 4}" height="{cell - 4}" '
                         f'fill="{"#2a6f97" if filled else "#f1f3f5"}"/>')
    desc = "; ".join(f"{site.label(p, lang)[0]}: " + ", ".join(site.label(th, lang)[0] for th in themes
                                                               if (p, DCTERMS.subject, th) in g) for p in pilots)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="matrix-title matrix-desc"><title id="matrix-title">{esc(t["matrix"])}</title>'
            f'<desc id="matrix-desc">{esc(desc)}</desc>' + "".join(parts) + "</svg>")


def index_body(site: Site, lang: str, dists: list[Distribution]) -> str:
    g, t = site.graph, TEXT[lang]
    here = f"index{lang_suffix(lang)}.html"
    rows = []
    for p in _pilots(site):
        themes = ", ".join(value_html(site, here, th, lang)
                           for th in sorted(g.objects(p, DCTERMS.subject), key=lambda x: site.label(x, lang)[0]))
        regions = ", ".join(value_html(site, here, r, lang) for a in g.objects(p, DCTERMS.spatial)
                            if str(a).endswith("_20260101") for r in sorted(g.objects(a, DCTERMS.hasPart), key=term_key))
        rows.append(f"      <tr><td>{value_html(site, here, p, lang)}</td><td>{len(_members(site, p))}</td>"
                    f"<td>{themes}</td><td>{regions}</td></tr>")
    downloads = "\n".join(f'      <li><a href="{esc(d.file)}" type="{esc(d.media_type)}">{esc(d.file.rsplit("/", 1)[-1])}'
                          f"</a> ({d.size:,} bytes) — <span lang=\"en\">{esc(d.title)}</span></li>".replace(",", " ")
                          for d in sorted(dists, key=lambda d: d.file))
    ds = next(iter(sorted(g.subjects(RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")), key=str)))
    body = f"""    <h1>{esc(t["title"])}</h1>
    <p>{esc(t["intro"])}</p>
    <h2>{esc(t["pilots"])}</h2>
    <table id="pilots">
      <tr><th scope="col">{esc(t["pilots"])}</th><th scope="col">{esc(t["members"])}</th><th scope="col">{esc(t["themes"])}</th><th scope="col">{esc(t["regions"])}</th></tr>
{chr(10).join(rows)}
    </table>
    <figure>
      {_network_svg(site, lang)}
      <figcaption>{esc(t["network"])}</figcaption>
    </figure>
    <figure>
      {_matrix_svg(site, lang)}
      <figcaption>{esc(t["matrix"])}</figcaption>
    </figure>
    <h2>{esc(t["downloads"])}</h2>
    <ul>
{downloads}
      <li><a href="download/context.jsonld" type="application/ld+json">context.jsonld</a></li>
    </ul>
    <h2>{esc(t["about"])}</h2>
    <ul>
      <li>{value_html(site, here, ds, lang)} (DCAT, VoID: <a href="void.ttl" type="text/turtle">void.ttl</a>)</li>
      <li><a href="ontology/index{lang_suffix(lang)}.html">kopa ontology</a> · <a href="shapes/index{lang_suffix(lang)}.html">SHACL shapes</a> · <a href="source/article{lang_suffix(lang)}.html">source article</a> · <a href="sitemap.xml">sitemap.xml</a></li>
    </ul>"""
    switch = {code: f"index{lang_suffix(code)}.html" for code in LANGUAGES}
    return page(t["title"], lang, lang, here, body, [(FORMATS["turtle"].media_type, "download/kopa.ttl")], None, switch)


def ontology_body(onto: Graph, lang: str) -> str:
    terms = sorted({s for s in onto.subjects(RDFS.isDefinedBy, None) if isinstance(s, URIRef)}, key=str)
    parts = ['    <h1 lang="en">kopa ontology</h1>', '    <p><a href="kopa.ttl" type="text/turtle">kopa.ttl</a></p>']
    for term in terms:
        local = str(term).rsplit("#", 1)[-1]
        labels = {o.language: str(o) for o in onto.objects(term, RDFS.label) if isinstance(o, Literal)}
        defs = {o.language: str(o) for o in onto.objects(term, SKOS.definition) if isinstance(o, Literal)}
        supers = [str(o) for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.seeAlso) for o in onto.objects(term, p)]
        label_lang = lang if lang in labels else "en"
        parts.append(f'    <section id="{esc(local)}"><h2><code>kopa:{esc(local)}</code> — '
                     f'<span lang="{label_lang}">{esc(labels.get(label_lang, local))}</span></h2>')
        parts.append(f'      <p lang="{label_lang}">{esc(defs.get(label_lang, ""))}</p>')
        parts.append("      <p>" + " · ".join(f'<a href="{esc(s)}">{esc(s)}</a>' for s in sorted(supers)) + "</p>")
        parts.append("    </section>")
    return "\n".join(parts)


def shapes_body(lang: str) -> str:
    from kopa_graph.rdfio.namespaces import SH

    g = Graph(bind_namespaces="none")
    for path in shapes_paths():
        parse_file(path, graph=g)
    parts = ['    <h1 lang="en">kopa-graph SHACL shapes</h1>',
             "    <p>" + " · ".join(f'<a href="{p.name}" type="text/turtle">{p.name}</a>' for p in shapes_paths())
             + "</p>", "    <table>", '      <tr><th scope="col">shape</th><th scope="col">message</th></tr>']
    for shape in sorted({s for s in g.subjects(RDF.type, None) if (isinstance(s, URIRef)
                         and (s, RDF.type, SH.NodeShape) in g) or (s, RDF.type, SH.PropertyShape) in g}, key=str):
        messages = [str(m) for m in g.objects(shape, SH.message)]
        messages += [str(m) for c in g.objects(shape, SH.sparql) for m in g.objects(c, SH.message)]
        parts.append(f'      <tr id="{esc(str(shape).rsplit("#", 1)[-1])}"><td><code>{esc(str(shape).rsplit("#", 1)[-1])}'
                     f'</code></td><td lang="en">{esc(" ".join(messages))}</td></tr>')
    parts.append("    </table>")
    return "\n".join(parts)
