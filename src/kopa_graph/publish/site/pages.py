"""HTML pages of the static site: one page per resource and language.

Every label carries its ``lang``; every IRI that has a page of its own links
to it; external IRIs (code lists, YSO, the article) link out; a fact's source
links to the line of the article it came from.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kopa_graph.graph.labels import label
from kopa_graph.languages import LANGUAGES
from kopa_graph.publish.conneg import CSP_PAGE
from kopa_graph.publish.site.messages import messages
from kopa_graph.publish.templating import Markup, render
from kopa_graph.rdfio.formats import FORMATS, PUBLISHED
from kopa_graph.rdfio.namespaces import DCTERMS, KOPA, ORG, PREFIXES, RDF, RDFS, SCHEMA, SKOS
from kopa_graph.rdfio.ntriples import term_key

FOAF_NAME = URIRef("http://xmlns.com/foaf/0.1/name")

LANG_NAMES = {lang: messages(lang)["language_name"] for lang in LANGUAGES}
UI = {lang: messages(lang)["page"] for lang in LANGUAGES}


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


@dataclass
class Site:
    """What every page needs: the graph, labels, and where each resource's page is."""

    graph: Graph
    labels: Graph  # the graph plus the ontology (for property labels)
    base: str  # the site's base IRI, e.g. https://w3id.org/kopa/
    article_url: str
    page_of: Callable[[URIRef], str | None]  # site-relative document path without extension, or None

    def label(self, node: Node, lang: str) -> tuple[str, str | None]:
        """A label of ``node`` in ``lang`` (or the best other), with its language tag."""
        found = label(self.labels, node, lang, (SKOS.prefLabel, RDFS.label, DCTERMS.title))
        if found is not None:
            return found
        if isinstance(node, URIRef):
            return self._fallback(node, lang)
        return str(node), None

    def _fallback(self, node: URIRef, lang: str) -> tuple[str, str | None]:
        """Resources without a label are named by what they say: a name, the words as written, a code."""
        g = self.graph
        for p in (FOAF_NAME, KOPA.asWritten, SCHEMA.text, SKOS.notation):
            value = g.value(node, p)
            if isinstance(value, Literal):
                return str(value), value.language
        member, in_ = g.value(node, ORG.member), g.value(node, ORG.organization)
        if member is not None and in_ is not None:
            return f"{self.label(member, lang)[0]} – {self.label(in_, lang)[0]}", None
        return qname(node), None


def qname(iri: URIRef) -> str:
    text = str(iri)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns) and len(text) > len(ns):
            return f"{prefix}:{text[len(ns):]}"
    return text


def rel(from_page: str, to_page: str) -> str:
    """A relative link from one site path to another (both relative to the site root)."""
    up = from_page.count("/")
    return "../" * up + to_page


def href(site: Site, here: str, iri: URIRef, lang: str) -> str | None:
    page = site.page_of(iri)
    if page is not None:
        return rel(here, page + lang_suffix(lang) + ".html")
    text = str(iri)
    if text.startswith(site.article_url + "#line="):
        line = text.rsplit(",", 1)[-1]
        return rel(here, f"source/article{lang_suffix(lang)}.html#L{line}")
    if text.startswith(("http://", "https://")):
        return text
    return None


def lang_suffix(lang: str) -> str:
    return "" if lang == "sv" else f".{lang}"


def value_html(site: Site, here: str, node: Node, lang: str) -> str:
    if isinstance(node, Literal):
        attr = f' lang="{esc(node.language)}"' if node.language else ""
        return f"<span{attr}>{esc(node)}</span>"
    if isinstance(node, URIRef) and str(node).startswith(site.article_url + "#line="):
        line = str(node).rsplit(",", 1)[-1]
        word = UI[lang]["article_line"]
        return f'<a href="{esc(href(site, here, node, lang))}">{esc(word)} {esc(line)}</a>'
    if isinstance(node, URIRef):
        text, tag = site.label(node, lang)
        attr = f' lang="{esc(tag)}"' if tag else ""
        link = href(site, here, node, lang)
        return f'<a href="{esc(link)}"{attr}>{esc(text)}</a>' if link else f"<span{attr}>{esc(text)}</span>"
    return esc(node)


def page(title: str, title_lang: str | None, lang: str, here: str, body: str, alternates: Iterable[tuple[str, str]],
         jsonld: str | None = None, switch: dict[str, str] | None = None) -> str:
    """A complete HTML5 document (``templates/page.html.j2``); ``body`` and ``jsonld`` are written as they
    are (HTML made and escaped already, and JSON-LD), everything else escaped."""
    tattr = f' lang="{esc(title_lang)}"' if title_lang and title_lang != lang else ""
    return render("page.html.j2", lang=lang, csp=CSP_PAGE, title=title, title_attr=Markup(tattr),
                  style=rel(here, "style.css"), alternates=list(alternates),
                  jsonld=Markup(jsonld) if jsonld else None, home=rel(here, "index" + lang_suffix(lang) + ".html"),
                  home_text=UI[lang]["home"], switch=list(switch.items()) if switch else None, names=LANG_NAMES,
                  body=Markup(body))


def resource_body(site: Site, iri: URIRef, lang: str, here: str, description: Graph) -> str:
    ui = UI[lang]
    title, tag = site.label(iri, lang)
    tattr = f' lang="{esc(tag)}"' if tag and tag != lang else ""
    types = " · ".join(value_html(site, here, t, lang) for t in sorted(site.graph.objects(iri, RDF.type), key=term_key))
    rows = []
    for p in sorted({p for p in description.predicates(iri, None) if p != RDF.type}, key=term_key):
        values = sorted(description.objects(iri, p), key=term_key)
        cells = "<br>".join(value_html(site, here, v, lang) for v in values)
        rows.append(f"      <tr><th scope=\"row\">{value_html(site, here, p, lang)}</th><td>{cells}</td></tr>")
    incoming = []
    for s, p in sorted(site.graph.subject_predicates(iri), key=lambda sp: (term_key(sp[1]), term_key(sp[0]))):
        if isinstance(s, URIRef) and site.page_of(s) is not None:
            incoming.append(f"      <tr><td>{value_html(site, here, s, lang)}</td>"
                            f"<td>{value_html(site, here, p, lang)}</td></tr>")
    parts = [f'    <h1{tattr}>{esc(title)}</h1>',
             f'    <p class="types">{types}</p>',
             f'    <p class="iri">{esc(ui["iri"])}: <code>{esc(iri)}</code></p>',
             f'    <h2>{esc(ui["outgoing"])}</h2>',
             f'    <table>\n      <tr><th scope="col">{esc(ui["property"])}</th><th scope="col">{esc(ui["value"])}</th></tr>',
             *rows, "    </table>"]
    if incoming:
        parts += [f'    <h2>{esc(ui["incoming"])}</h2>',
                  f'    <table>\n      <tr><th scope="col">{esc(ui["from"])}</th><th scope="col">{esc(ui["property"])}</th></tr>',
                  *incoming, "    </table>"]
    return "\n".join(parts)


def formats_html(lang: str, stem: str) -> str:
    ui = UI[lang]
    items = " · ".join(f'<a href="{esc(stem)}.{f.suffix}" type="{f.media_type}">{f.title}</a>'
                       for f in (FORMATS[n] for n in PUBLISHED))
    return f"    <p class=\"formats\">{esc(ui['formats'])}: {items}</p>"
