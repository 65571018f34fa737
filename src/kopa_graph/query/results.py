"""SPARQL results in the W3C SPARQL 1.1 Query Results formats (JSON, XML, CSV,
TSV), and as a table for people with labels instead of IRIs."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Node

from kopa_graph.rdfio.ntriples import nt_term

FORMATS = ("table", "csv", "tsv", "json", "xml")


def _rows(result: Result) -> tuple[list[str], list[dict[str, Node]]]:
    names = [str(v) for v in (result.vars or [])]
    rows = []
    for row in result:
        d = row.asdict()  # type: ignore[union-attr]
        rows.append({str(k): v for k, v in d.items() if v is not None})
    return names, rows


def _json_term(t: Node) -> dict[str, str]:
    if isinstance(t, URIRef):
        return {"type": "uri", "value": str(t)}
    if isinstance(t, BNode):
        return {"type": "bnode", "value": str(t)}
    assert isinstance(t, Literal)
    out = {"type": "literal", "value": str(t)}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype:
        out["datatype"] = str(t.datatype)
    return out


def to_json(result: Result) -> str:
    if result.type == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.askAnswer)}, indent=2) + "\n"
    names, rows = _rows(result)
    body = {"head": {"vars": names},
            "results": {"bindings": [{k: _json_term(v) for k, v in r.items()} for r in rows]}}
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def to_xml(result: Result) -> str:
    data = result.serialize(format="xml")
    return (data.decode("utf-8") if isinstance(data, bytes) else str(data)).rstrip("\n") + "\n"


def _csv_value(t: Node | None) -> str:
    if t is None:
        return ""
    if isinstance(t, BNode):
        return f"_:{t}"
    return str(t)


def to_csv(result: Result) -> str:
    """W3C SPARQL 1.1 CSV: header of variable names, values without types or tags, CRLF."""
    if result.type == "ASK":
        return f"_askResult\r\n{str(bool(result.askAnswer)).lower()}\r\n"
    names, rows = _rows(result)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(names)
    for r in rows:
        w.writerow([_csv_value(r.get(n)) for n in names])
    return buf.getvalue()


def to_tsv(result: Result) -> str:
    """W3C SPARQL 1.1 TSV: header of ?variables, values in Turtle/N-Triples syntax, LF."""
    if result.type == "ASK":
        return f"?_askResult\n{str(bool(result.askAnswer)).lower()}\n"
    names, rows = _rows(result)
    lines = ["\t".join(f"?{n}" for n in names)]
    for r in rows:
        lines.append("\t".join(nt_term(r[n]).replace("\t", "\\t") if n in r else "" for n in names))
    return "\n".join(lines) + "\n"


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
