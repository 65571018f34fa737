"""JSON-LD: a deterministic compact writer using the project's own context,
and a reader that never fetches a context.

The context (``ontology/context.jsonld``) is embedded in every document
kopa-graph writes, and shipped beside it, so that reading needs no network. A
resource's document (a site's page, ``serve``'s answer) embeds only the
entries it uses, as its Turtle declares only the prefixes it uses.
When reading, a ``@context`` that names a URL or file is refused unless it is
the project's own context, which is then taken from the pinned file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from json.encoder import encode_basestring as _encode_string
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kopa_graph.errors import RDFLoadError
from kopa_graph.rdfio.namespaces import RDF, XSD
from kopa_graph.rdfio.ntriples import term_key
from kopa_graph.rdfio.tripleset import TripleSet
from kopa_graph.resources import context_path

#: The IRI under which the project's context is published; documents may name it.
CONTEXT_IRI = "https://w3id.org/kopa/context.jsonld"
CONTEXT_FILE_NAMES = ("context.jsonld",)
#: Where a site keeps the context, below its base IRI (the site's downloads: ``site`` writes it there).
PUBLISHED_CONTEXT_PATH = "download/context.jsonld"
_DEFAULT_BASE = CONTEXT_IRI.removesuffix("context.jsonld")


def published_context_iri(base_iri: str) -> str:
    """The address of the context a site built for ``base_iri`` publishes: what a small JSON-LD answer names
    instead of inlining the context (``kopa-graph sparql --format json-ld``)."""
    return base_iri + PUBLISHED_CONTEXT_PATH


@lru_cache(maxsize=1)
def project_context() -> dict[str, Any]:
    """The project's JSON-LD context (the value of ``@context``)."""
    with context_path().open(encoding="utf-8") as fh:
        ctx: dict[str, Any] = json.load(fh)["@context"]
    return ctx


@dataclass(frozen=True)
class _Term:
    name: str
    coerce: str | None  # "@id", a datatype IRI, or None


#: A value as the writer needs it: its sort key (``json.dumps(value, sort_keys=True)``), and either its JSON text
#: (a string) or its object's members (``"key": "value"``, keys sorted) to lay out at any indent.
_Encoded = tuple[str, str | None, tuple[str, ...]]


def _flat(text: str) -> _Encoded:
    return (text, text, ())


def _members(*members: str) -> _Encoded:
    return ("{" + ", ".join(members) + "}", None, members)


def _laid_out(value: _Encoded, newline: str) -> str:
    """What ``json.dumps(value, indent=2, sort_keys=True)`` writes for ``value``, its lines after the first
    starting with ``newline``."""
    text = value[1]
    if text is not None:
        return text
    inner = newline + "  "
    return "{" + ",".join([inner + m for m in value[2]]) + newline + "}"


