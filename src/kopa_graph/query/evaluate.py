"""Evaluating SPARQL on a graph: the checks before, the engine (pyoxigraph on a :class:`Prepared` snapshot,
rdflib otherwise), the optional confined child process, and the answer as an rdflib ``Result``.

:mod:`kopa_graph.query.helpers` names the questions; this module answers any query.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rdflib import Graph, Literal
from rdflib.query import Result
from rdflib.term import Node

from kopa_graph.errors import InputError
from kopa_graph.query.sandbox import Isolation


class QueryError(InputError):
    """A helper or query cannot run as asked: unknown name, bad parameter, bad SPARQL."""


def default_prefixes(id_base: str) -> dict[str, str]:
    """The prefixes ``kopa-graph sparql`` declares for a query: the project's (``kopaid:`` for ``id_base``) and the
    standard ones (:data:`kopa_graph.query.syntax.STANDARD_PREFIXES`). A query's own PREFIX lines win."""
    from kopa_graph.query.syntax import STANDARD_PREFIXES
    from kopa_graph.rdfio.namespaces import prefixes_for

    return {**STANDARD_PREFIXES, **prefixes_for(id_base)}


def check_safe(text: str, prefixes: dict[str, str] | None = None) -> Any:
    """Parse ``text``; refuse what would make the engine fetch or read anything (SERVICE, FROM, LOAD).
    ``prefixes`` are declared for it (the text itself is what the lexer checks)."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    from kopa_graph.query.lexer import scan

    checked = scan(text)  # the same lexical check as the endpoint's, then rdflib's parse as a second opinion
    if checked.refusal is not None:
        raise QueryError(checked.refusal)
    try:
        parsed = parseQuery(text)
    except Exception as exc:  # pyparsing.ParseException and friends
        try:
            parseUpdate(text)
        except Exception:
            line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
            where = f" at line {line}, column {col}" if line else ""
            raise QueryError(f"SPARQL syntax error{where}: {getattr(exc, 'msg', exc)}") from None
        raise QueryError("SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is refused: only queries run here "
                         "(SELECT, ASK, CONSTRUCT, DESCRIBE)") from None
    query = parsed[1]
    if "datasetClause" in query:  # (CompValue.get answers the key's name when it is missing)
        raise QueryError("FROM and FROM NAMED are refused: a query runs on the graph it is given, nothing else")
    try:
        algebra = translateQuery(parsed, initNs=prefixes or {})
    except Exception as exc:  # rdflib raises a bare Exception for an undeclared prefix
        prefix = str(exc).removeprefix("Unknown namespace prefix : ")
        if prefix != str(exc):
            raise QueryError(f"SPARQL syntax error: the prefix {prefix}: is not declared; declare it (PREFIX "
                             f"{prefix}: <…>) or write the full IRI in <…>") from None
        raise QueryError(f"the query could not be read: {' '.join(str(exc).split())[:300]}") from None
    if "ServiceGraphPattern" in repr(algebra.algebra):
        raise QueryError("SERVICE is refused: kopa-graph never sends a query elsewhere")
    return algebra


class Prepared:
    """A graph made ready for queries: a pyoxigraph snapshot of it, built once.

    Queries on it run on pyoxigraph, 15 to 350 times faster than on rdflib's
    engine at 10 000 triples, and answer with rdflib terms. The snapshot is
    taken when this is made: prepare again after changing the graph. A graph
    with literals of a type derived from xsd:integer (which Oxigraph keeps as
    xsd:integer) is queried with rdflib instead, so an answer never retypes a
    literal.
    """

    def __init__(self, graph: Graph) -> None:
        from kopa_graph.rdfio.oxbridge import INTEGER_SUBTYPES, store_of

        self.graph = graph
        self.exact = not any(isinstance(o, Literal) and o.datatype in INTEGER_SUBTYPES for o in graph.objects())
        self.store = store_of([graph]) if self.exact else None

    def __len__(self) -> int:
        return len(self.graph)


def prepare(graph: Graph | Prepared) -> Prepared:
    """``graph`` ready for many queries (see :class:`Prepared`)."""
    return graph if isinstance(graph, Prepared) else Prepared(graph)


def run_sparql(graph: Graph | Prepared, text: str, init: dict[str, Node] | None = None, *,
               isolation: Isolation | None = None, prefixes: dict[str, str] | None = None) -> Result:
    """Run any query on ``graph``; nothing that would fetch or change anything runs (SERVICE, FROM, LOAD,
    updates are refused by :mod:`kopa_graph.query.lexer` before evaluation). A :class:`Prepared` graph
    is queried on pyoxigraph, a plain graph on rdflib.

    With an ``isolation`` (what the ``sparql`` and ``query`` commands give), the query is evaluated in a
    child process (:func:`kopa_graph.query.sandbox.call`): by default one the kernel keeps off the network, so
    even a query the lexer misjudges cannot reach anything (:class:`kopa_graph.query.sandbox.SandboxUnavailable`
    where that cannot be done), with an optional time limit. Without, it is evaluated in this process:
    for text you trust.

    ``prefixes`` are declared for the query without changing its text (pyoxigraph's ``prefixes=``): the lexer
    sees what the user wrote, and a syntax error's line and column are the user's. The variables of a
    ``SELECT *`` come in the order they first appear in the query (:func:`kopa_graph.query.syntax.star_order`).
    """
    from kopa_graph.query.lexer import scan

    checked = scan(text)  # the first line, whichever engine and process evaluate
    if checked.refusal is not None:
        raise QueryError(checked.refusal)
    if isolation is None:
        return _evaluate(graph, text, init, prefixes)
    import pyoxigraph  # noqa: F401  (imported before the fork, never inside the child)

    from kopa_graph.query.sandbox import call
    from kopa_graph.rdfio.oxbridge import converter

    converter()
    return _unpacked(call(_packed_evaluation, graph, text, init, prefixes, isolation=isolation))


def _evaluate(graph: Graph | Prepared, text: str, init: dict[str, Node] | None,
              prefixes: dict[str, str] | None = None) -> Result:
    if isinstance(graph, Prepared) and graph.store is not None:
        return _on_oxigraph(graph.store, with_values(text, init) if init else text, prefixes)
    algebra = check_safe(text, prefixes)
    target = graph.graph if isinstance(graph, Prepared) else graph
    result = target.query(algebra, initBindings=init or {})  # type: ignore[arg-type]
    if result.type == "SELECT" and result.vars:
        from rdflib.term import Variable

        from kopa_graph.query.syntax import star_order

        result.vars = [Variable(v) for v in star_order(text, [str(v) for v in result.vars])]
    return result


def _packed_evaluation(graph: Graph | Prepared, text: str, init: dict[str, Node] | None,
                       prefixes: dict[str, str] | None = None) -> tuple[Any, ...]:
    """:func:`_evaluate`'s result as plain values that pickle (a Result does not)."""
    result = _evaluate(graph, text, init, prefixes)
    if result.type == "ASK":
        return ("ASK", bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return (result.type, list(result.graph or ()))
    names = list(result.vars or [])
    return ("SELECT", names, [{k: v for k, v in row.asdict().items()} for row in result])  # type: ignore[union-attr]


def _unpacked(packed: tuple[Any, ...]) -> Result:
    result = Result(packed[0])
    if packed[0] == "ASK":
        result.askAnswer = packed[1]
    elif packed[0] in ("CONSTRUCT", "DESCRIBE"):
        g = Graph(bind_namespaces="none")
        for triple in packed[1]:
            g.add(triple)
        result.graph = g
    else:
        from rdflib.term import Variable

        result.vars = packed[1]
        result.bindings = [{Variable(k): v for k, v in row.items()} for row in packed[2]]
    return result


@contextmanager
def _engine_errors(text: str = "", prefixes: dict[str, str] | None = None) -> Iterator[None]:
    """pyoxigraph's errors, while a query is parsed or its answer read, as QueryError (a syntax error in one
    line with line and column, then the query's line and a caret: :mod:`kopa_graph.query.syntax`)."""
    from kopa_graph.query.syntax import problem

    try:
        yield
    except SyntaxError as exc:
        raise QueryError(problem(str(exc), text, prefixes, second_opinion=True).with_caret()) from None
    except (OSError, ValueError, RuntimeError) as exc:  # an evaluation error, found while the rows are read
        raise QueryError(f"the query could not be answered: {' '.join(str(exc).split())[:300]}") from None


def _answer(store: Any, text: str, prefixes: dict[str, str] | None = None) -> Any:
    with _engine_errors(text, prefixes):
        return store.query(text, prefixes=prefixes)


def _on_oxigraph(store: Any, text: str, prefixes: dict[str, str] | None = None) -> Result:
    with _engine_errors(text, prefixes):
        return _read_answer(store, text, prefixes)


def _read_answer(store: Any, text: str, prefixes: dict[str, str] | None) -> Result:
    import pyoxigraph as ox
    from rdflib.term import Variable

    from kopa_graph.query.syntax import star_order
    from kopa_graph.rdfio.oxbridge import converter

    answer = _answer(store, text, prefixes)
    from_ox = converter()
    if isinstance(answer, ox.QuerySolutions):
        result = Result("SELECT")
        names = [Variable(v.value) for v in answer.variables]
        result.vars = [Variable(v) for v in star_order(text, [str(n) for n in names])]
        result.bindings = [{n: from_ox(t) for n, t in zip(names, row, strict=True) if t is not None}  # type: ignore[misc]
                           for row in answer]
        return result
    if isinstance(answer, ox.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(answer)
        return result
    result = Result("CONSTRUCT")
    g = Graph(bind_namespaces="none")
    for t in answer:
        g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    result.graph = g
    return result


def select_rows(prepared: Prepared, text: str, init: dict[str, Node], plain: bool, name: str) -> list[dict[str, Any]]:
    """A SELECT query's rows straight from pyoxigraph's solutions (``prepared.store`` must be set): no rdflib
    Result in between, and each distinct term converted once; plain Python values with ``plain=True``."""
    import pyoxigraph as ox

    from kopa_graph.rdfio.oxbridge import converter

    answer = _answer(prepared.store, with_values(text, init) if init else text)
    if not isinstance(answer, ox.QuerySolutions):
        raise QueryError(f"{name}: a helper is a SELECT query")
    names = [v.value for v in answer.variables]
    from_ox = converter()
    if not plain:
        with _engine_errors():
            return [{n: from_ox(t) for n, t in zip(names, row, strict=True) if t is not None} for row in answer]
    plain_values: dict[Node, Any] = {}

    def value(t: Any) -> Any:
        term = from_ox(t)
        found = plain_values.get(term)
        if found is None:
            found = plain_values[term] = term.toPython()  # type: ignore[attr-defined]
        return found

    with _engine_errors():
        return [{n: value(t) for n, t in zip(names, row, strict=True) if t is not None} for row in answer]


def with_values(text: str, init: dict[str, Node]) -> str:
    """``text`` with each binding as a ``VALUES`` block at the start of the outermost WHERE group.

    The values are written by the N-Triples serialiser (escaped), so a value
    cannot end the literal or the block; this is how a helper runs on an engine
    without initial bindings.
    """
    from kopa_graph.rdfio.ntriples import nt_term

    m = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
    if m is None or not init:
        return text
    block = "".join(f" VALUES ?{name} {{ {nt_term(value)} }}" for name, value in sorted(init.items()))
    return text[: m.end()] + block + text[m.end():]
