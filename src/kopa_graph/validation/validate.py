"""SHACL validation: the one place where pySHACL validates (the fast path borrows only its comparison
of literals, :func:`kopa_graph.validation.checks.compare`).

Shapes and ontology are the shipped files (``shapes/*.ttl``,
``ontology/kopa.ttl``). The shapes name concepts of the data (a role, an
organisation type) under the default base IRI; when a run uses another base,
those IRIs are moved to it first, so one shapes file serves every publisher.
"""

from __future__ import annotations

import json
import logging
import threading
import traceback
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import rdflib
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kopa_graph.errors import KopaError, Location, ValidatorError
from kopa_graph.graph.build import BuiltGraph
from kopa_graph.rdfio.namespaces import RDF, SH
from kopa_graph.rdfio.ntriples import term_key
from kopa_graph.rdfio.tripleset import TripleSet
from kopa_graph.resources import ontology_path, shapes_paths
from kopa_graph.settings import DEFAULT_BASE_IRI, Settings
from kopa_graph.validation import sparql as sparql_constraints
from kopa_graph.validation.pool import shape_threads, usable_threads

if TYPE_CHECKING:
    import pyoxigraph as ox

log = logging.getLogger(__name__)

_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class Result:
    """One validation result, in terms a person can act on."""

    focus: Node
    shape: Node
    severity: str
    message: str
    path: str = ""
    value: Node | None = None
    constraint: str = ""

    def sort_key(self) -> tuple[object, ...]:
        return (term_key(self.focus), _SEVERITY_ORDER.get(self.severity, 9), self.path, str(self.shape),
                self.message, term_key(self.value) if self.value is not None else ())


@dataclass(frozen=True)
class Validated:
    """A graph that conforms to the shapes, with what publishing it needs: the settings it was built with,
    the source-data folder it was built from (no output may be written there) and the article's text as
    read. Only :func:`kopa_graph.pipeline.validate_source` makes one; the site, the server and the CSV export
    take one, so they cannot be handed a graph that was not validated."""

    built: BuiltGraph
    report: ValidationReport
    settings: Settings
    data_dir: Path | None  # None: the shipped data
    article: str

    @property
    def graph(self) -> Graph:
        return self.built.graph


@dataclass
class ValidationReport:
    conforms: bool
    results: list[Result]
    graph: Graph = field(repr=False)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Warning"]


def rebase(graph: Graph, old: str, new: str) -> Graph:
    """A copy of ``graph`` with every IRI that starts with ``old`` starting with ``new`` instead."""
    if old == new:
        return graph

    def move(t: Node) -> Node:
        if isinstance(t, URIRef) and str(t).startswith(old):
            return URIRef(new + t[len(old):])
        if isinstance(t, Literal) and old in str(t):  # SPARQL text and sh:namespace of SHACL-SPARQL
            return Literal(str(t).replace(old, new), lang=t.language, datatype=t.datatype)
        return t

    out = Graph(bind_namespaces="none")
    for prefix, ns in graph.namespaces():
        out.bind(prefix, move(URIRef(ns)), override=True)
    for s, p, o in graph:
        out.add((move(s), move(p), move(o)))
    return out


def load_shapes(settings: Settings, paths: Sequence[Path] | None = None) -> Graph:
    from kopa_graph.rdfio.engine import parse_file  # local: engine imports the writers

    g = Graph(bind_namespaces="none")
    for path in paths or shapes_paths():
        parse_file(path, graph=g)
    return rebase(g, DEFAULT_BASE_IRI + "id/", settings.id_base)


def load_ontology() -> Graph:
    from kopa_graph.rdfio.engine import parse_file

    return parse_file(ontology_path())


