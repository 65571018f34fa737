"""The commands on the source data and the graph: build, validate, ingest, link, export, report, render."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kopa_graph.cli import (
    _DATA_OPTION,
    _PERSONAL_DATA_OPTION,
    _PREVIOUS_OPTION,
    _RELEASE_VERSION_OPTION,
    _errors,
    _progress,
    _settings,
    main,
)
from kopa_graph.errors import NotConformant
from kopa_graph.languages import LANGUAGES
from kopa_graph.rdfio.formats import FORMATS


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of source data [default: the shipped data/].")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("out"),
              show_default=True, help="Folder to write kopa.ttl, kopa.jsonld, kopa.nt and context.jsonld to: new, "
                                      "empty, or one a build made (README: Output folders).")
@_PERSONAL_DATA_OPTION
@_RELEASE_VERSION_OPTION
@_PREVIOUS_OPTION
@click.pass_context
def build(ctx: click.Context, data_dir: Path | None, out_dir: Path, no_personal_data: bool,
          release_version: str | None, previous: Path | None) -> None:
    """Build the graph from the source data, validate it, and write it.

    Nothing is written unless the graph conforms to the shapes; outputs
    replace earlier ones only once all of them are written.
    """
    from kopa_graph.pipeline import build as run_build

    with _errors():
        result = run_build(data_dir, out_dir, _settings(ctx, no_personal_data, release_version, previous),
                           _progress(ctx))
        warnings = len(result.report.warnings)
        click.echo(f"Built {result.triples} triples; conforms to the shapes"
                   + (f" ({warnings} warning{'s' * (warnings != 1)})" if warnings else "") + ".")
        for _name, path in sorted(result.files.items()):
            click.echo(f"  wrote {path}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True,
              help="Report for people (text) or machines (json, or the SHACL report graph in turtle).")
@click.option("--input-format", type=click.Choice(list(FORMATS)),
              help="RDF format of the files [default: from each file's extension; for - (standard input) from "
                   "its first characters: JSON-LD, RDF/XML, else Turtle, which reads N-Triples too].")
@click.pass_context
def validate(ctx: click.Context, files: tuple[Path, ...], fmt: str, input_format: str | None) -> None:
    """Validate RDF files (together, as one graph) against the shapes.

    - reads the graph from standard input (kopa-graph validate - <
    out/kopa.ttl).

    Exit 0 when they conform, 1 when they do not, 2 when a file (or standard
    input) cannot be loaded.
    """
    from rdflib import Graph

    from kopa_graph.rdfio.engine import parse_bytes, parse_file
    from kopa_graph.rdfio.formats import format_named
    from kopa_graph.validation.validate import load_shapes, render_json, render_text, render_turtle, validate_graph

    settings = _settings(ctx)
    with _errors():
        graph = Graph(bind_namespaces="none")
        for path in files:
            if str(path) == "-":
                data = _standard_input()
                where = "standard input" if input_format else (f"standard input (read as {_sniffed(data)} by its "
                                                               "first characters; --input-format names another)")
                parse_bytes(data, format_named(input_format or _sniffed(data)), where, graph)
                continue
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


def _standard_input() -> bytes:
    """The graph on standard input; an error (exit 2) when there is none to read."""
    from kopa_graph.errors import InputError

    stream = sys.stdin.buffer
    if stream.isatty():
        raise InputError("validate -: standard input is a terminal, not a graph; pipe one in "
                         "(kopa-graph validate - < out/kopa.ttl) or name the files")
    data = stream.read()
    if not data.strip():
        raise InputError("validate -: standard input is empty; pipe a graph in (kopa-graph validate - < out/kopa.ttl)")
    return data


def _sniffed(data: bytes) -> str:
    """The RDF format of ``data`` by its first characters: JSON-LD (``{`` or ``[``), RDF/XML (``<?xml``,
    ``<rdf:RDF``), else Turtle (which reads N-Triples too; N-Quads and TriG need --input-format)."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    if head[:1] in (b"{", b"["):
        return "json-ld"
    if head.startswith(b"<?xml") or head.startswith(b"<rdf:RDF"):
        return "rdf-xml"
    return "turtle"


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
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="For reading (text) or for programs (json: a list of records per section, and the "
                   "unresolved count of each kind).")
@click.option("--strict", is_flag=True, help="Exit 1 when anything is unresolved.")
def link(data_dir: Path | None, show: bool, fmt: str, strict: bool) -> None:
    """Report how the graph links to the national registries.

    Which names resolved to which official entries and by which rule, which
    reference records could not be attached, which organisations lack
    identifiers, which education providers and institutions lack an
    Opintopolku OID, which municipalities lack a Business ID, which themes
    lack an exact or close YSO match; and how many of each are unresolved.
    Exit 0, or 1 with --strict when anything is unresolved; 2 when the data
    cannot be read.
    """
    from kopa_graph.reports.links import link_report, render, render_json
    from kopa_graph.resources import default_data_dir
    from kopa_graph.source.load import load_source_data

    with _errors():
        folder = data_dir or default_data_dir()
        report = link_report(load_source_data(folder), folder)
        click.echo(render_json(report) if fmt == "json" else render(report), nl=fmt != "json")
        if strict and report.unresolved:
            sys.exit(1)


@main.group()
def export() -> None:
    """Export the validated graph in other forms."""


@export.command("csv")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of source data [default: the shipped data/].")
@_PERSONAL_DATA_OPTION
@click.pass_context
def export_csv(ctx: click.Context, out_dir: Path, data_dir: Path | None, no_personal_data: bool) -> None:
    """Write one CSV per entity type (pilots, organisations, memberships,
    contacts, themes) and csv-metadata.json (CSV on the Web): each column's
    datatype, each table's key and the keys it refers to.

    OUT_DIR is new, empty, or one an export made (README: Output folders).
    """
    from kopa_graph.pipeline import validate_source
    from kopa_graph.reports.csvexport import write_csv_export

    with _errors():
        settings = _settings(ctx.find_root(), no_personal_data)
        for path in write_csv_export(validate_source(data_dir, settings), out_dir):
            click.echo(f"wrote {path}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="For reading (text), for a web page or issue (markdown), or for programs (json).")
@click.option("--lang", type=click.Choice(LANGUAGES),
              help="Write the report in this language: its sentences, the article's totals and the organisations' "
                   "names (where the data has them) [default: sentences in English, the article's own words].")
@_DATA_OPTION
@click.pass_context
def report(ctx: click.Context, fmt: str, lang: str | None, data_dir: Path | None) -> None:
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
        rep = build_report(built.graph, settings, warnings, alias_resolutions(data_dir or default_data_dir()), lang)
        click.echo(render_json(rep) if fmt == "json" else render_text(rep, markdown=fmt == "markdown", lang=lang),
                   nl=False)


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
    from kopa_graph.rdfio.protect import refuse_taken
    from kopa_graph.rdfio.release import write_new_file

    with _errors():
        if output:
            refuse_taken(output, data_dir)  # before the work; checked again as the file is made
        text = run_render(graph_to_ask(data_dir, _settings(ctx), graph_file), lang)
        if output:
            write_new_file(output, text.encode("utf-8"), data_dir)
        else:
            click.echo(text, nl=False)
