"""The dataset description against the EU's application profile: the SHACL shapes of DCAT-AP 3.0.0 as
SEMIC publishes them (``shapes/external/``, used unchanged), validated without inference, find nothing in
the description the site writes (``void.ttl``) and ``publish`` sends, with and without a SPARQL endpoint,
with and without personal data. Apache Jena's SHACL finds the same as pySHACL, on the description and on
a description stripped of the classes it states."""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from conftest import ROOT, SMALL, jena_classpath, need_peer
from kopa_graph import Settings, build_graph, load_source_data
from kopa_graph.graph.build import BuiltGraph
from kopa_graph.graph.iris import IRIs
from kopa_graph.languages import EU_LANGUAGE_CODES, LANGUAGES
from kopa_graph.pipeline import validate_source
from kopa_graph.publish.description import release_description
from kopa_graph.publish.site.build import build_site
from kopa_graph.rdfio.engine import parse_file
from kopa_graph.rdfio.formats import ZIP, format_for_path
from kopa_graph.rdfio.namespaces import DCAT, DCTERMS, RDF, SH, VOID, XSD

DCAT_AP = ROOT / "shapes" / "external" / "dcat-ap-3.0.0-SHACL.ttl"
#: The file as SEMIC publishes it (shapes/external/README.md): no line of it is ours to change.
DCAT_AP_SHA256 = "92f76609d78d257123e75bc6b7155df5cc0a63f14c29fbc12b0ac95c56af2059"
ENDPOINT = "https://sparql.example.org/kopa/query"


@dataclass(frozen=True, order=True)
class Found:
    severity: str
    focus: str
    path: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.focus}  path {self.path}  value {self.value}\n    {self.message}"


def _short(node: Node | None) -> str:
    return "" if node is None else str(node).rsplit("#", 1)[-1] if str(node).startswith(str(SH)) else str(node)


def _found(report: Graph) -> list[Found]:
    return sorted(Found(_short(report.value(r, SH.resultSeverity)), _short(report.value(r, SH.focusNode)),
                        _short(report.value(r, SH.resultPath)), _short(report.value(r, SH.value)),
                        str(report.value(r, SH.resultMessage)))
                  for r in report.subjects(RDF.type, SH.ValidationResult))


def dcat_ap_results(description: Graph, shapes: Graph) -> list[Found]:
    """What pySHACL reports for ``description`` against DCAT-AP, with no inference: a value's class must be
    stated in the description itself."""
    _, report, _ = pyshacl.validate(description, shacl_graph=shapes, inference="none")
    return _found(report)


def _summary(results: list[Found]) -> str:
    counts = {s: sum(1 for r in results if r.severity == s) for s in ("Violation", "Warning", "Info")}
    return (f"{counts['Violation']} violations, {counts['Warning']} warnings, {counts['Info']} infos:\n"
            + "\n".join(str(r) for r in results))


@pytest.fixture(scope="module")
def dcat_ap() -> Graph:
    return Graph().parse(DCAT_AP, format="turtle")


@pytest.fixture(scope="module")
def without_personal_data() -> BuiltGraph:
    return build_graph(load_source_data(ROOT / "data"), Settings(personal_data=False))


def test_the_dcat_ap_shapes_are_semics_file_unchanged() -> None:
    assert hashlib.sha256(DCAT_AP.read_bytes()).hexdigest() == DCAT_AP_SHA256, \
        "shapes/external/dcat-ap-3.0.0-SHACL.ttl differs from SEMIC's file: restore it, never edit it"


@pytest.mark.parametrize("endpoint", [None, ENDPOINT], ids=["files", "sparql-endpoint"])
def test_the_shipped_description_passes_dcat_ap(shipped_built: BuiltGraph, settings: Settings, dcat_ap: Graph,
                                                endpoint: str | None) -> None:
    description = release_description(shipped_built.graph, settings, sparql_endpoint=endpoint).description
    results = dcat_ap_results(description, dcat_ap)
    assert results == [], _summary(results)


