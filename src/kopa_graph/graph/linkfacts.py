"""Adding the registry links and the facts derived from them to the graph.

Stated facts (a municipality's code in a classification, an identifier a
reference file gives) carry ``dct:source``; derived facts (an organisation's
municipality, a pilot's regions) are separate entities with
``prov:wasGeneratedBy`` an activity that says how they were derived, and
``prov:wasDerivedFrom`` what they were derived from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kopa_graph.graph.iris import OPINTOPOLKU_KOODISTOT, IRIs, codelist_code, codelist_scheme
from kopa_graph.graph.links import MUNICIPALITY_CODE_SCHEME, current, link_identifiers, municipality_of
from kopa_graph.rdfio.namespaces import ADMS, DCAT, DCTERMS, FOAF, KOPA, ORG, OWL, PROV, RDF, RDFS, ROV, SKOS, XSD
from kopa_graph.rdfio.tripleset import TripleSet
from kopa_graph.source.model import (
    IDENTIFIER_SCHEMES,
    LEVELS,
    ORG_TYPES,
    THEMES,
    Area,
    Municipality,
    Organisation,
    SourceData,
)

_KUNTA_LABELS = {"fi": "Kunnat {}", "sv": "Kommuner {}", "en": "Municipalities {}"}
_AREA_LABELS = {
    "maakunta": {"fi": "Maakunnat {}", "sv": "Landskap {}", "en": "Regions {}"},
    "seutukunta": {"fi": "Seutukunnat {}", "sv": "Ekonomiska regioner {}", "en": "Sub-regions {}"},
}
_DATASET_OF = {"kunta_1_20200101": "municipalities-2020", "kunta_1_20260101": "municipalities-2026"}


def _year(classification: str) -> str:
    return classification.rsplit("_", 1)[-1][:4]


def _date(classification: str) -> str:
    d = classification.rsplit("_", 1)[-1]
    return f"{d[:4]}-{d[4:6]}-{d[6:8]}"


class RegistryLinker:
    def __init__(self, g: Graph | TripleSet, iri: IRIs, data: SourceData,
                 add: Callable[[URIRef, URIRef, Node], None]) -> None:
        self.g, self.iri, self.data, self.add = g, iri, data, add
        self.dataset = iri.dataset
        self._areas: set[tuple[str, str]] = set()
        #: the municipalities among the organisations, by code
        self.by_code = {o.municipality_code: o for o in data.organisations.values() if o.municipality_code}
        #: each reference dataset by its IRI (a scheme's source says which dataset gives its validity)
        self._datasets = {iri.dataset(d.id): d for d in data.datasets.values()}

    def scheme_concept(self, scheme_id: str, concept_id: str) -> URIRef:
        return self.iri.concept(scheme_id, concept_id)

    def link(self) -> None:
        if IDENTIFIER_SCHEMES not in self.data.schemes:
            return
        entries = self.municipality_codes()
        self.changes()
        self.identifiers()
        self.mappings()
        self.derived(entries)

    # -- stated ----------------------------------------------------------------

    def _labels(self, s: URIRef, p: URIRef, texts: dict[str, str]) -> None:
        for lang, text in texts.items():
            if text:
                self.add(s, p, Literal(text, lang=lang))

    def _agency(self, s: URIRef, scheme_id: str) -> None:
        concept = self.data.schemes[IDENTIFIER_SCHEMES].concepts.get(scheme_id)
        self.add(s, DCTERMS.type, self.scheme_concept(IDENTIFIER_SCHEMES, scheme_id))
        if concept:
            self._labels(s, ADMS.schemeAgency, dict(concept.agency))

    def _scheme(self, s: URIRef, notation: str, labels: dict[str, str], source: URIRef) -> None:
        self.add(s, RDF.type, SKOS.ConceptScheme)
        self.add(s, SKOS.notation, Literal(notation))
        self._labels(s, SKOS.prefLabel, labels)
        self.add(s, DCTERMS.source, source)
        ds = self._datasets.get(source)
        if ds is not None and ds.valid_from:
            # when the classification is in force; its version is the day in its id (kunta_1_20200101 …)
            self.add(s, OWL.versionInfo, Literal(notation.rsplit("_", 1)[-1]))
            period = self.iri.validity(notation)
            self.add(s, DCTERMS.temporal, period)
            self.add(period, RDF.type, DCTERMS.PeriodOfTime)
            self.add(period, DCAT.startDate, Literal(ds.valid_from, datatype=XSD.date))
            if ds.valid_to:
                self.add(period, DCAT.endDate, Literal(ds.valid_to, datatype=XSD.date))
            self.add(period, SKOS.scopeNote, Literal(ds.validity_note, lang="en"))
            self.add(period, DCTERMS.source, source)

    def _entry(self, s: URIRef, scheme: URIRef, code: str, labels: dict[str, str], source: URIRef,
               *types: URIRef) -> None:
        for t in (SKOS.Concept, *types):
            self.add(s, RDF.type, t)
        self.add(s, SKOS.notation, Literal(code))
        self._labels(s, SKOS.prefLabel, labels)
        self.add(s, SKOS.inScheme, scheme)
        self.add(s, SKOS.topConceptOf, scheme)
        self.add(scheme, SKOS.hasTopConcept, s)
        self.add(s, DCTERMS.source, source)

    def _area(self, area: Area, source: URIRef) -> URIRef:
        s = self.iri.area(area.classification, area.code)
        if (area.classification, area.code) not in self._areas:
            self._areas.add((area.classification, area.code))
            kind = area.classification.split("_", 1)[0]
            scheme = self.iri.area_scheme(area.classification)
            self._scheme(scheme, area.classification,
                         {k: v.format(_year(area.classification)) for k, v in _AREA_LABELS[kind].items()}, source)
            self.add(scheme, SKOS.scopeNote, Literal(
                f"A project IRI: no source was found that gives the per-code URI of {area.classification} on the "
                "interoperability platform (uri.suomi.fi), so kopa-graph claims none (uri_patterns.csv).", lang="en"))
            self._entry(s, scheme, area.code, dict(area.names), source, DCTERMS.Location)
        return s

    def _kunta(self, m: Municipality) -> URIRef:
        """The entry of municipality ``m`` in its classification's code list: a concept, nothing else (the
        organisation's identifier is a node of its own; the place is the municipality)."""
        scheme = codelist_scheme(m.classification)
        source = self.dataset(_DATASET_OF.get(m.classification, "municipalities-2020"))
        self._scheme(scheme, m.classification, {k: v.format(_year(m.classification))
                                                for k, v in _KUNTA_LABELS.items()}, source)
        self.add(scheme, DCTERMS.valid, Literal(m.valid_from, datatype=XSD.date))
        self.add(scheme, SKOS.scopeNote, Literal(
            "Code URIs follow the interoperability platform's pattern http://uri.suomi.fi/codelist/jhs/"
            "kunta_1_{date}/code/{code}, seen literally for kunta_1_20230101 (uri_patterns.csv).", lang="en"))
        s = codelist_code(m.classification, m.code)
        self._entry(s, scheme, m.code, {"fi": m.name_fi, "sv": m.name_sv, "en": m.name_en}, source)
        if m.region:
            self.add(s, DCTERMS.isPartOf, self._area(m.region, source))
        if m.subregion:
            sub = self._area(m.subregion, source)
            self.add(s, DCTERMS.isPartOf, sub)
            if m.region:
                self.add(sub, DCTERMS.isPartOf, self.iri.area(m.region.classification, m.region.code))
        return s

    def _notation(self, s: URIRef, scheme_id: str, value: str) -> None:
        """``value`` as the identifier's skos:notation, typed with its scheme's datatype (kopa:BusinessId, …)."""
        concept = self.data.schemes[IDENTIFIER_SCHEMES].concepts.get(scheme_id)
        datatype = KOPA[concept.datatype] if concept and concept.datatype else None
        self.add(s, SKOS.notation, Literal(value, datatype=datatype))

    def _as_of(self, s: URIRef, as_of: str) -> None:
        """The day (or year) at which the identifier was seen in its source, as data (dct:date)."""
        if as_of:
            self.add(s, DCTERMS.date, Literal(as_of, datatype=XSD.gYear if len(as_of) == 4 else XSD.date))

    def municipality_codes(self) -> dict[str, tuple[URIRef, URIRef | None]]:
        """Each municipality's code entries, 2020 and today (None where it no longer exists), and its
        identifier: the kuntanumero, an adms:Identifier that refers to both entries."""
        out = {}
        for org in self.data.organisations.values():
            code = org.municipality_code
            if not code:
                continue
            m_then = self.data.municipalities[code]
            m_now = self.data.municipalities_now.get(code)
            then = self._kunta(m_then)
            now = self._kunta(m_now) if m_now is not None else None
            s = self.iri.organisation(org)
            self.add(s, RDF.type, DCTERMS.Location)  # the place is the municipality
            ident = self.iri.identifier(MUNICIPALITY_CODE_SCHEME, code)
            self.add(ident, RDF.type, ADMS.Identifier)
            self._notation(ident, MUNICIPALITY_CODE_SCHEME, code)
            self._agency(ident, MUNICIPALITY_CODE_SCHEME)
            for m, entry in ((m_then, then), (m_now, now)):
                if m is not None and entry is not None:
                    self.add(ident, DCTERMS.references, entry)
                    self.add(ident, DCTERMS.source, self.dataset(_DATASET_OF.get(m.classification,
                                                                                 "municipalities-2020")))
            self._as_of(ident, (m_now or m_then).valid_from)
            self.add(s, ADMS.identifier, ident)
            out[org.id] = (then, now)
        return out

    def changes(self) -> None:
        by_code = self.by_code
        for ch in self.data.registry.changes:
            old, new = by_code.get(ch.code), by_code.get(ch.absorbed_by)
            if old is None or new is None:
                continue
            date = _date(ch.first_classification_without)
            e = self.iri.change(ch.code, date)
            self.add(e, RDF.type, ORG.ChangeEvent)
            for o in (old, new):
                self.add(e, ORG.originalOrganization, self.iri.organisation(o))
            self.add(e, ORG.resultingOrganization, self.iri.organisation(new))
            self.add(e, DCTERMS.date, Literal(date, datatype=XSD.date))
            self.add(e, DCTERMS.description, Literal(
                f"{ch.name_fi} ({ch.code}) merged into {self._name_fi(ch.absorbed_by)} ({ch.absorbed_by}): "
                f"{ch.last_classification} is "
                f"the last classification with code {ch.code}, {ch.first_classification_without} the first "
                "without it.", lang="en"))
            self.add(e, DCTERMS.source, self.dataset("municipality-changes"))
            if ch.evidence_url:
                self.add(e, DCTERMS.source, URIRef(ch.evidence_url))
            for o in (old, new):  # every organisation the event names links to it
                self.add(self.iri.organisation(o), ORG.changedBy, e)
            self.add(self.iri.organisation(new), ORG.resultedFrom, e)
        self.region_changes(by_code)

    def region_changes(self, by_code: Mapping[str, Organisation]) -> None:
        """A municipality's move to another region: an org:ChangeEvent on the day, the municipality both
        what it changes and what results (it goes on), with the regions before and after."""
        for ch in self.data.registry.region_changes:
            org = by_code.get(ch.code)
            if org is None:
                continue  # a municipality the graph does not describe (organisations.yaml does not list it)
            e = self.iri.change(ch.code, ch.date)
            s = self.iri.organisation(org)
            self.add(e, RDF.type, ORG.ChangeEvent)
            self.add(e, ORG.originalOrganization, s)
            self.add(e, ORG.resultingOrganization, s)
            self.add(e, DCTERMS.date, Literal(ch.date, datatype=XSD.date))
            then, now = self.data.municipalities[ch.code], self.data.municipalities_now.get(ch.code)
            regions = []
            for m, code, sub in ((then, ch.region_from, ch.subregion_from), (now, ch.region_to, ch.subregion_to)):
                for area, want in ((m.region if m else None, code), (m.subregion if m else None, sub)):
                    if area is not None and area.code == want:
                        self.add(e, DCTERMS.references, self.iri.area(area.classification, area.code))
                        regions.append(f"{area.code} {area.names.get('fi', '')}")
            self.add(e, DCTERMS.description, Literal(
                f"{ch.name_fi} ({ch.code}) moved from region {ch.region_from} to region {ch.region_to} and from "
                f"sub-region {ch.subregion_from} to sub-region {ch.subregion_to}"
                + (f" ({', '.join(regions)})" if regions else "") + ".", lang="en"))
            self.add(e, DCTERMS.source, self.dataset("municipality-region-changes"))
            self.add(e, DCTERMS.source, URIRef(ch.evidence_url))
            self.add(s, ORG.changedBy, e)
            self.add(s, ORG.resultedFrom, e)

    def _name_fi(self, code: str) -> str:
        """The Finnish name of municipality ``code`` in the current classification, else the 2020 one (the
        code of an organisation in the graph: the 2020 list has every one, where the graph's municipality
        names come from)."""
        return (self.data.municipalities_now.get(code) or self.data.municipalities[code]).name_fi

    def identifiers(self) -> None:
        seen: dict[URIRef, set[str]] = defaultdict(set)
        for link in link_identifiers(self.data):
            if link.holder is None:
                continue
            s = self.iri.identifier(link.scheme, link.row.value)
            self.add(s, RDF.type, ADMS.Identifier)
            self._notation(s, link.scheme, link.row.value)
            self._agency(s, link.scheme)
            seen[s].add(link.row.as_of)
            if link.row.upstream:
                self.add(s, DCTERMS.source, URIRef(link.row.upstream))
            self.add(s, PROV.wasDerivedFrom, self.dataset(link.row.dataset))
            self.add(s, SKOS.scopeNote, Literal(f"{link.row.loc.path.name} line {link.row.loc.line}: "
                                                f"{link.row.note}", lang="en"))
            holder = self.iri.organisation(self.data.organisations[link.holder])
            self.add(holder, ADMS.identifier, s)
            if link.scheme == "business-id":
                self.add(holder, RDF.type, ROV.RegisteredOrganization)
                self.add(holder, ROV.registration, s)
            if link.named is not None:
                self.add(self.iri.organisation(self.data.organisations[link.named]), KOPA.parentIdentifier, s)
        for s, dates in seen.items():  # several rows give it: the latest says when it was last seen
            self._as_of(s, max(dates))

    def mappings(self) -> None:
        reg = self.data.registry
        for m in reg.theme_mappings:
            yso = URIRef(m.target)
            self.add(self.scheme_concept(THEMES, m.concept), SKOS[m.relation], yso)
            concept = reg.yso.get(m.target)
            if concept:
                self._labels(yso, SKOS.prefLabel, concept.labels)
                self.add(yso, DCTERMS.source, self.dataset("yso"))
        for scheme_id, mappings, codes in ((LEVELS, reg.level_mappings, reg.level_codes),
                                           (ORG_TYPES, reg.type_mappings, reg.type_codes)):
            for m in mappings:
                cls, code = m.target.split(" ", 1)
                lc = codes[(cls, code)]
                scheme, s = self.iri.level_scheme(cls), self.iri.level_code(cls, code)
                self._scheme(scheme, cls, {"en": max((c.title for c in codes.values() if c.classification == cls),
                                                     key=len)}, self.dataset(lc.dataset))
                if cls in OPINTOPOLKU_KOODISTOT:
                    self.add(scheme, SKOS.scopeNote, Literal(
                        f"Opintopolku's code list (koodisto) {cls}: a code's IRI is the address the code service "
                        "publishes for it (resourceUri; uri_patterns.csv). The list's version was not read in a "
                        f"source; the codes are as the reference dataset {lc.dataset} gives them.", lang="en"))
                self._entry(s, scheme, code, lc.labels, URIRef(lc.upstream) if lc.upstream
                            else self.dataset(lc.dataset))
                if lc.note:
                    self.add(s, SKOS.scopeNote, Literal(lc.note, lang="en"))
                self.add(self.scheme_concept(scheme_id, m.concept), SKOS[m.relation], s)

    # -- derived -----------------------------------------------------------------

    def _activity(self, name: str, description: str, used: Iterable[str]) -> URIRef:
        a = self.iri.activity(name)
        agent = self.iri.agent()
        self.add(a, RDF.type, PROV.Activity)
        self.add(a, DCTERMS.description, Literal(description, lang="en"))
        for d in used:
            if d in self.data.datasets:
                self.add(a, PROV.used, self.dataset(d))
        self.add(a, PROV.wasAssociatedWith, agent)
        self.add(agent, RDF.type, PROV.SoftwareAgent)
        self.add(agent, FOAF.name, Literal("kopa-graph"))
        return a

    def derived(self, entries: dict[str, tuple[URIRef, URIRef | None]]) -> None:
        locate = self._activity("locate-organisations", (
            "The municipality of an organisation, where it is known: a municipality is in itself; a unit "
            "(org:subOrganizationOf) is in the municipality of its parent. The municipality is the place; a "
            "merger since is its org:ChangeEvent (municipality_changes.csv). Other organisations have no known "
            "municipality."),
            ["municipalities-2020", "municipalities-2026", "municipality-changes"])
        sites: dict[str, URIRef] = {}
        by_code = self.by_code
        for org in self.data.organisations.values():
            code = municipality_of(self.data, org.id)
            if code is None:
                continue
            site = self.iri.site(org)
            sites[org.id] = site
            self.add(site, RDF.type, ORG.Site)
            self.add(site, RDF.type, PROV.Entity)
            # the place is the municipality (what became of it since is told by its change events)
            self.add(site, DCTERMS.spatial, self.iri.organisation(by_code[code]))
            chain = [org]
            while (parent := self.data.organisations.get(chain[-1].part_of or "")) is not None \
                    and parent not in chain:
                chain.append(parent)
            for o in chain:
                self.add(site, PROV.wasDerivedFrom, self.iri.organisation(o))
            self.add(site, PROV.wasGeneratedBy, locate)
            self.add(self.iri.organisation(org), ORG.hasSite, site)
        regions = self._activity("pilot-regions", (
            "The regions (maakunta) of a pilot in one classification: the regions of the municipalities of its "
            "members whose municipality is known (their org:Site). A pilot area with more than one region is a "
            "kopa:CrossRegionalArea."), ["municipalities-2020", "municipalities-2026", "municipality-changes"])
        for pilot in self.data.pilots:
            per_class: dict[str, set[URIRef]] = defaultdict(set)
            sources: set[URIRef] = set()
            for m in pilot.members:
                code = municipality_of(self.data, m.organisation)
                if code is None:
                    continue
                sources.add(sites[m.organisation])
                for entry in (self.data.municipalities[code], current(self.data, code)):
                    if entry is not None and entry.region is not None:
                        per_class[entry.region.classification].add(self._area(entry.region, self.dataset(
                            _DATASET_OF.get(entry.classification, "municipalities-2020"))))
            for cls, parts in sorted(per_class.items()):
                area = self.iri.pilot_area(pilot.id, cls)
                self.add(area, RDF.type, DCTERMS.Location)
                self.add(area, RDF.type, PROV.Entity)
                if len(parts) > 1:
                    self.add(area, RDF.type, KOPA.CrossRegionalArea)
                self.add(area, RDFS.label, Literal(f"{pilot.name}: {cls}", lang="sv"))
                self.add(area, DCTERMS.conformsTo, self.iri.area_scheme(cls))
                for region in parts:
                    self.add(area, DCTERMS.hasPart, region)
                for src in sources:
                    self.add(area, PROV.wasDerivedFrom, src)
                self.add(area, PROV.wasGeneratedBy, regions)
                self.add(self.iri.pilot(pilot.id), DCTERMS.spatial, area)
