"""Running SPARQL queries where they can be stopped: a pool of worker
processes, each holding the graph in a pyoxigraph store.

A Python thread cannot be killed in the middle of a query, so each query runs
in a worker process; a query over its time limit gets its worker killed and
replaced, and the client a timeout. Each worker has an address-space limit,
evaluates on a thread with a large stack, and cannot reach the network: the
kernel refuses it every socket (:mod:`kopa_graph.query.sandbox`). With two or more
workers one runaway query never delays the other clients. The server refuses
SERVICE, FROM and LOAD before a query reaches a worker
(:mod:`kopa_graph.query.lexer`); the sandbox holds even if that check is wrong.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import multiprocessing as mp
import os
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kopa_graph.query.cache import AnswerCache
from kopa_graph.query.sandbox import SandboxUnavailable
from kopa_graph.query.writers import boolean_body, solutions_body
from kopa_graph.scratch import Scratch
from kopa_graph.settings import SERVER_LIMITS

log = logging.getLogger(__name__)



class QueryFailed(Exception):
    """A query could not be answered; ``kind`` says why (syntax, timeout, memory, too-many-rows, busy, error)."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Answer:
    form: str  # "solutions", "boolean" or "graph"
    body: bytes  # serialised results; a graph comes as N-Triples when JSON-LD was asked
    rows: int
    #: a blank node (or a triple term) is in it: its labels are the engine's choice each time (a CONSTRUCT
    #: template's ``_:b`` or ``[]``), so it is never kept (:mod:`kopa_graph.query.cache`)
    blank: bool = False


def _serve(conn: Connection, source: str, memory_mb: int, confined: bool, parent: int,
           errors: str) -> None:  # pragma: no cover - runs in a child
    """A worker: die with the server, take the network away, limit memory, load the graph, answer."""
    import resource

    from kopa_graph.query.sandbox import SandboxUnavailable, confine, die_with_parent, keep_only, on_big_stack

    die_with_parent(parent)
    os.environ["RUST_BACKTRACE"] = "0"  # a query over the memory limit aborts the worker: one line, not a backtrace
    log_fd = os.open(errors, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log_fd, 2)  # what the engine says as it dies is read by the server (_Worker.death)
    os.close(log_fd)
    if confined:
        keep_only(2, conn.fileno())  # the log and the server's pipe; nothing else the server had
        try:
            confine()
        except SandboxUnavailable as exc:
            conn.send(("unconfined", str(exc)))
            return
    import pyoxigraph as ox

    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    store = ox.Store()
    store.load(path=source, format=ox.RdfFormat.N_TRIPLES)
    conn.send(("ready", len(store)))
    on_big_stack(_answer_queries, conn, store, memory_mb)


def _answer_queries(conn: Connection, store: Any, memory_mb: int) -> None:  # pragma: no cover - in a child
    import pyoxigraph as ox

    from kopa_graph.query.syntax import problem, star_order

    fresh = (ox.BlankNode, ox.Triple)  # terms whose labels may differ from one evaluation to the next
    while True:
        try:
            text, fmt, graph_fmt, max_rows = conn.recv()
        except EOFError:
            return
        try:
            result = store.query(text)
            if isinstance(result, ox.QuerySolutions):
                names = [v.value for v in result.variables]
                rows = list(itertools.islice(result, max_rows + 1))
                if len(rows) > max_rows:
                    conn.send(("too-many-rows", f"the query returns more than {max_rows} rows; narrow it down "
                                                "(LIMIT, FILTER)"))
                    continue
                order = [names.index(n) for n in star_order(text, names)]  # SELECT *: as the query names them
                table = [[r[i] for i in order] for r in rows]
                conn.send(("solutions", solutions_body([names[i] for i in order], table, fmt), len(rows),
                           any(type(t) in fresh for row in table for t in row)))
            elif isinstance(result, ox.QueryBoolean):
                conn.send(("boolean", boolean_body(bool(result), fmt), 1, False))
            else:
                triples = list(itertools.islice(result, max_rows + 1))
                if len(triples) > max_rows:
                    conn.send(("too-many-rows", f"the query returns more than {max_rows} triples"))
                    continue
                rdf = ox.RdfFormat.TURTLE if graph_fmt == "turtle" else ox.RdfFormat.N_TRIPLES
                conn.send(("graph", ox.serialize(triples, format=rdf), len(triples),
                           any(type(t.subject) in fresh or type(t.object) in fresh for t in triples)))
        except SyntaxError as exc:
            conn.send(("syntax", problem(str(exc), text).headline))
        except MemoryError:
            conn.send(("memory", f"the query needs more memory than the server allows ({memory_mb} MB)"))
        except Exception as exc:
            conn.send(("error", " ".join(str(exc).split())[:300]))


