"""The commands that ask the graph: query (a named helper) and sparql (any query)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kopa_graph.cli import (
    _DATA_OPTION,
    _GRAPH_OPTION,
    _NO_SANDBOX_OPTION,
    _TIMEOUT_OPTION,
    _errors,
    _settings,
    main,
)
from kopa_graph.languages import LANGUAGES
from kopa_graph.rdfio.formats import GRAPH_CHOICES, RESULTS_CHOICES, TABLE
from kopa_graph.settings import Settings

if TYPE_CHECKING:
    from rdflib import Graph


def _asking(command: Callable[..., None]) -> Callable[..., None]:
    """The options of a command that asks the graph: the labels' language, what to ask, and how."""
    for option in reversed((click.option("--lang", type=click.Choice(LANGUAGES), default="sv", show_default=True,
                                         help="Language of the labels a table shows instead of IRIs."),
                            _DATA_OPTION, _GRAPH_OPTION, _TIMEOUT_OPTION, _NO_SANDBOX_OPTION, click.pass_context)):
        command = option(command)
    return command


@main.command(add_help_option=False)
@click.argument("name", required=False)
@click.option("--list", "list_helpers", is_flag=True, help="List the helpers, each with its parameters.")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="A parameter of the helper.")
@click.option("--format", "fmt", type=click.Choice(RESULTS_CHOICES), default=TABLE,
              show_default=True, help="table for people; csv, tsv, json, xml: the W3C SPARQL 1.1 results formats.")
@click.option("-h", "--help", "show_help", is_flag=True,
              help="Show this message and exit; with NAME, that helper's parameters, columns and an example.")
@_asking
def query(ctx: click.Context, name: str | None, list_helpers: bool, params: tuple[str, ...], fmt: str,
          show_help: bool, lang: str, data_dir: Path | None, graph_file: Path | None, timeout: float | None,
          no_sandbox: bool) -> None:
    """Run a named query helper (kopa-graph query --list shows them).

    kopa-graph query --list shows each helper with its parameters; kopa-graph
    query NAME --help tells that helper's parameters and columns, and gives an
    example.

    The query is evaluated in a process the kernel keeps off the network
    (SECURITY.md); where that is impossible the command exits 2.
    """
    from kopa_graph.pipeline import graph_to_ask
    from kopa_graph.query.evaluate import prepare
    from kopa_graph.query.helpers import helper, helper_help, helper_listing, parse_params, run_helper
    from kopa_graph.query.results import format_result
    from kopa_graph.query.sandbox import Isolation

    with _errors():
        if show_help:
            click.echo(helper_help(helper(name)) if name else ctx.get_help(), nl=not name)
            return
        if list_helpers or not name:
            click.echo(helper_listing(), nl=False)
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
@click.option("--no-default-prefixes", is_flag=True,
              help="Declare no prefixes for the query: only its own PREFIX lines (by default kopa:, kopaid:, the "
                   "prefixes of the outputs and rdf:, rdfs:, owl:, xsd:, skos:, dct:, dcterms:, dc:, sh:, geo: ... "
                   "are declared).")
@_asking
def sparql(ctx: click.Context, query_text: str, fmt: str | None, no_default_prefixes: bool, lang: str,
           data_dir: Path | None, graph_file: Path | None, timeout: float | None, no_sandbox: bool) -> None:
    """Run any SPARQL query (the text, or @file.rq) on the graph.

    The project's prefixes and the standard ones are declared for the query
    (kopa:Pilot works without a PREFIX line); a PREFIX line of the query
    wins; --no-default-prefixes declares none.

    SERVICE, FROM and updates are refused: nothing is fetched or changed.
    The query is evaluated in a process the kernel keeps off the network
    (SECURITY.md); where that is impossible the command exits 2.
    """
    from kopa_graph.errors import InputError
    from kopa_graph.pipeline import graph_to_ask
    from kopa_graph.query.evaluate import QueryError, default_prefixes, prepare, run_sparql
    from kopa_graph.query.lexer import scan
    from kopa_graph.query.results import format_result
    from kopa_graph.query.sandbox import Isolation
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
        declared = None if no_default_prefixes else default_prefixes(settings.id_base)
        result = run_sparql(prepare(graph), query_text, isolation=Isolation(confined=not no_sandbox, timeout=timeout),
                            prefixes=declared)
        if result.type in ("CONSTRUCT", "DESCRIBE") and result.graph is not None:
            click.echo(_graph_text(result.graph, fmt, settings), nl=False)
        else:
            click.echo(format_result(result, fmt, graph, lang), nl=False)


def _graph_text(graph: Graph, fmt: str, settings: Settings) -> str:
    """A CONSTRUCT or DESCRIBE answer in ``fmt``; JSON-LD names the context the site publishes
    ({base}download/context.jsonld) instead of inlining it."""
    from kopa_graph.rdfio.engine import serialize
    from kopa_graph.rdfio.jsonld import jsonld, published_context_iri
    from kopa_graph.rdfio.namespaces import prefixes_for

    if fmt == "json-ld":
        return jsonld(graph, settings.id_base, context_iri=published_context_iri(settings.base_iri)).decode("utf-8")
    return serialize(graph, fmt, prefixes_for(settings.id_base), settings.id_base).decode("utf-8")


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
