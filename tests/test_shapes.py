"""Every shape has fixtures that trip it, and fixtures it accepts.

A case in ``shape_cases/`` is a SPARQL Update (operations separated by a line
holding only ';') applied to the small fixture
graph. ``# expect: SHAPE FOCUS`` lines list exactly the (shape, focus node)
pairs the validation must report — no more, no fewer. ``# conforms: SHAPE``
cases must validate cleanly and name the shapes they exercise. IRIs in cases
are relative to the data namespace ``https://w3id.org/kopa/id/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kopa_graph import Settings
from kopa_graph.graph.build import BuiltGraph
from kopa_graph.rdfio.namespaces import KOPASH, PREFIXES, RDF, RDFS, SH, XSD
from kopa_graph.validation.validate import ValidationReport, load_ontology, load_shapes, validate_graph

CASES = Path(__file__).resolve().parent / "shape_cases"
BASE = "https://w3id.org/kopa/id/"
PROLOG = f"BASE <{BASE}>\n" + "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def _cases(kind: str) -> list[Path]:
    return sorted(p for p in CASES.glob("*.ru") if (kind == "valid") == p.name.startswith("valid-"))


def _parse_header(path: Path, key: str) -> list[list[str]]:
    return [line.split(":", 1)[1].split() for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith(f"# {key}:")]


def _shape(qname: str) -> URIRef:
    assert qname.startswith("kopash:"), qname
    return KOPASH[qname.split(":", 1)[1]]


def _focus(text: str) -> URIRef:
    assert text.startswith("<") and text.endswith(">"), text
    iri = text[1:-1]
    return URIRef(iri if re.match(r"^[a-z]+:", iri) else BASE + iri)


def _apply(built: BuiltGraph, path: Path) -> Graph:
    g = Graph()
    for t in built.graph + _description(built.graph):
        g.add(t)
    body = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
    for operation in re.split(r"\n;\n", body):  # rdflib keeps PREFIXes for the first operation only
        if operation.strip():
            g.update(PROLOG + operation)
    return g


def _description(g: Graph) -> Graph:
    """The dataset description kopa-graph site publishes (with a SPARQL endpoint named, as release 2 following
    release 1), part of the conforming fixture."""
    from kopa_graph.graph.dataset import Distribution, describe
    from kopa_graph.rdfio.formats import FORMATS

    turtle = FORMATS["turtle"]
    versioned = Settings(version="2", previous_version="1")
    return describe(g, versioned, [Distribution("download/kopa.ttl", turtle.media_type, 1234, "Turtle",
                                                 turtle.file_type_iri)],
                    "https://example.org/test-article", sparql_endpoint=SPARQL_ENDPOINT)


SPARQL_ENDPOINT = "https://example.org/sparql"


@pytest.fixture(scope="module")
def shapes(settings: Settings) -> Graph:
    return load_shapes(settings)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


def _pairs(report: ValidationReport) -> set[tuple[URIRef, URIRef]]:
    return {(r.shape, r.focus) for r in report.results}  # type: ignore[misc]


def test_small_fixture_conforms(small_built: BuiltGraph, settings: Settings, shapes: Graph,
                                ontology: Graph) -> None:
    report = validate_graph(small_built.graph + _description(small_built.graph), settings, shapes=shapes,
                            ontology=ontology)
    assert report.results == [], [str(r) for r in report.results]


@pytest.mark.parametrize("case", _cases("invalid"), ids=lambda p: p.stem)
def test_invalid_case_trips_exactly_its_shapes(case: Path, small_built: BuiltGraph, settings: Settings,
                                               shapes: Graph, ontology: Graph) -> None:
    expected = {(_shape(s), _focus(f)) for s, f in _parse_header(case, "expect")}
    assert expected, f"{case.name} names no '# expect:' line"
    report = validate_graph(_apply(small_built, case), settings, shapes=shapes, ontology=ontology)
    assert _pairs(report) == expected, "\n".join(f"{r.severity} {r.shape} {r.focus}: {r.message}"
                                               for r in report.results)
    for r in report.results:
        assert r.message and r.message != "(no message)", f"{r.shape} reports without a sh:message"


@pytest.mark.parametrize("case", _cases("valid"), ids=lambda p: p.stem)
def test_valid_case_conforms(case: Path, small_built: BuiltGraph, settings: Settings, shapes: Graph,
                             ontology: Graph) -> None:
    named = [_shape(s[0]) for s in _parse_header(case, "conforms")]
    assert named, f"{case.name} names no '# conforms:' shape"
    assert all((n, None, None) in shapes for n in named), f"{case.name} names a shape that does not exist"
    report = validate_graph(_apply(small_built, case), settings, shapes=shapes, ontology=ontology)
    assert report.results == [], [f"{r.shape} {r.focus}: {r.message}" for r in report.results]


def _reportable_shapes(shapes: Graph) -> set[URIRef]:
    """Shapes that can appear as sh:sourceShape: named property shapes and SPARQL-constraint shapes."""
    props = {s for s in shapes.subjects(RDF.type, SH.PropertyShape) if isinstance(s, URIRef)}
    sparql = {s for s in shapes.subjects(SH.sparql, None) if isinstance(s, URIRef)}
    return props | sparql


def test_every_shape_has_a_tripping_case(shapes: Graph) -> None:
    tripped = {_shape(s) for case in _cases("invalid") for s, _ in _parse_header(case, "expect")}
    missing = sorted(str(s) for s in _reportable_shapes(shapes) - tripped)
    assert not missing, f"shapes with no non-conforming fixture: {missing}"


@pytest.mark.parametrize("which", ["fixture", "shipped"])
def test_every_shape_has_focus_nodes(small_built: BuiltGraph, shipped_built: BuiltGraph, shapes: Graph,
                                     ontology: Graph, which: str) -> None:
    """No vacuous pass: every shape's target matches something, in the fixture that conforms and in the
    real data (a shape whose target names a class the graph never uses would pass everything)."""
    built = small_built if which == "fixture" else shipped_built
    data = built.graph + _description(built.graph) + ontology
    owner = {p: n for n, p in shapes.subject_objects(SH.property)}
    empty = []
    for shape in _reportable_shapes(shapes):
        node_shape = owner.get(shape, shape)
        focus = [s for t in shapes.objects(node_shape, SH.targetClass)
                 for s in data.query(f"SELECT ?s WHERE {{ ?s a/<{RDFS.subClassOf}>* <{t}> }}")]
        focus += [s for p in shapes.objects(node_shape, SH.targetSubjectsOf) for s in data.subjects(p, None)]
        focus += [n for n in shapes.objects(node_shape, SH.targetNode) if (n, None, None) in data]
        if not focus:
            empty.append(str(shape))
    assert not empty, f"shapes whose targets match nothing in the {which} data: {empty}"


def test_every_shape_has_a_message(shapes: Graph) -> None:
    named = {s for kind in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, kind)
             if isinstance(s, URIRef)}
    silent = [str(s) for s in named
              if not any(shapes.objects(s, SH.message)) and not any(
                  shapes.objects(c, SH.message) for c in shapes.objects(s, SH.sparql))]
    assert not silent, f"shapes without sh:message: {silent}"


SPARQL_CASES = [c for c in _cases("invalid")
                if any(s.endswith("Shape") for s, _ in _parse_header(c, "expect"))]


@pytest.mark.parametrize("case", SPARQL_CASES, ids=lambda p: p.stem)
def test_set_wise_sparql_agrees_with_pyshacl(case: Path, small_built: BuiltGraph, settings: Settings,
                                             shapes: Graph, ontology: Graph) -> None:
    """The fast, set-wise SHACL-SPARQL evaluation (on pyoxigraph, and on rdflib) gives what pySHACL's own gives.

    Only the case's own SPARQL shapes keep their targets: pySHACL's evaluation
    takes seconds per shape, and the others are compared in their own cases.
    """
    g = _apply(small_built, case)
    named = {_shape(s) for s, _ in _parse_header(case, "expect") if s.endswith("Shape")}
    only = Graph()
    for t in shapes:
        if t[1] in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf) and t[0] not in named:
            continue
        only.add(t)
    fast = validate_graph(g, settings, shapes=only, ontology=ontology, sparql="set")
    on_rdflib = validate_graph(g, settings, shapes=only, ontology=ontology, sparql="set", sparql_engine="rdflib")
    slow = validate_graph(g, settings, shapes=only, ontology=ontology, sparql="pyshacl")
    assert fast.results, "the case must trip its shape"

    def key(report: ValidationReport) -> set[tuple[object, ...]]:
        return {(r.shape, r.focus, r.severity, r.value, r.message, r.path, r.constraint) for r in report.results}

    assert key(fast) == key(slow), "pyoxigraph, set-wise"
    assert key(on_rdflib) == key(slow), "rdflib, set-wise"


def test_generated_classification_shapes_are_current() -> None:
    from kopa_graph.validation.classshapes import generate

    shipped = (Path(__file__).resolve().parents[1] / "shapes" / "classifications.ttl").read_text(encoding="utf-8")
    assert shipped == generate(Path(__file__).resolve().parents[1] / "data"), \
        ("shapes/classifications.ttl is out of date: run "
         "python -m kopa_graph.validation.classshapes > shapes/classifications.ttl")


def _full(report: ValidationReport) -> list[tuple[object, ...]]:
    return sorted((str(r.shape), str(r.focus), r.severity, r.path, r.constraint, r.message, repr(r.value))
                  for r in report.results)


@pytest.mark.parametrize("case", _cases("invalid") + _cases("valid"), ids=lambda p: p.stem)
def test_fast_core_validation_agrees_with_pyshacl(case: Path, small_built: BuiltGraph, settings: Settings,
                                                   shapes: Graph, ontology: Graph) -> None:
    """The default validation (core constraints on pyoxigraph, kopa_graph.validation.core) reports exactly what
    pySHACL reports for the same core constraints: every result, with its shape, focus, severity, path,
    component, message and value, as many times."""
    g = _apply(small_built, case)
    fast = validate_graph(g, settings, shapes=shapes, ontology=ontology)
    slow = validate_graph(g, settings, shapes=shapes, ontology=ontology, core="pyshacl")
    assert _full(fast) == _full(slow)
    assert fast.conforms == slow.conforms


def test_fast_core_validation_agrees_on_the_shipped_data(settings: Settings, shapes: Graph, ontology: Graph) -> None:
    from kopa_graph import build_graph, load_source_data
    from kopa_graph.resources import default_data_dir

    g = build_graph(load_source_data(default_data_dir()), settings).graph
    fast = validate_graph(g, settings, shapes=shapes, ontology=ontology)
    slow = validate_graph(g, settings, shapes=shapes, ontology=ontology, core="pyshacl")
    assert fast.conforms and slow.conforms
    assert _full(fast) == _full(slow)


def test_a_shape_the_fast_path_does_not_know_goes_to_pyshacl(small_built: BuiltGraph, settings: Settings,
                                                             shapes: Graph, ontology: Graph) -> None:
    """Nothing is skipped silently: a constraint shaclfast does not implement (here sh:closed) makes the
    whole core validation run on pySHACL, which reports it."""
    from kopa_graph.validation import core as shaclfast

    extra = Graph()
    for t in shapes:
        extra.add(t)
    shape = URIRef("https://w3id.org/kopa/shapes#ClosedPeriod")
    extra.add((shape, RDF.type, SH.NodeShape))
    extra.add((shape, SH.targetClass, URIRef("http://purl.org/dc/terms/PeriodOfTime")))
    extra.add((shape, SH.closed, Literal(True)))
    extra.add((shape, SH.message, Literal("closed", lang="en")))
    assert shaclfast.supported(extra) == str(SH.closed)
    report = validate_graph(small_built.graph, settings, shapes=extra, ontology=ontology)
    assert any(r.shape == shape and r.constraint == "ClosedConstraintComponent" for r in report.results)


RANGE_VALUES = ["5", '"2020-01-01"^^xsd:date', '"abc"', "3.5", '"x"^^xsd:integer', "true",
                '"2020-01-01T01:00:00"^^xsd:dateTime']
RANGE_BOUNDS = ["4", '"2019-01-01"^^xsd:date', "5"]


@pytest.mark.parametrize("bound", RANGE_BOUNDS)
@pytest.mark.parametrize("word", ["minInclusive", "maxInclusive", "minExclusive", "maxExclusive"])
def test_range_constraints_compare_values_as_pyshacl_does(word: str, bound: str) -> None:
    """kopa_graph.validation.checks.compare on values of other types than the bound, ill-typed ones
    included ("x"^^xsd:integer, which cannot be ordered against 5), decides as pySHACL does. It ordered a
    dateTime against a date or a number by rdflib's rules, where pySHACL finds it out of range."""
    import pyshacl

    from kopa_graph.validation.checks import compare

    want = {"minInclusive": (0, 1), "maxInclusive": (-1, 0), "minExclusive": (1,), "maxExclusive": (-1,)}[word]
    prefixes = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex/> . " \
               "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    shapes = Graph().parse(data=prefixes + f"ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
                                           f"sh:property [ sh:path ex:p ; sh:{word} {bound} ] .", format="turtle")
    limit = next(shapes.objects(None, SH[word]))
    for value in RANGE_VALUES:
        data = Graph().parse(data=prefixes + f"ex:a a ex:C ; ex:p {value} .", format="turtle")
        v = next(data.objects(None, URIRef("http://ex/p")))
        assert (compare(v, limit) in want) == pyshacl.validate(data, shacl_graph=shapes)[0], (word, bound, value)
    assert compare(Literal("x", datatype=XSD.integer), Literal(5)) is None


