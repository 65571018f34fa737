"""The published files of a graph: their names, and the graph written in each published format."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph

from kopa_graph.progress import QUIET, Progress
from kopa_graph.rdfio.engine import serialize
from kopa_graph.rdfio.formats import FORMATS, PUBLISHED
from kopa_graph.rdfio.jsonld import context_document
from kopa_graph.rdfio.namespaces import prefixes_for
from kopa_graph.rdfio.tripleset import TripleSet
from kopa_graph.settings import Settings

#: Stem of the published files: kopa.ttl, kopa.jsonld, kopa.nt.
STEM = "kopa"
CONTEXT_FILE = "context.jsonld"
MANIFEST_FILE = "manifest.json"


def serialize_release(graph: Graph, settings: Settings, progress: Progress = QUIET,
                      ntriples: bytes | None = None) -> dict[str, bytes]:
    """The published files of ``graph``, by file name (``ntriples``: its N-Triples, already written)."""
    return dict(release_files(graph, settings, progress, ntriples))


def release_files(graph: Graph | TripleSet, settings: Settings, progress: Progress = QUIET,
                  ntriples: bytes | None = None) -> Iterator[tuple[str, bytes]]:
    """:func:`serialize_release`'s files one at a time, each made when the one before is let go (at a million
    triples the four together are a third of a gigabyte)."""
    prefixes = prefixes_for(settings.id_base)
    for name in PUBLISHED:
        file = f"{STEM}{FORMATS[name].extension}"
        if name == "n-triples" and ntriples is not None:
            yield file, ntriples
            continue
        with progress.stage(f"write {file}"):
            data = serialize(graph, name, prefixes, settings.id_base)
        yield file, data
        del data
    yield CONTEXT_FILE, context_document(settings.id_base)
