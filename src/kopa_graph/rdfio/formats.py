"""The one table of RDF formats: name, media type, file extension.

Parsing uses rdflib's plugin names (the ``rdflib`` column); writing the three
published formats uses kopa-graph's own deterministic writers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kopa_graph.errors import InputError


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    rdflib: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("turtle", "text/turtle", ".ttl", "turtle"),
        Format("json-ld", "application/ld+json", ".jsonld", "json-ld"),
        Format("n-triples", "application/n-triples", ".nt", "nt"),
        Format("n-quads", "application/n-quads", ".nq", "nquads"),
        Format("trig", "application/trig", ".trig", "trig"),
        Format("rdf-xml", "application/rdf+xml", ".rdf", "xml"),
    )
}

#: The formats ``kopa-graph build`` writes.
PUBLISHED = ("turtle", "json-ld", "n-triples")

_BY_EXTENSION = {f.extension: f for f in FORMATS.values()} | {
    ".json": FORMATS["json-ld"],
    ".owl": FORMATS["rdf-xml"],
    ".xml": FORMATS["rdf-xml"],
    ".n3": FORMATS["turtle"],
}


def format_named(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise InputError(f"unknown RDF format {name!r}: use one of {', '.join(FORMATS)}") from None


def format_for_path(path: Path) -> Format:
    """The format a file's extension names."""
    fmt = _BY_EXTENSION.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(_BY_EXTENSION))
        raise InputError(f"{path}: cannot tell the RDF format from the extension {path.suffix!r}; "
                         f"use one of {known}, or name the format with --input-format")
    return fmt
