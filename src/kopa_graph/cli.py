"""The ``kopa-graph`` command: a few lines over each public function.

Exit codes: 0 ok; 1 the data does not conform to the shapes; 2 bad input or
usage; 3 an output could not be written; 4 publish failed; 5 the validator
itself failed.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import click

from kopa_graph.errors import KopaError, NotConformant
from kopa_graph.languages import LANGUAGES
from kopa_graph.rdfio.formats import FORMATS, GRAPH_CHOICES, RESULTS_CHOICES, TABLE
from kopa_graph.settings import (
    BASE_IRI_ENV,
    DEFAULT_BASE_IRI,
    DEFAULT_LICENCE,
    DEFAULT_PUBLISHER,
    SERVER_LIMITS,
    Settings,
)

#: Set by :func:`run`: the command owns this process, which ends when the command does.
_OWN_PROCESS = False
#: Commands that run until stopped: they keep the cyclic garbage collector.
_LONG_RUNNING = frozenset({"serve"})


def run() -> None:
    """The ``kopa-graph`` console script: :func:`main` in a process of its own.

    A command that ends soon runs without the cyclic garbage collector, and
    the process ends without freeing its objects one by one: at a million
    triples the collector's passes over the graph and the teardown took 15 s
    of a 60 s build, for memory the operating system takes back at once.
    Exit handlers still run and the output is flushed (mypy ends the same way).
    ``serve`` keeps the collector and ends normally.
    """
    global _OWN_PROCESS
    _OWN_PROCESS = True
    try:
        main(prog_name="kopa-graph")
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc.code)
    if gc.isenabled():  # serve, or no command ran (--help, a usage error)
        sys.exit(code)
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (kopa-graph query ... | head)
            stream.flush()
    os._exit(code)


def _exit_code(code: object) -> int:
    """What Python's own exit would make of ``sys.exit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


@contextmanager
def _errors() -> Iterator[None]:
    """Turn library errors into a message on stderr and the documented exit code."""
    try:
        yield
    except KopaError as exc:
        click.echo(str(exc), err=True)
        sys.exit(exc.exit_code)


def _settings(ctx: click.Context, no_personal_data: bool = False) -> Settings:
    settings: Settings = ctx.obj
    return replace(settings, personal_data=False) if no_personal_data else settings


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


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of source data [default: the shipped data/].")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("out"),
              show_default=True, help="Folder to write kopa.ttl, kopa.jsonld, kopa.nt and context.jsonld to: new, "
                                      "empty, or one a build made (README: Output folders).")
@_PERSONAL_DATA_OPTION
@click.pass_context
def build(ctx: click.Context, data_dir: Path | None, out_dir: Path, no_personal_data: bool) -> None:
    """Build the graph from the source data, validate it, and write it.

    Nothing is written unless the graph conforms to the shapes; outputs
    replace earlier ones only once all of them are written.
    """
    from kopa_graph.pipeline import build as run_build

    with _errors():
        result = run_build(data_dir, out_dir, _settings(ctx, no_personal_data), _progress(ctx))
        warnings = len(result.report.warnings)
        click.echo(f"Built {len(result.graph)} triples; conforms to the shapes"
                   + (f" ({warnings} warning{'s' * (warnings != 1)})" if warnings else "") + ".")
        for _name, path in sorted(result.files.items()):
            click.echo(f"  wrote {path}")




@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True,
              help="Report for people (text) or machines (json, or the SHACL report graph in turtle).")
@click.option("--input-format", type=click.Choice(list(FORMATS)),
              help="RDF format of the files [default: from each file's extension].")
@click.pass_context
def validate(ctx: click.Context, files: tuple[Path, ...], fmt: str, input_format: str | None) -> None:
    """Validate RDF files (together, as one graph) against the shapes.

    Exit 0 when they conform, 1 when they do not, 2 when a file cannot be loaded.
    """
    from rdflib import Graph

    from kopa_graph.rdfio.engine import parse_file
    from kopa_graph.rdfio.formats import format_named
    from kopa_graph.validation.validate import load_shapes, render_json, render_text, render_turtle, validate_graph

    settings = _settings(ctx)
    with _errors():
        graph = Graph(bind_namespaces="none")
        for path in files:
            parse_file(path, format_named(input_format) if input_format else None, graph)
        shapes = load_shapes(settings)
        report = validate_graph(graph, settings, shapes=shapes)
        if fmt == "json":
            click.echo(render_json(report))
        elif fmt == "turtle":
            click.echo(render_turtle(report))
        else:
            click.echo(render_text(report, shapes=shapes))
        if not report.conforms:
            sys.exit(NotConformant.exit_code)


