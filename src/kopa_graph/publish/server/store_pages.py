"""``/doc/...`` under ``serve --sparql-endpoint``: each resource's page and RDF files made on demand from what
the remote store says, by the static site's own functions (:func:`kopa_graph.publish.site.build.document`,
:mod:`kopa_graph.publish.site.views`, :func:`kopa_graph.publish.site.pages.resource_body`), so that a page
over the store is the page the site has for the same graph.

What a page needs is read with bounded CONSTRUCT queries (each under the store's caps,
:mod:`kopa_graph.publish.remote`): the triples about the resource and those that link to it, then outward, the
triples about every node up to :data:`DEPTH` links away (and the links into the nodes next to it), enough for
the names, types and facts a page shows; and, for the maps, which municipalities each pilot's members are in.
Resources of the release's own description (the dataset, its distributions: ``dataset/...``) are not in the
store's data graph: their pages are the release's, as the whole-graph files (index, downloads, VoID,
sitemap) are. Only IRIs whose path is plain (:data:`PLAIN`) are asked for; any other is 404.
"""

from __future__ import annotations

import asyncio
import re
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.term import Node
from starlette.requests import Request
from starlette.responses import Response

from kopa_graph.geo.atlas import Atlas
from kopa_graph.graph.iris import documented
from kopa_graph.languages import LANGUAGES
from kopa_graph.publish import conneg
from kopa_graph.publish.site import maps
from kopa_graph.publish.site import pages as site_pages
from kopa_graph.publish.site import views as site_views
from kopa_graph.publish.site.build import RDF_FORMATS, document
from kopa_graph.publish.templating import Markup, fragment
from kopa_graph.query.worker import QueryFailed
from kopa_graph.rdfio.engine import parse_bytes, serialize
from kopa_graph.rdfio.formats import FORMATS
from kopa_graph.rdfio.jsonld import jsonld
from kopa_graph.rdfio.namespaces import DCTERMS, KOPA, ORG, RDF, prefixes_for

if TYPE_CHECKING:
    from kopa_graph.publish.remote import RemoteStore
    from kopa_graph.publish.server.app import ServerState
    from kopa_graph.validation.validate import Validated

#: Links followed outward from a resource for its page (3: a pilot, its memberships, their members, the
#: members' registrations and names).
DEPTH = 3
#: The most nodes asked about in one step; a page of a resource linked to more is made from these (by IRI).
MOST_NODES = 400
#: A resource path the queries hold as written: no character an IRI or a query would read otherwise.
PLAIN = re.compile(r"[A-Za-z0-9._~%!$&'()*+,;=:@/-]+")
_FIGURES = f"""PREFIX kopa: <{KOPA}>
PREFIX org: <{ORG}>
PREFIX dct: <{DCTERMS}>
CONSTRUCT {{ ?p a kopa:Pilot ; dct:source ?src . ?ms org:organization ?p ; org:member ?member .
             ?member org:hasSite ?site . ?site dct:spatial ?m . ?loc a dct:Location ; dct:identifier ?code }}
WHERE {{ {{ ?p a kopa:Pilot ; dct:source ?src }}
         UNION {{ ?p a kopa:Pilot . ?ms org:organization ?p ; org:member ?member .
                  ?member org:hasSite ?site . ?site dct:spatial ?m }}
         UNION {{ ?loc a dct:Location ; dct:identifier ?code }} }}"""


@dataclass(frozen=True)
class Release:
    """What pages over a store take from the release being served, not from the store: its description (the
    dataset and its distributions), the ontology's and kopa-graph's labels, the boundaries for the maps."""

    description: Graph
    labels: Graph  # the ontology and the labels kopa-graph gives terms (publish/site/labels.py)
    atlas: Atlas | None
    article_url: str
    base_iri: str
    id_base: str

    @classmethod
    def of(cls, validated: Validated) -> Release:
        """The release ``serve`` was given (the one published into the store)."""
        from kopa_graph.publish.description import release_description
        from kopa_graph.publish.site.labels import label_graph
        from kopa_graph.rdfio.namespaces import SCHEMA
        from kopa_graph.validation.validate import load_ontology

        settings = validated.settings
        article = next(iter(sorted(validated.graph.subjects(RDF.type, SCHEMA.Article), key=str)))
        return cls(release_description(validated.graph, settings).description, load_ontology() + label_graph(),
                   validated.built.atlas, str(article), settings.base_iri, settings.id_base)


