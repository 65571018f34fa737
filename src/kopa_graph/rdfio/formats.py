"""The one table of formats: the RDF formats (name, media type, file extension, rdflib's plugin name,
whether and how much the site and the server prefer each, and the EU file type a dataset description
names it by) and the SPARQL results formats. The site's content negotiation
(:mod:`kopa_graph.publish.conneg`), the server's, the workers, the published files, the dataset
description and the command line's choices are all derived from these tables.

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
    #: Published: ``build`` writes it, every page of the site has it beside the HTML, and the server
    #: answers CONSTRUCT and DESCRIBE in it. The qualities are each one's preference when a client's
    #: Accept ties (HTML is 1.0 on the site).
    page_quality: float | None = None
    answer_quality: float | None = None
    #: Other media types clients use for it.
    aliases: tuple[str, ...] = ()
    title: str = ""  # its name for people
    #: Its code in the EU's file types (:data:`EU_FILE_TYPE`), which DCAT-AP asks ``dct:format`` to name.
    file_type: str = ""

    @property
    def suffix(self) -> str:
        """The extension without its dot (``ttl``)."""
        return self.extension.lstrip(".")

    @property
    def file_type_iri(self) -> str:
        return EU_FILE_TYPE + self.file_type


#: The Publications Office's authority table of file types (EU Vocabularies), the controlled vocabulary
#: DCAT-AP 3.0.0 names for a distribution's format (``dct:format``).
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("turtle", "text/turtle", ".ttl", "turtle", 0.9, 1.0, ("application/x-turtle",), "Turtle",
               "RDF_TURTLE"),
        # JSON-LD answers are made in the server process from the worker's N-Triples: the dearer one
        Format("json-ld", "application/ld+json", ".jsonld", "json-ld", 0.9, 0.8, ("application/json",), "JSON-LD",
               "JSON_LD"),
        Format("n-triples", "application/n-triples", ".nt", "nt", 0.8, 0.9, ("text/plain",), "N-Triples",
               "RDF_N_TRIPLES"),
        Format("n-quads", "application/n-quads", ".nq", "nquads", file_type="RDF_N_QUADS"),
        Format("trig", "application/trig", ".trig", "trig", file_type="RDF_TRIG"),
        Format("rdf-xml", "application/rdf+xml", ".rdf", "xml", file_type="RDF_XML"),
    )
}

#: The formats ``kopa-graph build`` writes, the site's pages have and the server's graphs come in.
PUBLISHED = tuple(name for name, f in FORMATS.items() if f.page_quality is not None)


@dataclass(frozen=True)
class Package:
    """A download that is not RDF: the CSV export, zipped."""

    media_type: str
    extension: str
    file_type: str  # in the EU's file types

    @property
    def file_type_iri(self) -> str:
        return EU_FILE_TYPE + self.file_type


ZIP = Package("application/zip", ".zip", "ZIP")
#: The EU file type of a SPARQL endpoint's distribution: the queries it takes (SPARQL, code SPARQLQ).
SPARQL_FILE_TYPE = EU_FILE_TYPE + "SPARQLQ"
#: The body of a SPARQL 1.1 Update request (publish --incremental).
SPARQL_UPDATE_MEDIA_TYPE = "application/sparql-update"


@dataclass(frozen=True)
class ResultsFormat:
    """A W3C SPARQL 1.1 Query Results format."""

    name: str
    media_type: str
    answer_quality: float  # the server's preference when a client's Accept ties


RESULTS_FORMATS: dict[str, ResultsFormat] = {
    f.name: f
    for f in (
        ResultsFormat("csv", "text/csv", 0.85),
        ResultsFormat("tsv", "text/tab-separated-values", 0.8),
        ResultsFormat("json", "application/sparql-results+json", 1.0),
        ResultsFormat("xml", "application/sparql-results+xml", 0.9),
    )
}

#: ``kopa-graph query`` and ``sparql`` also write results as a table for people.
TABLE = "table"
#: What the command line offers for answers: results (the table first) and graphs.
RESULTS_CHOICES = (TABLE, *RESULTS_FORMATS)
GRAPH_CHOICES = PUBLISHED


def results_answer_formats() -> list[ResultsFormat]:
    """The results formats the server answers SELECT and ASK in, the one it prefers first."""
    return sorted(RESULTS_FORMATS.values(), key=lambda f: -f.answer_quality)


def graph_answer_formats() -> list[Format]:
    """The formats the server answers CONSTRUCT and DESCRIBE in, the one it prefers first."""
    return sorted((FORMATS[n] for n in PUBLISHED), key=lambda f: -(f.answer_quality or 0.0))

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
