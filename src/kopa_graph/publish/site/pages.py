"""HTML pages of the static site: one page per resource and language.

Every label carries its ``lang``; every IRI that has a page of its own links
to it; external IRIs (code lists, YSO, the article) link out; a fact's source
links to the line of the article it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kopa_graph.graph.labels import label
from kopa_graph.languages import LANGUAGES
from kopa_graph.publish.conneg import CSP_PAGE
from kopa_graph.publish.site.facts import Facts
from kopa_graph.publish.site.messages import messages
from kopa_graph.publish.templating import Markup, fragment, macro, render
from kopa_graph.rdfio.formats import FORMATS, PUBLISHED
from kopa_graph.rdfio.namespaces import DCAT, DCTERMS, KOPA, ORG, PREFIXES, RDF, RDFS, SCHEMA, SKOS, VOID
from kopa_graph.rdfio.ntriples import term_key
from kopa_graph.rdfio.oxbridge import by_subject
from kopa_graph.rdfio.tripleset import TripleSet

T = TypeVar("T")

FOAF_NAME = URIRef("http://xmlns.com/foaf/0.1/name")
VCARD_FN = URIRef("http://www.w3.org/2006/vcard/ns#fn")

LANG_NAMES = {lang: messages(lang)["language_name"] for lang in LANGUAGES}
UI = {lang: messages(lang)["page"] for lang in LANGUAGES}
VIEW = {lang: messages(lang)["view"] for lang in LANGUAGES}
#: How the graph says a label is kopa-graph's own translation (graph/build.py writes it as an editorial note).
TRANSLATION_NOTE = re.compile(r"'(.+)' is kopa-graph's translation of the ")


#: How many labels and values a :class:`Site` remembers at most between runs of pages (a few tens of megabytes).
REMEMBERED = 100_000


@dataclass
class Site:
    """What every page needs: the graph, labels, and where each resource's page is."""

    graph: Graph
    labels: Graph | TripleSet  # the names in the graph, the ontology (property labels) and more: label_index
    base: str  # the site's base IRI, e.g. https://w3id.org/kopa/
    article_url: str
    page_of: Callable[[URIRef], str | None]  # site-relative document path without extension, or None
    _labels: dict[tuple[Node, str], tuple[str, str | None]] = field(default_factory=dict, repr=False)
    _translations: set[tuple[Node, str]] | None = field(default=None, repr=False)
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)
    _shown: dict[tuple[int, str], dict[Node, Markup]] = field(default_factory=dict, repr=False, compare=False)
    facts: Facts = field(init=False, repr=False, compare=False)  # the graph's lookups, answered fast

    def __post_init__(self) -> None:
        self.facts = Facts(self.graph)

    def once(self, key: Any, make: Callable[[], T]) -> T:
        """What ``make`` gives, made once for this site (an index, a map's colours): every page asks again."""
        if key not in self._memo:
            self._memo[key] = make()
        found: T = self._memo[key]
        return found

    def forget(self, keep: int | None = None) -> None:
        """Let go of the labels and values remembered for the pages made so far once there are more than
        ``keep`` (a forked writer asks before each run of pages, whose resources share their neighbours: what a
        child remembered of the whole site at a million triples took it past the site's memory budget)."""
        if len(self._labels) + sum(len(known) for known in self._shown.values()) > (
                REMEMBERED if keep is None else keep):
            self._labels.clear()
            self._shown.clear()

    def label(self, node: Node, lang: str) -> tuple[str, str | None]:
        """A label of ``node`` in ``lang`` (or the best other), with its language tag."""
        key = (node, lang)
        if key not in self._labels:
            self._labels[key] = self._label(node, lang)
        return self._labels[key]

    def _label(self, node: Node, lang: str) -> tuple[str, str | None]:
        area = self._area(node, lang)
        if area is not None:
            return area
        found = label(self.labels, node, lang, NAMED_BY)
        if found is not None:
            return found
        if isinstance(node, URIRef):
            return self._fallback(node, lang)
        return str(node), None

    def _area(self, node: Node, lang: str) -> tuple[str, str | None] | None:
        """A pilot's area in a classification is named by the pilot and the classification's label in
        ``lang`` ("Birkaland: Landskap 2020"), not by its label's code ("Birkaland: maakunta_1_20200101")."""
        scheme = self.facts.value(node, DCTERMS.conformsTo)
        pilot = self.facts.value(predicate=DCTERMS.spatial, object=node)
        if scheme is None or pilot is None or (pilot, RDF.type, KOPA.Pilot) not in self.facts:
            return None
        (name, tag), (kind, kind_tag) = self.label(pilot, lang), self.label(scheme, lang)
        return f"{name}: {kind}", tag if tag == kind_tag else None

    def translated(self, node: Node, text: str) -> bool:
        """Whether ``text``, a label of ``node``, is kopa-graph's own translation (no source gives it)."""
        if self._translations is None:
            self._translations = {(s, m.group(1)) for s, o in self.graph.subject_objects(SKOS.editorialNote)
                                  for m in [TRANSLATION_NOTE.search(str(o))] if m}
        return (node, text) in self._translations

    def _fallback(self, node: URIRef, lang: str) -> tuple[str, str | None]:
        """Resources without a label are named by what they say: a name, the words as written, a code."""
        g = self.facts
        for p in (FOAF_NAME, VCARD_FN, KOPA.asWritten, SCHEMA.text, SKOS.notation):
            value = g.value(node, p)
            if isinstance(value, Literal):
                return str(value), value.language
        member, in_ = g.value(node, ORG.member), g.value(node, ORG.organization)
        if member is not None and in_ is not None:
            return f"{self.label(member, lang)[0]} – {self.label(in_, lang)[0]}", None
        start, end = g.value(node, DCAT.startDate), g.value(node, DCAT.endDate)
        if start is not None:  # a period: "2020 to 2021"
            return f"{start} – {end if end is not None else ''}".strip(), None
        part = g.value(node, VOID["class"]) or g.value(node, VOID.property)
        if part is not None:  # a partition of the dataset is named by its class or property
            return self.label(part, lang)
        holder = g.value(predicate=ORG.hasSite, object=node)
        if holder is not None:  # an organisation's site: "Otavia: site"
            return f"{self.label(holder, lang)[0]}: {self.label(ORG.Site, lang)[0]}", None
        if (node, RDF.type, ORG.ChangeEvent) in g:  # "Honkajoki, Kankaanpää → Kankaanpää (2021-01-01)"
            names = [", ".join(sorted(self.label(o, lang)[0] for o in g.objects(node, p)))
                     for p in (ORG.originalOrganization, ORG.resultingOrganization)]
            return f"{names[0]} → {names[1]} ({g.value(node, DCTERMS.date)})", None
        description = label(self.graph, node, lang, (DCTERMS.description,))
        if description is not None:  # an activity: the first words of what it does
            return re.split(r"[:.;]", description[0], maxsplit=1)[0], description[1]
        return qname(node), None


