"""The designed view at the top of a resource's page: what a reader asks first of a pilot, an organisation,
a municipality or a theme (``templates/view_*.html.j2``). The generic table of all the facts follows it
on the page (``resource.html.j2``).

Each view is made of the graph alone: a pilot's members through their memberships (the lead organisation
first, then in the article's order), an organisation's pilots and its role in each, a municipality's
regions in the code lists of 2020 and of today with the changes between, a theme's pilots with the
education levels each names. Every name is the label in the page's language (``Site.label``), marked
where it is in another language or is kopa-graph's own translation (``pages.value``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from rdflib import Literal, URIRef
from rdflib.term import Node

from kopa_graph.publish.site.pages import VIEW, Site, named, shower
from kopa_graph.publish.templating import Markup, fragment
from kopa_graph.rdfio.namespaces import ADMS, DCTERMS, KOPA, ORG, RDF, ROV, SCHEMA, SKOS
from kopa_graph.rdfio.ntriples import term_key

FOAF_NAME = URIRef("http://xmlns.com/foaf/0.1/name")
#: The role whose holder a pilot's member table lists first (data/vocabularies/roles.yaml).
LEAD_ROLE = "role/lead-organisation"
#: The properties that match a theme to YSO, strongest first.
MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


@dataclass(frozen=True)
class Context:
    """The page a view is for: the site, the page's path and its language."""

    site: Site
    here: str
    lang: str
    @cached_property
    def _shown(self) -> Callable[[Node], Markup]:
        return shower(self.site, self.here, self.lang)

    def show(self, node: Node | None) -> Markup:
        return self._shown(node) if node is not None else Markup("")

    def value(self, node: Node | None, p: URIRef) -> Node | None:
        """``node``'s ``p``, or ``None`` (also where ``node`` is ``None``: rdflib would take that as any)."""
        return None if node is None else self.site.facts.value(node, p)

    def objects(self, s: Node, p: URIRef) -> list[Node]:
        return sorted(self.site.facts.objects(s, p), key=self.order)

    def subjects(self, p: URIRef, o: Node) -> list[Node]:
        return sorted(self.site.facts.subjects(p, o), key=self.order)

    def order(self, node: Node | None) -> tuple[int, str, tuple[int, str, str, str]]:
        """Nodes in the order the graph gives them (schema:position), else by label, else by term."""
        if node is None:
            return (1 << 30, "", (0, "", "", ""))
        position = self.site.facts.value(node, SCHEMA.position)
        text = self.site.label(node, self.lang)[0] if isinstance(node, URIRef) else str(node)
        return (int(position) if isinstance(position, Literal) else 1 << 30, text.casefold(), term_key(node))


def _is_pilot(ctx: Context, iri: URIRef) -> bool:
    return (iri, RDF.type, KOPA.Pilot) in ctx.site.facts


def _is_municipality(ctx: Context, iri: URIRef) -> bool:
    g = ctx.site.facts
    return (iri, RDF.type, ORG.Organization) in g and (iri, RDF.type, DCTERMS.Location) in g


def _is_organisation(ctx: Context, iri: URIRef) -> bool:
    return (iri, RDF.type, ORG.Organization) in ctx.site.facts


def _is_theme(ctx: Context, iri: URIRef) -> bool:
    return (iri, KOPA.theme, None) not in ctx.site.facts and any(ctx.site.facts.subjects(KOPA.theme, iri))


def _lines(ctx: Context, node: Node) -> list[Markup]:
    """Links to the lines of the article that ``node`` comes from."""
    article = ctx.site.article_url + "#line="
    return [ctx.show(s) for s in ctx.objects(node, DCTERMS.source) if str(s).startswith(article)]


def _code(ctx: Context, org: Node | None) -> Node | None:
    """An organisation's code: a municipality's code, else its Business ID."""
    code = ctx.value(org, DCTERMS.identifier)
    return code if code is not None else ctx.value(ctx.value(org, ROV.registration), SKOS.notation)


