"""``kopa-graph site OUT``: the static linked-data site.

The site is written into a new release folder and switched in at OUT only when
complete (:mod:`kopa_graph.rdfio.release`), so a failed run leaves the previous site as
it was; the same graph always gives the same tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from kopa_graph.geo.atlas import Atlas
from kopa_graph.languages import LANGUAGES
from kopa_graph.progress import QUIET, Progress
from kopa_graph.publish import conneg
from kopa_graph.publish.description import redact, release_description, written_downloads
from kopa_graph.publish.diff import Snapshot
from kopa_graph.publish.site import forked, maps
from kopa_graph.publish.site import pages as site_pages
from kopa_graph.publish.site import views as site_views
from kopa_graph.publish.site.changes import changes_pages
from kopa_graph.publish.site.deploy import server_files
from kopa_graph.publish.site.facts import Facts, joined
from kopa_graph.publish.site.graphics import index_body
from kopa_graph.publish.site.labels import label_graph
from kopa_graph.publish.templating import Markup, fragment, render
from kopa_graph.rdfio.engine import parse_file, serialize
from kopa_graph.rdfio.formats import FORMATS, PUBLISHED
from kopa_graph.rdfio.jsonld import jsonld
from kopa_graph.rdfio.namespaces import KOPA, RDF, SCHEMA, prefixes_for
from kopa_graph.rdfio.ntriples import term_key
from kopa_graph.rdfio.release import SITE, new_release
from kopa_graph.rdfio.release import Release as NewRelease
from kopa_graph.rdfio.tripleset import TripleSet
from kopa_graph.resources import ontology_path, shapes_paths
from kopa_graph.settings import DEFAULT_LICENCE, DEFAULT_PUBLISHER, Settings
from kopa_graph.validation.validate import Validated, load_ontology

#: Below this many resources the pages are written in one process: forking would cost more than it saves.
FORK_FROM = 1000

#: Each page's RDF files: (extension, format name, media type) of the published formats.
RDF_FORMATS = tuple((FORMATS[n].suffix, n, FORMATS[n].media_type) for n in PUBLISHED)


@dataclass(frozen=True)
class SiteResult:
    out: Path
    pages: int
    resources: int


class _Writer:
    def __init__(self, release: NewRelease) -> None:
        self.release = release
        self.paths: list[str] = []

    def put(self, path: str, data: bytes | str) -> None:
        self.release.put(path, data)
        self.paths.append(path)

    def taken(self) -> list[str]:
        """The paths put since the last call (a forked child's, to send back)."""
        out, self.paths = self.paths, []
        return out


def build_site(validated: Validated, out: Path, licence: str = DEFAULT_LICENCE, publisher: str = DEFAULT_PUBLISHER,
               sparql_endpoint: str | None = None, progress: Progress = QUIET, front_end: bool = False,
               previous: Snapshot | None = None, jobs: int | None = None) -> SiteResult:
    """Write the site of a validated graph into ``out``: a new folder, or an empty one, or one a ``site``
    run made (:mod:`kopa_graph.rdfio.release`), which it replaces at once when complete. ``front_end``: the
    site is for ``kopa-graph serve``, and its index links to serve's query editor and helper pages.
    ``previous``: the release before, which the changes pages (``changes*.html``) compare with. ``jobs``:
    processes writing the resources' pages (None: one per core from :data:`FORK_FROM` resources, else one);
    the site is the same bytes whatever the number."""
    with new_release(Path(out), SITE, validated.data_dir, option="OUT") as release:
        w = _Writer(release)
        with progress.stage("downloads"):  # from the build's triples, before the rdflib graph takes their memory
            sizes = written_downloads(validated.built.triples, validated.settings, w.put)
        count = _write_site(w, validated.graph, validated.settings, licence, publisher, sparql_endpoint, progress,
                            redact(validated.article, validated.built.withheld), validated.built.atlas, front_end,
                            jobs, sizes)
        if previous is not None:  # the changes since the previous release (site --previous OUT)
            with progress.stage(f"compare with the previous release {previous.where}"):
                for path, page in changes_pages(previous, validated.graph, validated.settings).items():
                    w.put(path, page)
        _sitemap(w, validated.settings.base_iri)
        with progress.stage(f"save to {out}"):
            release.switch()
    return SiteResult(Path(out), len([p for p in w.paths if p.endswith(".html")]), count)


def _write_site(w: _Writer, g: Graph, settings: Settings, licence: str, publisher: str,
                sparql_endpoint: str | None, progress: Progress, article_text: str, atlas: Atlas | None = None,
                front_end: bool = False, jobs: int | None = None, sizes: dict[str, int] | None = None) -> int:
    id_base = settings.id_base
    prefixes = prefixes_for(id_base)
    article = next(iter(sorted(g.subjects(RDF.type, SCHEMA.Article), key=str)))
    with progress.stage("the dataset description"):
        release = release_description(g, settings, licence, publisher, sparql_endpoint, put=w.put, sizes=sizes)
    dists, description = release.distributions, release.description
    for ext, fmt, _ in RDF_FORMATS:
        w.put(f"void.{ext}", serialize(description, fmt, prefixes, id_base))
    w.put(".well-known/void", serialize(description, "turtle", prefixes, id_base))
    with joined(g, description) as site_graph:  # the graph and its description, not a copy
        labels = site_pages.label_index(site_graph, load_ontology(), label_graph())
        resources = sorted({s for s in site_graph.subjects() if isinstance(s, URIRef) and str(s).startswith(id_base)},
                           key=term_key)
        pages = {r: "doc/" + str(r)[len(id_base):] for r in resources}
        site = site_pages.Site(site_graph, labels, settings.base_iri, str(article), pages.get)

        endpoint = sparql_endpoint or ("/sparql" if front_end else None)
        first = len(LANGUAGES)  # the index pages come first: the largest pages, shared out with the resources'

        def write(start: int, stop: int) -> list[str]:
            site.forget()  # what a run remembers is for its own pages: a child's memory stays bounded
            for i in range(start, stop):
                if i < first:
                    lang = LANGUAGES[i]
                    w.put(f"index{site_pages.lang_suffix(lang)}.html",
                          index_body(site, lang, dists, atlas, endpoint, front_end))
                    continue
                iri = resources[i - first]
                _resource(w, site, iri, pages[iri], prefixes, id_base, atlas)
                w.put(pages[iri] + ".var", conneg.type_map(pages[iri].rsplit("/", 1)[-1]))
            return w.taken()

        def done(n: int) -> None:
            progress.count("resource pages", max(0, n - first), len(resources))

        jobs = forked.processes(len(resources), jobs, FORK_FROM)
        if jobs > 1:
            maps.prepare(site, atlas)
        before = w.taken()
        written = (forked.forked(first + len(resources), write, jobs, done) if jobs > 1
                   else forked.in_order(first + len(resources), write, done))
        w.paths = before + written
        _article_pages(w, article_text, str(article))
        _ontology_and_shapes(w, site)
        w.put("style.css", (files("kopa_graph.publish") / "templates" / "style.css").read_bytes())
        for path, text in server_files().items():
            w.put(path, text)
        return len(resources)


def _sitemap(w: _Writer, base_iri: str) -> None:
    """``sitemap.xml``: every page written (the changes pages too), none of the web servers' own files."""
    pages_html = sorted(p for p in w.paths if p.endswith(".html") and not p.startswith("_config/"))
    w.put("sitemap.xml", render("sitemap.xml.j2", urls=[base_iri + p for p in pages_html]))


def document(g: Graph | Facts, iri: URIRef, id_base: str) -> TripleSet:
    """The published document of ``iri``: the triples about it, the triples that link its neighbours to it,
    and the triples about each neighbour that has no document of its own (an IRI outside ``id_base``, such as
    a code-list entry, a YSO concept or Opintopolku's code, or a blank node): every triple of the dump is in
    the document of a resource it is about or links to, so following links from a pilot reaches its members
    (``tests/test_site.py`` holds it). A bare index, not an rdflib graph (whose adds were a fifth of a site's
    time): the writers and the page read it alike."""
    def outside(node: Node) -> bool:
        return isinstance(node, BNode) or (isinstance(node, URIRef) and not str(node).startswith(id_base))

    desc = TripleSet()
    add = desc.add
    neighbours: dict[Node, None] = {}  # in the order met, once each (the writers sort what they write)
    for p, o in g.predicate_objects(iri):
        add((iri, p, o))
        if outside(o):
            neighbours[o] = None
    for s, p in g.subject_predicates(iri):
        add((s, p, iri))
        if outside(s):
            neighbours[s] = None
    for n in neighbours:
        for p, o in g.predicate_objects(n):
            add((n, p, o))
    return desc


def _resource(w: _Writer, site: site_pages.Site, iri: URIRef, path: str, prefixes: dict[str, str], id_base: str,
              atlas: Atlas | None) -> None:
    desc = document(site.facts, iri, id_base)
    stem = path.rsplit("/", 1)[-1]
    as_jsonld = jsonld(desc, id_base, pruned=True)  # the page embeds the same document: made once
    for ext, fmt, _ in RDF_FORMATS:
        w.put(f"{path}.{ext}", as_jsonld if fmt == "json-ld" else serialize(desc, fmt, prefixes, id_base))
    # "<" only ever stands in a JSON string here: as \u003c nothing in the data can end the script
    # element or open a comment in it
    embedded = as_jsonld.decode("utf-8").replace("<", "\\u003c")
    rows = site_pages.resource_rows(site, iri, desc)  # the same for the three languages
    for lang in LANGUAGES:
        here = f"{path}{site_pages.lang_suffix(lang)}.html"
        title, tag = site.label(iri, lang)
        view = site_views.view(site, iri, lang, here, _figure(site, atlas, iri, lang, here))
        body = site_pages.resource_body(site, iri, lang, here, desc, stem, view, rows)
        switch = {code: f"{stem}{site_pages.lang_suffix(code)}.html" for code in LANGUAGES}
        alternates = [(mt, f"{stem}.{ext}") for ext, _, mt in RDF_FORMATS]
        w.put(here, site_pages.page(title, tag, lang, here, body, alternates, embedded, switch))


def _figure(site: site_pages.Site, atlas: Atlas | None, iri: URIRef, lang: str, here: str) -> Markup | None:
    """The picture a resource's view shows first: a pilot's map (its municipalities on the 2020 boundaries,
    linked) or a municipality's locator map; None for other resources, and where the data has no boundaries."""
    if atlas is None:
        return None
    if (iri, RDF.type, KOPA.Pilot) in site.facts:
        return maps.pilot_map(site, atlas, iri, lang, here) or None
    return maps.locator_map(site, atlas, iri, lang) or None


def _article_pages(w: _Writer, text: str, article_url: str) -> None:
    w.put("source/kopa-pilotforsok-sv.txt", text)
    body = fragment("article.html.j2", url=article_url, lines=text.splitlines())
    for lang in LANGUAGES:
        here = f"source/article{site_pages.lang_suffix(lang)}.html"
        switch = {code: f"article{site_pages.lang_suffix(code)}.html" for code in LANGUAGES}
        w.put(here, site_pages.page("KOPA: " + article_url.rsplit("/", 1)[-1], None, lang, here, body,
                                   [("text/plain", "kopa-pilotforsok-sv.txt")], None, switch))


def _ontology_and_shapes(w: _Writer, site: site_pages.Site) -> None:
    from kopa_graph.publish.site.graphics import ontology_body, shapes_body

    w.put("ontology/kopa.ttl", ontology_path().read_bytes())
    for path in shapes_paths():
        w.put(f"shapes/{path.name}", path.read_bytes())
    onto = parse_file(ontology_path())
    for lang in LANGUAGES:
        here = f"ontology/index{site_pages.lang_suffix(lang)}.html"
        switch = {code: f"index{site_pages.lang_suffix(code)}.html" for code in LANGUAGES}
        w.put(here, site_pages.page("kopa ontology", "en", lang, here, ontology_body(onto, lang),
                                   [(FORMATS["turtle"].media_type, "kopa.ttl")], None, switch))
        here = f"shapes/index{site_pages.lang_suffix(lang)}.html"
        w.put(here, site_pages.page("kopa-graph SHACL shapes", "en", lang, here, shapes_body(lang),
                                   [(FORMATS["turtle"].media_type, "kopa-shapes.ttl")], None, switch))
