"""Namespaces and prefixes. The kopa terms are a closed namespace mirroring
``ontology/kopa.ttl`` (a test keeps the two the same set, both ways)."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD, DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/kopa/ontology"
SHAPES_IRI = "https://w3id.org/kopa/shapes"


class KOPA(DefinedNamespace):
    """The kopa ontology: only what the standard vocabularies lack."""

    _fail = True
    _NS = Namespace(ONTOLOGY_IRI + "#")

    Pilot: URIRef
    NetworkProject: URIRef
    ThemeStatement: URIRef
    StatedTotal: URIRef
    themeStatement: URIRef
    theme: URIRef
    asWritten: URIRef
    MunicipalityCode: URIRef
    BusinessId: URIRef
    OpintopolkuOid: URIRef
    statedCount: URIRef
    countOf: URIRef
    CrossRegionalArea: URIRef
    parentIdentifier: URIRef


#: The datatypes of identifier values the ontology declares (rdfs:Datatype): an identifier scheme's ``datatype``.
IDENTIFIER_DATATYPES = ("MunicipalityCode", "BusinessId", "OpintopolkuOid")
KOPASH = Namespace(SHAPES_IRI + "#")
#: schema.org in its http form, as most linked-data tools still write it.
SCHEMA = Namespace("http://schema.org/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
ROV = Namespace("http://www.w3.org/ns/regorg#")
SH = Namespace("http://www.w3.org/ns/shacl#")
#: OGC GeoSPARQL 1.1: the municipalities' geometries (geo:hasGeometry, geo:asWKT, geo:wktLiteral).
GEO = Namespace("http://www.opengis.net/ont/geosparql#")

#: The prefixes every output uses, in the order they are written.
PREFIXES: dict[str, str] = {
    "kopa": str(KOPA._NS),
    "adms": str(ADMS),
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "geo": str(GEO),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "rov": str(ROV),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "void": str(VOID),
    "xsd": str(XSD),
}


def prefixes_for(id_base: str) -> dict[str, str]:
    """The output prefixes, with ``kopaid:`` bound to the data namespace."""
    return {"kopaid": id_base, **PREFIXES}


__all__ = [
    "ADMS",
    "DCAT",
    "DCTERMS",
    "FOAF",
    "GEO",
    "KOPA",
    "KOPASH",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "ROV",
    "SCHEMA",
    "SH",
    "SKOS",
    "VOID",
    "XSD",
    "prefixes_for",
]