class _Compactor:
    def __init__(self, context: Mapping[str, Any], id_base: str) -> None:
        self.prefixes: list[tuple[str, str]] = []
        self.terms: dict[str, _Term] = {}
        self._compacted: dict[str, str] = {}
        self.context = ctx = {"kopaid": id_base, **context}
        #: per term's name, the prefixes its definition's compact IRIs name (what a pruned context keeps with it)
        self.term_prefixes: dict[str, tuple[str, ...]] = {}
        for name, value in ctx.items():
            if isinstance(value, str) and value.endswith(("/", "#")):
                self.prefixes.append((name, value))
            elif not isinstance(value, dict) or "@id" not in value:
                raise ValueError(f"the JSON-LD context's entry {name!r} is neither a prefix nor a term")
        self.prefixes.sort(key=lambda kv: (-len(kv[1]), kv[0]))
        for name, value in ctx.items():
            if isinstance(value, dict):
                full = self.expand(value["@id"])
                coerce = value.get("@type")
                self.terms[full] = _Term(name, self.expand(coerce) if coerce and coerce != "@id" else coerce)
                named = (str(v).partition(":")[0] for v in value.values())
                self.term_prefixes[name] = tuple(sorted({n for n in named if n in ctx and n != name}))

    def expand(self, curie: str) -> str:
        prefix, _, rest = curie.partition(":")
        for name, ns in self.prefixes:
            if name == prefix:
                return ns + rest
        return curie

    def compact_iri(self, iri: str) -> str:
        found = self._compacted.get(iri)
        if found is None:
            found = self._compacted[iri] = self._compact_iri(iri)
        return found

    def _compact_iri(self, iri: str) -> str:
        for name, ns in self.prefixes:
            if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
                return f"{name}:{iri[len(ns):]}"
        return iri

    def key(self, predicate: Node) -> tuple[str, _Term | None]:
        term = self.terms.get(str(predicate))
        return (term.name, term) if term else (self.compact_iri(str(predicate)), None)

    def encoded(self, obj: Node, term: _Term | None) -> _Encoded:
        """``obj`` as the value of a key with ``term``'s coercion: a string where the term's type says what it
        is, else ``{"@id"}``, ``{"@language", "@value"}`` or ``{"@type", "@value"}``; its strings already
        JSON."""
        coerce = term.coerce if term else None
        if isinstance(obj, URIRef):
            text = _encode_string(self.compact_iri(str(obj)))
            return _flat(text) if coerce == "@id" else _members('"@id": ' + text)
        if isinstance(obj, BNode):
            text = _encode_string(f"_:{obj}")
            return _flat(text) if coerce == "@id" else _members('"@id": ' + text)
        assert isinstance(obj, Literal)
        value = _encode_string(str(obj))
        if obj.language:
            return _members('"@language": ' + _encode_string(obj.language), '"@value": ' + value)
        dt = str(obj.datatype) if obj.datatype and obj.datatype != XSD.string else None
        if dt is None:
            return _flat(value) if coerce is None else _members('"@value": ' + value)
        if coerce == dt:
            return _flat(value)
        return _members('"@type": ' + _encode_string(self.compact_iri(dt)), '"@value": ' + value)


def jsonld(graph: Graph | TripleSet, id_base: str, context: Mapping[str, Any] | None = None, *,
           context_iri: str | None = None, pruned: bool = False) -> bytes:
    """Compact JSON-LD with the project's context embedded; nodes, keys and values sorted. With ``context_iri``
    the context is named by that address (:func:`published_context_iri`) instead of embedded: the same
    document once the context is in place. ``pruned``: the context embedded holds only the entries the
    document uses (:func:`_pruned`): the same triples, the same keys, a fraction of the bytes."""
    if not pruned or context_iri is not None:
        return b"".join(jsonld_chunks(graph, id_base, context, context_iri=context_iri))
    c, _ = (_prepared(context, id_base, None) if context is not None else _project_prepared(id_base, None))
    terms: set[str] = set()
    body = "".join(_nodes(graph, c, terms))
    head = _pruned(c, terms, body)
    graph_text = ',\n  "@graph": []\n}\n' if not body else ',\n  "@graph": [\n' + body + "\n  ]\n}\n"
    return (head[:-2] + graph_text).encode("utf-8")


def _pruned(c: _Compactor, terms: set[str], body: str) -> str:
    """The opening of a document whose nodes are ``body`` (JSON text) using the terms ``terms``: the context
    restricted to those terms, the prefixes their definitions name, and every prefix ``body`` writes a
    compact IRI with (each such IRI stands at the start of a JSON string, ``"prefix:``; a text value that
    begins so keeps a prefix it does not need, which is harmless)."""
    ctx = c.context
    kept = {name: ctx[name] for name in terms}
    for name in terms:
        for prefix in c.term_prefixes[name]:
            kept[prefix] = ctx[prefix]
    for prefix, _ in c.prefixes:
        if prefix not in kept and f'"{prefix}:' in body:
            kept[prefix] = ctx[prefix]
    return json.dumps({"@context": kept}, ensure_ascii=False, indent=2, sort_keys=True)


