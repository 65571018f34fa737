"""Turn checked source data into the RDF graph (see docs/model.md).

The graph has no blank nodes: every node has an IRI minted in
:mod:`kopa_graph.graph.iris`, which keeps every output deterministic and every node
addressable. :func:`build_graph` also returns where in ``data/`` each subject
came from, so a validation report can send a person to the right line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kopa_graph.errors import Location
from kopa_graph.geo.atlas import Atlas
from kopa_graph.graph.geometry import add_geometries
from kopa_graph.graph.iris import IRIs, article_line
from kopa_graph.graph.linkfacts import RegistryLinker
from kopa_graph.graph.terms import T
from kopa_graph.languages import NAMES_IN_ENGLISH
from kopa_graph.rdfio.namespaces import DCAT, DCTERMS, KOPA, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD, prefixes_for
from kopa_graph.rdfio.tripleset import TripleSet
from kopa_graph.settings import Settings
from kopa_graph.source.crosscheck import PROJECT_SOURCE
from kopa_graph.source.load import MUNICIPALITIES_DATASET
from kopa_graph.source.model import LEVELS, ORG_TYPES, PARTICIPANT, ROLES, THEMES, Organisation, SourceData, Term

_ISO639_1 = "http://id.loc.gov/vocabulary/iso639-1/"


@dataclass(frozen=True)
class BuiltGraph:
    """The graph and, for each subject minted from data/, where it was defined.

    The triples are built into a :class:`~kopa_graph.rdfio.tripleset.TripleSet`, which is all that
    ``kopa-graph build`` needs to validate and write them; :attr:`graph`, the same triples as an
    rdflib graph, is made the first time it is asked for (issue 18: at a million triples rdflib's
    ``Graph.add`` was the largest stage of the build).
    """

    triples: TripleSet
    origins: Mapping[URIRef, Location]
    #: Names left out by the profile without personal data: to be removed from any text copied
    #: verbatim (the article). Never written anywhere.
    withheld: tuple[str, ...] = ()
    #: The municipal boundaries of 2020 and today, for the site's maps (None: the data has none).
    atlas: Atlas | None = None

    @cached_property
    def graph(self) -> Graph:
        """The triples as an rdflib graph with the project's prefixes bound (made once, on first use)."""
        return self.triples.to_graph()


def new_graph(settings: Settings) -> Graph:
    """An empty graph with the project's prefixes bound."""
    g = Graph(bind_namespaces="none")
    for prefix, ns in prefixes_for(settings.id_base).items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


def new_triples(settings: Settings) -> TripleSet:
    """An empty :class:`TripleSet` whose rdflib graph will have the project's prefixes bound."""
    return TripleSet(prefixes_for(settings.id_base))