def test_jena_shacl_agrees_on_the_data_and_every_case(small_built: BuiltGraph, shipped_built: BuiltGraph,
                                                      shapes: Graph, ontology: Graph, tmp_path: Path) -> None:
    """Apache Jena's SHACL engine (Debian's libapache-jena-java), run on every shape case in one JVM
    (tests/jena/ShaclCheck.java), reports exactly the (shape, focus) pairs each case expects, and nothing on the
    shipped data, the conforming fixture and the valid cases: kopa-graph, pySHACL and Jena agree."""
    import shutil
    import subprocess

    from conftest import jena_classpath, need_peer

    classpath = jena_classpath(tmp_path)
    need_peer(classpath is not None and shutil.which("javac") is not None,
              "Apache Jena's SHACL and a Java compiler (JDK)",
              "apt-get install libapache-jena-java default-jdk-headless")
    assert classpath is not None
    shapes_file = tmp_path / "shapes.ttl"
    shapes.serialize(shapes_file, format="turtle")
    expected: dict[str, set[tuple[str, str]]] = {}
    files = []
    graphs = [("shipped", shipped_built.graph + _description(shipped_built.graph)),
              ("fixture", small_built.graph + _description(small_built.graph))]
    graphs += [(case.stem, _apply(small_built, case)) for case in _cases("invalid") + _cases("valid")]
    for name, g in graphs:
        path = tmp_path / f"{name}.nt"
        (g + ontology).serialize(path, format="nt", encoding="utf-8")
        files.append(str(path))
        case = CASES / f"{name}.ru"
        expected[str(path)] = {(str(_shape(s)), str(_focus(f))) for s, f in _parse_header(case, "expect")} \
            if case.exists() else set()
    run = subprocess.run(["java", "-cp", classpath, str(Path(__file__).parent / "jena" / "ShaclCheck.java"),
                          str(shapes_file), *files], capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    found: dict[str, set[tuple[str, str]]] = {f: set() for f in files}
    answered = set()
    for line in run.stdout.splitlines():
        parts = line.split("\t")
        answered.add(parts[0])
        if parts[1] != "conforms":
            found[parts[0]].add((parts[1], parts[2]))
    assert answered == set(files), "Jena did not answer for every file"
    differ = {Path(f).stem: (sorted(found[f]), sorted(expected[f])) for f in files if found[f] != expected[f]}
    assert not differ, "\n".join(f"{n}: Jena {j}, expected {e}" for n, (j, e) in sorted(differ.items()))


@pytest.mark.parametrize("subclass", [False, True])
def test_class_targets_reach_the_subclasses_instances_and_no_others(subclass: bool, settings: Settings) -> None:
    """A shape targeting a class checks the instances of its subclasses too, and only the class's: a class
    without subclasses is matched by one rdf:type pattern joined into each query (issue 18), one with
    subclasses by rdf:type/rdfs:subClassOf*. Both agree with pySHACL on every kind of query the fast path makes
    (counts, hasValue, the filtered values)."""
    prefixes = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex/> . " \
               "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    shapes = Graph().parse(data=prefixes + "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property "
                           "[ sh:path ex:p ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype <http://www.w3.org/2001/"
                           "XMLSchema#integer> ; sh:message 'p' ] , "
                           "[ sh:path ex:q ; sh:hasValue ex:v ; sh:message 'q' ] .",
                           format="turtle")
    data = Graph().parse(data=prefixes + "ex:a a ex:C . ex:b a ex:D ; ex:q ex:v . ex:c a ex:E . "
                         "ex:d a ex:C ; ex:p 1 ; ex:q ex:v . ex:e a ex:C ; ex:p 1, 2, \"x\" ; ex:q ex:v . "
                         "ex:f a ex:C , ex:D ; ex:p 1 ; ex:q ex:v ."
                         + (" ex:D rdfs:subClassOf ex:C ." if subclass else ""), format="turtle")
    fast = validate_graph(data, settings, shapes=shapes, ontology=Graph())
    slow = validate_graph(data, settings, shapes=shapes, ontology=Graph(), core="pyshacl")
    assert _full(fast) == _full(slow)
    found = {(str(r.focus).removeprefix("http://ex/"), r.constraint) for r in fast.results}
    want = {("a", "MinCountConstraintComponent"), ("a", "HasValueConstraintComponent"),
            ("e", "MaxCountConstraintComponent"), ("e", "DatatypeConstraintComponent")}
    if subclass:
        want.add(("b", "MinCountConstraintComponent"))
    assert found == want
