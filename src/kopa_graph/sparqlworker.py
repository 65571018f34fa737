"""Running SPARQL queries where they can be stopped: a pool of worker
processes, each holding the graph in a pyoxigraph store.

A Python thread cannot be killed in the middle of a query, so each query runs
in a worker process; a query over its time limit gets its worker killed and
replaced, and the client a timeout. Each worker has an address-space limit.
With two or more workers one runaway query never delays the other clients.
Queries are checked (:func:`kopa_graph.queries.check_safe`) before they reach a
worker: nothing is fetched (SERVICE, FROM, LOAD are refused).
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import queue
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

#: Documented defaults (``kopa-graph serve --timeout/--memory-mb/--max-rows/--workers``).
DEFAULT_TIMEOUT = 10.0
DEFAULT_MEMORY_MB = 2048
DEFAULT_MAX_ROWS = 10_000
DEFAULT_WORKERS = 2

RESULT_FORMATS = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                  "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_FORMATS = {"turtle": "text/turtle", "n-triples": "application/n-triples", "json-ld": "application/ld+json"}


class QueryFailed(Exception):
    """A query could not be answered; ``kind`` says why (timeout, too-many-rows, error, busy)."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(message)


@dataclass(frozen=True)
class Answer:
    form: str  # "solutions", "boolean" or "graph"
    body: bytes  # serialised results; a graph comes as N-Triples when JSON-LD was asked
    rows: int


def _serve(conn: Connection, ntriples: bytes, memory_mb: int) -> None:  # pragma: no cover - runs in a child
    import resource

    import pyoxigraph as ox

    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    store = ox.Store()
    store.load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    conn.send(("ready", len(store)))
    results = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
               "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
    while True:
        try:
            text, fmt, graph_fmt, max_rows = conn.recv()
        except EOFError:
            return
        try:
            result = store.query(text)
            if isinstance(result, ox.QuerySolutions):
                rows = sum(1 for _ in itertools.islice(result, max_rows + 1))
                if rows > max_rows:
                    conn.send(("too-many-rows", f"the query returns more than {max_rows} rows; narrow it down "
                                                "(LIMIT, FILTER)"))
                    continue
                body = store.query(text).serialize(format=results[fmt])  # type: ignore[arg-type]
                conn.send(("solutions", body, rows))
            elif isinstance(result, ox.QueryBoolean):
                conn.send(("boolean", result.serialize(format=results[fmt]), 1))
            else:
                triples = list(itertools.islice(result, max_rows + 1))
                if len(triples) > max_rows:
                    conn.send(("too-many-rows", f"the query returns more than {max_rows} triples"))
                    continue
                rdf = ox.RdfFormat.TURTLE if graph_fmt == "turtle" else ox.RdfFormat.N_TRIPLES
                conn.send(("graph", ox.serialize(triples, format=rdf), len(triples)))
        except MemoryError:
            conn.send(("error", "the query needs more memory than the server allows"))
        except Exception as exc:
            conn.send(("error", " ".join(str(exc).split())[:300]))


class _Worker:
    def __init__(self, ctx: Any, ntriples: bytes, memory_mb: int) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, ntriples, memory_mb), daemon=True)
        self.proc.start()
        child.close()
        status: Any = self.conn.recv() if self.conn.poll(60) else ("failed", 0)
        if status[0] != "ready":
            self.kill()
            raise RuntimeError("a query worker did not start")
        self.triples = int(status[1])

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class QueryPool:
    """Worker processes answering queries over one graph (given as N-Triples)."""

    def __init__(self, ntriples: bytes, workers: int = DEFAULT_WORKERS, timeout: float = DEFAULT_TIMEOUT,
                 memory_mb: int = DEFAULT_MEMORY_MB, max_rows: int = DEFAULT_MAX_ROWS) -> None:
        self._ctx = mp.get_context("spawn")
        self._ntriples, self._memory = ntriples, memory_mb
        self.timeout, self.max_rows = timeout, max_rows
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._all: list[_Worker] = []
        for _ in range(max(1, workers)):
            w = _Worker(self._ctx, ntriples, memory_mb)
            self._all.append(w)
            self._idle.put(w)
        self.triples = self._all[0].triples

    def run(self, text: str, fmt: str = "json", graph_fmt: str = "turtle") -> Answer:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryFailed("busy", "all query workers are busy; try again shortly") from None
        try:
            worker.conn.send((text, fmt, graph_fmt, self.max_rows))
            if not worker.conn.poll(self.timeout):
                self._replace(worker)
                worker = None  # type: ignore[assignment]
                raise QueryFailed("timeout", f"the query did not finish within {self.timeout:g} s")
            message = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            worker = None  # type: ignore[assignment]
            raise QueryFailed("error", "the query stopped its worker (out of memory?)") from None
        finally:
            if worker is not None:
                self._idle.put(worker)
        if message[0] in ("solutions", "boolean", "graph"):
            return Answer(message[0], message[1], message[2])
        raise QueryFailed(message[0], message[1])

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        fresh = _Worker(self._ctx, self._ntriples, self._memory)
        with self._lock:
            self._all = [w for w in self._all if w is not worker] + [fresh]
        self._idle.put(fresh)

    def close(self) -> None:
        for w in self._all:
            w.kill()
