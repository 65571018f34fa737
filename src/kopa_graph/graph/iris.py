"""The one place where IRIs are minted. See docs/model.md, "IRI scheme"."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

from rdflib import URIRef

from kopa_graph.settings import Settings
from kopa_graph.source.model import THEMES, Organisation

_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9._~-]*")


@lru_cache(maxsize=65536)
def _seg(value: str) -> str:
    if _PLAIN_SEGMENT.fullmatch(value):  # nearly every id: nothing to escape
        return value
    return quote(value, safe="-._~")


class IRIs:
    """Mints the IRIs of one graph from the settings' base IRI."""

    def __init__(self, settings: Settings) -> None:
        self.base = settings.id_base
        self.site_base = settings.base_iri

    def page(self, site_path: str) -> URIRef:
        """A file of the published site (``download/kopa.ttl``), by its site-relative path."""
        return URIRef(self.site_base + site_path)

    def _iri(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(_seg(p) for p in parts))

    def project(self, project_id: str) -> URIRef:
        return self._iri("project", project_id)

    def pilot(self, pilot_id: str) -> URIRef:
        return self._iri("pilot", pilot_id)

    def organisation(self, org: Organisation) -> URIRef:
        if org.municipality_code:
            return self._iri("municipality", org.municipality_code)
        return self._iri("organisation", org.id)

    def geometry(self, org: Organisation, classification: str) -> URIRef:
        """A municipality's boundary as the map of a classification's year gives it (kunta_1_20200101)."""
        return URIRef(str(self.organisation(org)) + "/geometry/" + _seg(classification))

    def centroid(self, org: Organisation) -> URIRef:
        """The centroid of a municipality's default geometry (a geo:Geometry that is a point)."""
        return URIRef(str(self.organisation(org)) + "/centroid")

    def membership(self, collaboration: str, org: Organisation) -> URIRef:
        return self._iri("membership", collaboration, org.key)

    def person(self, person_id: str) -> URIRef:
        return self._iri("person", person_id)

    def post(self, pilot_id: str, n: int) -> URIRef:
        """The ``n``-th post among a pilot's contacts: a post's IRI never carries who holds it."""
        return self._iri("pilot", pilot_id, "contact", str(n))

    def theme_statement(self, pilot_id: str, theme_id: str) -> URIRef:
        return self._iri("pilot", pilot_id, "theme", theme_id)

    def level_item(self, pilot_id: str, theme_id: str, n: int) -> URIRef:
        """The ``n``-th education level a keyword lists in its parentheses (a schema:ListItem)."""
        return self._iri("pilot", pilot_id, "theme", theme_id, "level", str(n))

    def claim(self, claim_id: str) -> URIRef:
        return self._iri("claim", claim_id)

    def scheme(self, scheme_id: str) -> URIRef:
        return self._iri(scheme_id)

    def themes(self) -> URIRef:
        """The scheme of the pilots' themes."""
        return self.scheme(THEMES)

    def concept(self, scheme_id: str, concept_id: str) -> URIRef:
        return self._iri(scheme_id, concept_id)

    def dataset(self, dataset_id: str = "kopa") -> URIRef:
        return self._iri("dataset", dataset_id)

    def version(self, version: str, dataset_id: str = "kopa") -> URIRef:
        """One release of the dataset (dcat:hasVersion, dcat:previousVersion)."""
        return self._iri("dataset", dataset_id, "version", version)

    def rights(self, dataset_id: str) -> URIRef:
        """The statement of the rights in a source dataset (a dct:RightsStatement)."""
        return self._iri("dataset", dataset_id, "rights")

    def distribution(self, file_name: str, dataset_id: str = "kopa") -> URIRef:
        return self._iri("dataset", dataset_id, "distribution", file_name)

    def class_partition(self, name: str, dataset_id: str = "kopa") -> URIRef:
        """The VoID partition of the dataset's resources of one class (``name``: ``prefix-LocalName``)."""
        return self._iri("dataset", dataset_id, "class", name)

    def property_partition(self, name: str, dataset_id: str = "kopa") -> URIRef:
        """The VoID partition of the dataset's triples of one predicate (``name``: ``prefix-localName``)."""
        return self._iri("dataset", dataset_id, "property", name)

    def service(self, name: str, dataset_id: str = "kopa") -> URIRef:
        """A data service that serves the dataset (``sparql``: the SPARQL endpoint a publisher names)."""
        return self._iri("dataset", dataset_id, "service", name)

    def landing_page(self) -> URIRef:
        """The site's front page: the dataset's landing page (its downloads and its pilots)."""
        return URIRef(self.site_base)

    def publisher(self) -> URIRef:
        return self._iri("agent", "publisher")

    def publisher_contact(self) -> URIRef:
        return self._iri("agent", "publisher", "contact")

    def period(self, start: int, end: int) -> URIRef:
        return self._iri("period", f"{start}-{end}")

    def validity(self, classification: str) -> URIRef:
        """When a classification (kunta_1_20200101, maakunta_1_…) is in force: a dct:PeriodOfTime."""
        return self._iri("validity", classification)

    def area_scheme(self, classification: str) -> URIRef:
        """A region or sub-region classification (maakunta_1_20200101, seutukunta_1_...)."""
        return self._iri(classification)

    def area(self, classification: str, code: str) -> URIRef:
        return self._iri(classification, code)

    def level_scheme(self, classification: str) -> URIRef:
        """An education-level classification: Opintopolku's code list where it is one, else a project IRI."""
        if classification in OPINTOPOLKU_KOODISTOT:
            return URIRef(f"{KOODISTO_LIST}{classification}/koodi")
        return self._iri(classification)

    def level_code(self, classification: str, code: str) -> URIRef:
        """A code of it: Opintopolku's own address of the code element (its ``resourceUri``) where the
        classification is a koodisto, else a project IRI."""
        if classification in OPINTOPOLKU_KOODISTOT:
            return URIRef(f"{KOODISTO_CODE}{classification}_{code}")
        return self._iri(classification, code)

    def identifier(self, scheme: str, value: str) -> URIRef:
        return self._iri("identifier", scheme, value)

    def change(self, code: str, date: str) -> URIRef:
        return self._iri("change", f"{code}-{date}")

    def site(self, org: Organisation) -> URIRef:
        return URIRef(str(self.organisation(org)) + "/site")

    def pilot_area(self, pilot_id: str, classification: str) -> URIRef:
        return self._iri("pilot", pilot_id, "area", classification)

    def activity(self, name: str) -> URIRef:
        return self._iri("activity", name)

    def agent(self) -> URIRef:
        return self._iri("agent", "kopa-graph")


