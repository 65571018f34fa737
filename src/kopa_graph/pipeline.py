"""The main job, ``kopa-graph build``: load → build → validate → write.

Nothing is written unless the graph conforms to the shapes.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from kopa_graph.errors import NotConformant, ValidatorError
from kopa_graph.forked import ChildFailed, Forked, parent_idle
from kopa_graph.graph.build import BuiltGraph, build_graph
from kopa_graph.graph.iris import IRIs
from kopa_graph.progress import QUIET, Progress
from kopa_graph.rdfio.engine import serialize_chunks
from kopa_graph.rdfio.files import CONTEXT_FILE, MANIFEST_FILE, STEM
from kopa_graph.rdfio.formats import FORMATS, PUBLISHED
from kopa_graph.rdfio.jsonld import context_document
from kopa_graph.rdfio.manifest import graph_hash, manifest
from kopa_graph.rdfio.namespaces import prefixes_for
from kopa_graph.rdfio.ntriples import ntriples_lines
from kopa_graph.rdfio.oxbridge import Loading
from kopa_graph.rdfio.release import BUILD, new_release
from kopa_graph.rdfio.staging import Staging, fill
from kopa_graph.resources import default_data_dir
from kopa_graph.settings import Settings
from kopa_graph.source.load import load_source_data
from kopa_graph.validation.validate import (
    Validated,
    ValidationReport,
    load_shapes,
    render_text,
    validate_graph,
    validator_failed,
)

if TYPE_CHECKING:
    import pyoxigraph as ox

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class BuildResult:
    built: BuiltGraph
    report: ValidationReport
    files: dict[str, Path]

    @property
    def graph(self) -> Graph:
        """The graph as rdflib's (made on first use: the build itself never needs it)."""
        return self.built.graph

    @property
    def triples(self) -> int:
        """How many triples the graph has."""
        return len(self.built.triples)


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Python's cyclic garbage collector off for the duration.

    Building a graph makes millions of objects that live until the end, and
    the collector walks all of them again and again as they accumulate: at a
    million triples that was half of the loading time and a quarter of the
    building. Nothing the pipeline makes is cyclic garbage, and reference
    counting still frees everything else at once.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class _Run:
    """What one load-build-validate run knows besides the graph: the pipeline's state, not the graph's."""

    built: BuiltGraph
    report: ValidationReport
    blank_nodes: bool  # whether the graph has blank nodes (known once the N-Triples are written)
    article: Path  # the article's text


def build_and_validate(data_dir: Path | None, settings: Settings,
                       progress: Progress = QUIET) -> tuple[BuiltGraph, ValidationReport]:
    """Load ``data_dir`` (default: the shipped data), build and validate; raise if it does not conform."""
    with no_cyclic_gc():
        run = _build_and_validate(data_dir, settings, progress)
    return run.built, run.report


def validate_source(data_dir: Path | None, settings: Settings, progress: Progress = QUIET) -> Validated:
    """Load ``data_dir`` (default: the shipped data), build and validate: what ``site``, ``serve`` and
    ``export csv`` publish. Raises :class:`~kopa_graph.errors.NotConformant` if the graph does not conform."""
    with no_cyclic_gc():
        run = _build_and_validate(data_dir, settings, progress)
    article = run.article.read_text(encoding="utf-8")
    return Validated(run.built, run.report, settings, Path(data_dir) if data_dir else None, article)


def graph_to_ask(data_dir: Path | None, settings: Settings, graph_file: Path | None = None) -> Graph:
    """The graph ``query``, ``sparql`` and ``render`` read: an RDF file, else the validated graph of
    ``data_dir`` (default: the shipped data)."""
    from kopa_graph.rdfio.engine import parse_file

    return parse_file(graph_file) if graph_file else build_and_validate(data_dir, settings)[0].graph


def _build_and_validate(data_dir: Path | None, settings: Settings, progress: Progress,
                        staging: Staging | None = None,
                        meanwhile: Callable[[BuiltGraph], None] | None = None) -> _Run:
    """Without ``meanwhile``, the N-Triples are made and loaded for validation only, here. With ``meanwhile`` (and
    ``staging``), a child process (:mod:`kopa_graph.forked`) writes them to their file in ``staging`` while
    loading them for validation, then validates, while this one calls ``meanwhile(built)``."""
    folder = Path(data_dir) if data_dir else default_data_dir()
    with progress.stage("load the source data"):
        data = load_source_data(folder)
    article = folder / data.article.file
    with progress.stage("build the graph"):
        built = build_graph(data, settings)
    del data  # the source data is in the graph now: free it before validation doubles the graph in memory
    shapes = load_shapes(settings)
    if meanwhile is None:
        with progress.stage(f"validate {len(built.triples)} triples"):
            store, blanks, _ = _loaded(built)
            report = validate_graph(built.triples, settings, shapes=shapes, data_store=store)
    else:
        assert staging is not None
        report, blanks = _written_and_validated(built, settings, shapes, staging, meanwhile, progress)
    if not report.conforms:
        raise NotConformant(report, render_text(report, built.origins, shapes))
    return _Run(built, report, blanks, article)