#: The properties that name a resource on the pages, the first with a label in a language first.
NAMED_BY = (SKOS.prefLabel, RDFS.label, DCTERMS.title)


def label_index(*graphs: Graph) -> TripleSet:
    """The triples of ``graphs`` that name something (:data:`NAMED_BY`): all a :class:`Site`'s ``labels`` is asked
    for. A few of the graph's triples, where their union was the whole graph copied twice more (at a million
    triples, a gigabyte and a tenth of a site's time); each subject's names in the order the union has them."""
    out = TripleSet()
    add = out.add
    for g in graphs:
        for s, po in by_subject(g).items():
            for p in NAMED_BY:
                for o in po.get(p, ()):
                    add((s, p, o))
    return out


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


@dataclass(frozen=True)
class Value:
    """A term as a page shows it (``macros.html.j2``'s ``value``): a link when it has an ``href``, its text
    alone when ``bare``, else a span; ``lang`` is the language of the text, when known."""

    text: str
    lang: str | None = None
    href: str | None = None
    bare: bool = False
    note: str | None = None  # shown after the text: its language where not the page's, "translation"


def value(site: Site, here: str, node: Node, lang: str) -> Markup:
    """``node`` as the page ``here`` in ``lang`` shows it (``macros.html.j2``'s ``value``): a literal as
    written, an IRI by its label, linked to its page (or to the line of the article it names). Made once per
    node, language and depth of ``here`` in the site (a link from ``here`` depends on nothing else)."""
    return shower(site, here, lang)(node)


def shower(site: Site, here: str, lang: str) -> Callable[[Node], Markup]:
    """:func:`value` for the page ``here`` in ``lang``, to call for each of its values."""
    known = site._shown.setdefault((here.count("/"), lang), {})

    def shown(node: Node) -> Markup:
        found = known.get(node)
        if found is None:
            found = known[node] = _written(_value_of(site, here, node, lang))
        return found
    return shown