def jsonld_chunks(graph: Graph | TripleSet, id_base: str, context: Mapping[str, Any] | None = None, *,
                  context_iri: str | None = None) -> Iterator[bytes]:
    """:func:`jsonld` in pieces, one node at a time: the bytes of ``json.dumps(document, indent=2,
    sort_keys=True, ensure_ascii=False)`` without the whole document in memory, and written by
    :func:`_dumps` (several times faster than the json module's own indenting encoder)."""
    c, head = (_prepared(context, id_base, context_iri) if context is not None
               else _project_prepared(id_base, context_iri))
    nodes = _nodes(graph, c, set())
    first = next(nodes, None)
    if first is None:
        yield (head[:-2] + ',\n  "@graph": []\n}\n').encode("utf-8")
        return
    yield (head[:-2] + ',\n  "@graph": [\n' + first).encode("utf-8")
    for node in nodes:
        yield node.encode("utf-8")
    yield b"\n  ]\n}\n"


def _nodes(graph: Graph | TripleSet, c: _Compactor, terms: set[str]) -> Iterator[str]:
    """The nodes of the document's ``@graph``, one at a time, laid out as :func:`jsonld_chunks` writes them;
    the names of the context's terms they use are added to ``terms``."""
    from kopa_graph.rdfio.oxbridge import by_subject

    grouped = by_subject(graph)
    rdf_type = RDF.type
    keys: dict[Node, tuple[bool, str, _Term | None]] = {}  # per predicate: rdf:type?, its key, its term
    for i, s in enumerate(sorted(grouped, key=term_key)):
        node: dict[str, list[_Encoded]] = {}
        for p, objects in grouped[s].items():
            found = keys.get(p)
            if found is None:
                found = keys[p] = (p == rdf_type, *c.key(p))
            is_type, name, term = found
            if term is not None:
                terms.add(name)
            if is_type:
                types = [_flat(_encode_string(c.compact_iri(str(o)))) for o in objects if isinstance(o, URIRef)]
                if types:
                    node.setdefault("@type", []).extend(types)
                others = [o for o in objects if not isinstance(o, URIRef)]
                if not others:
                    continue
            else:
                others = list(objects)
            node.setdefault(name, []).extend([c.encoded(o, term) for o in others])
        parts = [",\n    {" if i else "    {", "\n      \"@id\": ",
                 _encode_string(c.compact_iri(str(s)) if isinstance(s, URIRef) else f"_:{s}")]
        if "@id" in node or (node and min(node) < "@id"):  # never so; written the general way if it were
            parts = [",\n" if i else "", "    "]
            _dumps(_doc_node(s, node, c), "\n    ", parts)
        else:
            for name in sorted(node):
                values = node[name]
                parts.append(",\n      " + _encode_string(name) + ": ")
                if len(values) == 1 and name != "@type":
                    parts.append(_laid_out(values[0], "\n      "))
                else:
                    if len(values) > 1:
                        values = sorted(values, key=_sort_key)
                    parts.append("[" + ",".join(["\n        " + _laid_out(v, "\n        ") for v in values])
                                 + "\n      ]")
            parts.append("\n    }")
        yield "".join(parts)


def _sort_key(value: _Encoded) -> str:
    return value[0]


def _doc_node(s: Node, node: dict[str, list[_Encoded]], c: _Compactor) -> dict[str, Any]:
    doc_node: dict[str, Any] = {"@id": c.compact_iri(str(s)) if isinstance(s, URIRef) else f"_:{s}"}
    for name, encoded in node.items():
        values = [json.loads(v[0]) for v in sorted(encoded, key=_sort_key)]
        doc_node[name] = values[0] if len(values) == 1 and name != "@type" else values
    return doc_node


