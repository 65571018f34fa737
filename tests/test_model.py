"""The ontology, the Python namespace, the JSON-LD context and the shipped data agree."""

from __future__ import annotations

import json
import subprocess
import sys

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kopa_graph import Settings
from kopa_graph.graph.build import BuiltGraph
from kopa_graph.rdfio.jsonld import project_context
from kopa_graph.rdfio.namespaces import KOPA, ONTOLOGY_IRI, PREFIXES
from kopa_graph.resources import ontology_path
from kopa_graph.validation.validate import validate_graph

ONTOLOGY = Graph().parse(ontology_path(), format="turtle")
NS = str(KOPA._NS)
DECLARED = {s for s in ONTOLOGY.subjects(RDF.type, None)
            if isinstance(s, URIRef) and str(s).startswith(NS)}


def test_python_namespace_and_ontology_declare_the_same_terms() -> None:
    python_terms = {KOPA[name] for name in KOPA.__annotations__}
    assert python_terms == DECLARED
    mentioned = {t for triple in ONTOLOGY for t in triple if isinstance(t, URIRef) and str(t).startswith(NS)}
    assert mentioned == DECLARED, f"kopa terms used but not declared: {sorted(mentioned - DECLARED)}"


def test_every_term_is_labelled_and_defined_in_three_languages() -> None:
    for term in DECLARED:
        for prop in (RDFS.label, SKOS.definition):
            langs = sorted(o.language for o in ONTOLOGY.objects(term, prop) if isinstance(o, Literal))
            assert langs == ["en", "fi", "sv"], f"{term} {prop}: {langs}"
        assert (term, RDFS.isDefinedBy, URIRef(ONTOLOGY_IRI)) in ONTOLOGY


def test_every_term_refines_a_standard_term_or_says_which() -> None:
    for term in DECLARED:
        supers = list(ONTOLOGY.objects(term, RDFS.subClassOf)) + list(ONTOLOGY.objects(term, RDFS.subPropertyOf))
        # a datatype refines the standard datatype it restricts (owl:equivalentClass [ owl:onDatatype xsd:... ])
        supers += [d for e in ONTOLOGY.objects(term, OWL.equivalentClass) for d in ONTOLOGY.objects(e, OWL.onDatatype)]
        see_also = list(ONTOLOGY.objects(term, RDFS.seeAlso))
        assert supers or see_also, f"{term} names no standard term it refines"
        assert all(not str(s).startswith(NS) for s in supers), f"{term} refines only kopa terms"


def test_ontology_is_versioned() -> None:
    onto = URIRef(ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in ONTOLOGY
    version = ONTOLOGY.value(onto, OWL.versionInfo)
    assert version is not None
    assert ONTOLOGY.value(onto, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")
    assert not list(ONTOLOGY.objects(onto, OWL.imports)), "the ontology must not make a reader fetch anything"


def test_context_prefixes_match_the_python_prefixes() -> None:
    ctx = project_context()
    for prefix, ns in PREFIXES.items():
        assert ctx.get(prefix) == ns, prefix


def test_every_predicate_of_the_graph_has_a_context_term(shipped_built: BuiltGraph) -> None:
    ctx = project_context()
    expand = {prefix: ns for prefix, ns in ctx.items() if isinstance(ns, str)}
    termed = set()
    for value in ctx.values():
        if isinstance(value, dict):
            prefix, local = value["@id"].split(":", 1)
            termed.add(expand[prefix] + local)
    predicates = {str(p) for p in shipped_built.graph.predicates()} - {str(RDF.type)}
    assert predicates <= termed, f"predicates without a context term: {sorted(predicates - termed)}"


def test_graph_has_no_blank_nodes(shipped_built: BuiltGraph) -> None:
    from rdflib import BNode

    assert not [t for t in shipped_built.graph if any(isinstance(x, BNode) for x in t)]


def test_shipped_data_conforms(shipped_built: BuiltGraph, settings: Settings) -> None:
    report = validate_graph(shipped_built.graph, settings)
    assert report.results == [], [f"{r.focus} {r.message}" for r in report.results]


def test_importing_the_library_does_not_import_the_cli_or_the_validator() -> None:
    code = ("import sys, kopa_graph; "
            "print(json.dumps(sorted(m for m in ('click', 'pyshacl') if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", "import json; " + code], check=True, capture_output=True,
                         text=True).stdout
    assert json.loads(out) == []


def test_ontology_file_and_context_file_are_in_the_installed_package_data() -> None:
    """pyproject ships ontology/, shapes/ and data/ inside the wheel (kopa_graph/_share/...)."""
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    include = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include == {"ontology": "kopa_graph/_share/ontology", "shapes": "kopa_graph/_share/shapes",
                       "data": "kopa_graph/_share/data"}
