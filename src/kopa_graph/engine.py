"""The graph engine seam: every parse and every serialisation goes through here.

Today the engine is rdflib for parsing and kopa-graph's own deterministic
writers for output; a faster engine (pyoxigraph) replaces the bodies of these
functions, not their callers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

from rdflib import Graph

from kopa_graph.errors import RDFLoadError
from kopa_graph.formats import Format, format_for_path
from kopa_graph.jsonld import jsonld_chunks, parse_jsonld
from kopa_graph.ntriples import ntriples_lines, turtle_chunks

log = logging.getLogger(__name__)

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def parse_file(path: Path, fmt: Format | None = None, graph: Graph | None = None) -> Graph:
    """Parse an RDF file; never fetches anything the file names."""
    path = Path(path)
    fmt = fmt or format_for_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RDFLoadError(f"{path}: cannot read the file: {exc.strerror}") from None
    return parse_bytes(data, fmt, str(path), graph)


def parse_bytes(data: bytes, fmt: Format, where: str, graph: Graph | None = None) -> Graph:
    g = graph if graph is not None else Graph(bind_namespaces="none")
    if fmt.name == "json-ld":
        return parse_jsonld(data, where, g)
    if fmt.name == "rdf-xml" and _DOCTYPE.search(data):
        raise RDFLoadError(f"{where}: RDF/XML with a DOCTYPE or ENTITY declaration is refused "
                           "(entities can read files or expand without bound); remove the declaration")
    try:
        g.parse(data=data, format=fmt.rdflib, publicID=Path(where).resolve().as_uri() if where else None)
    except Exception as exc:  # rdflib's parsers raise many kinds of errors
        raise RDFLoadError(f"{where}: not valid {fmt.name}: {_short(exc)}") from None
    return g


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) < 400 else text[:400] + "…"


def serialize(graph: Graph, fmt_name: str, prefixes: dict[str, str], id_base: str) -> bytes:
    """The bytes of ``graph`` in a published format; the same graph always gives the same bytes."""
    return b"".join(serialize_chunks(graph, fmt_name, prefixes, id_base))


def serialize_chunks(graph: Graph, fmt_name: str, prefixes: dict[str, str], id_base: str) -> Iterator[bytes]:
    """:func:`serialize` in pieces, to be written one after another: a large graph's text is never
    held in memory whole."""
    if fmt_name == "turtle":
        return turtle_chunks(graph, {k: v for k, v in prefixes.items() if v != id_base}, base=id_base)
    if fmt_name == "n-triples":
        return iter(ntriples_lines(graph)[0])
    if fmt_name == "json-ld":
        return jsonld_chunks(graph, id_base)
    raise ValueError(f"kopa-graph does not write {fmt_name!r}")
