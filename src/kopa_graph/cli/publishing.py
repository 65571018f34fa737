"""The commands that publish the validated graph: site, publish and diff (serve: :mod:`kopa_graph.cli.serving`)."""

from __future__ import annotations

import os
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
from kopa_graph.languages import LANGUAGES
from kopa_graph.settings import DEFAULT_LICENCE, DEFAULT_PUBLISHER


@main.command()
@click.argument("out_dir", metavar="OUT", type=click.Path(path_type=Path, file_okay=False))
@_DATA_OPTION
@click.option("--licence", default=DEFAULT_LICENCE, show_default=True,
              help="Licence IRI of the published dataset (dct:license).")
@click.option("--publisher", default=DEFAULT_PUBLISHER, show_default=True,
              help="Name of the publisher in the dataset description.")
@click.option("--sparql-endpoint", help="URL of the SPARQL endpoint to announce in the description (void:sparqlEndpoint).")
@_PERSONAL_DATA_OPTION
@_RELEASE_VERSION_OPTION
@_PREVIOUS_OPTION
@click.pass_context
def site(ctx: click.Context, out_dir: Path, data_dir: Path | None, licence: str, publisher: str,
         sparql_endpoint: str | None, no_personal_data: bool, release_version: str | None,
         previous: Path | None) -> None:
    """Write the static linked-data site: a page and three RDF files per
    resource, the index, downloads, the dataset description (DCAT, VoID),
    ontology and shapes pages, sitemap.xml and web-server rules.

    OUT is new, empty, or one a site run made (README: Output folders).
    With --release-version V --previous OUT, also the changes pages
    (changes.html, changes.fi.html, changes.en.html): what changed since OUT.
    """
    from kopa_graph.pipeline import validate_source
    from kopa_graph.publish.diff import load_snapshot
    from kopa_graph.publish.site.build import build_site

    with _errors():
        progress = _progress(ctx)
        settings = _settings(ctx, no_personal_data, release_version, previous)
        before = load_snapshot(previous) if previous is not None else None
        validated = validate_source(data_dir, settings, progress)
        result = build_site(validated, out_dir, licence, publisher, sparql_endpoint, progress=progress,
                            previous=before)
        click.echo(f"Wrote {result.pages} pages for {result.resources} resources to {result.out}.")


@main.command()
@click.option("--endpoint", help="The SPARQL 1.1 Graph Store endpoint (Oxigraph: http://HOST:7878/store; "
                                 "Virtuoso: http://HOST:8890/sparql-graph-crud-auth); required unless --bulk-bundle.")
@click.option("--graph", "graph_iri", help="Named graph to replace [default: the dataset IRI].")
@click.option("--user", help="User for HTTP authentication (Digest or Basic, see --auth).")
@click.option("--password-env", help="Name of the environment variable holding the password.")
@click.option("--auth", "auth", type=click.Choice(["auto", "digest", "basic"]), default="auto", show_default=True,
              help="HTTP authentication: auto takes the endpoint's challenge (Digest when offered, never Basic "
                   "where Digest is asked for); digest or basic insist on one.")
@click.option("--chunk-triples", type=click.IntRange(min=1),
              help="Send the graph in pieces of at most N triples into a staging graph, check it, then switch it "
                   "in with SPARQL Update MOVE (needs --update-endpoint); for graphs one PUT cannot carry.")
@click.option("--update-endpoint",
              help="SPARQL Update endpoint for --chunk-triples and --incremental (Oxigraph: "
                   "http://HOST:7878/update, Virtuoso: http://HOST:8890/sparql-auth).")
@click.option("--read-back", "read_back_mode", type=click.Choice(["auto", "graph-store", "sparql"]), default="auto",
              show_default=True, help="How each graph is read back and checked: graph-store (a Graph Store GET), "
              "sparql (CONSTRUCT pages from --query-endpoint), auto (a GET; pages when the GET fails with 5xx or gets "
              "no answer and --query-endpoint is given, as Virtuoso's fails over 1,000,000 triples).")
@click.option("--query-endpoint", metavar="URL",
              help="The store's SPARQL query endpoint, for --read-back (Oxigraph: http://HOST:7878/query, "
                   "Virtuoso: http://HOST:8890/sparql).")
