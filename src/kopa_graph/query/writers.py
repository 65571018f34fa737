"""The W3C SPARQL 1.1 Query Results formats (JSON, XML, CSV, TSV): the one writer of query answers, for
the server's workers and for ``kopa-graph query`` and ``sparql`` alike. It takes pyoxigraph's terms (duck
typed: it imports no RDF library, so a worker loads none) and writes what Oxigraph writes."""

from __future__ import annotations

import json
import re
from typing import Any


def _json(body: dict[str, Any], indent: int | None) -> bytes:
    if indent is None:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return (json.dumps(body, ensure_ascii=False, indent=indent) + "\n").encode()


def boolean_body(value: bool, fmt: str, indent: int | None = None) -> bytes:
    """An ASK answer in a results format (CSV and TSV: the bare word, as Oxigraph writes it)."""
    word = "true" if value else "false"
    if fmt == "json":
        return _json({"head": {}, "boolean": value}, indent)
    if fmt == "xml":
        return (f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head></head>'
                f"<boolean>{word}</boolean></sparql>").encode()
    return word.encode()


_XSD = "http://www.w3.org/2001/XMLSchema#"
_PLAIN = {_XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}
_BARE = {_XSD + "integer": re.compile(r"[+-]?\d+"), _XSD + "decimal": re.compile(r"[+-]?\d*\.\d+"),
         _XSD + "double": re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+"),
         _XSD + "boolean": re.compile(r"true|false")}
_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _json_term(t: Any) -> dict[str, Any]:
    kind = type(t).__name__
    if kind == "NamedNode":
        return {"type": "uri", "value": t.value}
    if kind == "BlankNode":
        return {"type": "bnode", "value": t.value}
    if kind == "Triple":
        return {"type": "triple", "value": {k: _json_term(getattr(t, k)) for k in ("subject", "predicate", "object")}}
    out = {"type": "literal", "value": t.value}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype.value not in _PLAIN:
        out["datatype"] = t.datatype.value
    return out


def _nt_term(t: Any, abbreviate: bool = False) -> str:
    kind = type(t).__name__
    if kind == "NamedNode":
        return f"<{t.value}>"
    if kind == "BlankNode":
        return f"_:{t.value}"
    if kind == "Triple":
        return f"<<( {_nt_term(t.subject)} {_nt_term(t.predicate)} {_nt_term(t.object)} )>>"
    text = '"' + t.value.translate(_NT_ESCAPES) + '"'
    if t.language:
        return f"{text}@{t.language}"
    dt: str = t.datatype.value
    if dt in _PLAIN:
        return str(text)
    bare = _BARE.get(dt)
    if abbreviate and bare is not None and bare.fullmatch(t.value):
        return str(t.value)
    return f"{text}^^<{dt}>"


def _xml_term(t: Any) -> str:
    from xml.sax.saxutils import escape, quoteattr

    kind = type(t).__name__
    if kind == "NamedNode":
        return f"<uri>{escape(t.value)}</uri>"
    if kind == "BlankNode":
        return f"<bnode>{escape(t.value)}</bnode>"
    if kind == "Triple":
        return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}</predicate>"
                f"<object>{_xml_term(t.object)}</object></triple>")
    if t.language:
        return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
    if t.datatype.value not in _PLAIN:
        return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
    return f"<literal>{escape(t.value)}</literal>"


def _csv_cell(t: Any) -> str:
    if t is None:
        return ""
    kind = type(t).__name__
    value = t.value if kind in ("NamedNode", "Literal") else "_:" + t.value if kind == "BlankNode" else _nt_term(t)
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return str(value)


def solutions_body(names: list[str], rows: list[Any], fmt: str, indent: int | None = None) -> bytes:
    """Rows of solutions (pyoxigraph terms, None where unbound) in a W3C SPARQL 1.1 results format, as
    Oxigraph writes them; ``indent``: JSON for people (``kopa-graph sparql``), one line otherwise."""
    if fmt == "json":
        bindings = [{n: _json_term(t) for n, t in zip(names, row, strict=True) if t is not None} for row in rows]
        return _json({"head": {"vars": names}, "results": {"bindings": bindings}}, indent)
    if fmt == "xml":
        from xml.sax.saxutils import quoteattr

        head = "".join(f"<variable name={quoteattr(n)}/>" for n in names)
        results = "".join("<result>" + "".join(f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                                                for n, t in zip(names, row, strict=True) if t is not None)
                          + "</result>" for row in rows)
        return (f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>{head}</head>'
                f"<results>{results}</results></sparql>").encode()
    if fmt == "csv":
        lines = [",".join(names)] + [",".join(_csv_cell(t) for t in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode()
    lines = ["\t".join("?" + n for n in names)]
    lines += ["\t".join("" if t is None else _nt_term(t, abbreviate=True) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()