@main.command()
@click.argument("article", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of source data whose organisations, aliases and vocabularies resolve the names "
                   "[default: the shipped data/].")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder to write the updated source data to [default: the --data folder, in place].")
@click.option("--check", is_flag=True, help="Write nothing; list every difference between the article and the "
                                            "data, and exit 1 if there is one.")
@click.option("--resolutions", is_flag=True, help="Also list which name resolved to what, by which rule.")
@click.pass_context
def ingest(ctx: click.Context, article: Path, data_dir: Path | None, out_dir: Path | None, check: bool,
           resolutions: bool) -> None:
    """Read the published article into the source data (pilots.yaml, claims.yaml).

    Every fact keeps its article line. Names resolve through the municipality
    lists, organisations.yaml, aliases.csv and the vocabularies; a name that
    resolves to nothing stops the run with the closest known names. Exit 0
    when done (or, with --check, when article and data agree), 1 when --check
    finds differences, 2 when the article or the data cannot be read.
    """
    from kopa_graph.article.update import check_article
    from kopa_graph.article.update import ingest as run_ingest

    with _errors():
        if check:
            ingested, diffs = check_article(article, data_dir)
        else:
            report = run_ingest(article, data_dir, out_dir)
            ingested, diffs = report.ingested, report.changes
        click.echo(f"Read {len(ingested.pilots)} pilots and {len(ingested.claims)} stated totals from {article}.")
        if resolutions:
            for r in ingested.resolutions:
                click.echo(f"  line {r.line}: {r.kind} {r.name!r} → {r.id} ({r.rule})")
        for org in ingested.new_municipalities:
            click.echo(f"  new municipality {org.municipality_code} → organisation {org.id!r}")
        if check:
            if diffs:
                click.echo(f"{len(diffs)} difference{'s' * (len(diffs) != 1)} between the article and the data:")
                for d in diffs:
                    click.echo(f"  {d}")
                sys.exit(1)
            click.echo("The data agrees with the article.")
        else:
            click.echo(f"{len(diffs)} change{'s' * (len(diffs) != 1)} from the data as it was"
                       + (":" if diffs else "."))
            for d in diffs:
                click.echo(f"  {d}")
            for path in sorted(report.written.values()):
                click.echo(f"  wrote {path}")


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of source data [default: the shipped data/].")
@click.option("--report", "show", is_flag=True, help="Print the report (the default; kept for clarity).")
@click.option("--strict", is_flag=True, help="Exit 1 when anything is unresolved.")
def link(data_dir: Path | None, show: bool, strict: bool) -> None:
    """Report how the graph links to the national registries.

    Which names resolved to which official entries and by which rule, which
    reference records could not be attached, which organisations lack
    identifiers, which themes lack an exact or close YSO match. Exit 0, or 1
    with --strict when anything is unresolved.
    """
    from kopa_graph.reports.links import link_report, render
    from kopa_graph.resources import default_data_dir
    from kopa_graph.source.load import load_source_data

    with _errors():
        folder = data_dir or default_data_dir()
        report = link_report(load_source_data(folder), folder)
        click.echo(render(report))
        if strict and report.unresolved:
            sys.exit(1)


@main.group()
def export() -> None:
    """Export the validated graph in other forms."""


@export.command("csv")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of source data [default: the shipped data/].")
@click.pass_context
def export_csv(ctx: click.Context, out_dir: Path, data_dir: Path | None) -> None:
    """Write one CSV per entity type (pilots, organisations, memberships,
    contacts, themes) and csv-metadata.json (CSV on the Web) documenting the
    columns.

    OUT_DIR is new, empty, or one an export made (README: Output folders).
    """
    from kopa_graph.pipeline import validate_source
    from kopa_graph.reports.csvexport import write_csv_export

    with _errors():
        for path in write_csv_export(validate_source(data_dir, _settings(ctx.find_root())), out_dir):
            click.echo(f"wrote {path}")


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