def test_a_versioned_release_description_passes_dcat_ap_and_links_its_previous_release(
        shipped_built: BuiltGraph, dcat_ap: Graph) -> None:
    """Issue 18: release 2026.2 following 2026.1 (site --release-version 2026.2 --previous OUT), in DCAT 3's
    versioning terms, still passes DCAT-AP 3 and kopa-graph's shapes (release_description validates)."""
    from kopa_graph.graph.dataset import DCAT3 as DCAT  # DCAT 3's versioning terms

    versioned = Settings(version="2026.2", previous_version="2026.1")
    description = release_description(shipped_built.graph, versioned, sparql_endpoint=ENDPOINT).description
    assert dcat_ap_results(description, dcat_ap) == []
    ds = URIRef("https://w3id.org/kopa/id/dataset/kopa")
    v1, v2 = (URIRef(f"{ds}/version/{v}") for v in ("2026.1", "2026.2"))
    assert set(description.objects(ds, DCAT.version)) == {Literal("2026.2")}
    assert set(description.objects(ds, DCAT.previousVersion)) == {v1}
    assert set(description.objects(ds, DCAT.hasCurrentVersion)) == {v2}
    assert set(description.objects(v2, DCAT.previousVersion)) == {v1}
    assert set(description.subjects(DCTERMS.isVersionOf, ds)) == {v1, v2}
    unversioned = release_description(shipped_built.graph, Settings(), sparql_endpoint=ENDPOINT).description
    assert not set(unversioned.objects(ds, DCAT.version))  # no version given: none stated (never the clock)


def test_the_description_without_personal_data_passes_dcat_ap(without_personal_data: BuiltGraph,
                                                             dcat_ap: Graph) -> None:
    description = release_description(without_personal_data.graph, Settings(personal_data=False),
                                      sparql_endpoint=ENDPOINT).description
    results = dcat_ap_results(description, dcat_ap)
    assert results == [], _summary(results)


def test_the_description_files_the_site_writes_pass_dcat_ap(dcat_ap: Graph, tmp_path: Path) -> None:
    """void.ttl and void.jsonld as ``kopa-graph site --sparql-endpoint`` writes them, read back."""
    site = tmp_path / "www"
    build_site(validate_source(SMALL, Settings()), site, sparql_endpoint=ENDPOINT)
    for name in ("void.ttl", "void.jsonld", ".well-known/void"):
        description = parse_file(site / name) if name.startswith("void") else \
            Graph().parse(site / name, format="turtle")
        results = dcat_ap_results(description, dcat_ap)
        assert results == [], f"{name}: {_summary(results)}"