def _written_and_validated(built: BuiltGraph, settings: Settings, shapes: Graph, staging: Staging,
                           meanwhile: Callable[[BuiltGraph], None],
                           progress: Progress) -> tuple[ValidationReport, bool]:
    """The N-Triples written to their file and validated in a forked child, while this process calls
    ``meanwhile(built)``: the report, and whether the graph has blank nodes."""
    name = f"{STEM}.nt"
    nt_file = staging.reserve(name)

    def in_the_child() -> tuple[ValidationReport, bool, tuple[str, int]]:
        store, blanks, digest = _loaded(built, lambda lines: fill(nt_file, lines, staging.out_dir / name))
        assert digest is not None
        # a second thread once the parent is done writing
        return validate_graph(built.triples, settings, shapes=shapes, data_store=store, gate=parent_idle()), \
            blanks, digest

    with Forked(in_the_child) as validating:
        meanwhile(built)
        validating.idle()
        with progress.stage(f"write {name} and validate {len(built.triples)} triples"):
            try:
                report, blanks, digest = validating.result()
            except ChildFailed as exc:
                raise ValidatorError(f"validation could not finish: {exc}. The graph counts as not "
                                     "validated and nothing was written.") from None
    staging.filled(name, digest)
    return report, blanks


def _loaded(built: BuiltGraph, write: Callable[[list[bytes]], tuple[str, int]] | None = None
            ) -> tuple[ox.Store | None, bool, tuple[str, int] | None]:
    """The graph's N-Triples loaded into a new Oxigraph store as they are made: the store (None for a graph
    with blank nodes, whose labels would not match from one batch to the next: validation then loads it term
    by term), whether it has blank nodes, and what ``write`` returned, given the sorted lines meanwhile."""
    with Loading() as loading:
        lines, blanks = ntriples_lines(built.triples, loading.add)
        written = write(lines) if write is not None else None
        del lines
        try:
            store = loading.store()
        except Exception as exc:  # Oxigraph refused a line: as when validation loads the graph itself
            raise validator_failed(exc) from None
    return (None if blanks else store), blanks, written


def build(data_dir: Path | None, out_dir: Path, settings: Settings, progress: Progress = QUIET) -> BuildResult:
    """Build, validate and, only if the graph conforms, write Turtle, JSON-LD and N-Triples, the JSON-LD
    context and ``manifest.json`` (each file's SHA-256, and the graph's RDFC-1.0 hash).

    Each file is written as soon as it is made (never held in memory whole) into a new release folder,
    which replaces the earlier release at ``out_dir`` at once when complete (:mod:`kopa_graph.rdfio.release`); a
    failure anywhere leaves that untouched. ``out_dir`` must be new, an empty folder or one a build made.
    """
    prefixes = prefixes_for(settings.id_base)
    with no_cyclic_gc(), new_release(out_dir, BUILD, data_dir) as release, \
            Staging(release.folder, published=False) as staging:

        def write_the_others(built: BuiltGraph) -> None:  # while the graph is validated
            for name in PUBLISHED:
                file = f"{STEM}{FORMATS[name].extension}"
                if file not in staging.temps:
                    with progress.stage(f"write {file}"):
                        chunks = serialize_chunks(built.triples, name, prefixes, settings.id_base)
                        if progress.enabled:  # a bar over the nodes written, one chunk each (and a head and a tail)
                            chunks = progress.track(f"{file}: nodes", chunks, len(built.triples.spo) + 2)
                        staging.put(file, chunks)

        run = _build_and_validate(data_dir, settings, progress, staging, write_the_others)
        built, report = run.built, run.report
        staging.put(CONTEXT_FILE, context_document(settings.id_base))
        nt_digest = staging.digests[f"{STEM}.nt"][0]
        graph_digest = graph_hash(built.graph) if run.blank_nodes else nt_digest  # canonical N-Quads already
        staging.put(MANIFEST_FILE, manifest(graph_digest, len(built.triples), staging.digests,
                                            str(IRIs(settings).dataset()), settings.personal_data, settings.version,
                                            settings.previous_version))
        with progress.stage(f"save to {out_dir}"):
            files = {name: Path(out_dir) / name for name in staging.commit()}
            release.switch()
    log.info("wrote %d triples to %s", len(built.triples), out_dir)
    return BuildResult(built, report, files)