@main.command()
@click.argument("name", required=False)
@click.option("--list", "list_helpers", is_flag=True, help="List the helpers with a one-line description.")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="A parameter of the helper.")
@click.option("--format", "fmt", type=click.Choice(RESULTS_CHOICES), default=TABLE,
              show_default=True, help="table for people; csv, tsv, json, xml: the W3C SPARQL 1.1 results formats.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="sv", show_default=True,
              help="Language of the labels a table shows instead of IRIs.")
@_DATA_OPTION
@_GRAPH_OPTION
@_TIMEOUT_OPTION
@_NO_SANDBOX_OPTION
@click.pass_context
def query(ctx: click.Context, name: str | None, list_helpers: bool, params: tuple[str, ...], fmt: str, lang: str,
          data_dir: Path | None, graph_file: Path | None, timeout: float | None, no_sandbox: bool) -> None:
    """Run a named query helper (kopa-graph query --list shows them).

    The query is evaluated in a process the kernel keeps off the network
    (SECURITY.md); where that is impossible the command exits 2.
    """
    from kopa_graph.pipeline import graph_to_ask
    from kopa_graph.query.helpers import helper, helpers, parse_params, prepare, run_helper
    from kopa_graph.query.results import format_result
    from kopa_graph.query.sandbox import Isolation

    with _errors():
        if list_helpers or not name:
            width = max(len(n) for n in helpers())
            for h in helpers().values():
                click.echo(f"{h.name.ljust(width)}  {h.title}")
            return
        h = helper(name)
        values = parse_params(name, params)
        settings = _settings(ctx)
        graph = graph_to_ask(data_dir, settings, graph_file)
        isolation = Isolation(confined=not no_sandbox, timeout=timeout)
        result = run_helper(prepare(graph), h.name, settings, isolation=isolation, **values)
        click.echo(format_result(result, fmt, graph, lang), nl=False)


@main.command()
@click.argument("query_text", metavar="QUERY")
@click.option("--format", "fmt", type=click.Choice((*RESULTS_CHOICES, *GRAPH_CHOICES)),
              help="SELECT/ASK: table (default), csv, tsv, json, xml; CONSTRUCT/DESCRIBE: turtle (default), "
                   "json-ld, n-triples.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="sv", show_default=True,
              help="Language of the labels a table shows instead of IRIs.")
@_DATA_OPTION
@_GRAPH_OPTION
@_TIMEOUT_OPTION
@_NO_SANDBOX_OPTION
@click.pass_context
def sparql(ctx: click.Context, query_text: str, fmt: str | None, lang: str, data_dir: Path | None,
           graph_file: Path | None, timeout: float | None, no_sandbox: bool) -> None:
    """Run any SPARQL query (the text, or @file.rq) on the graph.

    SERVICE, FROM and updates are refused: nothing is fetched or changed.
    The query is evaluated in a process the kernel keeps off the network
    (SECURITY.md); where that is impossible the command exits 2.
    """
    from kopa_graph.errors import InputError
    from kopa_graph.pipeline import graph_to_ask
    from kopa_graph.query.helpers import QueryError, prepare, run_sparql
    from kopa_graph.query.lexer import scan
    from kopa_graph.query.results import format_result
    from kopa_graph.query.sandbox import Isolation
    from kopa_graph.rdfio.engine import serialize
    from kopa_graph.rdfio.namespaces import prefixes_for

    with _errors():
        if query_text.startswith("@"):
            try:
                query_text = Path(query_text[1:]).read_text(encoding="utf-8")
            except OSError as exc:
                raise InputError(f"{query_text[1:]}: cannot read the query: {exc.strerror}") from None
        checked = scan(query_text)  # before the graph is built: a refused query costs nothing
        if checked.refusal is not None:
            raise QueryError(checked.refusal)
        fmt = _answer_format(checked.form, fmt)
        settings = _settings(ctx)
        graph = graph_to_ask(data_dir, settings, graph_file)
        result = run_sparql(prepare(graph), query_text, isolation=Isolation(confined=not no_sandbox, timeout=timeout))
        if result.type in ("CONSTRUCT", "DESCRIBE") and result.graph is not None:
            out = result.graph
            click.echo(serialize(out, fmt, prefixes_for(settings.id_base), settings.id_base).decode("utf-8"), nl=False)
        else:
            click.echo(format_result(result, fmt, graph, lang), nl=False)