def _prepared(context: Mapping[str, Any], id_base: str, context_iri: str | None) -> tuple[_Compactor, str]:
    """The compactor of ``context`` and the document's opening (the context, or its address)."""
    ctx = dict(context)
    named = context_iri if context_iri is not None else {"kopaid": id_base, **ctx}
    return _Compactor(ctx, id_base), json.dumps({"@context": named}, ensure_ascii=False, indent=2, sort_keys=True)


@lru_cache(maxsize=8)
def _project_prepared(id_base: str, context_iri: str | None) -> tuple[_Compactor, str]:
    """:func:`_prepared` of the project's context, made once: a site writes a document per resource, and
    encoding the context and indexing its terms were most of a small document's cost."""
    return _prepared(project_context(), id_base, context_iri)


def _dumps(value: Any, newline: str, out: list[str]) -> None:
    """Append to ``out`` what ``json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)`` writes,
    its lines after the first starting with ``newline`` (a line break and the indent so far)."""
    if isinstance(value, str):
        out.append(_encode_string(value))
    elif isinstance(value, dict | list):
        if not value:
            out.append("{}" if isinstance(value, dict) else "[]")
            return
        opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
        items = ([(_encode_string(k) + ": ", value[k]) for k in sorted(value)] if isinstance(value, dict)
                 else [("", item) for item in value])
        inner = newline + "  "
        out.append(opening)
        for i, (label, item) in enumerate(items):
            out.append(("," if i else "") + inner + label)
            _dumps(item, inner, out)
        out.append(newline + closing)
    else:  # numbers, true, false, null: the json module's own spelling
        out.append(json.dumps(value))


def context_document(id_base: str) -> bytes:
    """The context as its own document, for others to reference."""
    doc = {"@context": {"kopaid": id_base, **project_context()}}
    return (json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


# -- reading -----------------------------------------------------------------


def _pin_contexts(value: Any, where: str) -> Any:
    """Replace references to the project's context by the pinned one; refuse any other."""
    if isinstance(value, list):
        return [_pin_contexts(v, where) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, v in value.items():
        if key == "@context":
            out[key] = _pin_context_value(v, where)
        elif key == "@import":
            raise RDFLoadError(f"{where}: '@import' in a JSON-LD context is not allowed: kopa-graph never "
                               "fetches contexts; inline the context instead")
        else:
            out[key] = _pin_contexts(v, where)
    return out


def _pin_context_value(v: Any, where: str) -> Any:
    if isinstance(v, list):
        return [_pin_context_value(x, where) for x in v]
    if isinstance(v, str):
        if v == CONTEXT_IRI or (Path(v).name in CONTEXT_FILE_NAMES and "/" not in v.replace("./", "", 1)):
            return project_context()
        if v == published_context_iri(_DEFAULT_BASE):  # what the default site publishes, with its kopaid:
            return {"kopaid": _DEFAULT_BASE + "id/", **project_context()}
        raise RDFLoadError(f"{where}: the JSON-LD @context {v!r} would have to be fetched; kopa-graph never "
                           f"fetches contexts. Inline the context, or reference the project's own ({CONTEXT_IRI})")
    if isinstance(v, dict):
        return _pin_contexts(v, where)
    return v


def parse_jsonld(data: bytes, where: str, graph: Graph) -> Graph:
    """Parse JSON-LD into ``graph`` without fetching anything."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
        doc = _pin_contexts(doc, where)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RDFLoadError(f"{where}: not valid JSON: {exc}") from None
    except RecursionError:
        raise RDFLoadError(f"{where}: the JSON is nested more deeply than kopa-graph reads (Python's recursion "
                           "limit); flatten the nesting (give inner nodes an @id) or split the file") from None
    try:
        graph.parse(data=json.dumps(doc), format="json-ld")
    except RecursionError:
        raise RDFLoadError(f"{where}: the JSON-LD is nested more deeply than kopa-graph reads (Python's "
                           "recursion limit); flatten the nesting (give inner nodes an @id)") from None
    except Exception as exc:  # rdflib raises many kinds here
        raise RDFLoadError(f"{where}: not valid JSON-LD: {exc}") from None
    return graph