@click.option("--read-page-triples", type=click.IntRange(min=1), default=100_000, show_default=True,
              help="Triples per page when reading back through --query-endpoint.")
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
@click.option("--incremental", "old", type=click.Path(path_type=Path, exists=True),
              help="Release OLD (build output folder or its manifest.json): when the store's graph is OLD (same "
                   "RDFC-1.0 hash), send only the change as SPARQL Update; else replace it whole.")
@click.option("--bulk-bundle", type=click.Path(path_type=Path, file_okay=False),
              help="Send nothing: write the graphs as N-Quads into this folder with a load.sql for Virtuoso's bulk "
                   "loader (ld_dir, rdf_loader_run) and a README.")
@_DATA_OPTION
@_PERSONAL_DATA_OPTION
@_RELEASE_VERSION_OPTION
@_PREVIOUS_OPTION
@click.pass_context
def publish(ctx: click.Context, endpoint: str | None, graph_iri: str | None, user: str | None,
            password_env: str | None, auth: str, chunk_triples: int | None, update_endpoint: str | None,
            read_back_mode: str, query_endpoint: str | None, read_page_triples: int, description_iri: str | None, licence: str, publisher: str, sparql_endpoint: str | None, timeout: float,
            retries: int, dry_run: bool, old: Path | None, bulk_bundle: Path | None, data_dir: Path | None,
            no_personal_data: bool, release_version: str | None, previous: Path | None) -> None:
    """Push the validated graph and its description to a triplestore (SPARQL
    1.1 Graph Store Protocol: PUT into a named graph, then read it back).

    With --incremental OLD, only the change since release OLD is sent when the
    store holds OLD, and the graph read back must then hash as the new release.

    Exit 4 when the endpoint refuses, fails or holds a different graph.
    """
    from kopa_graph.errors import InputError
    from kopa_graph.pipeline import validate_source
    from kopa_graph.publish.triplestore import bundle_release, publish_release

    with _errors():
        settings = _settings(ctx, no_personal_data, release_version, previous)
        password = _publish_options(password_env, endpoint, bulk_bundle, chunk_triples, update_endpoint)
        progress = _progress(ctx)
        if bulk_bundle:
            bundle = bundle_release(validate_source(data_dir, settings, progress), bulk_bundle, graph_iri,
                                    description_iri=description_iri, licence=licence, publisher=publisher,
                                    sparql_endpoint=sparql_endpoint)
            click.echo(f"Wrote {bundle.triples[0]} triples and the dataset description ({bundle.triples[1]} triples) "
                       f"as N-Quads to {bundle.folder}; load them with: isql-vt PORT dba PASSWORD "
                       f"{bundle.folder / 'load.sql'}")
            return
        assert endpoint is not None
        how = _read_back(read_back_mode, query_endpoint, read_page_triples)
        if old is not None:
            if dry_run:
                raise InputError("--dry-run and --incremental together: to see the change without sending it, "
                                 "build the new release and run kopa-graph diff OLD NEW --patch FILE.ru")
            _incremental(old, validate_source(data_dir, settings, progress), endpoint, update_endpoint,
                         graph_iri, description_iri=description_iri, licence=licence, publisher=publisher,
                         sparql_endpoint=sparql_endpoint, user=user, password=password, auth=auth,
                         timeout=timeout, retries=retries, progress=progress, read_back=how)
            return
        result = publish_release(validate_source(data_dir, settings, progress), endpoint, graph_iri,
                                 description_iri=description_iri, licence=licence, publisher=publisher,
                                 sparql_endpoint=sparql_endpoint, user=user, password=password, dry_run=dry_run,
                                 timeout=timeout, retries=retries, progress=progress, auth=auth,
                                 chunk_triples=chunk_triples, update_endpoint=update_endpoint, read_back=how)
        _echo_published(result, dry_run)