def _answer_format(form: str | None, fmt: str | None) -> str:
    """The format ``sparql`` writes a ``form`` query's answer in: ``fmt``, or the form's default; a format
    of the other kind is an error (exit 2), never quietly replaced."""
    from kopa_graph.errors import InputError

    graph = form in ("CONSTRUCT", "DESCRIBE")
    allowed = GRAPH_CHOICES if graph else RESULTS_CHOICES
    if fmt is None:
        return allowed[0]
    if fmt not in allowed:
        kind = "a graph" if graph else "results"
        raise InputError(f"--format {fmt} does not fit: {form or 'SELECT'} queries answer with {kind}; give "
                         f"--format {', '.join(allowed[:-1])} or {allowed[-1]}")
    return fmt


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="For reading (text), for a web page or issue (markdown), or for programs (json).")
@_DATA_OPTION
@click.pass_context
def report(ctx: click.Context, fmt: str, data_dir: Path | None) -> None:
    """Each total the article states beside what the data shows, and the data's quality.

    For each difference: the organisations involved and the likely reason.
    Data quality: SHACL warnings, names resolved through the alias table,
    organisations without identifiers.
    """
    from kopa_graph.pipeline import build_and_validate
    from kopa_graph.reports.claims import ShaclWarning, alias_resolutions, build_report, render_json, render_text
    from kopa_graph.resources import default_data_dir

    with _errors():
        settings = _settings(ctx)
        built, validation = build_and_validate(data_dir, settings)
        warnings = [ShaclWarning(str(w.focus), w.message) for w in validation.warnings]
        rep = build_report(built.graph, settings, warnings, alias_resolutions(data_dir or default_data_dir()))
        click.echo(render_json(rep) if fmt == "json" else render_text(rep, markdown=fmt == "markdown"), nl=False)


@main.command()
@click.argument("out_dir", metavar="OUT", type=click.Path(path_type=Path, file_okay=False))
@_DATA_OPTION
@click.option("--licence", default=DEFAULT_LICENCE, show_default=True,
              help="Licence IRI of the published dataset (dct:license).")
@click.option("--publisher", default=DEFAULT_PUBLISHER, show_default=True,
              help="Name of the publisher in the dataset description.")
@click.option("--sparql-endpoint", help="URL of the SPARQL endpoint to announce in the description (void:sparqlEndpoint).")
@_PERSONAL_DATA_OPTION
@click.pass_context
def site(ctx: click.Context, out_dir: Path, data_dir: Path | None, licence: str, publisher: str,
         sparql_endpoint: str | None, no_personal_data: bool) -> None:
    """Write the static linked-data site: a page and three RDF files per
    resource, the index, downloads, the dataset description (DCAT, VoID),
    ontology and shapes pages, sitemap.xml and web-server rules.

    OUT is new, empty, or one a site run made (README: Output folders).
    """
    from kopa_graph.pipeline import validate_source
    from kopa_graph.publish.site.build import build_site

    with _errors():
        progress = _progress(ctx)
        validated = validate_source(data_dir, _settings(ctx, no_personal_data), progress)
        result = build_site(validated, out_dir, licence, publisher, sparql_endpoint, progress=progress)
        click.echo(f"Wrote {result.pages} pages for {result.resources} resources to {result.out}.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@_DATA_OPTION
@click.option("--workers", default=SERVER_LIMITS.workers, show_default=True, type=int, help="Query worker processes.")
@click.option("--timeout", default=SERVER_LIMITS.timeout, show_default=True, type=float,
              help="Seconds a query may run (then 503).")
@click.option("--memory-mb", default=SERVER_LIMITS.memory_mb, show_default=True, type=int, help="Address-space limit of a query worker.")
@click.option("--max-rows", default=SERVER_LIMITS.max_rows, show_default=True, type=int, help="Most result rows (then 413).")
@_PERSONAL_DATA_OPTION
@_NO_SANDBOX_OPTION
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, data_dir: Path | None, workers: int, timeout: float,
          memory_mb: int, max_rows: int, no_personal_data: bool, no_sandbox: bool) -> None:
    """Serve the validated graph: a read-only SPARQL endpoint (/sparql), the
    query helpers (/queries), linked data (/id/..., /doc/...) and /health.

    Query workers run where the kernel forbids network access (SECURITY.md);
    where that is impossible, serve exits 2 unless --no-sandbox.
    """
    from kopa_graph.pipeline import validate_source
    from kopa_graph.publish.server.app import serve as run_serve

    with _errors():
        validated = validate_source(data_dir, _settings(ctx, no_personal_data))
        run_serve(validated, host, port, workers=workers, timeout=timeout, memory_mb=memory_mb, max_rows=max_rows,
                  sandbox=not no_sandbox)


