"""The ``kopa-graph`` command: a few lines over each public function (the commands are in
:mod:`~kopa_graph.cli.data`, :mod:`~kopa_graph.cli.queries`, :mod:`~kopa_graph.cli.publishing` and
:mod:`~kopa_graph.cli.serving`).

Exit codes: 0 ok; 1 the data does not conform to the shapes; 2 bad input or
usage; 3 an output could not be written; 4 publish failed; 5 the validator
itself failed.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import click

from kopa_graph.errors import KopaError
from kopa_graph.settings import BASE_IRI_ENV, DEFAULT_BASE_IRI, Settings

#: Set by :func:`run`: the command owns this process, which ends when the command does.
_OWN_PROCESS = False


#: Commands that run until stopped: they keep the cyclic garbage collector.
_LONG_RUNNING = frozenset({"serve"})


def run() -> None:
    """The ``kopa-graph`` console script: :func:`main` in a process of its own.

    A command that ends soon runs without the cyclic garbage collector, and
    what it leaves is frozen (:func:`gc.freeze`) before Python's own exit, so
    the last collection at shutdown does not walk the graph: at a million
    triples the collector's passes over the graph and its teardown took 15 s of
    a 60 s build, for memory the operating system takes back at once. The exit
    is otherwise Python's: exit handlers run and the output is flushed.
    ``serve`` keeps the collector.
    """
    global _OWN_PROCESS
    _OWN_PROCESS = True
    try:
        main(prog_name="kopa-graph")  # ends in SystemExit: click's standalone mode
    finally:
        if not gc.isenabled():
            gc.freeze()


@contextmanager
def _errors() -> Iterator[None]:
    """Turn library errors into a message on stderr and the documented exit code."""
    try:
        yield
    except KopaError as exc:
        click.echo(str(exc), err=True)
        sys.exit(exc.exit_code)


def _settings(ctx: click.Context, no_personal_data: bool = False, release_version: str | None = None,
              previous: Path | None = None) -> Settings:
    """The run's settings; with ``--release-version`` and ``--previous OUT`` (whose manifest gives the previous
    release's version), the versions the description and the manifest state. Call it inside :func:`_errors`."""
    settings: Settings = ctx.obj
    if no_personal_data:
        settings = replace(settings, personal_data=False)
    if release_version is not None or previous is not None:
        from kopa_graph.publish.diff import release_version as version_of

        settings = replace(settings, version=release_version,
                           previous_version=version_of(previous) if previous is not None else None)
    return settings


_RELEASE_VERSION_OPTION = click.option(
    "--release-version", help="This release's version (letters, digits, . _ -): stated in the description "
                              "(dcat:version) and manifest.json; never taken from the clock.")
_PREVIOUS_OPTION = click.option(
    "--previous", type=click.Path(path_type=Path, exists=True),
    help="The previous release (its build output folder or manifest.json, built with --release-version): "
         "linked as dcat:previousVersion; site also writes the changes pages against it.")


_PERSONAL_DATA_OPTION = click.option(
    "--no-personal-data", is_flag=True,
    help="Leave out personal data: the posts, their titles and organisations stay; the contact people's "
         "names and IRIs are left out of every output (README: Data protection).")


def _progress(ctx: click.Context):  # type: ignore[no-untyped-def]
    """Stage-by-stage progress on standard error when it is a terminal, unless -q."""
    from kopa_graph.progress import Progress

    return Progress.for_terminal(quiet=bool(ctx.meta.get("kopa.quiet")))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kopa-graph", prog_name="kopa-graph")  # looked up only when asked
@click.option("--base-iri", envvar=BASE_IRI_ENV, default=DEFAULT_BASE_IRI, show_default=True,
              help=f"Base IRI of the data: every resource is {{base}}id/... (env {BASE_IRI_ENV}).")
@click.option("-v", "--verbose", count=True, help="Say more (-v: what each stage did, -vv: debug).")
@click.option("-q", "--quiet", is_flag=True,
              help="No progress display (it shows only on a terminal: build, site and publish).")
@click.pass_context
def main(ctx: click.Context, base_iri: str, verbose: int, quiet: bool) -> None:
    """Publish the KOPA pilots as a validated, linked knowledge graph.

    Exit codes: 0 ok, 1 the data does not conform to the shapes,
    2 bad input or usage, 3 an output could not be written, 4 publish
    failed, 5 the validator itself failed.
    """
    if _OWN_PROCESS and ctx.invoked_subcommand not in _LONG_RUNNING:
        gc.disable()  # see run(): a command that ends soon never needs the cyclic collector
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    ctx.meta["kopa.quiet"] = quiet
    with _errors():
        ctx.obj = Settings(base_iri=base_iri)


_DATA_OPTION = click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False),
                            help="Folder of source data to build the graph from [default: the shipped data/].")


_GRAPH_OPTION = click.option("--graph", "graph_file", type=click.Path(path_type=Path, dir_okay=False),
                             help="Ask this RDF file (for example out/kopa.ttl) instead of building from --data.")


_TIMEOUT_OPTION = click.option("--timeout", type=click.FloatRange(min=0, min_open=True),
                               help="Stop the query after this many seconds (exit 2) [default: no limit].")


_NO_SANDBOX_OPTION = click.option(
    "--no-sandbox", is_flag=True,
    help="Evaluate queries without the kernel's network ban (a seccomp filter, Linux x86-64/arm64) where it "
         "is not available. Unsafe for queries you do not trust: only the lexer then stands between a query "
         "and the network (SECURITY.md).")


# The commands, each module registering its own on main (imported last: they use the names above).
from kopa_graph.cli import data, publishing, queries, serving  # noqa: E402, F401
