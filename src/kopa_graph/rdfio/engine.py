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
from typing import Any

from rdflib import Graph

from kopa_graph.errors import RDFLoadError
from kopa_graph.rdfio.formats import Format, format_for_path
from kopa_graph.rdfio.jsonld import jsonld_chunks, parse_jsonld
from kopa_graph.rdfio.ntriples import ntriples_lines, turtle_chunks
from kopa_graph.rdfio.tripleset import TripleSet

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
    if fmt.name == "rdf-xml":
        _refuse_declarations(data, where)
    base = Path(where).resolve().as_uri() if where else None
    if fmt.name in _OXIGRAPH_READS and not _UPPER_LANGUAGE.search(data):
        return _parse_on_oxigraph(data, fmt, where, base, g)
    try:
        g.parse(data=data, format=fmt.rdflib, publicID=base)
    except Exception as exc:  # rdflib's parsers raise many kinds of errors
        raise RDFLoadError(f"{where}: not valid {fmt.name}: {_short(exc)}") from None
    return g


#: Formats read by pyoxigraph's parsers (linear in the input: rdflib's N-Triples reader took 7 minutes
#: over one 10 MB literal), the triples handed to rdflib term by term.
_OXIGRAPH_READS = {"turtle": "TURTLE", "n-triples": "N_TRIPLES"}
#: A language tag with a capital letter (``"..."@fi-FI``), or something that looks like one inside a
#: string. Oxigraph writes language tags in lower case, rdflib keeps them as written and counts
#: ``@fi-FI`` and ``@fi-fi`` as different literals: such a document is read by rdflib, so that it
#: reads back as written.
_UPPER_LANGUAGE = re.compile(rb"[\"']@[a-zA-Z0-9-]*[A-Z]")


def _parse_on_oxigraph(data: bytes, fmt: Format, where: str, base: str | None, g: Graph) -> Graph:
    """``data`` into ``g`` through pyoxigraph. Blank nodes get fresh labels, as rdflib's parsers give
    them (two files read into one graph never share one); the document's prefixes are bound."""
    import pyoxigraph as ox
    from rdflib import BNode

    from kopa_graph.rdfio.oxbridge import converter

    convert = converter()
    blanks: dict[str, BNode] = {}

    def term(t: object) -> Any:
        if isinstance(t, ox.BlankNode):
            found = blanks.get(t.value)
            if found is None:
                found = blanks[t.value] = BNode()
            return found
        return convert(t)

    try:
        parser = ox.parse(data, format=getattr(ox.RdfFormat, _OXIGRAPH_READS[fmt.name]), base_iri=base)
        triples = [(term(q.subject), term(q.predicate), term(q.object)) for q in parser]
    except SyntaxError as exc:
        raise RDFLoadError(f"{where}: not valid {fmt.name}: {_short(exc)}") from None
    for prefix, namespace in sorted(parser.prefixes.items()):
        g.bind(prefix, namespace, override=False)
    for t in triples:
        g.add(t)
    return g


_REFUSED = ("RDF/XML with a DOCTYPE or ENTITY declaration is refused (entities can read files or expand without "
            "bound); remove the declaration")


class _Declared(Exception):
    pass


class _Root(Exception):
    pass


def _at_root(*args: object) -> None:
    raise _Root


def _refuse_declarations(data: bytes, where: str) -> None:
    """Refuse RDF/XML that declares a document type or entities, in any encoding the document may
    declare (UTF-16 hides them from a search of the bytes): expat reads the prolog only, where such
    declarations must stand, and stops at the first declaration before anything is expanded, or at
    the root element."""
    from xml.parsers import expat

    if _DOCTYPE.search(data):
        raise RDFLoadError(f"{where}: {_REFUSED}")

    def declared(*args: object) -> None:
        raise _Declared

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = declared
    parser.EntityDeclHandler = declared
    parser.ExternalEntityRefHandler = declared  # type: ignore[assignment]
    parser.StartElementHandler = _at_root
    try:
        parser.Parse(data, True)
    except _Declared:
        raise RDFLoadError(f"{where}: {_REFUSED}") from None
    except _Root:
        return  # the prolog declared nothing: the body is the RDF/XML parser's
    except expat.ExpatError:
        return  # not well-formed: the RDF/XML parser says where


def _short(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return ("it is nested more deeply than kopa-graph reads (Python's recursion limit); flatten the nesting "
                "(name the inner nodes) or split the file")
    text = " ".join(str(exc).split())
    return text if len(text) < 400 else text[:400] + "…"


def serialize(graph: Graph | TripleSet, fmt_name: str, prefixes: dict[str, str], id_base: str) -> bytes:
    """The bytes of ``graph`` in a published format; the same graph always gives the same bytes."""
    return b"".join(serialize_chunks(graph, fmt_name, prefixes, id_base))


def serialize_chunks(graph: Graph | TripleSet, fmt_name: str, prefixes: dict[str, str],
                     id_base: str) -> Iterator[bytes]:
    """:func:`serialize` in pieces, to be written one after another: a large graph's text is never
    held in memory whole."""
    if fmt_name == "turtle":
        return turtle_chunks(graph, {k: v for k, v in prefixes.items() if v != id_base}, base=id_base)
    if fmt_name == "n-triples":
        return iter(ntriples_lines(graph)[0])
    if fmt_name == "json-ld":
        return jsonld_chunks(graph, id_base)
    raise ValueError(f"kopa-graph does not write {fmt_name!r}")