def _roles(ctx: Context, membership: Node) -> list[Node]:
    """A membership's roles, without one another of them narrows (a lead organisation is a participant too)."""
    roles = ctx.objects(membership, ORG.role)
    broader = {b for r in roles for b in ctx.site.facts.objects(r, SKOS.broader)}
    return [r for r in roles if r not in broader]


def _is_lead(ctx: Context, membership: Node) -> bool:
    return any(str(r).endswith(LEAD_ROLE) for r in ctx.site.facts.objects(membership, ORG.role))


def pilot_view(ctx: Context, iri: URIRef, figure: Markup | None) -> Markup:
    """A pilot: its map (``figure``, when there is one), members (the lead first), themes with their
    education levels, contact posts, areas and the article's lines it comes from."""
    g = ctx.site.facts
    memberships = ctx.subjects(ORG.organization, iri)
    memberships.sort(key=lambda m: not _is_lead(ctx, m))  # stable: the lead first, then in the article's order
    members = [{"name": ctx.show(g.value(m, ORG.member)),
                "type": ctx.show(ctx.value(g.value(m, ORG.member), ORG.classification)),
                "code": ctx.show(_code(ctx, g.value(m, ORG.member))), "roles": [ctx.show(r) for r in _roles(ctx, m)],
                "lead": _is_lead(ctx, m), "lines": _lines(ctx, m)}
               for m in memberships]
    themes = [{"theme": ctx.show(g.value(st, KOPA.theme)),
               "levels": [ctx.show(lv) for lv in ctx.objects(st, SCHEMA.educationalLevel)],
               "written": ctx.show(g.value(st, KOPA.asWritten)), "lines": _lines(ctx, st)}
              for st in ctx.objects(iri, KOPA.themeStatement)]
    contacts = [{"post": ctx.show(c), "person": ctx.show(ctx.value(g.value(c, ORG.heldBy), FOAF_NAME)),
                 "organisation": ctx.show(g.value(c, ORG.postIn)), "lines": _lines(ctx, c)}
                for c in ctx.objects(iri, SCHEMA.contactPoint)]
    areas = [{"area": ctx.show(a), "parts": [ctx.show(p) for p in ctx.objects(a, DCTERMS.hasPart)]}
             for a in ctx.objects(iri, DCTERMS.spatial)]
    return fragment("view_pilot.html.j2", v=VIEW[ctx.lang], figure=figure, members=members, themes=themes,
                    contacts=contacts, areas=areas, lines=_lines(ctx, iri))


def _identifiers(ctx: Context, org: URIRef) -> list[dict[str, object]]:
    """An organisation's identifiers: the registry, the value, who issues it, and the registry's public pages
    of it that the graph names (``dct:references``: the code-list entries of a municipality code)."""
    g = ctx.site.facts
    return [{"scheme": ctx.show(g.value(i, DCTERMS.type)), "value": ctx.show(g.value(i, SKOS.notation)),
             "agency": ctx.show(_in_language(ctx, i, ADMS.schemeAgency)),
             "pages": [named(ctx.site, ctx.here, r, g.value(r, SKOS.inScheme) or r, ctx.lang)
                       for r in ctx.objects(i, DCTERMS.references) if isinstance(r, URIRef)]}
            for i in ctx.objects(org, ADMS.identifier)]


def _in_language(ctx: Context, node: Node, p: URIRef) -> Literal | None:
    """The literal of ``node``'s ``p`` in the page's language, else the first."""
    found = ctx.objects(node, p)
    return next((o for o in found if isinstance(o, Literal) and o.language == ctx.lang),
                found[0] if found and isinstance(found[0], Literal) else None)


