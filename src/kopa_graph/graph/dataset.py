"""The dataset's own description, in DCAT 3 and VoID: what catalogues harvest.

Statistics are computed from the graph; distributions carry their media type
and byte size; the licence and publisher are settings with documented defaults.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from kopa_graph.graph.iris import IRIs
from kopa_graph.rdfio.formats import FORMATS, PUBLISHED
from kopa_graph.rdfio.namespaces import DCAT, DCTERMS, FOAF, KOPA, PREFIXES, RDF, VOID, XSD
from kopa_graph.settings import DEFAULT_LICENCE, DEFAULT_PUBLISHER, Settings

#: Documented defaults (``kopa-graph site --licence/--publisher``).
VCARD = "http://www.w3.org/2006/vcard/ns#"
EU_THEME_EDUCATION = "http://publications.europa.eu/resource/authority/data-theme/EDUC"
EU_FINLAND = "http://publications.europa.eu/resource/authority/country/FIN"
SHAPES_IRI = "https://w3id.org/kopa/shapes"


@dataclass(frozen=True)
class Distribution:
    file: str  # site-relative path
    media_type: str
    size: int
    title: str


def describe(g: Graph, settings: Settings, distributions: list[Distribution], article_url: str,
             licence: str = DEFAULT_LICENCE, publisher: str = DEFAULT_PUBLISHER,
             sparql_endpoint: str | None = None) -> Graph:
    d = Graph(bind_namespaces="none")
    iris = IRIs(settings)
    ds = iris.dataset()
    add = d.add
    for t in (DCAT.Dataset, VOID.Dataset):
        add((ds, RDF.type, t))
    for lang, title in (("sv", "Pilotförsöken inom nätverksprojektet Utbildning som tjänst (KOPA)"),
                        ("fi", "Koulutus palveluna -verkostoprojektin (KOPA) pilotit"),
                        ("en", "The pilots of the network project Education as a Service (KOPA)")):
        add((ds, DCTERMS.title, Literal(title, lang=lang)))
    contacts = ("contacts" if settings.personal_data else
                "contact posts (published without personal data: the names of the people holding them are "
                "left out)")
    add((ds, DCTERMS.description, Literal(
        "The 13 regional pilots of KOPA (2020–2021) as a validated, linked knowledge graph: organisations, "
        f"memberships, {contacts}, themes and education levels, with the source line of every fact and links to "
        "the national registries.", lang="en")))
    _publisher(d, ds, iris, publisher)
    add((ds, DCTERMS.license, URIRef(licence)))
    add((ds, DCTERMS.source, URIRef(article_url)))
    add((ds, DCTERMS.conformsTo, URIRef(SHAPES_IRI)))
    add((ds, DCAT.theme, URIRef(EU_THEME_EDUCATION)))
    add((ds, DCTERMS.spatial, URIRef(EU_FINLAND)))
    for kw in ("education", "municipalities", "KOPA", "linked data"):
        add((ds, DCAT.keyword, Literal(kw, lang="en")))
    projects = sorted(g.subjects(RDF.type, KOPA.NetworkProject), key=str)
    for period in sorted({t for p in projects for t in g.objects(p, DCTERMS.temporal)}, key=str):  # the project's
        add((ds, DCTERMS.temporal, period))
        add((period, RDF.type, DCTERMS.PeriodOfTime))
        for p in (DCAT.startDate, DCAT.endDate):
            for year in g.objects(period, p):
                add((period, p, year))
    add((ds, VOID.uriSpace, Literal(settings.id_base)))
    add((ds, VOID.vocabulary, URIRef(str(KOPA._NS))))
    if sparql_endpoint:
        add((ds, VOID.sparqlEndpoint, URIRef(sparql_endpoint)))
    _distributions(d, ds, iris, distributions, licence)
    _statistics(d, ds, g, iris)
    return d


def _publisher(d: Graph, ds: URIRef, iris: IRIs, publisher: str) -> None:
    """The publisher (a foaf:Agent) and the dataset's contact point (a vCard organisation)."""
    add = d.add
    agent = iris.publisher()
    add((ds, DCTERMS.publisher, agent))
    add((agent, RDF.type, FOAF.Agent))
    add((agent, FOAF.name, Literal(publisher)))
    contact = iris.publisher_contact()
    add((ds, DCAT.contactPoint, contact))
    add((contact, RDF.type, URIRef(VCARD + "Organization")))
    add((contact, URIRef(VCARD + "fn"), Literal(publisher)))
    add((contact, URIRef(VCARD + "hasURL"), URIRef(iris.site_base)))


def _distributions(d: Graph, ds: URIRef, iris: IRIs, distributions: list[Distribution], licence: str) -> None:
    """A dcat:Distribution for each file of the release, and a void:dataDump for each RDF one."""
    add = d.add
    for dist in sorted(distributions, key=lambda x: x.file):
        node = iris.distribution(dist.file.rsplit("/", 1)[-1])
        add((ds, DCAT.distribution, node))
        add((node, RDF.type, DCAT.Distribution))
        add((node, DCTERMS.title, Literal(dist.title, lang="en")))
        add((node, DCAT.downloadURL, iris.page(dist.file)))
        add((node, DCAT.accessURL, iris.page(dist.file)))
        add((node, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/" + dist.media_type)))
        add((node, DCAT.byteSize, Literal(dist.size, datatype=XSD.nonNegativeInteger)))
        add((node, DCTERMS.license, URIRef(licence)))
        if dist.media_type in {FORMATS[n].media_type for n in PUBLISHED}:
            add((ds, VOID.dataDump, iris.page(dist.file)))


def _statistics(d: Graph, ds: URIRef, g: Graph, iris: IRIs) -> None:
    def count(p: URIRef, n: int) -> None:
        d.add((ds, p, Literal(n, datatype=XSD.integer)))

    classes = Counter(o for _, o in g.subject_objects(RDF.type))
    count(VOID.triples, len(g))
    count(VOID.distinctSubjects, len(set(g.subjects())))
    count(VOID.distinctObjects, len(set(g.objects())))
    count(VOID.properties, len(set(g.predicates())))
    count(VOID.classes, len(classes))
    count(VOID.entities, len({s for s, _ in g.subject_objects(RDF.type)}))
    for cls, n in sorted(classes.items(), key=lambda kv: str(kv[0])):
        name = next((f"{prefix}-{str(cls)[len(ns):]}" for prefix, ns in PREFIXES.items() if str(cls).startswith(ns)),
                    str(cls).rsplit("/", 1)[-1].rsplit("#", 1)[-1])
        part = iris.class_partition(name)
        d.add((ds, VOID.classPartition, part))
        d.add((part, VOID["class"], cls))
        d.add((part, VOID.entities, Literal(n, datatype=XSD.integer)))
