"""The ontology is OWL 2 DL and consistent, and so is the data's use of it, as a real profile checker and a
real DL reasoner say: the OWL API's OWL2DLProfile and HermiT, from the HermiT.jar that the PyPI package
owlready2 ships, driven by ``tests/owl/ProfileCheck.java`` (what it checks is said at its top).

The cases in ``tests/owl/cases/`` show that the checker finds each kind of fault, at the line where it is
written, and passes what OWL 2 DL allows: each says in ``# expect: LINE: text`` comments what the checker
must say about it (``-`` for the whole file, ``...`` for any text), a clean case ``# expect: -: OWL 2 DL,
consistent (...)``."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

from conftest import ROOT, TESTS, need_peer
from kopa_graph.graph.build import BuiltGraph
from kopa_graph.rdfio.namespaces import KOPA
from kopa_graph.resources import ontology_path

CHECKER = TESTS / "owl" / "ProfileCheck.java"
CASES = sorted((TESTS / "owl" / "cases").glob("*.ttl"))
CLEAN = ": OWL 2 DL, consistent ("

Check = Callable[..., subprocess.CompletedProcess[str]]


def hermit_jar() -> Path | None:
    """owlready2's HermiT.jar (HermiT 1.3.8 with the OWL API 3.4.3), found without importing owlready2."""
    spec = importlib.util.find_spec("owlready2")
    if spec is None or spec.origin is None:
        return None
    jar = Path(spec.origin).parent / "hermit" / "HermiT.jar"
    return jar if jar.is_file() else None


@pytest.fixture(scope="module")
def profile_check(tmp_path_factory: pytest.TempPathFactory) -> Check:
    """Runs ProfileCheck (compiled once) on files, from the repository's top, so that it names them as
    ``tests/owl/cases/x.ttl``."""
    jar = hermit_jar()
    need_peer(jar is not None, "owlready2's HermiT.jar (HermiT and the OWL API)",
              "pip install owlready2, part of the test extras")
    need_peer(shutil.which("javac") is not None and shutil.which("java") is not None,
              "a Java compiler and runtime (javac, java)", "apt-get install default-jdk-headless")
    assert jar is not None
    classes = tmp_path_factory.mktemp("profilecheck")
    compiled = subprocess.run(["javac", "-Xlint:all", "-cp", str(jar), "-d", str(classes), str(CHECKER)],
                              capture_output=True, text=True, timeout=300)
    assert compiled.returncode == 0, f"javac {CHECKER}:\n{compiled.stdout}{compiled.stderr}"

    def run(*files: Path) -> subprocess.CompletedProcess[str]:
        names = [str(f.relative_to(ROOT)) if f.is_relative_to(ROOT) else str(f) for f in files]
        return subprocess.run(["java", "-cp", f"{classes}{os.pathsep}{jar}", "ProfileCheck", *names], cwd=ROOT,
                              capture_output=True, text=True, encoding="utf-8", timeout=600)

    return run