async def _construct(store: RemoteStore, query: str) -> Graph:
    answer = await store.run(query, "json", "n-triples")
    return parse_bytes(answer.body, FORMATS["n-triples"], "the SPARQL store's answer")


def _values(nodes: list[URIRef]) -> str:
    return " ".join(f"<{n}>" for n in nodes)  # IRIs parsed from N-Triples: no '>' or space can be in them


async def neighbourhood(store: RemoteStore, iri: URIRef, id_base: str) -> Graph:
    """The triples about ``iri`` and the nodes up to :data:`DEPTH` links from it, and the triples that link
    to it and to the resources next to it."""
    found = Graph(bind_namespaces="none")
    frontier: set[Node] = {iri}
    seen: set[Node] = set()
    for depth in range(DEPTH + 1):
        nodes = sorted((n for n in frontier if isinstance(n, URIRef) and n not in seen), key=str)[:MOST_NODES]
        if not nodes:
            break
        seen.update(nodes)
        into = [n for n in nodes if depth < 2 and str(n).startswith(id_base)]
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ VALUES ?s {{ {_values(nodes)} }} ?s ?p ?o }}"
        query += f" UNION {{ VALUES ?o {{ {_values(into)} }} ?s ?p ?o }} }}" if into else " }"
        got = await _construct(store, query)
        found += got
        frontier = {o for o in got.objects()} | {s for s in got.subjects()}
    return found


def _figure(site: site_pages.Site, atlas: Atlas | None, iri: URIRef, lang: str, here: str) -> Markup | None:
    """As the static site's (:func:`kopa_graph.publish.site.build._figure`): a pilot's map, a municipality's."""
    if atlas is None:
        return None
    if (iri, RDF.type, KOPA.Pilot) in site.graph:
        return maps.pilot_map(site, atlas, iri, lang, here) or None
    return maps.locator_map(site, atlas, iri, lang) or None


def _site(release: Release, graph: Graph) -> site_pages.Site:
    site_graph = graph + release.description
    subjects = {s for s in site_graph.subjects() if isinstance(s, URIRef) and str(s).startswith(release.id_base)}

    def page_of(node: URIRef) -> str | None:
        return "doc/" + str(node)[len(release.id_base):] if node in subjects else None

    labels = site_pages.label_index(site_graph, release.labels)
    return site_pages.Site(site_graph, labels, release.base_iri, release.article_url, page_of)


def html(release: Release, graph: Graph, iri: URIRef, path: str, lang: str) -> str:
    """The page of ``iri`` in ``lang``, as the static site writes it (build._resource)."""
    site = _site(release, graph)
    desc = document(site.graph, iri, release.id_base)
    stem = path.rsplit("/", 1)[-1]
    embedded = jsonld(desc, release.id_base, pruned=True).decode("utf-8").replace("<", "\\u003c")
    here = f"{path}{site_pages.lang_suffix(lang)}.html"
    title, tag = site.label(iri, lang)
    view = site_views.view(site, iri, lang, here, _figure(site, release.atlas, iri, lang, here))
    body = site_pages.resource_body(site, iri, lang, here, desc, stem, view)
    switch = {code: f"{stem}{site_pages.lang_suffix(code)}.html" for code in LANGUAGES}
    alternates = [(mt, f"{stem}.{ext}") for ext, _, mt in RDF_FORMATS]
    return site_pages.page(title, tag, lang, here, body, alternates, embedded, switch)


def rdf(release: Release, graph: Graph, iri: URIRef, fmt: str) -> bytes:
    """The RDF file of ``iri``'s page in a published format, as the static site writes it."""
    desc = document(graph + release.description, iri, release.id_base)
    if fmt == "json-ld":
        return jsonld(desc, release.id_base, pruned=True)
    return serialize(desc, fmt, prefixes_for(release.id_base), release.id_base)