def organisation_view(ctx: Context, iri: URIRef, figure: Markup | None) -> Markup:
    """An organisation: the pilots it takes part in with its role in each, its type, identifiers, its
    municipality, the organisation it is part of and its units, and the posts in it."""
    g = ctx.site.facts
    pilots = [{"pilot": ctx.show(g.value(m, ORG.organization)), "roles": [ctx.show(r) for r in _roles(ctx, m)],
               "written": ctx.show(g.value(m, KOPA.asWritten)), "lines": _lines(ctx, m)}
              for m in sorted(g.objects(iri, ORG.hasMembership), key=lambda m: ctx.order(g.value(m, ORG.organization)))]
    municipality = None
    if not _is_municipality(ctx, iri):
        municipality = ctx.value(g.value(iri, ORG.hasSite), DCTERMS.spatial)
    return fragment("view_organisation.html.j2", v=VIEW[ctx.lang], pilots=pilots,
                    types=[ctx.show(t) for t in ctx.objects(iri, ORG.classification)],
                    identifiers=_identifiers(ctx, iri), municipality=ctx.show(municipality) if municipality else None,
                    parents=[ctx.show(p) for p in ctx.objects(iri, ORG.subOrganizationOf)],
                    units=[ctx.show(u) for u in ctx.subjects(ORG.subOrganizationOf, iri)],
                    posts=[{"post": ctx.show(c), "pilot": ctx.show(g.value(predicate=SCHEMA.contactPoint, object=c))}
                           for c in ctx.subjects(ORG.postIn, iri)],
                    municipal=municipality_view(ctx, iri, figure) if _is_municipality(ctx, iri) else None)


def municipality_view(ctx: Context, iri: URIRef, figure: Markup | None) -> Markup:
    """A municipality: its locator map (``figure``), its entries in the code lists of 2020 and of today with
    the region and sub-region each places it in, and the changes (mergers, moves) between."""
    g = ctx.site.facts
    entries = []
    for ident in ctx.objects(iri, ADMS.identifier):
        for entry in ctx.objects(ident, DCTERMS.references):
            parts = ctx.objects(entry, DCTERMS.isPartOf)
            entries.append({"list": ctx.show(g.value(entry, SKOS.inScheme)), "entry": ctx.show(entry),
                            "code": ctx.show(g.value(entry, SKOS.notation)),
                            "region": [ctx.show(p) for p in parts if "/maakunta_" in str(p)],
                            "subregion": [ctx.show(p) for p in parts if "/seutukunta_" in str(p)]})
    changes = [{"date": ctx.show(g.value(c, DCTERMS.date)),
                "description": ctx.show(_in_language(ctx, c, DCTERMS.description)),
                "result": [ctx.show(r) for r in ctx.objects(c, ORG.resultingOrganization)], "change": ctx.show(c)}
               for c in ctx.objects(iri, ORG.changedBy)]
    return fragment("view_municipality.html.j2", v=VIEW[ctx.lang], figure=figure, entries=entries, changes=changes)


def theme_view(ctx: Context, iri: URIRef, figure: Markup | None) -> Markup:
    """A theme: the pilots that name it, with the education levels each names, and its matches in YSO."""
    g = ctx.site.facts
    statements = sorted(g.subjects(KOPA.theme, iri),
                        key=lambda st: ctx.order(g.value(predicate=KOPA.themeStatement, object=st)))
    pilots = [{"pilot": ctx.show(g.value(predicate=KOPA.themeStatement, object=st)),
               "levels": [ctx.show(lv) for lv in ctx.objects(st, SCHEMA.educationalLevel)],
               "written": ctx.show(g.value(st, KOPA.asWritten)), "lines": _lines(ctx, st)} for st in statements]
    matches = [{"kind": ctx.show(p), "concept": ctx.show(o)} for p in MATCHES for o in ctx.objects(iri, p)]
    return fragment("view_theme.html.j2", v=VIEW[ctx.lang], pilots=pilots, matches=matches)


#: Each kind of resource with its view, the first that fits a resource giving its page's view.
VIEWS: tuple[tuple[Callable[[Context, URIRef], bool], Callable[[Context, URIRef, Markup | None], Markup]], ...] = (
    (_is_pilot, pilot_view), (_is_organisation, organisation_view), (_is_theme, theme_view))


def view(site: Site, iri: URIRef, lang: str, here: str, figure: Markup | None = None) -> Markup | None:
    """The designed view of ``iri``'s page, or ``None`` for a kind of resource that has none (the page shows
    all its data alone). ``figure`` is the picture the view places first: a pilot's map, a municipality's
    locator map (``None`` leaves the place empty)."""
    ctx = Context(site, here, lang)
    for fits, make in VIEWS:
        if fits(ctx, iri):
            return make(ctx, iri, figure)
    return None