@main.command()
@click.option("--endpoint", required=True, help="The SPARQL 1.1 Graph Store endpoint (Oxigraph: http://HOST:7878/store).")
@click.option("--graph", "graph_iri", help="Named graph to replace [default: the dataset IRI].")
@click.option("--user", help="User for HTTP Basic authentication.")
@click.option("--password-env", help="Name of the environment variable holding the password.")
@click.option("--description-graph", "description_iri",
              help="Named graph for the dataset description (DCAT/VoID) [default: the graph IRI + /description].")
@click.option("--licence", default=DEFAULT_LICENCE, show_default=True,
              help="Licence IRI of the published dataset (dct:license).")
@click.option("--publisher", default=DEFAULT_PUBLISHER, show_default=True,
              help="Name of the publisher in the dataset description.")
@click.option("--sparql-endpoint", help="URL of the SPARQL endpoint to announce in the description (void:sparqlEndpoint).")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds to wait for the endpoint on each request.")
@click.option("--retries", default=3, show_default=True, type=click.IntRange(min=1),
              help="Attempts per request when the endpoint is unreachable, times out or fails (5xx); "
                   "the wait doubles from 0.5 s between them.")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send nothing.")
@_DATA_OPTION
@_PERSONAL_DATA_OPTION
@click.pass_context
def publish(ctx: click.Context, endpoint: str, graph_iri: str | None, user: str | None, password_env: str | None,
            description_iri: str | None, licence: str, publisher: str, sparql_endpoint: str | None,
            timeout: float, retries: int, dry_run: bool, data_dir: Path | None, no_personal_data: bool) -> None:
    """Push the validated graph and its description to a triplestore (SPARQL
    1.1 Graph Store Protocol: PUT into a named graph, then read it back).

    Exit 4 when the endpoint refuses, fails or holds a different graph.
    """
    import os

    from kopa_graph.errors import InputError
    from kopa_graph.pipeline import validate_source
    from kopa_graph.publish.triplestore import publish_release

    settings = _settings(ctx, no_personal_data)
    with _errors():
        password = None
        if password_env:
            password = os.environ.get(password_env)
            if password is None:
                raise InputError(f"the environment variable {password_env} is not set")
        progress = _progress(ctx)
        result = publish_release(validate_source(data_dir, settings, progress), endpoint, graph_iri,
                                 description_iri=description_iri, licence=licence, publisher=publisher,
                                 sparql_endpoint=sparql_endpoint, user=user, password=password, dry_run=dry_run,
                                 timeout=timeout, retries=retries, progress=progress)
        if dry_run:
            click.echo(f"would PUT {result.triples} triples ({result.bytes} bytes of N-Triples) to {result.url}")
            click.echo(f"would PUT the dataset description ({result.description_triples} triples) to "
                       f"{result.description_url}")
        else:
            click.echo(f"Published {result.triples} triples to {result.url}; read back: the same graph"
                       + (f" ({result.note})." if result.note else "."))
            click.echo(f"Published the dataset description ({result.description_triples} triples) to "
                       f"{result.description_url}; read back: the same graph"
                       + (f" ({result.description_note})." if result.description_note else "."))


@main.command()
@click.option("--lang", type=click.Choice(LANGUAGES), default="sv", show_default=True,
              help="Language of the labels (Swedish uses the texts as the article writes them).")
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of source data to build the graph from [default: the shipped data/].")
@click.option("--graph", "graph_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Render this RDF file (for example out/kopa.ttl) instead of building from --data.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to this new file instead of standard output (an existing file is never replaced).")
@click.pass_context
def render(ctx: click.Context, lang: str, data_dir: Path | None, graph_file: Path | None,
           output: Path | None) -> None:
    """Write the pilot list in the article's layout, from the graph.

    Ingesting the Swedish rendering gives back the same data.
    """
    from kopa_graph.article.render import render as run_render
    from kopa_graph.pipeline import graph_to_ask
    from kopa_graph.rdfio.release import refuse_taken, write_new_file

    with _errors():
        if output:
            refuse_taken(output, data_dir)  # before the work; checked again as the file is made
        text = run_render(graph_to_ask(data_dir, _settings(ctx), graph_file), lang)
        if output:
            write_new_file(output, text.encode("utf-8"), data_dir)
        else:
            click.echo(text, nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