class _Builder:
    def __init__(self, data: SourceData, settings: Settings) -> None:
        self.data = data
        self.iri = IRIs(settings)
        self.g = new_triples(settings)
        self.origins: dict[URIRef, Location] = {}
        self.lang = data.article.language
        self.personal_data = settings.personal_data
        self.withheld: set[str] = set()
        # terms made again and again (lines, positions, the article's words): made once, each one shared
        self._lines: dict[int, URIRef] = {}
        self._written: dict[str, Literal] = {}
        self._numbers: dict[int, Literal] = {}
        self._concepts: dict[tuple[str, str], URIRef] = {}
        self._orgs: dict[str, URIRef] = {}

    # -- helpers -------------------------------------------------------------

    def add(self, s: URIRef, p: URIRef, o: Node) -> None:
        self.g.add((s, p, o))

    def subject(self, s: URIRef, loc: Location, *types: URIRef) -> URIRef:
        self.origins.setdefault(s, loc)
        for t in types:
            self.add(s, T.rdf_type, t)
        return s

    def labels(self, s: URIRef, p: URIRef, texts: Mapping[str, str]) -> None:
        for lang, text in texts.items():
            self.add(s, p, Literal(text, lang=lang))

    def alt_labels(self, s: URIRef, texts: Mapping[str, Iterable[str]]) -> None:
        for lang, values in texts.items():
            for text in values:
                self.add(s, SKOS.altLabel, Literal(text, lang=lang))

    def line(self, n: int) -> URIRef:
        found = self._lines.get(n)
        if found is None:
            found = self._lines[n] = article_line(self.data.article.url, n)
        return found

    def written(self, text: str) -> Literal:
        found = self._written.get(text)
        if found is None:
            found = self._written[text] = Literal(text, lang=self.lang)
        return found

    def number(self, n: int) -> Literal:
        found = self._numbers.get(n)
        if found is None:
            found = self._numbers[n] = Literal(n)
        return found

    def concept(self, scheme: str, concept_id: str) -> URIRef:
        found = self._concepts.get((scheme, concept_id))
        if found is None:
            found = self._concepts[scheme, concept_id] = self.iri.concept(scheme, concept_id)
        return found

    def org(self, org_id: str) -> URIRef:
        found = self._orgs.get(org_id)
        if found is None:
            found = self._orgs[org_id] = self.iri.organisation(self.data.organisations[org_id])
        return found

    # -- parts ---------------------------------------------------------------

    def build(self) -> BuiltGraph:
        self.schemes()
        self.sources()
        self.published()
        self.project()
        self.organisations()
        for pilot in self.data.pilots:
            self.pilot(pilot)
        self.claims()
        RegistryLinker(self.g, self.iri, self.data, self.add).link()
        add_geometries(self.iri, self.data, self.add)
        return BuiltGraph(self.g, self.origins, withheld=tuple(sorted(self.withheld)), atlas=self.data.atlas)

    def schemes(self) -> None:
        for scheme in self.data.schemes.values():
            s = self.subject(self.iri.scheme(scheme.id), scheme.loc, SKOS.ConceptScheme)
            self.labels(s, SKOS.prefLabel, scheme.labels)
            self.labels(s, SKOS.definition, scheme.definitions)
            for concept in scheme.concepts.values():
                c = self.subject(self.concept(scheme.id, concept.id), concept.loc, SKOS.Concept)
                if scheme.id == ROLES:
                    self.add(c, RDF.type, ORG.Role)  # what org:role expects (its range), besides a concept
                self.add(c, SKOS.inScheme, s)
                self.labels(c, SKOS.prefLabel, concept.labels)
                self.alt_labels(c, concept.alt_labels)
                self.labels(c, SKOS.definition, concept.definitions)
                for b in concept.broader:
                    self.add(c, SKOS.broader, self.concept(scheme.id, b))
                if not concept.broader:
                    self.add(c, SKOS.topConceptOf, s)
                    self.add(s, SKOS.hasTopConcept, c)

    def sources(self) -> None:
        a = self.data.article
        art = self.subject(URIRef(a.url), a.loc, SCHEMA.Article, PROV.Entity)
        self.add(art, DCTERMS.title, Literal(a.title, lang=a.language))
        self.term(art, self.data.glossary.article, "title", DCTERMS.title)
        self.add(art, DCTERMS.language, URIRef(_ISO639_1 + a.language))
        self.add(art, DCTERMS.publisher, self.org(a.publisher))
        for ds in self.data.datasets.values():
            d = self.subject(self.iri.dataset(ds.id), ds.loc, DCAT.Dataset, PROV.Entity)
            for lang, title in sorted(ds.titles.items()):
                self.add(d, DCTERMS.title, Literal(title, lang=lang))
            self.add(d, DCTERMS.license, URIRef(ds.licence))
            rights = self.iri.rights(ds.id)
            self.add(d, DCTERMS.rights, rights)
            self.add(rights, RDF.type, DCTERMS.RightsStatement)
            self.add(rights, RDFS.label, Literal(ds.rights, lang="en"))
            for src in ds.sources:
                self.add(d, DCTERMS.source, URIRef(src))

    def published(self) -> None:
        """The days of the dataset this graph is (project.yaml, ``dataset``): the one thing the graph says of
        itself, which its DCAT description repeats."""
        d = self.data.published
        s = self.subject(self.iri.dataset(), d.loc)
        self.add(s, DCTERMS.issued, Literal(d.issued.isoformat(), datatype=XSD.date))
        self.add(s, DCTERMS.modified, Literal(d.modified.isoformat(), datatype=XSD.date))

    def project(self) -> None:
        p = self.data.project
        s = self.subject(self.iri.project(p.id), p.loc, KOPA.NetworkProject, SCHEMA.Project,
                         ORG.OrganizationalCollaboration)
        self.labels(s, SKOS.prefLabel, p.names)
        self.alt_labels(s, p.alt_labels)
        self.labels(s, DCTERMS.description, p.descriptions)
        period = self.subject(self.iri.period(p.start, p.end), p.loc, DCTERMS.PeriodOfTime)
        self.add(period, DCAT.startDate, Literal(str(p.start), datatype=XSD.gYear))
        self.add(period, DCAT.endDate, Literal(str(p.end), datatype=XSD.gYear))
        self.add(s, DCTERMS.temporal, period)
        for page in p.pages:
            self.add(s, DCTERMS.source, URIRef(page))
        for m in p.members:
            org = self.data.organisations[m.organisation]
            ms = self.subject(self.iri.membership(p.id, org), m.loc, ORG.Membership)
            self.add(ms, ORG.member, self.org(m.organisation))
            self.add(self.org(m.organisation), ORG.hasMembership, ms)  # the member reaches it too
            self.add(ms, ORG.organization, s)
            self.add(ms, ORG.role, self.concept(ROLES, m.role))
            for page in p.pages:
                self.add(ms, DCTERMS.source, URIRef(page))

    def organisations(self) -> None:
        types = self.data.schemes[ORG_TYPES].concepts
        for org in self.data.organisations.values():
            s = self.subject(self.iri.organisation(org), org.loc, T.org_Organization)
            org_class = types[org.type].org_class
            if org_class and org_class != "Organization":
                self.add(s, T.rdf_type, ORG[org_class])
            self.add(s, T.org_classification, self.concept(ORG_TYPES, org.type))
            for lang, name in self.names(org).items():
                self.add(s, T.skos_prefLabel, Literal(name, lang=lang))
            self.alt_labels(s, org.alt_labels)
            if org.municipality_code:
                self.add(s, T.dct_identifier, Literal(org.municipality_code))
                self.add(s, T.dct_source, self.iri.dataset("municipalities-2020"))
            if org.part_of:
                self.add(s, T.org_subOrganizationOf, self.org(org.part_of))
            for src in org.sources:
                if src == PROJECT_SOURCE:
                    for page in self.data.project.pages:
                        self.add(s, T.dct_source, URIRef(page))
                else:
                    self.add(s, T.dct_source, self.iri.dataset(src))
            for page in org.pages:
                self.add(s, T.dct_source, URIRef(page))
            legal = self.data.glossary.legal_names.get(org.id)
            if legal is not None:
                self.term(s, legal, "legal name", SCHEMA.legalName)
            for lang in org.translated:
                self.add(s, T.skos_editorialNote, Literal(
                    f"The {NAMES_IN_ENGLISH[lang]} name {org.names[lang]!r} is kopa-graph's translation of the name "
                    "the article gives; no source found gives it.", lang="en"))

    def term(self, s: URIRef, term: Term | None, what: str, p: URIRef = SKOS.prefLabel) -> None:
        """The Finnish and English forms of a text the article writes in Swedish (glossary.yaml), as ``p``."""
        if term is None:
            return
        for lang, text in sorted(term.names.items()):
            self.add(s, p, Literal(text, lang=lang))
        for page in term.pages:
            self.add(s, DCTERMS.source, URIRef(page))
        if term.area is not None:
            area = term.area
            kind = "region" if area.classification.startswith("maakunta") else "sub-region"
            self.add(s, RDFS.seeAlso, self.iri.area(area.classification, area.code))
            self.add(s, DCTERMS.source, self.iri.dataset(MUNICIPALITIES_DATASET))
            self.add(s, SKOS.editorialNote, Literal(
                f"The article names the pilot after {kind} {area.code} ({area.names.get('fi', '')}): its Finnish "
                f"and English {what}s are that {kind}'s names in the classification {area.classification}.",
                lang="en"))
        for lang in term.translated:
            self.add(s, SKOS.editorialNote, Literal(
                f"The {NAMES_IN_ENGLISH[lang]} {what} {term.names[lang]!r} is kopa-graph's translation of the "
                f"{what} the article gives; no source found gives it.", lang="en"))
        for lang, text in sorted(term.notes.items()):
            self.add(s, SKOS.editorialNote, Literal(text, lang=lang))

    def names(self, org: Organisation) -> dict[str, str]:
        if org.municipality_code:
            m = self.data.municipalities[org.municipality_code]
            return {"sv": m.name_sv, "fi": m.name_fi, **({"en": m.name_en} if m.name_en else {})}
        return dict(org.names)

    def mentioned(self, org_id: str, as_written: str, line: int) -> None:
        """The article names ``org_id`` as ``as_written`` on ``line``: keep the form and the line."""
        s = self.org(org_id)
        self.add(s, T.dct_source, self.line(line))
        known = set(self.names(self.data.organisations[org_id]).values())
        if as_written not in known:
            self.add(s, T.skos_altLabel, self.written(as_written))

    def pilot(self, pilot) -> None:  # type: ignore[no-untyped-def]
        s = self.subject(self.iri.pilot(pilot.id), pilot.loc, T.kopa_Pilot, T.org_OrganizationalCollaboration,
                         T.schema_Project)
        self.add(s, T.skos_prefLabel, self.written(pilot.name))
        self.add(s, T.dct_isPartOf, self.iri.project(self.data.project.id))
        self.add(s, T.dct_source, self.line(pilot.line))
        self.term(s, self.data.glossary.pilots.get(pilot.id), "name")
        for position, m in enumerate(pilot.members, start=1):
            org = self.data.organisations[m.organisation]
            ms = self.subject(self.iri.membership(pilot.id, org), m.loc, T.org_Membership)
            self.add(ms, T.org_member, self.org(m.organisation))
            self.add(self.org(m.organisation), T.org_hasMembership, ms)  # the member reaches it too
            self.add(ms, T.org_organization, s)
            self.add(ms, T.org_role, self.concept(ROLES, PARTICIPANT))
            if m.role:
                self.add(ms, T.org_role, self.concept(ROLES, m.role))
            written = f"{m.as_written} ({m.role_as_written})" if m.role_as_written else m.as_written
            self.add(ms, T.kopa_asWritten, self.written(written))
            self.add(ms, T.schema_position, self.number(position))
            self.add(ms, T.dct_source, self.line(pilot.members_line))
            self.mentioned(m.organisation, m.as_written, pilot.members_line)
        self.keywords(s, pilot)
        position = 0
        for c in pilot.contacts:
            person = None
            if not self.personal_data or c.withhold:
                self.withheld.add(c.name)
            else:
                person = self.subject(self.iri.person(c.person), c.loc, T.foaf_Person)
                self.add(person, T.foaf_name, Literal(c.name))
                self.add(person, T.dct_source, self.line(pilot.contacts_line))
            for title in c.titles:
                position += 1
                post = self.subject(self.iri.post(pilot.id, position), c.loc, T.org_Post, T.schema_ContactPoint)
                self.add(post, T.skos_prefLabel, self.written(title))
                self.term(post, self.data.glossary.titles.get(title), "title")
                self.add(post, T.org_postIn, self.org(c.organisation))
                if person is not None:
                    self.add(post, T.org_heldBy, person)
                self.add(post, T.kopa_asWritten, self.written(c.organisation_as_written))
                self.add(post, T.schema_position, self.number(position))
                self.add(post, T.dct_source, self.line(pilot.contacts_line))
                self.add(s, T.schema_contactPoint, post)
            self.mentioned(c.organisation, c.organisation_as_written, pilot.contacts_line)

    def keywords(self, s: URIRef, pilot) -> None:  # type: ignore[no-untyped-def]
        """The pilot's keywords as written, each with its theme and the levels it lists, in order."""
        for position, k in enumerate(pilot.keywords, start=1):
            theme = self.concept(THEMES, k.theme)
            st = self.subject(self.iri.theme_statement(pilot.id, k.theme), k.loc, T.kopa_ThemeStatement)
            self.add(s, T.dct_subject, theme)
            self.add(s, T.kopa_themeStatement, st)
            self.add(st, T.kopa_theme, theme)
            for n, lv in enumerate(k.levels, start=1):
                level = self.concept(LEVELS, lv.level)
                self.add(st, T.schema_educationalLevel, level)
                # the levels in the article's order, each as written (the parentheses list them)
                item = self.subject(self.iri.level_item(pilot.id, k.theme, n), lv.loc, T.schema_ListItem)
                self.add(st, T.schema_itemListElement, item)
                self.add(item, T.schema_item, level)
                self.add(item, T.schema_position, self.number(n))
                self.add(item, T.kopa_asWritten, self.written(lv.as_written))
                self.add(item, T.dct_source, self.line(pilot.keywords_line))
            self.add(st, T.kopa_asWritten, self.written(k.as_written))
            self.add(st, T.schema_position, self.number(position))
            self.add(st, T.dct_source, self.line(pilot.keywords_line))

    def claims(self) -> None:
        for position, c in enumerate(self.data.claims, start=1):
            s = self.subject(self.iri.claim(c.id), c.loc, KOPA.StatedTotal, SCHEMA.Claim)
            self.add(s, KOPA.statedCount, Literal(c.count, datatype=XSD.integer))
            counted = KOPA[c.counts_class] if c.counts_class else self.concept(ORG_TYPES, c.counts_type or "")
            self.add(s, KOPA.countOf, counted)
            self.add(s, SCHEMA.text, self.written(c.text))
            self.term(s, self.data.glossary.claims.get(c.id), "text", SCHEMA.text)
            self.add(s, SCHEMA.position, self.number(position))
            self.add(s, DCTERMS.source, self.line(c.line))


def build_graph(data: SourceData, settings: Settings) -> BuiltGraph:
    """The RDF graph of ``data`` (not yet validated)."""
    return _Builder(data, settings).build()