def _representation(path: str) -> tuple[str, str | None, str | None]:
    """``/doc/PATH`` as (the resource's path, the extension asked for or None, the page's language)."""
    for r in conneg.REPRESENTATIONS:
        if path.endswith(f".{r.extension}"):
            stem = path[: -len(r.extension) - 1]
            lang = LANGUAGES[0]
            if r.extension == "html":
                for code in LANGUAGES:
                    suffix = site_pages.lang_suffix(code)
                    if suffix and stem.endswith(suffix):
                        stem, lang = stem[: -len(suffix)], code
            return stem, r.extension, lang
    return path, None, None


def failed(request: Request, exc: QueryFailed) -> Response:
    """The store could not answer: the server's status for it (503 with ``Retry-After`` when it is down or
    slow, 502 when it fails or answers nonsense) in the JSON error shape, or as a page for a browser."""
    import json

    from kopa_graph.publish.server import pages
    from kopa_graph.publish.server.protocol import _failed

    answer = _failed(exc)
    if not conneg.wants_html(request.headers.get("accept")):
        return answer
    _, t = pages._ui(request)
    body = fragment("unavailable.html.j2", t=t, message=json.loads(bytes(answer.body))["error"])
    page = pages._page(request, t["error"], "doc", body, conneg.CSP, answer.status_code)
    if "retry-after" in answer.headers:
        page.headers["Retry-After"] = answer.headers["retry-after"]
    return page


async def document_page(request: Request, state: ServerState, release: Release) -> Response | None:
    """``/doc/PATH`` made from the store; None for a resource of the release's description (the caller serves
    the release's file); 404 where the store does not have the resource."""
    from kopa_graph.publish.remote import RemoteStore
    from kopa_graph.publish.server.site import _not_acceptable, not_found

    path = request.path_params["path"]
    stem, ext, lang = _representation(path)
    if not PLAIN.fullmatch(stem) or ".." in stem.split("/") or not isinstance(state.pool, RemoteStore):
        return not_found(request)
    iri = documented(release.id_base, stem)
    if any(True for _ in release.description.predicate_objects(iri)):
        return None
    from kopa_graph.publish.server.protocol import MAX_QUERIES_IN_FLIGHT

    if state.stopping or len(state.queries) >= MAX_QUERIES_IN_FLIGHT:  # counted with the queries in flight
        return failed(request, QueryFailed("busy", "the server is busy or shutting down; try again shortly"))
    task = asyncio.current_task()
    assert task is not None
    state.queries.add(task)
    try:
        graph = await neighbourhood(state.pool, iri, release.id_base)
        if any(True for _ in graph.predicate_objects(iri)) and release.atlas is not None:
            graph += await _construct(state.pool, _FIGURES)
    except QueryFailed as exc:
        return failed(request, exc)
    except asyncio.CancelledError:
        if not state.stopping:
            raise
        task.uncancel()  # cancelled by ServerState.stop: answered 503, not dropped
        return failed(request, QueryFailed("timeout", "the server is shutting down; try again shortly"))
    finally:
        state.queries.discard(task)
    if not any(True for _ in graph.predicate_objects(iri)):
        return not_found(request)
    headers = {"Link": conneg.link_header(urllib.parse.quote(f"/doc/{stem}", safe="/"))}
    if ext is None:
        chosen = conneg.choose(request.headers.get("accept"))
        headers["Vary"] = "Accept"
        if chosen is None:
            return _not_acceptable(state, {"Vary": "Accept"})
        ext, lang = chosen.extension, LANGUAGES[0]
    by_ext = {e: (fmt, mt) for e, fmt, mt in RDF_FORMATS}
    if ext in by_ext:  # rendering takes a second or more for a pilot's map: on a thread, off the event loop
        body = await asyncio.to_thread(rdf, release, graph, iri, by_ext[ext][0])
        return Response(body, media_type=by_ext[ext][1], headers=headers)
    page = await asyncio.to_thread(html, release, graph, iri, f"doc/{stem}", lang or LANGUAGES[0])
    return Response(page, media_type="text/html", headers=headers)
