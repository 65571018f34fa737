"""Labels in sv, fi and en for the standard properties and classes the pages
show, so that a page names them in words instead of IRIs."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from kopa_graph.languages import LANGUAGES
from kopa_graph.rdfio.namespaces import PREFIXES, RDFS

_LABELS = {
    "rdf:type": ("typ", "tyyppi", "type"),
    "skos:prefLabel": ("namn", "nimi", "name"),
    "skos:altLabel": ("annat namn", "muu nimi", "other name"),
    "skos:definition": ("definition", "määritelmä", "definition"),
    "skos:inScheme": ("i vokabulär", "sanastossa", "in scheme"),
    "skos:broader": ("överordnat begrepp", "laajempi käsite", "broader"),
    "skos:topConceptOf": ("toppbegrepp i", "ylin käsite sanastossa", "top concept of"),
    "skos:hasTopConcept": ("toppbegrepp", "ylin käsite", "top concept"),
    "skos:notation": ("kod", "koodi", "code"),
    "skos:scopeNote": ("anmärkning", "huomautus", "note"),
    "skos:exactMatch": ("motsvarar exakt", "vastaa täsmälleen", "exact match"),
    "skos:closeMatch": ("motsvarar nära", "vastaa läheisesti", "close match"),
    "skos:broadMatch": ("vidare motsvarighet", "laajempi vastine", "broader match"),
    "skos:narrowMatch": ("snävare motsvarighet", "suppeampi vastine", "narrower match"),
    "skos:relatedMatch": ("relaterad motsvarighet", "liittyvä vastine", "related match"),
    "dct:source": ("källa", "lähde", "source"),
    "dct:subject": ("tema", "teema", "theme"),
    "dct:isPartOf": ("del av", "osa kokonaisuutta", "part of"),
    "dct:hasPart": ("omfattar", "sisältää", "has part"),
    "dct:identifier": ("kommunnummer", "kuntanumero", "municipality code"),
    "dct:title": ("titel", "otsikko", "title"),
    "dct:description": ("beskrivning", "kuvaus", "description"),
    "dct:temporal": ("tidsperiod", "ajanjakso", "period"),
    "dct:license": ("licens", "lisenssi", "licence"),
    "dct:rights": ("rättigheter", "oikeudet", "rights"),
    "dct:language": ("språk", "kieli", "language"),
    "dct:publisher": ("utgivare", "julkaisija", "publisher"),
    "dct:spatial": ("område", "alue", "area"),
    "dct:conformsTo": ("följer", "noudattaa", "conforms to"),
    "dct:type": ("typ av identifierare", "tunnisteen tyyppi", "identifier scheme"),
    "dct:date": ("datum", "päivämäärä", "date"),
    "dct:valid": ("giltig från", "voimassa alkaen", "valid from"),
    "org:member": ("medlem", "jäsen", "member"),
    "org:organization": ("i", "kohteessa", "in"),
    "org:role": ("roll", "rooli", "role"),
    "org:classification": ("organisationstyp", "organisaatiotyyppi", "organisation type"),
    "org:subOrganizationOf": ("del av organisationen", "osa organisaatiota", "part of organisation"),
    "org:postIn": ("befattning i", "tehtävä organisaatiossa", "post in"),
    "org:heldBy": ("innehas av", "hoitaja", "held by"),
    "org:hasSite": ("kommun", "kunta", "municipality"),
    "org:changedBy": ("ändrad genom", "muuttunut", "changed by"),
    "org:resultedFrom": ("uppstod genom", "syntynyt", "resulted from"),
    "org:originalOrganization": ("ursprunglig organisation", "alkuperäinen organisaatio", "original organisation"),
    "org:resultingOrganization": ("resulterande organisation", "syntynyt organisaatio", "resulting organisation"),
    "foaf:name": ("namn", "nimi", "name"),
    "schema:contactPoint": ("kontakt", "yhteyshenkilö", "contact"),
    "schema:educationalLevel": ("utbildningsnivå", "koulutusaste", "education level"),
    "schema:text": ("text", "teksti", "text"),
    "schema:position": ("plats i listan", "sija luettelossa", "position in the list"),
    "prov:wasDerivedFrom": ("härledd från", "johdettu lähteestä", "derived from"),
    "prov:wasGeneratedBy": ("härledd genom", "johdettu menetelmällä", "derived by"),
    "prov:used": ("använde", "käytti", "used"),
    "prov:wasAssociatedWith": ("utförd av", "suorittaja", "run by"),
    "adms:identifier": ("identifierare", "tunniste", "identifier"),
    "adms:schemeAgency": ("utfärdare", "myöntäjä", "issued by"),
    "rov:registration": ("registrering", "rekisteröinti", "registration"),
    "rdfs:label": ("etikett", "nimike", "label"),
    "dcat:startDate": ("början", "alku", "start"),
    "dcat:endDate": ("slut", "loppu", "end"),
    "dcat:distribution": ("distribution", "jakelu", "distribution"),
    "dcat:contactPoint": ("kontaktpunkt", "yhteystiedot", "contact point"),
    "dcat:theme": ("tema", "teema", "theme"),
    "dcat:keyword": ("nyckelord", "avainsana", "keyword"),
    "dcat:downloadURL": ("nedladdning", "lataus", "download"),
    "dcat:accessURL": ("åtkomst", "pääsy", "access"),
    "dcat:mediaType": ("medietyp", "mediatyyppi", "media type"),
    "dcat:byteSize": ("storlek i byte", "koko tavuina", "size in bytes"),
}


def label_graph() -> Graph:
    g = Graph()
    for curie, labels in _LABELS.items():
        prefix, local = curie.split(":", 1)
        iri = URIRef(PREFIXES[prefix] + local)
        for lang, text in zip(LANGUAGES, labels, strict=True):
            g.add((iri, RDFS.label, Literal(text, lang=lang)))
    return g
