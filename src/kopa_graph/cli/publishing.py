"""The commands that publish the validated graph: site, serve and publish."""

from __future__ import annotations

import os
from pathlib import Path

import click

from kopa_graph.cli import (
    _DATA_OPTION,
    _NO_SANDBOX_OPTION,
    _PERSONAL_DATA_OPTION,
    _errors,
    _progress,
    _settings,
    main,
)
from kopa_graph.settings import (
    DEFAULT_LICENCE,
    DEFAULT_PUBLISHER,
    SERVER_LIMITS,
)


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
    """Serve the validated graph: a read-only SPARQL endpoint (/sparql, with a
    query editor for browsers), the query helpers (/queries, with a page each),
    linked data (/id/..., /doc/...), the whole site, and /health. Prints the
    address once it listens (--port 0: a free port).

    Query workers run where the kernel forbids network access (SECURITY.md);
    where that is impossible, serve exits 2 unless --no-sandbox.
    """
    from kopa_graph.pipeline import validate_source
    from kopa_graph.publish.server.app import serve as run_serve

    with _errors():
        validated = validate_source(data_dir, _settings(ctx, no_personal_data))
        run_serve(validated, host, port, workers=workers, timeout=timeout, memory_mb=memory_mb, max_rows=max_rows,
                  sandbox=not no_sandbox, announce=lambda line: click.echo(line))


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
              help="SPARQL Update endpoint for --chunk-triples (Oxigraph: http://HOST:7878/update, Virtuoso: "
                   "http://HOST:8890/sparql-auth).")
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
@click.option("--bulk-bundle", type=click.Path(path_type=Path, file_okay=False),
              help="Send nothing: write the graphs as N-Quads into this folder with a load.sql for Virtuoso's bulk "
                   "loader (ld_dir, rdf_loader_run) and a README.")
@_DATA_OPTION
@_PERSONAL_DATA_OPTION
@click.pass_context
def publish(ctx: click.Context, endpoint: str | None, graph_iri: str | None, user: str | None, password_env: str | None,
            auth: str, chunk_triples: int | None, update_endpoint: str | None, description_iri: str | None, licence: str, publisher: str, sparql_endpoint: str | None,
            timeout: float, retries: int, dry_run: bool, bulk_bundle: Path | None, data_dir: Path | None, no_personal_data: bool) -> None:
    """Push the validated graph and its description to a triplestore (SPARQL
    1.1 Graph Store Protocol: PUT into a named graph, then read it back).

    Exit 4 when the endpoint refuses, fails or holds a different graph.
    """

    from kopa_graph.errors import InputError
    from kopa_graph.pipeline import validate_source
    from kopa_graph.publish.triplestore import bundle_release, publish_release

    settings = _settings(ctx, no_personal_data)
    with _errors():
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
        result = publish_release(validate_source(data_dir, settings, progress), endpoint, graph_iri,
                                 description_iri=description_iri, licence=licence, publisher=publisher,
                                 sparql_endpoint=sparql_endpoint, user=user, password=password, dry_run=dry_run,
                                 timeout=timeout, retries=retries, progress=progress, auth=auth,
                                 chunk_triples=chunk_triples, update_endpoint=update_endpoint)
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
