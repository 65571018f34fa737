"""``kopa-graph serve``: the read-only SPARQL endpoint and linked-data server (:mod:`kopa_graph.publish.server`)."""

from __future__ import annotations

from pathlib import Path

import click

from kopa_graph.cli import _DATA_OPTION, _NO_SANDBOX_OPTION, _PERSONAL_DATA_OPTION, _errors, _settings, main
from kopa_graph.settings import SERVER_LIMITS


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@_DATA_OPTION
@click.option("--workers", default=SERVER_LIMITS.workers, show_default=True, type=int, help="Query worker processes.")
@click.option("--timeout", default=SERVER_LIMITS.timeout, show_default=True, type=float,
              help="Seconds a query may run (then 503).")
@click.option("--memory-mb", default=SERVER_LIMITS.memory_mb, show_default=True, type=int, help="Address-space limit of a query worker.")
@click.option("--max-rows", default=SERVER_LIMITS.max_rows, show_default=True, type=int, help="Most result rows (then 413).")
@click.option("--cache-mb", default=SERVER_LIMITS.cache_mb, show_default=True, type=click.IntRange(min=0),
              help="Memory for answers kept for the same query asked again (0: none); never over a store.")
@click.option("--sparql-endpoint", "store_url", metavar="URL",
              help="Answer queries from this SPARQL 1.1 store (its query URL) instead of an in-process copy; "
                   "the only address serve contacts.")
@click.option("--graph", "store_graph", metavar="IRI", help="With --sparql-endpoint: the named graph to query.")
@click.option("--sparql/--no-sparql", "sparql_on", default=True, show_default=True,
              help="Whether /sparql (and its editor) takes queries; the helpers at /queries always do.")
@_PERSONAL_DATA_OPTION
@_NO_SANDBOX_OPTION
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, data_dir: Path | None, workers: int, timeout: float,
          memory_mb: int, max_rows: int, cache_mb: int, store_url: str | None, store_graph: str | None, sparql_on: bool,
          no_personal_data: bool, no_sandbox: bool) -> None:
    """Serve the validated graph: a read-only SPARQL endpoint (/sparql, with a
    query editor for browsers), the query helpers (/queries, with a page each),
    linked data (/id/..., /doc/...), the whole site, and /health. Prints the
    address once it listens (--port 0: a free port).

    Query workers run where the kernel forbids network access (SECURITY.md);
    where that is impossible, serve exits 2 unless --no-sandbox. With
    --sparql-endpoint queries go to that store instead (no workers); exit 4
    when it does not answer at start, 503 while it is down later.
    """
    from kopa_graph.pipeline import validate_source
    from kopa_graph.publish.server.app import serve as run_serve

    with _errors():
        if store_graph and not store_url:
            raise click.UsageError("--graph names a graph of the store given by --sparql-endpoint; give that too")
        store = None
        if store_url:
            from kopa_graph.publish.remote import RemoteStore

            store = RemoteStore(store_url, store_graph, timeout=timeout, max_rows=max_rows)
            store.count()
        validated = validate_source(data_dir, _settings(ctx, no_personal_data))
        if store is not None and store.triples != len(validated.graph):
            click.echo(f"serve: warning: the store's graph holds {store.triples} triples and the release in --data "
                       f"{len(validated.graph)}: the store holds another release (publish this one into it) or "
                       "more than it; check --graph", err=True)
        run_serve(validated, host, port, workers=workers, timeout=timeout, memory_mb=memory_mb, max_rows=max_rows,
                  cache_mb=cache_mb, sandbox=not no_sandbox, store=store, sparql=sparql_on,
                  announce=lambda line: click.echo(line))