def _jena_results(data: Path, classpath: str) -> list[Found]:
    run = subprocess.run(["java", "-cp", classpath, "shacl.shacl", "validate", "--shapes", str(DCAT_AP),
                          "--data", str(data)], capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode in (0, 1), run.stderr  # 1: does not conform
    return _found(Graph().parse(data=run.stdout, format="turtle"))


def _where(results: list[Found]) -> list[tuple[str, str, str, str]]:
    """What a result is about (the messages are each engine's own)."""
    return sorted((r.severity, r.focus, r.path, r.value) for r in results)


def test_jena_shacl_agrees_with_pyshacl(shipped_built: BuiltGraph, settings: Settings, dcat_ap: Graph,
                                        tmp_path: Path) -> None:
    """Apache Jena's SHACL (Debian's libapache-jena-java) reports what pySHACL reports: nothing on the
    description, and the same results on it stripped of the classes it states of the vocabularies' terms
    (the description kopa-graph wrote before issue 15, which both found 21 violations in)."""
    classpath = jena_classpath(tmp_path)
    need_peer(classpath is not None, "Apache Jena's SHACL and a Java runtime",
              "apt-get install libapache-jena-java default-jre-headless")
    assert classpath is not None
    description = release_description(shipped_built.graph, settings, sparql_endpoint=ENDPOINT).description
    stripped = Graph()
    for s, p, o in description:
        if not (p == RDF.type and isinstance(s, URIRef) and not str(s).startswith(settings.id_base)):
            stripped.add((s, p, o))
    for name, graph, none in (("description", description, True), ("stripped", stripped, False)):
        path = tmp_path / f"{name}.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        pyshacl_found, jena_found = dcat_ap_results(graph, dcat_ap), _jena_results(path, classpath)
        assert _where(jena_found) == _where(pyshacl_found), f"{name}: Jena\n{_summary(jena_found)}\n" \
                                                            f"pySHACL\n{_summary(pyshacl_found)}"
        assert (pyshacl_found == []) == none, _summary(pyshacl_found)


# -- What the profile recommends, and VoID: each checked against the data it comes from ------------------------


def _shipped_description(shipped_built: BuiltGraph, settings: Settings, endpoint: str | None = None) -> Graph:
    return release_description(shipped_built.graph, settings, sparql_endpoint=endpoint).description


def test_every_language_has_its_eu_code() -> None:
    assert set(EU_LANGUAGE_CODES) == set(LANGUAGES)


def test_the_description_gives_what_dcat_ap_recommends(shipped_built: BuiltGraph, settings: Settings) -> None:
    """Descriptions in sv, fi and en (the pilots counted in the graph, the project's own description from
    data/project.yaml), the days of data/project.yaml, the languages of the graph's texts, the landing page,
    and each file's EU file type from the format table."""
    d = _shipped_description(shipped_built, settings)
    data = load_source_data(ROOT / "data")
    ds = IRIs(settings).dataset()
    descriptions = {o.language: str(o) for o in d.objects(ds, DCTERMS.description) if isinstance(o, Literal)}
    assert set(descriptions) == set(LANGUAGES)
    for lang, text in descriptions.items():
        assert data.project.descriptions[lang] in text, lang
        assert f" {len(data.pilots)} " in text and "2020–2021" in text, lang
    assert d.value(ds, DCTERMS.issued) == Literal(data.published.issued.isoformat(), datatype=XSD.date)
    assert d.value(ds, DCTERMS.modified) == Literal(data.published.modified.isoformat(), datatype=XSD.date)
    assert set(d.objects(ds, DCTERMS.language)) == {
        URIRef(f"http://publications.europa.eu/resource/authority/language/{code}") for code in ("SWE", "FIN", "ENG")}
    assert set(d.objects(ds, DCAT.landingPage)) == {URIRef(settings.base_iri)}
    formats = {}
    for dist in d.objects(ds, DCAT.distribution):
        url = Path(str(d.value(dist, DCAT.downloadURL)))
        expected = ZIP if url.suffix == ZIP.extension else format_for_path(url)
        formats[url.name] = d.value(dist, DCTERMS.format)
        assert formats[url.name] == URIRef(expected.file_type_iri), url.name
    assert sorted(formats) == ["kopa-csv.zip", "kopa.jsonld", "kopa.nt", "kopa.ttl"]
    assert not list(d.subjects(RDF.type, DCAT.DataService)), "no endpoint named, no data service"
    assert d.value(ds, VOID.sparqlEndpoint) is None


def test_a_named_sparql_endpoint_is_an_access_service(shipped_built: BuiltGraph, settings: Settings) -> None:
    d = _shipped_description(shipped_built, settings, ENDPOINT)
    ds, endpoint = IRIs(settings).dataset(), URIRef(ENDPOINT)
    [service] = d.subjects(RDF.type, DCAT.DataService)
    assert set(d.objects(service, DCAT.endpointURL)) == {endpoint}
    assert set(d.objects(service, DCAT.servesDataset)) == {ds}
    [dist] = d.subjects(DCAT.accessService, service)
    assert (ds, DCAT.distribution, dist) in d and set(d.objects(dist, DCAT.accessURL)) == {endpoint}
    assert d.value(ds, VOID.sparqlEndpoint) == endpoint


def test_void_counts_every_predicate_and_names_every_vocabulary(shipped_built: BuiltGraph, settings: Settings) -> None:
    """One property partition per predicate of the graph, with its number of triples; the vocabularies cover
    every predicate and class of the graph, and each covers at least one."""
    g = shipped_built.graph
    d = _shipped_description(shipped_built, settings)
    ds = IRIs(settings).dataset()
    counted = {d.value(part, VOID.property): int(d.value(part, VOID.triples))
               for part in d.objects(ds, VOID.propertyPartition)}
    assert len(counted) == len(set(d.objects(ds, VOID.propertyPartition)))
    assert counted == {p: sum(1 for _ in g.triples((None, p, None))) for p in set(g.predicates())}
    assert int(d.value(ds, VOID.properties)) == len(counted) and sum(counted.values()) == len(g)
    vocabularies = [str(v) for v in d.objects(ds, VOID.vocabulary)]
    terms = {str(p) for p in g.predicates()} | {str(c) for c in g.objects(None, RDF.type)}
    assert all(any(t.startswith(v) for v in vocabularies) for t in terms), "a term with no vocabulary named"
    assert all(any(t.startswith(v) for t in terms) for v in vocabularies), "a vocabulary the graph does not use"
    assert {"https://w3id.org/kopa/ontology#", "http://www.w3.org/ns/org#", "http://schema.org/"} <= set(vocabularies)
