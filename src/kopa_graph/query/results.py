"""SPARQL results in the W3C SPARQL 1.1 Query Results formats (JSON, XML, CSV,
TSV), and as a table for people with labels instead of IRIs."""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Graph, URIRef
from rdflib.query import Result
from rdflib.term import Node

from kopa_graph.query.writers import boolean_body, solutions_body
from kopa_graph.rdfio.oxbridge import to_ox


def _rows(result: Result) -> tuple[list[str], list[dict[str, Node]]]:
    names = [str(v) for v in (result.vars or [])]
    rows = []
    for row in result:
        d = row.asdict()  # type: ignore[union-attr]
        rows.append({str(k): v for k, v in d.items() if v is not None})
    return names, rows


def _body(result: Result, fmt: str, indent: int | None = None) -> str:
    """``result`` written by the one writer of query answers (:mod:`kopa_graph.query.writers`), the
    server's, so the command and the endpoint write the same answer alike; for people, JSON is indented
    and the text ends with a newline."""
    if result.type == "ASK":
        body = boolean_body(bool(result.askAnswer), fmt, indent).decode("utf-8")
    else:
        names, rows = _rows(result)
        ox_rows = [[to_ox(r[n]) if n in r else None for n in names] for r in rows]
        body = solutions_body(names, ox_rows, fmt, indent).decode("utf-8")
    return body if body.endswith("\n") else body + "\n"


def to_json(result: Result) -> str:
    return _body(result, "json", indent=2)


def to_xml(result: Result) -> str:
    return _body(result, "xml")


def to_csv(result: Result) -> str:
    """W3C SPARQL 1.1 CSV: header of variable names, values without types or tags, CRLF."""
    return _body(result, "csv")


def to_tsv(result: Result) -> str:
    """W3C SPARQL 1.1 TSV: header of ?variables, values in Turtle/N-Triples syntax, LF."""
    return _body(result, "tsv")


def to_table(result: Result, graph: Graph, lang: str) -> str:
    """A plain-text table for people: IRIs shown by their label in ``lang`` (the IRI where none)."""
    from kopa_graph.graph.labels import label

    if result.type == "ASK":
        return ("yes" if result.askAnswer else "no") + "\n"
    names, rows = _rows(result)

    def show(t: Node | None) -> str:
        if t is None:
            return ""
        if isinstance(t, URIRef):
            found = label(graph, t, lang)
            return found[0] if found else str(t)
        return str(t)

    cells = [[show(r.get(n)) for n in names] for r in rows]
    return format_table(names, cells) + f"({len(rows)} row{'s' * (len(rows) != 1)})\n"


def format_table(header: Sequence[str], cells: Sequence[Sequence[str]]) -> str:
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join([line, rule, *body]) + "\n"


def format_result(result: Result, fmt: str, graph: Graph, lang: str = "sv") -> str:
    if fmt == "json":
        return to_json(result)
    if fmt == "xml":
        return to_xml(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_tsv(result)
    if fmt == "table":
        return to_table(result, graph, lang)
    raise ValueError(f"unknown results format {fmt!r}")