def validate_graph(data: Graph | TripleSet, settings: Settings, shapes: Graph | None = None,
                   ontology: Graph | None = None, sparql: str = "set",
                   sparql_engine: str = "oxigraph", core: str = "fast",
                   data_store: ox.Store | None = None, threads: int | None = None,
                   gate: threading.Event | None = None) -> ValidationReport:
    """Validate ``data`` (with the ontology mixed in) against the shapes.

    The default path runs on pyoxigraph: SHACL-SPARQL constraints one query
    each (:mod:`kopa_graph.validation.sparql`) and the core constraints one query
    per property shape (:mod:`kopa_graph.validation.core`). ``core="pyshacl"``
    leaves the core constraints to pySHACL (so does a shapes graph with a
    constraint the fast path does not know); ``sparql="pyshacl"`` leaves
    everything to pySHACL; ``sparql_engine="rdflib"`` runs the SPARQL
    constraints on rdflib. Every path gives the same results (tests compare
    them on every shape fixture). ``data_store``, a pyoxigraph store holding just the triples of a
    ``data`` without blank nodes (:class:`~kopa_graph.rdfio.oxbridge.Loading`), saves the fast path
    handing the graph to pyoxigraph term by term. ``threads``: how many shapes the
    fast path checks at once (default: one per processor this process may use, at most
    :data:`~kopa_graph.validation.pool.MAX_THREADS`); the results
    are the same, in the same order, whatever the number; with a ``gate``, all but one wait until it is set
    (:func:`kopa_graph.forked.parent_idle`: while the parent still works, a second thread only slows it).
    """
    shapes = shapes if shapes is not None else load_shapes(settings)
    ontology = ontology if ontology is not None else load_ontology()
    if sparql not in ("set", "pyshacl"):
        raise ValueError(f"sparql must be 'set' or 'pyshacl', not {sparql!r}")
    if core not in ("fast", "pyshacl"):
        raise ValueError(f"core must be 'fast' or 'pyshacl', not {core!r}")
    saved = rdflib.NORMALIZE_LITERALS  # pySHACL switches it off and may not restore it
    try:
        return _validate(data, shapes, ontology, sparql, sparql_engine, core, data_store,
                         usable_threads() if threads is None else threads, gate)
    except KopaError:
        raise
    except Exception as exc:  # a failure inside a validator is never a pass
        raise validator_failed(exc) from exc
    finally:
        rdflib.NORMALIZE_LITERALS = saved


def validator_failed(exc: Exception) -> ValidatorError:
    """The error to raise for ``exc``, raised inside validation (or in loading the graph for it): the
    graph counts as not validated."""
    where = "".join(f" at {f.filename}:{f.lineno}" for f in traceback.extract_tb(exc.__traceback__)[-1:])
    return ValidatorError(
        f"validation could not finish: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}{where}. "
        "The graph counts as not validated and nothing was written. This is a fault in kopa-graph or "
        "a validator, not in the data: please report it with the command and the data.")


def _validate(data: Graph | TripleSet, shapes: Graph, ontology: Graph, sparql: str, sparql_engine: str, core: str,
              data_store: ox.Store | None, threads: int,
              gate: threading.Event | None) -> ValidationReport:
    from kopa_graph.validation import core as core_constraints

    all_shapes = shapes
    constraints: list[sparql_constraints.SparqlConstraint] = []
    if sparql == "set":
        shapes, constraints = sparql_constraints.split_shapes(shapes)
    unsupported = core_constraints.supported(shapes)
    if isinstance(data, TripleSet) and not (core == "fast" and sparql == "set" and unsupported is None
                                            and sparql_engine == "oxigraph"):
        data = data.to_graph()  # pySHACL and rdflib's SPARQL read an rdflib graph
    if core == "fast" and sparql == "set" and unsupported is None:
        report_graph, results = _validate_fast(data, ontology, shapes, constraints, sparql_engine, data_store,
                                               threads, gate)
    else:
        if core == "fast" and unsupported is not None:
            log.info("validation: the shapes use %s, which only pySHACL checks", unsupported)
        assert isinstance(data, Graph)  # made above
        report_graph = _pyshacl(data, shapes, ontology)
        if constraints:
            for c, row in sparql_constraints.evaluate([data, ontology], constraints, engine=sparql_engine):
                sparql_constraints.add_to_report(report_graph, c, row, row["this"])
        results = _results(report_graph, all_shapes)
    results = sorted(results, key=Result.sort_key)
    conforms = not any(r.severity == "Violation" for r in results)
    log.info("validation: %d violations, %d other results", sum(r.severity == "Violation" for r in results),
             sum(r.severity != "Violation" for r in results))
    return ValidationReport(bool(conforms), results, report_graph)


