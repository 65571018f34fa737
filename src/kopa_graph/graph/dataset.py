"""The dataset's own description, in DCAT 3 and VoID, as the EU's profile DCAT-AP 3.0.0 asks: what
catalogues harvest.

Everything in it is computed from the graph, the release's files and the settings, never from the clock:
the same data gives the same description. Its days (``dct:issued``, ``dct:modified``) are the ones the
graph states of the dataset (``dataset`` in project.yaml); its languages are those of the graph's texts;
its statistics, property partitions and vocabularies are counted in the graph. The licence and the
publisher are settings with documented defaults.

DCAT-AP checks the class of values (``sh:class``) and a harvester has no copy of the vocabularies they
come from, so the description states the class of each term it uses from them, as DCAT-AP implementers
do: an EU language ``a dct:LinguisticSystem``, the EU data theme ``a skos:Concept`` with its labels, a
licence ``a dct:LicenseDocument``, a media type ``a dct:MediaType``, an EU file type ``a
dct:MediaTypeOrExtent``, a download or endpoint URL ``a rdfs:Resource`` (shapes/external/README.md).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kopa_graph.graph.iris import IRIs
from kopa_graph.languages import EU_LANGUAGE_CODES, LANGUAGES
from kopa_graph.rdfio.formats import FORMATS, PUBLISHED, SPARQL_FILE_TYPE
from kopa_graph.rdfio.namespaces import (
    DCAT,
    DCTERMS,
    FOAF,
    KOPA,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SKOS,
    VOID,
    XSD,
)
from kopa_graph.settings import DEFAULT_LICENCE, DEFAULT_PUBLISHER, Settings

VCARD = "http://www.w3.org/2006/vcard/ns#"
#: The EU's authority tables (EU Vocabularies), the controlled vocabularies DCAT-AP names.
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
EU_DATA_THEMES = EU_AUTHORITY + "data-theme"
EU_THEME_EDUCATION = EU_DATA_THEMES + "/EDUC"
EU_FINLAND = EU_AUTHORITY + "country/FIN"
EU_LANGUAGE = EU_AUTHORITY + "language/"
#: The labels EU Vocabularies gives the data theme and the country, in the graph's languages.
EDUCATION_LABELS = {"sv": "Utbildning, kultur och sport", "fi": "Koulutus, kulttuuri ja urheilu",
                    "en": "Education, culture and sport"}
FINLAND_LABELS = {"sv": "Finland", "fi": "Suomi", "en": "Finland"}
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
SHAPES_IRI = "https://w3id.org/kopa/shapes"

TITLES = {"sv": "Pilotförsöken inom nätverksprojektet Utbildning som tjänst (KOPA)",
          "fi": "Koulutus palveluna -verkostoprojektin (KOPA) pilotit",
          "en": "The pilots of the network project Education as a Service (KOPA)"}
#: What the dataset holds, in each language: {n} pilots, the project's {period}, the {contacts} (which the
#: profile without personal data words otherwise). The project's own description follows it.
ABOUT = {
    "sv": "De {n} regionala pilotförsöken inom KOPA ({period}) som en validerad, länkad kunskapsgraf: "
          "organisationer, medlemskap, {contacts}, teman och utbildningsnivåer, med källraden för varje uppgift "
          "och länkar till de nationella registren.",
    "fi": "KOPAn {n} alueellista pilottia ({period}) validoituna, linkitettynä tietograafina: organisaatiot, "
          "jäsenyydet, {contacts}, teemat ja koulutusasteet, kunkin tiedon lähderivi sekä linkit kansallisiin "
          "rekistereihin.",
    "en": "The {n} regional pilots of KOPA ({period}) as a validated, linked knowledge graph: organisations, "
          "memberships, {contacts}, themes and education levels, with the source line of every fact and links to "
          "the national registries.",
}
CONTACTS = {
    "sv": ("kontaktpersoner", "kontaktbefattningar (publicerade utan personuppgifter: namnen på dem som innehar "
                              "befattningarna är utelämnade)"),
    "fi": ("yhteyshenkilöt", "yhteyshenkilöiden tehtävät (julkaistu ilman henkilötietoja: tehtävien hoitajien "
                             "nimet on jätetty pois)"),
    "en": ("contacts", "contact posts (published without personal data: the names of the people holding them are "
                       "left out)"),
}


@dataclass(frozen=True)
class Distribution:
    file: str  # site-relative path
    media_type: str
    size: int
    title: str
    file_type: str  # its IRI in the EU's file types (rdfio.formats)


def describe(g: Graph, settings: Settings, distributions: list[Distribution], article_url: str,
             licence: str = DEFAULT_LICENCE, publisher: str = DEFAULT_PUBLISHER,
             sparql_endpoint: str | None = None) -> Graph:
    d = Graph(bind_namespaces="none")
    iris = IRIs(settings)
    ds = iris.dataset()
    add = d.add
    for t in (DCAT.Dataset, VOID.Dataset):
        add((ds, RDF.type, t))
    for lang, title in TITLES.items():
        add((ds, DCTERMS.title, Literal(title, lang=lang)))
    _about(d, ds, g, settings)
    agent = _publisher(d, ds, iris, publisher)
    licence_iri = _typed(d, URIRef(licence), DCTERMS.LicenseDocument)
    add((ds, DCTERMS.license, licence_iri))
    add((ds, PROV.wasDerivedFrom, URIRef(article_url)))
    for source in sorted(set(g.subjects(RDF.type, DCAT.Dataset)) - {ds}, key=str):  # the reference files
        add((ds, PROV.wasDerivedFrom, source))
    add((ds, DCTERMS.conformsTo, _typed(d, URIRef(SHAPES_IRI), DCTERMS.Standard)))
    _theme(d, ds)
    _labelled(d, ds, DCTERMS.spatial, EU_FINLAND, DCTERMS.Location, FINLAND_LABELS)
    for kw in ("education", "municipalities", "KOPA", "linked data"):
        add((ds, DCAT.keyword, Literal(kw, lang="en")))
    for period in _periods(g):  # the project's
        add((ds, DCTERMS.temporal, period))
        add((period, RDF.type, DCTERMS.PeriodOfTime))
        for p in (DCAT.startDate, DCAT.endDate):
            for year in g.objects(period, p):
                add((period, p, year))
    for p in (DCTERMS.issued, DCTERMS.modified):  # the days the graph states of itself (project.yaml)
        for day in g.objects(ds, p):
            add((ds, p, day))
    for lang in _languages(g):
        add((ds, DCTERMS.language, _typed(d, URIRef(EU_LANGUAGE + EU_LANGUAGE_CODES[lang]),
                                          DCTERMS.LinguisticSystem)))
    add((ds, DCAT.landingPage, _typed(d, iris.landing_page(), FOAF.Document)))
    add((ds, VOID.uriSpace, Literal(settings.id_base)))
    for vocabulary in _vocabularies(g):
        add((ds, VOID.vocabulary, vocabulary))
    _distributions(d, ds, iris, distributions, licence_iri)
    if sparql_endpoint:
        add((ds, VOID.sparqlEndpoint, URIRef(sparql_endpoint)))
        _sparql_service(d, ds, iris, URIRef(sparql_endpoint), licence_iri, agent)
    _statistics(d, ds, g, iris)
    _versions(d, ds, iris, settings)
    return d


#: DCAT 3's versioning terms (rdflib's DCAT namespace predates them).
DCAT3 = Namespace(str(DCAT))


def _versions(d: Graph, ds: URIRef, iris: IRIs, settings: Settings) -> None:
    """DCAT 3 versioning, when the release has a version (``--release-version``; ``--previous OUT``): the
    dataset is its current release (dcat:version, dcat:hasCurrentVersion) and links the one before
    (dcat:previousVersion); each release has an IRI of its own (dct:isVersionOf the dataset). Not
    dcat:hasVersion: DCAT-AP 3 wants its values to be whole dcat:Datasets, described apart."""
    if settings.version is None:
        return
    current = iris.version(settings.version)
    d.add((ds, DCAT3.version, Literal(settings.version)))
    d.add((ds, DCAT3.hasCurrentVersion, current))
    releases = [(current, settings.version)]
    if settings.previous_version is not None:
        previous = iris.version(settings.previous_version)
        d.add((ds, DCAT3.previousVersion, previous))
        d.add((current, DCAT3.previousVersion, previous))
        releases.append((previous, settings.previous_version))
    for release, version in releases:
        d.add((release, DCTERMS.isVersionOf, ds))
        d.add((release, DCAT3.version, Literal(version)))


def _typed(d: Graph, term: URIRef, cls: URIRef) -> URIRef:
    """``term``, with its class stated in the description (DCAT-AP's sh:class checks look there)."""
    d.add((term, RDF.type, cls))
    return term


def _labelled(d: Graph, ds: URIRef, p: URIRef, iri: str, cls: URIRef, labels: dict[str, str]) -> None:
    term = _typed(d, URIRef(iri), cls)
    d.add((ds, p, term))
    for lang, label in labels.items():
        d.add((term, SKOS.prefLabel, Literal(label, lang=lang)))


def _theme(d: Graph, ds: URIRef) -> None:
    """The EU data theme Education, culture and sport: a concept (DCAT-AP) of the EU's data-theme scheme (a
    concept belongs to one scheme, kopash:ConceptShape), with their names as EU Vocabularies gives them."""
    _labelled(d, ds, DCAT3.theme, EU_THEME_EDUCATION, SKOS.Concept, EDUCATION_LABELS)
    theme, scheme = URIRef(EU_THEME_EDUCATION), _typed(d, URIRef(EU_DATA_THEMES), SKOS.ConceptScheme)
    d.add((theme, SKOS.inScheme, scheme))
    d.add((scheme, SKOS.hasTopConcept, theme))
    for p in (SKOS.prefLabel, DCTERMS.title):
        d.add((scheme, p, Literal("Data theme", lang="en")))


def _periods(g: Graph) -> list[Node]:
    projects = sorted(g.subjects(RDF.type, KOPA.NetworkProject), key=str)
    return sorted({t for p in projects for t in g.objects(p, DCTERMS.temporal)}, key=str)


def _about(d: Graph, ds: URIRef, g: Graph, settings: Settings) -> None:
    """dct:description in each language: what the dataset holds (with the number of pilots and the project's
    years, counted in the graph), then what the project was (its own description, data/project.yaml)."""
    n = len(set(g.subjects(RDF.type, KOPA.Pilot)))
    years = sorted(str(y) for period in _periods(g) for p in (DCAT3.startDate, DCAT3.endDate)
                   for y in g.objects(period, p))
    period = f"{years[0]}–{years[-1]}" if years else ""
    projects = sorted(g.subjects(RDF.type, KOPA.NetworkProject), key=str)
    for lang in LANGUAGES:
        text = ABOUT[lang].format(n=n, period=period, contacts=CONTACTS[lang][0 if settings.personal_data else 1])
        if not period:
            text = text.replace(" ()", "")
        for project in projects:
            name = _in(g, project, SKOS.prefLabel, lang)
            about = _in(g, project, DCTERMS.description, lang)
            if name and about:
                text += f" {name}: {about}"
        d.add((ds, DCTERMS.description, Literal(text, lang=lang)))


def _in(g: Graph, s: Node, p: URIRef, lang: str) -> str | None:
    return next((str(o) for o in sorted(g.objects(s, p), key=str)
                 if isinstance(o, Literal) and o.language == lang), None)


def _languages(g: Graph) -> list[str]:
    """The languages of the graph's texts, in the order of kopa_graph.languages."""
    used = {o.language for o in g.objects() if isinstance(o, Literal) and o.language}
    return [lang for lang in LANGUAGES if lang in used]


def _namespace(iri: str) -> str:
    """The vocabulary a term belongs to: the longest of the project's namespaces it is in, else the IRI up to
    its last '#' or '/'."""
    known = [ns for ns in PREFIXES.values() if iri.startswith(ns) and len(iri) > len(ns)]
    if known:
        return max(known, key=len)
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[:cut + 1]


def _vocabularies(g: Graph) -> list[URIRef]:
    """void:vocabulary: every vocabulary whose predicates or classes the graph uses."""
    terms = {str(p) for p in g.predicates()} | {str(c) for c in g.objects(None, RDF.type) if isinstance(c, URIRef)}
    return sorted({URIRef(_namespace(t)) for t in terms}, key=str)


def _partition_name(iri: Node) -> str:
    """``prefix-localName`` of a term in the project's namespaces (``org-Membership``); else its IRI,
    escaped into one path segment by the IRI minter."""
    ns = _namespace(str(iri))
    prefix = next((p for p, n in PREFIXES.items() if n == ns), None)
    return f"{prefix}-{str(iri)[len(ns):]}" if prefix else str(iri)


def _publisher(d: Graph, ds: URIRef, iris: IRIs, publisher: str) -> URIRef:
    """The publisher (a foaf:Agent) and the dataset's contact point (a vCard organisation, which is a
    vcard:Kind: DCAT-AP asks for the class it names)."""
    add = d.add
    agent = iris.publisher()
    add((ds, DCTERMS.publisher, agent))
    add((agent, RDF.type, FOAF.Agent))
    add((agent, FOAF.name, Literal(publisher)))
    contact = iris.publisher_contact()
    add((ds, DCAT3.contactPoint, contact))
    for cls in ("Kind", "Organization"):
        add((contact, RDF.type, URIRef(VCARD + cls)))
    add((contact, URIRef(VCARD + "fn"), Literal(publisher)))
    add((contact, URIRef(VCARD + "hasURL"), URIRef(iris.site_base)))
    return agent


def _distributions(d: Graph, ds: URIRef, iris: IRIs, distributions: list[Distribution], licence: URIRef) -> None:
    """A dcat:Distribution for each file of the release, and a void:dataDump for each RDF one."""
    add = d.add
    rdf_media_types = {FORMATS[n].media_type for n in PUBLISHED}
    for dist in sorted(distributions, key=lambda x: x.file):
        node = iris.distribution(dist.file.rsplit("/", 1)[-1])
        url = _typed(d, iris.page(dist.file), RDFS.Resource)
        add((ds, DCAT3.distribution, node))
        add((node, RDF.type, DCAT3.Distribution))
        add((node, DCTERMS.title, Literal(dist.title, lang="en")))
        add((node, DCAT3.downloadURL, url))
        add((node, DCAT3.accessURL, url))
        add((node, DCAT3.mediaType, _typed(d, URIRef(IANA_MEDIA_TYPES + dist.media_type), DCTERMS.MediaType)))
        add((node, DCTERMS.format, _typed(d, URIRef(dist.file_type), DCTERMS.MediaTypeOrExtent)))
        add((node, DCAT3.byteSize, Literal(dist.size, datatype=XSD.nonNegativeInteger)))
        add((node, DCTERMS.license, licence))
        if dist.media_type in rdf_media_types:
            add((ds, VOID.dataDump, url))


def _sparql_service(d: Graph, ds: URIRef, iris: IRIs, endpoint: URIRef, licence: URIRef, agent: URIRef) -> None:
    """The SPARQL endpoint as DCAT 3 describes one: a distribution whose access service is a dcat:DataService
    with the endpoint's URL, serving the dataset by the SPARQL 1.1 protocol."""
    add = d.add
    node, service = iris.distribution("sparql"), iris.service("sparql")
    url = _typed(d, endpoint, RDFS.Resource)
    add((ds, DCAT3.distribution, node))
    add((node, RDF.type, DCAT3.Distribution))
    add((node, DCTERMS.title, Literal("The graph through its SPARQL endpoint", lang="en")))
    add((node, DCAT3.accessURL, url))
    add((node, DCAT3.accessService, service))
    add((node, DCTERMS.format, _typed(d, URIRef(SPARQL_FILE_TYPE), DCTERMS.MediaTypeOrExtent)))
    add((node, DCTERMS.license, licence))
    add((service, RDF.type, DCAT3.DataService))
    add((service, DCTERMS.title, Literal("The SPARQL endpoint of the KOPA pilots graph", lang="en")))
    add((service, DCAT3.endpointURL, url))
    add((service, DCAT3.servesDataset, ds))
    add((service, DCTERMS.conformsTo, _typed(d, URIRef(SPARQL_PROTOCOL), DCTERMS.Standard)))
    add((service, DCTERMS.license, licence))
    add((service, DCTERMS.publisher, agent))


def _statistics(d: Graph, ds: URIRef, g: Graph, iris: IRIs) -> None:
    def count(s: URIRef, p: URIRef, n: int) -> None:
        d.add((s, p, Literal(n, datatype=XSD.integer)))

    classes = Counter(o for _, o in g.subject_objects(RDF.type))
    predicates = Counter(p for _, p, _ in g)
    count(ds, VOID.triples, len(g))
    count(ds, VOID.distinctSubjects, len(set(g.subjects())))
    count(ds, VOID.distinctObjects, len(set(g.objects())))
    count(ds, VOID.properties, len(predicates))
    count(ds, VOID.classes, len(classes))
    count(ds, VOID.entities, len({s for s, _ in g.subject_objects(RDF.type)}))
    for cls, n in sorted(classes.items(), key=lambda kv: str(kv[0])):
        part = iris.class_partition(_partition_name(cls))
        d.add((ds, VOID.classPartition, part))
        d.add((part, VOID["class"], cls))
        count(part, VOID.entities, n)
    for p, n in sorted(predicates.items(), key=lambda kv: str(kv[0])):
        part = iris.property_partition(_partition_name(p))
        d.add((ds, VOID.propertyPartition, part))
        d.add((part, VOID.property, p))
        count(part, VOID.triples, n)