#: What Rust prints when an allocation fails (then it aborts): the worker ran into its memory limit.
_OUT_OF_MEMORY = b"memory allocation of"


class _Worker:
    """One worker process. It is started from the thread that owns the pool (the kernel kills a worker
    when the thread that started it ends, see :func:`kopa_graph.query.sandbox.die_with_parent`)."""

    def __init__(self, ctx: Any, source: Path, memory_mb: int, confined: bool, errors: Path) -> None:
        self.errors = errors
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, str(source), memory_mb, confined, os.getpid(),
                                                     str(errors)), daemon=True)
        self.proc.start()
        child.close()
        self.triples = 0

    def started(self, status: Any) -> None:
        """Take the worker's first message; raise unless it is ready."""
        if status[0] == "ready":
            self.triples = int(status[1])
            return
        self.kill()
        if status[0] == "unconfined":
            raise SandboxUnavailable(status[1])
        raise RuntimeError(f"a query worker did not start{self.death()}")

    def wait_started(self, seconds: float = 60) -> None:
        try:
            status: Any = self.conn.recv() if self.conn.poll(seconds) else ("failed",)
        except (EOFError, OSError):
            status = ("failed",)
        self.started(status)

    def death(self) -> str:
        """How the worker ended, as a clause for a message ("" when it did not)."""
        self.proc.join(2)
        code = self.proc.exitcode
        if code is None:
            return ""
        try:
            with open(self.errors, "rb") as fh:
                fh.seek(max(0, os.fstat(fh.fileno()).st_size - 4096))
                said = fh.read()
        except OSError:
            said = b""
        if said.strip():
            log.warning("a query worker ended (exit code %s): %s", code, said.decode("utf-8", "replace").strip())
        if _OUT_OF_MEMORY in said:
            return ": out of memory"
        return f": killed by {signal.Signals(-code).name}" if code < 0 else f": exit code {code}"

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


def _wake(ready: asyncio.Future[None]) -> None:
    if not ready.done():
        ready.set_result(None)