def _pyshacl(data: Graph, shapes: Graph, ontology: Graph) -> Graph:
    import pyshacl  # heavy: imported only when pySHACL runs

    saved = rdflib.NORMALIZE_LITERALS  # pyshacl switches it off and may not restore it
    try:
        _, report_graph, _ = pyshacl.validate(
            data, shacl_graph=shapes, ont_graph=ontology, inference="none", abort_on_first=False,
            allow_warnings=True, allow_infos=True, meta_shacl=False, advanced=True, js=False, debug=False,
        )
    finally:
        rdflib.NORMALIZE_LITERALS = saved
    assert isinstance(report_graph, Graph)
    return report_graph


def _validate_fast(data: Graph | TripleSet, ontology: Graph, shapes: Graph,
                   constraints: list[sparql_constraints.SparqlConstraint], sparql_engine: str,
                   data_store: ox.Store | None = None, threads: int = 1,
                   gate: threading.Event | None = None) -> tuple[Graph, list[Result]]:
    """Both kinds of constraints on one pyoxigraph store; the results and a W3C SHACL report graph."""
    from kopa_graph.rdfio.oxbridge import store_of
    from kopa_graph.validation.core import FastValidator

    store = store_of([ontology], data_store) if data_store is not None else store_of([data, ontology])
    report = Graph(bind_namespaces="none")
    top = BNode()
    report.add((top, RDF.type, SH.ValidationReport))
    report.add((top, SH.conforms, Literal(True)))
    results: list[Result] = []
    with shape_threads(threads, gate) as pool:
        selected = ([pool.submit(_select_on, store, c) for c in constraints]
                    if pool is not None and sparql_engine == "oxigraph" else None)
        found = FastValidator(shapes, store, [data, ontology]).validate(pool)
        if selected is not None:
            rows = [f.result() for f in selected]
    for r in found:
        node = BNode()
        report.add((top, SH.result, node))
        for p, o in ((RDF.type, SH.ValidationResult), (SH.focusNode, r.focus), (SH.sourceShape, r.shape),
                     (SH.resultSeverity, r.severity), (SH.sourceConstraintComponent, r.component),
                     (SH.value, r.value), (SH.resultPath, r.path)):
            if o is not None:
                report.add((node, p, o))
        for m in r.messages:
            report.add((node, SH.resultMessage, m))
        if r.path is not None:  # a complex path's structure, as pySHACL copies it into the report
            _copy_path(shapes, r.path, report)
        if r.severity == SH.Violation:
            report.set((top, SH.conforms, Literal(False)))
        results.append(Result(
            focus=r.focus, shape=r.shape, severity=str(r.severity).rsplit("#", 1)[-1],
            message=" / ".join(sorted(str(m) for m in r.messages)) or "(no message)",
            path=render_path(report, r.path, shapes), value=r.value,
            constraint=str(r.component).rsplit("#", 1)[-1]))
    if constraints:
        solutions: Iterator[tuple[sparql_constraints.SparqlConstraint, dict[str, Node]]]
        if selected is not None:
            solutions = ((c, row) for c, found_rows in zip(constraints, rows, strict=True) for row in found_rows)
        elif sparql_engine == "oxigraph":
            solutions = ((c, row) for c in constraints for row in _select_on(store, c))
        else:
            assert isinstance(data, Graph)  # made in _validate for rdflib's engine
            solutions = sparql_constraints.evaluate([data, ontology], constraints, engine=sparql_engine)
        for c, row in solutions:
            sparql_constraints.add_to_report(report, c, row, row["this"])
            messages = sparql_constraints.message(c, row)
            results.append(Result(
                focus=row["this"], shape=c.shape, severity=str(c.severity).rsplit("#", 1)[-1],
                message=" / ".join(sorted(str(m) for m in messages)) or "(no message)",
                value=row.get("value", row["this"]), constraint="SPARQLConstraintComponent"))
    return report, results


def _select_on(store: object, c: sparql_constraints.SparqlConstraint) -> list[dict[str, Node]]:
    from kopa_graph.rdfio.oxbridge import select

    return select(store, sparql_constraints.join_query(c))  # type: ignore[arg-type]