def _publish_options(password_env: str | None, endpoint: str | None, bulk_bundle: Path | None,
                     chunk_triples: int | None, update_endpoint: str | None) -> str | None:
    """The password (from the variable ``--password-env`` names), once the options are found to fit together."""
    from kopa_graph.errors import InputError

    password = None
    if password_env:
        password = os.environ.get(password_env)
        if password is None:
            raise InputError(f"the environment variable {password_env} is not set")
    if chunk_triples is not None and not update_endpoint:
        raise InputError("--chunk-triples needs --update-endpoint, the SPARQL Update endpoint that switches the "
                         "staging graph in (Oxigraph: http://HOST:7878/update, Virtuoso: "
                         "http://HOST:8890/sparql-auth)")
    if bool(endpoint) == bool(bulk_bundle):
        raise InputError("give either --endpoint (send the graph) or --bulk-bundle DIR (write it for Virtuoso's "
                         "bulk loader)")
    return password


def _read_back(mode: str, query_endpoint: str | None, page: int):  # type: ignore[no-untyped-def]
    from kopa_graph.errors import InputError
    from kopa_graph.publish.graphstore.paged import ReadBack
    if mode == "sparql" and not query_endpoint:
        raise InputError("--read-back sparql needs --query-endpoint, the store's SPARQL query endpoint (Oxigraph: "
                         "http://HOST:7878/query, Virtuoso: http://HOST:8890/sparql)")
    return ReadBack(mode, query_endpoint, page)


def _echo_published(result, dry_run: bool) -> None:  # type: ignore[no-untyped-def]
    if dry_run:
        click.echo(f"would PUT {result.triples} triples ({result.bytes} bytes of N-Triples) to {result.url}")
        click.echo(f"would PUT the dataset description ({result.description_triples} triples) to "
                   f"{result.description_url}")
        return
    click.echo(f"Published {result.triples} triples to {result.url}; read back: the same graph"
               + (f" ({result.note})." if result.note else "."))
    click.echo(f"Published the dataset description ({result.description_triples} triples) to "
               f"{result.description_url}; read back: the same graph"
               + (f" ({result.description_note})." if result.description_note else "."))


def _incremental(old: Path, validated, endpoint: str, update_endpoint: str | None,  # type: ignore[no-untyped-def]
                 graph_iri: str | None, **options) -> None:
    from kopa_graph.errors import InputError
    from kopa_graph.publish.incremental import publish_incremental

    if not update_endpoint:
        raise InputError("--incremental needs --update-endpoint, the store's SPARQL Update endpoint (Oxigraph: "
                         "http://HOST:7878/update; Virtuoso: http://HOST:8890/sparql-auth)")
    result = publish_incremental(validated, old, endpoint, update_endpoint, graph_iri, **options)
    if result.incremental:
        forms = (f"; the store's copy hashes {result.sha256_after}: it keeps integers or WKT in forms of its own"
                 if result.store_forms else "")
        click.echo(f"Published incrementally: {result.reason}; read back: the new release "
                   f"(RDFC-1.0 SHA-256 {result.release_sha256}{forms}).")
    else:
        click.echo(f"Published in full: {result.reason}; read back: the same graph.")


@main.command()
@click.argument("old", type=click.Path(path_type=Path, exists=True))
@click.argument("new", type=click.Path(path_type=Path, exists=True))
@click.option("--format", "fmt", type=click.Choice(("text", "markdown", "json")), default="text", show_default=True,
              help="How to show the changes.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="Language of the resources' labels.")
@click.option("--patch", "patches", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the change as a patch: FILE.ru SPARQL Update, FILE.rdfp RDF Patch (repeatable).")
@click.option("--graph", "graph_iri", help="Named graph the patch applies to [default: the default graph].")
def diff(old: Path, new: Path, fmt: str, lang: str, patches: tuple[Path, ...], graph_iri: str | None) -> None:
    """Show what changed from release OLD to release NEW: the triples removed
    and added, grouped by resource, with labels. OLD and NEW are build output
    folders (manifest.json and kopa.nt) or their manifest.json.

    Exit 0 when the graphs are the same, 1 when they differ, 2 on trouble
    (as diff(1)).
    """
    from kopa_graph.publish.diff import compare, load_snapshot
    from kopa_graph.publish.diffreport import render
    from kopa_graph.publish.patch import patch_kind, write_patch

    with _errors():
        for path in patches:
            patch_kind(path)  # refuse an unknown extension before reading anything
        result = compare(load_snapshot(old), load_snapshot(new), lang)
        for path in patches:
            write_patch(result, path, graph_iri)
        click.echo(render(result, fmt), nl=False)
    sys.exit(0 if result.same else 1)
