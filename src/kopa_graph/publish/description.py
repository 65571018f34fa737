"""What is published beside the graph: the release files (the RDF downloads and the CSV zip) and the
validated DCAT/VoID description of them, the same for the site and a triplestore; and the article's text
with the names a profile leaves out withheld."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import Graph

from kopa_graph.errors import NotConformant
from kopa_graph.graph.dataset import Distribution, describe
from kopa_graph.graph.iris import IRIs
from kopa_graph.rdfio.files import STEM, release_files
from kopa_graph.rdfio.formats import FORMATS, PUBLISHED, ZIP
from kopa_graph.rdfio.namespaces import RDF, SCHEMA
from kopa_graph.rdfio.tripleset import TripleSet
from kopa_graph.reports.csvexport import export_csv
from kopa_graph.settings import DEFAULT_LICENCE, DEFAULT_PUBLISHER, Settings
from kopa_graph.validation.validate import load_ontology, load_shapes, render_text, validate_graph


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # fixed: the same bytes every run
            info.external_attr = 0o644 << 16
            z.writestr(info, files[name])
    return buf.getvalue()


#: The CSV export's file among the downloads.
CSV_ZIP = "kopa-csv" + ZIP.extension


@dataclass(frozen=True)
class Release:
    distributions: list[Distribution]  # kopa.ttl, kopa.jsonld, kopa.nt and the CSV zip
    description: Graph  # DCAT/VoID, validated


def release_description(g: Graph, settings: Settings, licence: str = DEFAULT_LICENCE,
                        publisher: str = DEFAULT_PUBLISHER, sparql_endpoint: str | None = None,
                        put: Callable[[str, bytes], None] | None = None,
                        sizes: dict[str, int] | None = None) -> Release:
    """The validated DCAT/VoID description of the release files (the RDF downloads and the CSV zip).

    The site writes these; ``publish`` sends the same description, so a
    triplestore and the site describe the dataset identically. ``put`` is given each file as it is made
    (its path in a site: ``download/NAME``), which is then let go: only the sizes are kept. ``sizes``: the
    RDF downloads' sizes, where :func:`written_downloads` has written them already.
    """
    article = next(iter(sorted(g.subjects(RDF.type, SCHEMA.Article), key=str)))
    if sizes is None:
        sizes = written_downloads(g, settings, put)
    csv_zip = _zip(export_csv(g, IRIs(settings).themes()))
    if put is not None:
        put(f"download/{CSV_ZIP}", csv_zip)
    published = [(f"{STEM}{f.extension}", f) for f in (FORMATS[n] for n in PUBLISHED)]
    dists = [Distribution(f"download/{name}", f.media_type, sizes[name], f"The graph in {f.title}",
                          f.file_type_iri) for name, f in published]
    dists.append(Distribution(f"download/{CSV_ZIP}", ZIP.media_type, len(csv_zip),
                              "The pilots, organisations, memberships, contacts and themes as CSV", ZIP.file_type_iri))
    del csv_zip
    description = describe(g, settings, dists, str(article), licence, publisher, sparql_endpoint)
    shapes = load_shapes(settings)
    report = validate_graph(description, settings, shapes=shapes, ontology=load_ontology())
    if not report.conforms:
        raise NotConformant(report, "The dataset description does not conform:\n" + render_text(report, shapes=shapes))
    return Release(dists, description)


def written_downloads(graph: Graph | TripleSet, settings: Settings,
                      put: Callable[[str, bytes], None] | None = None) -> dict[str, int]:
    """The RDF downloads of ``graph`` (and the context), each made, given to ``put`` (as ``download/NAME``) and
    let go before the next: their sizes by name. The site writes them from the build's triples before it makes
    the rdflib graph, which then reuses the memory they took (at a million triples the N-Triples' lines and
    text are a third of a gigabyte, which came on top of that graph)."""
    sizes: dict[str, int] = {}
    for name, data in release_files(graph, settings):
        if put is not None:
            put(f"download/{name}", data)
        sizes[name] = len(data)
        del data
    return sizes


def redact(text: str, names: Iterable[str]) -> str:
    """``text`` with each of ``names`` replaced by a mark that keeps the lines (sources cite them)."""
    for name in sorted(names, key=len, reverse=True):  # the longest first: a name inside another
        text = text.replace(name, WITHHELD)
    return text


#: What replaces a name left out (``--no-personal-data``) in a text copied from a source.
WITHHELD = "[…]"