def _value_of(site: Site, here: str, node: Node, lang: str) -> Value:
    if isinstance(node, Literal):
        return Value(str(node), node.language, note=_note(site, node, str(node), node.language, lang))
    if isinstance(node, URIRef) and str(node).startswith(site.article_url + "#line="):
        line = str(node).rsplit(",", 1)[-1]
        return Value(f"{UI[lang]['article_line']} {line}", None, href(site, here, node, lang))
    if isinstance(node, URIRef):
        text, tag = site.label(node, lang)
        return Value(text, tag, href(site, here, node, lang), note=_note(site, node, text, tag, lang))
    return Value(str(node), bare=True)


def named(site: Site, here: str, node: URIRef, by: Node, lang: str) -> Markup:
    """``node`` linked as :func:`value` links it, but named by ``by``'s label (a registry's entry by the name
    of its list: "Kunnat 2020")."""
    text, tag = site.label(by, lang)
    return _written(Value(text, tag, href(site, here, node, lang), note=_note(site, by, text, tag, lang)))


def _note(site: Site, node: Node, text: str, tag: str | None, lang: str) -> str | None:
    """What a reader of a page in ``lang`` is told of a text in ``tag``: its language, where that is another,
    and that it is kopa-graph's translation, where it is one."""
    parts = [tag] if tag and tag != lang else []
    if tag and site.translated(node, text):
        parts.append(VIEW[lang]["translated"])
    return ", ".join(parts) or None


@lru_cache(maxsize=1 << 16)
def _written(v: Value) -> Markup:
    """The value macro's markup for ``v``, made once per distinct value (a site shows the same few hundred
    labels and links on thousands of pages; a macro call per value made the pages 1.7 times slower)."""
    return Markup(macro("macros.html.j2", "value")(v))


def page(title: str, title_lang: str | None, lang: str, here: str, body: str, alternates: Iterable[tuple[str, str]],
         jsonld: str | None = None, switch: dict[str, str] | None = None, csp: str = CSP_PAGE) -> str:
    """A complete HTML5 document (``templates/page.html.j2``); ``body`` and ``jsonld`` are written as they
    are (HTML made and escaped already, and JSON-LD), everything else escaped. ``here`` is the page's path
    in the site, or ``/`` for a page answered at many addresses (a 404), whose links are then from the root."""
    def to(path: str) -> str:
        return "/" + path if here == "/" else rel(here, path)

    return render("page.html.j2", lang=lang, csp=csp, title=title,
                  title_lang=title_lang if title_lang != lang else None, style=to("style.css"),
                  alternates=list(alternates), jsonld=Markup(jsonld) if jsonld else None,
                  home=to("index" + lang_suffix(lang) + ".html"), home_text=UI[lang]["home"],
                  switch=list(switch.items()) if switch else None, names=LANG_NAMES,
                  body=Markup(body))


def resource_body(site: Site, iri: URIRef, lang: str, here: str, description: Graph | TripleSet, stem: str,
                  view: Markup | None = None, rows: Rows | None = None) -> Markup:
    """The body of ``iri``'s page (``templates/resource.html.j2``): its designed ``view``
    (:mod:`~kopa_graph.publish.site.views`) when it has one, then all its data: its types, its facts
    (``description``), the pages that link to it, and its other formats (``stem``.ttl, ...). ``rows``: what
    :func:`resource_rows` gives, where the caller has it already (for the page in another language)."""
    shown = shower(site, here, lang)
    title, tag = site.label(iri, lang)
    types, facts, incoming = rows if rows is not None else resource_rows(site, iri, description)
    return fragment("resource.html.j2", ui=UI[lang], all_data=VIEW[lang]["all_data"], view=view, title=title, title_lang=tag if tag != lang else None, iri=iri,
                    types=[shown(t) for t in types], facts=[(shown(p), [shown(v) for v in values]) for p, values in facts],
                    incoming=[(shown(s), shown(p)) for s, p in incoming], stem=stem,
                    formats=[FORMATS[n] for n in PUBLISHED])


#: What a resource's page shows of it, whatever the language: its types; its properties, each with its values; and
#: (subject, property) of the links to it from resources with a page; each in the order shown.
Rows = tuple[list[Node], list[tuple[Node, list[Node]]], list[tuple[Node, Node]]]


def resource_rows(site: Site, iri: URIRef, description: Graph | TripleSet) -> Rows:
    """The :data:`Rows` of ``iri``, whose document is ``description``: made once for its three pages."""
    about = by_subject(description).get(iri, {})
    return (sorted(site.facts.objects(iri, RDF.type), key=term_key),
            [(p, sorted(about[p], key=term_key)) for p in sorted((p for p in about if p != RDF.type), key=term_key)],
            [(s, p) for s, p in sorted(site.facts.subject_predicates(iri), key=lambda sp: (term_key(sp[1]), term_key(sp[0])))
             if isinstance(s, URIRef) and site.page_of(s) is not None])