async def _readable(conn: Connection, seconds: float) -> bool:
    """Wait on the event loop (no thread) until ``conn`` has something to read; False on timeout."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()
    fd = conn.fileno()
    loop.add_reader(fd, _wake, ready)
    try:
        await asyncio.wait_for(ready, max(0.0, seconds) + 0.001)
        return True
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)
        # uvloop leaves a watched descriptor non-blocking: an answer longer than the pipe's buffer would
        # then break off with EAGAIN. The answer is on its way; read it whole.
        os.set_blocking(fd, True)


class QueryPool:
    """Worker processes answering queries over one graph (given as N-Triples).

    Each worker is confined by :func:`kopa_graph.query.sandbox.confine` before it loads anything (no socket
    can be made, whatever a query says) unless ``sandbox=False``; it dies with the process that
    started it. :meth:`run` is a coroutine: it waits for the worker's answer on the event loop (no
    thread per request), and a worker over its time limit is killed and replaced without blocking the
    loop. A worker that dies of anything but its memory limit is reported as a crash.

    Raises :class:`kopa_graph.query.sandbox.SandboxUnavailable` when a worker cannot be confined.
    """

    def __init__(self, ntriples: bytes, workers: int = SERVER_LIMITS.workers, timeout: float = SERVER_LIMITS.timeout,
                 memory_mb: int = SERVER_LIMITS.memory_mb, max_rows: int = SERVER_LIMITS.max_rows, *,
                 sandbox: bool = True, cache_mb: int = SERVER_LIMITS.cache_mb) -> None:
        self._ctx = mp.get_context("spawn")
        self._scratch = Scratch("workers")  # the graph and the workers' logs; a killed server's go next time
        self._folder = self._scratch.path
        self._source = self._folder / "graph.nt"
        self._source.write_bytes(ntriples)
        self._memory, self._sandbox = memory_mb, sandbox
        self.timeout, self.max_rows = timeout, max_rows
        #: answers kept for the same query asked again (:mod:`kopa_graph.query.cache`; the graph never changes)
        self.cache: AnswerCache[Answer] = AnswerCache(cache_mb * 1024 * 1024)
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._replacing: set[asyncio.Task[None]] = set()  # workers being replaced after a cancelled query
        self._all: list[_Worker] = []
        self._started = itertools.count()
        try:
            for _ in range(max(1, workers)):
                self._all.append(self._start())
            for w in self._all:
                w.wait_started()
                self._idle.put_nowait(w)
        except BaseException:
            self.close()
            raise
        self.triples = self._all[0].triples

    def _start(self) -> _Worker:
        return _Worker(self._ctx, self._source, self._memory, self._sandbox,
                       self._folder / f"worker-{next(self._started)}.log")

    async def run(self, text: str, fmt: str = "json", graph_fmt: str = "turtle") -> Answer:
        key = (text, fmt, graph_fmt)
        kept = self.cache.get(key)
        if kept is not None:
            return kept
        answer = await self._evaluate(text, fmt, graph_fmt)
        self.cache.put(key, answer, len(answer.body), blank=answer.blank)
        return answer

    async def _evaluate(self, text: str, fmt: str, graph_fmt: str) -> Answer:
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            raise QueryFailed("busy", "all query workers are busy; try again shortly") from None
        try:
            worker.conn.send((text, fmt, graph_fmt, self.max_rows))
            if not await _readable(worker.conn, self.timeout - (loop.time() - started)):
                await self._replace(worker)
                worker = None  # type: ignore[assignment]
                raise QueryFailed("timeout", f"the query did not finish within {self.timeout:g} s") from None
            message = worker.conn.recv()
        except (EOFError, OSError):
            death = worker.death()
            await self._replace(worker)
            worker = None  # type: ignore[assignment]
            if death.endswith("out of memory"):
                raise QueryFailed("memory", f"the query needs more memory than the server allows ({self._memory} "
                                            "MB); its worker was stopped") from None
            raise QueryFailed("crash", f"the query could not be evaluated: its worker crashed{death} and was "
                                       "replaced") from None
        except BaseException:  # cancelled (the server stopping) with the query sent: the worker is still busy,
            if worker is not None:  # and its answer would be read as the next query's: never used again
                busy, worker = worker, None  # type: ignore[assignment]
                busy.kill()  # now: the replacement below runs only once this task has ended
                replacing = loop.create_task(self._replace(busy))
                self._replacing.add(replacing)
                replacing.add_done_callback(self._replacing.discard)
            raise
        finally:
            if worker is not None:
                self._idle.put_nowait(worker)
        if message[0] in ("solutions", "boolean", "graph"):
            return Answer(message[0], message[1], message[2], message[3])
        raise QueryFailed(message[0], message[1])

    async def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another from this (the loop's) thread; wait for it on the loop."""
        worker.kill()
        worker.errors.unlink(missing_ok=True)
        self._all = [w for w in self._all if w is not worker]
        fresh = self._start()
        self._all.append(fresh)
        try:
            if not await _readable(fresh.conn, 60):
                raise RuntimeError("a query worker did not start within 60 s")
            fresh.started(fresh.conn.recv())
        except (EOFError, OSError, RuntimeError, SandboxUnavailable) as exc:
            log.error("a query worker could not be replaced: %s", exc)
            fresh.kill()
            self._all.remove(fresh)
            return
        self._idle.put_nowait(fresh)

    def close(self) -> None:
        """Stop every worker and remove the pool's files; safe to call more than once."""
        for w in self._all:
            w.kill()
        self._all = []
        self._scratch.close()