def said(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n{result.stdout}{result.stderr}"


def test_the_ontology_is_owl2_dl_and_consistent(profile_check: Check) -> None:
    result = profile_check(ontology_path())
    assert result.returncode == 0, "the ontology is not OWL 2 DL:\n" + said(result)
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and CLEAN in lines[0], said(result)


@pytest.fixture(scope="module")
def case_reports(profile_check: Check) -> dict[Path, list[str]]:
    """Every case checked in one run: the lines the checker says about each."""
    result = profile_check(*CASES)
    assert result.returncode == 1, "some cases have faults, so the checker must exit 1:\n" + said(result)
    reports: dict[Path, list[str]] = {case: [] for case in CASES}
    for line in result.stdout.splitlines():
        name = re.split(r":(?=\d+: | )", line, maxsplit=1)[0]
        assert (ROOT / name) in reports, f"a line about no case: {line!r}"
        reports[ROOT / name].append(line)
    return reports


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_the_checker_finds_each_fault_where_it_is_written(case: Path, case_reports: dict[Path, list[str]]) -> None:
    name = case.relative_to(ROOT)
    expected = [m.group(1) for m in re.finditer(r"^# expect: (.+)$", case.read_text(encoding="utf-8"), re.M)]
    assert expected, f"{name} does not say what the checker must say about it (# expect: LINE: text)"
    lines = case_reports[case]
    shown = "\n".join(lines)
    clean = [want for want in expected if want.startswith("-" + CLEAN)]
    if clean:
        assert len(lines) == 1, f"{name} is clean, but:\n{shown}"
    else:
        assert not [line for line in lines if CLEAN in line], f"{name} has faults, but is reported clean:\n{shown}"
    for want in expected:
        where, text = want.split(": ", 1)
        prefix = f"{name}: " if where == "-" else f"{name}:{where}: "
        pattern = re.escape(prefix) + ".*".join(re.escape(part) for part in text.split("..."))
        assert any(re.match(pattern, line) for line in lines), f"missing: {prefix}{text}\nthe checker said:\n{shown}"


def data_in_owl(built: Graph) -> Graph:
    """What the data says with the ontology's terms: every triple whose predicate the ontology declares an
    object or datatype property (its own and the reused ones), and every rdf:type of a class it declares."""
    onto = Graph().parse(ontology_path(), format="turtle")
    properties = set(onto.subjects(RDF.type, OWL.ObjectProperty)) | set(onto.subjects(RDF.type, OWL.DatatypeProperty))
    classes = set(onto.subjects(RDF.type, OWL.Class))
    out = Graph()
    for s, p, o in built:
        if p in properties or (p == RDF.type and o in classes):
            out.add((s, p, o))
    return out


def with_ontology(data: Graph, path: Path) -> Path:
    """The ontology as written, then the data as N-Triples (which is Turtle): the OWL API reads Turtle in
    order, and the ontology declares its terms before it uses them."""
    rows = sorted(line for line in data.serialize(format="nt").splitlines() if line.strip())
    path.write_text(ontology_path().read_text(encoding="utf-8") + "\n# The data\n\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


def test_the_data_uses_the_ontology_within_owl2_dl(profile_check: Check, shipped_built: BuiltGraph,
                                                  tmp_path: Path) -> None:
    """The ontology with the shipped data's use of it is OWL 2 DL and consistent: every kopa property (and
    every reused one the ontology declares) has values of its kind, in its range (a kopa:asWritten is a
    string, a kopa:statedCount an integer), and kopa:Pilot is used as an individual as well as a class, the
    punning the ontology notes at kopa:countOf (OWL 2 DL allows a class and an individual to share an IRI)."""
    data = data_in_owl(shipped_built.graph)
    assert list(data.subjects(KOPA.countOf, KOPA.Pilot)), "the data no longer counts pilots: what puns kopa:Pilot?"
    used = {p for p in data.predicates() if str(p).startswith(str(KOPA._NS))}
    assert used == {KOPA.themeStatement, KOPA.theme, KOPA.countOf, KOPA.asWritten, KOPA.statedCount,
                    KOPA.parentIdentifier}, sorted(used)
    result = profile_check(with_ontology(data, tmp_path / "ontology-and-data.ttl"))
    assert result.returncode == 0, "the data's use of the ontology is not OWL 2 DL:\n" + said(result)


@pytest.mark.parametrize(("value", "expected"), [
    (URIRef("https://w3id.org/kopa/id/claim/elsewhere"), "not OWL 2 DL (IllegalPunning): Cannot pun between "
                                                          "properties: kopa:statedCount"),
    (Literal("tretton", lang="sv"), "inconsistent: HermiT finds no model"),
], ids=["an IRI", "a string"])
def test_a_value_the_ontology_does_not_allow_is_found_in_the_data(profile_check: Check, shipped_built: BuiltGraph,
                                                                  tmp_path: Path, value: URIRef | Literal,
                                                                  expected: str) -> None:
    """The data check has teeth: a stated total whose kopa:statedCount is an IRI (a datatype property used as
    an object property) or a word (outside its range xsd:integer) is reported."""
    data = data_in_owl(shipped_built.graph)
    claim = next(s for s, o in data.subject_objects(KOPA.statedCount) if isinstance(o, Literal)
                 and o.datatype == XSD.integer)
    data.add((claim, KOPA.statedCount, value))
    result = profile_check(with_ontology(data, tmp_path / "ontology-and-bad-data.ttl"))
    assert result.returncode == 1, said(result)
    assert expected in result.stdout, said(result)