CODELIST = "http://uri.suomi.fi/codelist/jhs/"


#: Opintopolku's code service (koodisto): a code element's address is ``{KOODISTO_CODE}{koodistoUri}_{value}``,
#: the ``resourceUri`` the service publishes in every code (uri_patterns.csv gives where this was read), and
#: a code list's is ``{KOODISTO_LIST}{koodistoUri}/koodi``.
KOODISTO_CODE = "https://virkailija.opintopolku.fi/koodisto-service/rest/codeelement/"
KOODISTO_LIST = "https://virkailija.opintopolku.fi/koodisto-service/rest/json/"
#: The classifications that are Opintopolku code lists (their code elements were seen by these names in
#: Opetushallitus's own code: education_levels.csv, institution_types.csv and uri_patterns.csv cite where).
OPINTOPOLKU_KOODISTOT = frozenset({
    "koulutusasteoph2002", "kansallinenkoulutusluokitus2016koulutusastetaso1",
    "kansallinenkoulutusluokitus2016koulutusastetaso2", "isced2011koulutusastetaso1", "isced2011koulutusastetaso2",
    "oppilaitostyyppi",
})


def codelist_scheme(classification: str) -> URIRef:
    """The code list of a municipality classification on the interoperability platform (uri.suomi.fi)."""
    return URIRef(f"{CODELIST}{classification}")


def codelist_code(classification: str, code: str) -> URIRef:
    """A code of that list: the pattern uri_patterns.csv records (seen for kunta_1_20230101)."""
    return URIRef(f"{CODELIST}{classification}/code/{code}")


def article_line(article_url: str, line: int) -> URIRef:
    """RFC 5147 fragment for 1-based ``line``: the range between positions line-1 and line."""
    return URIRef(f"{article_url}#line={line - 1},{line}")


def documented(id_base: str, path: str) -> URIRef:
    """The resource whose document is ``doc/PATH`` (``serve --sparql-endpoint`` asks the store about it)."""
    return URIRef(id_base + path)
