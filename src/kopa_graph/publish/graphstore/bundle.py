"""``publish --bulk-bundle DIR``: the graphs as N-Quads files, with the ``load.sql`` that Virtuoso's bulk loader
runs (``ld_dir``, ``rdf_loader_run``, ``checkpoint``) and a README, for operators who load from disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kopa_graph.publish.templating import render
from kopa_graph.rdfio.ntriples import ntriples


@dataclass(frozen=True)
class Bundle:
    folder: Path
    files: tuple[str, ...]
    triples: tuple[int, ...]


def nquads(graph: Graph, graph_iri: str) -> bytes:
    """``graph`` as sorted N-Quads lines in the named graph ``graph_iri``."""
    suffix = f" <{graph_iri}> .\n".encode()
    return b"".join(line.removesuffix(b" .\n") + suffix for line in ntriples(graph).splitlines(keepends=True))


def write_bundle(folder: Path, graphs: list[tuple[str, Graph, str]]) -> Bundle:
    """Write each (file name, graph, graph IRI) of ``graphs`` into ``folder`` (made if needed), then
    ``load.sql`` and ``README.md``."""
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    for name, graph, iri in graphs:
        (folder / name).write_bytes(nquads(graph, iri))
    files = [(name, iri) for name, _, iri in graphs]
    counts = [len(graph) for _, graph, _ in graphs]
    (folder / "load.sql").write_text(render("virtuoso-load.sql.j2", folder=str(folder), files=files),
                                     encoding="utf-8")
    (folder / "README.md").write_text(render("virtuoso-bundle.md.j2", folder=str(folder), files=files,
                                             counts=counts), encoding="utf-8")
    return Bundle(folder, tuple(n for n, _ in files), tuple(counts))