def _copy_path(shapes: Graph, path: Node, report: Graph) -> None:
    if isinstance(path, URIRef):
        return
    for p, o in shapes.predicate_objects(path):
        if (path, p, o) not in report:
            report.add((path, p, o))
            _copy_path(shapes, o, report)


def _results(report: Graph, shapes: Graph) -> list[Result]:
    out = []
    details = set(report.objects(None, SH.detail))  # pySHACL's inner results of sh:node: not results
    for node in report.subjects(RDF.type, SH.ValidationResult):
        if node in details:
            continue
        severity = report.value(node, SH.resultSeverity)
        shape, focus = report.value(node, SH.sourceShape), report.value(node, SH.focusNode)
        if shape is None or focus is None:
            continue
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        component = report.value(node, SH.sourceConstraintComponent)
        out.append(Result(
            focus=focus,
            shape=shape,
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            message=" / ".join(messages) or "(no message)",
            path=render_path(report, report.value(node, SH.resultPath), shapes),
            value=report.value(node, SH.value),
            constraint=str(component).rsplit("#", 1)[-1] if component else "",
        ))
    return out


def render_path(g: Graph, path: Node | None, shapes: Graph) -> str:
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return _qname(shapes, path)
    inverse = g.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + render_path(g, inverse, shapes)
    return str(path)


def _qname(g: Graph, iri: Node) -> str:
    if isinstance(iri, URIRef):
        try:
            return g.namespace_manager.normalizeUri(iri)
        except Exception:
            return f"<{iri}>"
    if isinstance(iri, BNode):
        return "[]"
    return str(iri)


def render_text(report: ValidationReport, origins: Mapping[URIRef, Location] | None = None,
                shapes: Graph | None = None) -> str:
    """The report for a person: grouped by entity, each with its place in data/."""
    origins = origins or {}
    names = shapes if shapes is not None else Graph()
    if not report.results:
        return "Conforms: no problems found."
    groups: dict[Node, list[Result]] = defaultdict(list)
    for r in report.results:
        groups[r.focus].append(r)
    lines = []
    n_v, n_w = len(report.violations), len(report.warnings)
    verdict = "Does not conform" if not report.conforms else "Conforms"
    n_o = len(report.results) - n_v - n_w
    counts = [f"{n_v} violation{'s' * (n_v != 1)}", f"{n_w} warning{'s' * (n_w != 1)}"]
    counts += [f"{n_o} other result{'s' * (n_o != 1)}"] if n_o else []
    lines.append(f"{verdict}: {', '.join(counts)} in {len(groups)} entit{'ies' if len(groups) != 1 else 'y'}.")
    for focus in sorted(groups, key=term_key):
        where = origins.get(focus) if isinstance(focus, URIRef) else None
        lines.append("")
        lines.append(f"{focus}" + (f"  (defined at {where})" if where else ""))
        for r in groups[focus]:
            lines.append(f"  {r.severity}: {r.message}")
            detail = [f"shape {_qname(names, r.shape)}"]
            if r.path:
                detail.append(f"path {r.path}")
            if r.value is not None and r.value != focus:
                detail.append(f"value {r.value.n3() if isinstance(r.value, Literal | URIRef) else r.value}")
            lines.append("    " + ", ".join(detail))
    return "\n".join(lines)


def render_json(report: ValidationReport, origins: Mapping[URIRef, Location] | None = None) -> str:
    origins = origins or {}
    items = []
    for r in report.results:
        where = origins.get(r.focus) if isinstance(r.focus, URIRef) else None
        items.append({
            "focus": str(r.focus), "shape": str(r.shape), "severity": r.severity, "message": r.message,
            "path": r.path, "value": None if r.value is None else str(r.value), "constraint": r.constraint,
            "file": str(where.path) if where else None, "line": where.line if where else None,
        })
    return json.dumps({"conforms": report.conforms, "results": items}, ensure_ascii=False, indent=2)


def render_turtle(report: ValidationReport) -> str:
    """The W3C SHACL validation report graph."""
    return report.graph.serialize(format="turtle")
