"""Query evaluation cannot reach the network, whatever the query says: the kernel holds it.

Each test goes past the lexer (straight to pyoxigraph, to a query worker, or
with the lexer switched off) and makes Oxigraph try SERVICE against a
listener on 127.0.0.1, which must see no connection; the same query without
the sandbox does connect, so the tests show the sandbox is what holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conftest import SMALL, wait_for_health
from kopa_graph.query import sandbox
from kopa_graph.query.worker import QueryFailed, QueryPool

pytestmark = pytest.mark.skipif(sandbox.unavailable() is not None, reason=str(sandbox.unavailable()))

KOPA = Path(sys.executable).parent / "kopa-graph"
ROW = b'{"head":{"vars":["secret"]},"results":{"bindings":[{"secret":{"type":"literal","value":"TOPSECRET"}}]}}'


class Listener:
    """A SPARQL endpoint on 127.0.0.1 that counts connections and answers one secret row."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                                 b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(ROW), ROW))
                except OSError:
                    pass

    def close(self) -> None:
        self._stop = True
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    served = Listener()
    yield served
    served.close()


def _attacks(port: int) -> list[str]:
    """Queries that make Oxigraph connect to ``port`` (each checked to, unconfined)."""
    target = f"http://127.0.0.1:{port}/internal"
    return [
        f"SELECT ?secret WHERE {{ SERVICESILENT <{target}> {{ ?x ?y ?secret }} }}",
        f"SELECT ?secret WHERE {{ SERVICE <{target}> {{ ?x ?y ?secret }} }}",
        f"SELECT ?secret WHERE {{ service silent <http://localhost:{port}/x> {{ ?x ?y ?secret }} }}",
        f"CONSTRUCT {{ ?x ?y ?secret }} WHERE {{ SeRvIcE <{target}> {{ ?x ?y ?secret }} }}",
        f"ASK {{ SERVICE <http://2130706433:{port}/x> {{ ?x ?y ?secret }} }}",  # 127.0.0.1 as one number
    ]


def _ask_oxigraph(queries: list[str]) -> list[str]:
    """Each query's answer from pyoxigraph, called directly: no lexer in the way."""
    store = ox.Store()
    out = []
    for q in queries:
        try:
            result = store.query(q)
            out.append(repr(bool(result)) if isinstance(result, ox.QueryBoolean) else repr(list(result)))
        except Exception as exc:
            out.append(f"{type(exc).__name__}: {exc}")
    return out


def test_oxigraph_in_the_sandbox_never_connects(listener: Listener) -> None:
    queries = _attacks(listener.port)
    free = sandbox.call(_ask_oxigraph, queries, isolation=sandbox.Isolation(confined=False))
    assert listener.connections == 5 and "TOPSECRET" in " ".join(free)  # without the sandbox it fetches
    before = listener.connections
    confined = sandbox.call(_ask_oxigraph, queries)
    assert listener.connections == before
    assert "TOPSECRET" not in " ".join(confined)
    assert any("Permission denied" in answer for answer in confined), confined


def _socket_calls(inherited: socket.socket, connected: socket.socket, held: socket.socket,
                  parent: int) -> dict[str, str]:
    """What the calling process can do with sockets: make one, use one it inherited, or take one its parent
    holds (``held``, by pidfd_getfd) or reach into the parent at all (ptrace, process_vm_readv)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def attempt(make: object) -> str:
        try:
            made = make()  # type: ignore[operator]
            for s in made if isinstance(made, tuple) else (made,):
                if isinstance(s, socket.socket):
                    s.close()
            return "allowed"
        except OSError as exc:
            return os.strerror(exc.errno) if exc.errno else str(exc)

    def raw(number: int, *args: int) -> None:
        if libc.syscall(number, *args) < 0:
            raise OSError(ctypes.get_errno(), "")

    calls = SYSCALLS[platform.machine()]
    found = {  # first, before any new descriptor could take the number of an inherited one
        "connect an inherited socket": attempt(lambda: inherited.connect(inherited.getsockname())),
        "sendto from an inherited socket": attempt(lambda: inherited.sendto(b"x", ("127.0.0.1", 9))),
        "write to an inherited connected socket": attempt(lambda: os.write(connected.fileno(), b"x")),
    }
    read_end, write_end = os.pipe()
    os.write(write_end, b"pipes still work")
    with open(__file__, encoding="utf-8") as fh:
        file_read = fh.read(3) == '"""'
    return found | {
        "AF_INET": attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),
        "AF_INET6": attempt(lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM)),
        "UDP": attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)),
        "AF_UNIX": attempt(lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)),
        "AF_NETLINK": attempt(lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW)),
        "socketpair": attempt(socket.socketpair),
        "take the parent's socket (pidfd_getfd)": attempt(
            lambda: raw(calls["pidfd_getfd"], os.pidfd_open(parent), held.fileno(), 0)),
        # PTRACE_SEIZE: unlike PTRACE_ATTACH it does not stop the parent, should it be allowed
        "attach to the parent (ptrace)": attempt(lambda: raw(calls["ptrace"], 0x4206, parent, 0, 0)),
        "read the parent's memory (process_vm_readv)": attempt(
            lambda: raw(calls["process_vm_readv"], parent, 0, 0, 0, 0, 0)),
        "pipe": os.read(read_end, 100).decode(),
        "file": str(file_read),
    }


#: System call numbers the test makes itself.
SYSCALLS = {"x86_64": {"pidfd_getfd": 438, "ptrace": 101, "process_vm_readv": 310},
            "aarch64": {"pidfd_getfd": 438, "ptrace": 117, "process_vm_readv": 270}}


def test_a_confined_process_can_make_and_use_no_socket(listener: Listener) -> None:
    """No new socket of any family; the inherited ones are closed before the filter goes on (so not even
    write() reaches them); no taking a socket from the parent or reaching into its memory."""
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    connected = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    connected.connect(udp.getsockname())
    held = socket.create_connection(("127.0.0.1", listener.port))
    try:
        free = sandbox.call(_socket_calls, udp, connected, held, os.getpid(),
                            isolation=sandbox.Isolation(confined=False))
        confined = sandbox.call(_socket_calls, udp, connected, held, os.getpid())
    finally:
        for s in (udp, connected, held):
            s.close()
    assert free["AF_INET"] == free["AF_UNIX"] == free["socketpair"] == "allowed"  # the calls work unconfined
    assert free["write to an inherited connected socket"] == "allowed"
    assert free["take the parent's socket (pidfd_getfd)"] == "allowed"
    closed = ("connect an inherited socket", "sendto from an inherited socket",
              "write to an inherited connected socket")
    assert confined["write to an inherited connected socket"] == "Bad file descriptor", confined  # closed
    assert {confined[k] for k in closed} <= {"Bad file descriptor", "Permission denied"}, confined
    denied = {k: v for k, v in confined.items() if k not in ("pipe", "file", *closed)}
    assert set(denied.values()) == {"Permission denied"}, confined
    assert confined["pipe"] == "pipes still work" and confined["file"] == "True"


def test_a_crash_in_the_sandbox_is_reported_as_a_crash() -> None:
    with pytest.raises(sandbox.EvaluationCrashed, match=r"could not be evaluated.*SIGSEGV"):
        sandbox.call(_die, signal.SIGSEGV)
    with pytest.raises(ValueError, match="an error inside"):
        sandbox.call(_raise, "an error inside")


def _die(sig: int) -> None:
    os.kill(os.getpid(), sig)  # the child's own pid: it kills itself


def _raise(message: str) -> None:
    raise ValueError(message)


def _pool_answers(pool: QueryPool, queries: list[str]) -> list[str]:
    async def ask() -> list[str]:
        out = []
        for q in queries:
            try:
                out.append((await pool.run(q)).body.decode())
            except QueryFailed as exc:
                out.append(f"{exc.kind}: {exc}")
        return out

    return asyncio.run(ask())


#: Seconds of work on any graph: the count of a 10^10-row cross product.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"VALUES ?v{i} {{ {' '.join(str(n) for n in range(100))} }}" for i in range(5)) + " }"
NT = b"<http://e.example/a> <http://e.example/p> <http://e.example/b> .\n"


def test_query_workers_never_connect(listener: Listener) -> None:
    """The pool is given the queries as they are (the server's lexer is not in the way)."""
    queries = _attacks(listener.port)
    pool = QueryPool(NT, workers=1, timeout=10, sandbox=False)
    try:
        free = _pool_answers(pool, queries)
    finally:
        pool.close()
    assert listener.connections == 5 and "TOPSECRET" in " ".join(free)
    before = listener.connections
    pool = QueryPool(NT, workers=1, timeout=10)
    try:
        confined = _pool_answers(pool, queries)
        assert _pool_answers(pool, ["ASK { ?s ?p ?o }"]) == ['{"head":{},"boolean":true}']
    finally:
        pool.close()
    assert listener.connections == before
    assert "TOPSECRET" not in " ".join(confined)


def test_a_worker_that_dies_is_a_crash_and_is_replaced() -> None:
    pool = QueryPool(NT, workers=1, timeout=30, memory_mb=1024)
    try:
        deep = "SELECT * WHERE { BIND(" + "!" * 400_000 + "true AS ?x) }"  # past even a 64 MiB stack
        [answer] = _pool_answers(pool, [deep])
        assert answer.startswith("crash: the query could not be evaluated: its worker crashed: killed by SIGSEGV")
        assert "memory" not in answer
        assert _pool_answers(pool, ["ASK {}"]) == ['{"head":{},"boolean":true}']  # replaced

        async def killed_while_busy() -> str:
            slow = asyncio.ensure_future(pool.run(SLOW))
            await asyncio.sleep(0.5)
            for w in pool._all:
                os.kill(w.proc.pid, signal.SIGBUS)
            try:
                await slow
                return "answered"
            except QueryFailed as exc:
                return f"{exc.kind}: {exc}"

        answer = asyncio.run(killed_while_busy())
        assert answer.startswith("crash: ") and "killed by SIGBUS" in answer, answer
        assert _pool_answers(pool, ["ASK {}"]) == ['{"head":{},"boolean":true}']
    finally:
        pool.close()


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _assert_all_end(pids: set[int], message: str) -> None:
    """Each process in ``pids`` is gone (or a zombie) within 10 s."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    assert not [p for p in pids if _alive(p)], message


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_serve(port: int, *extra: str, wrapper: list[str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*(wrapper or []), str(KOPA), "serve", "--data", str(SMALL), "--port", str(port), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _ask_and_ignore(url: str, query: str) -> None:
    with contextlib.suppress(httpx.HTTPError):
        httpx.get(url, params={"query": query}, timeout=150)


@pytest.mark.slow
def test_workers_die_with_a_killed_server() -> None:
    """SIGKILL of serve while a worker is busy: the kernel ends every worker with it (PR_SET_PDEATHSIG)."""
    port = _free_port()
    proc = _start_serve(port, "--timeout", "120")
    try:
        wait_for_health(f"http://127.0.0.1:{port}", proc)
        workers = _children(proc.pid)
        assert len(workers) >= 2, workers
        threading.Thread(target=_ask_and_ignore, args=(f"http://127.0.0.1:{port}/sparql", SLOW), daemon=True).start()
        time.sleep(1.0)
        busy = [w for w in workers if _alive(w) and
                int(Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[11]) > 0]  # utime ticks
        assert busy, "a worker should be evaluating the slow query"
    finally:
        proc.kill()
        proc.wait()
    _assert_all_end(workers, "workers outlived the server")


def _without_seccomp() -> list[str]:
    """A command prefix that runs a program where seccomp(2) itself is refused, as on a kernel without it."""
    arch = sandbox._ARCHES[platform.machine()]
    code = ("import os, sys; from dataclasses import replace; from kopa_graph.query import sandbox as s; "
            "a = s._ARCHES[__import__('platform').machine()]; "
            f"s._install(s._program(replace(a, denied=({arch.seccomp},), x32=False))); "
            "os.execv(sys.argv[1], sys.argv[1:])")
    assert replace(arch).seccomp == arch.seccomp
    return [sys.executable, "-c", code]


@pytest.mark.slow
def test_serve_fails_closed_without_the_sandbox_unless_told() -> None:
    port = _free_port()
    proc = _start_serve(port, wrapper=_without_seccomp())
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 2, err.decode()
    message = err.decode()
    assert "cannot confine query evaluation" in message and "--no-sandbox" in message, message
    assert "Traceback" not in message
    proc = _start_serve(port, "--no-sandbox", wrapper=_without_seccomp())
    try:
        wait_for_health(f"http://127.0.0.1:{port}", proc)
        assert httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK {}"}).json()["boolean"] is True
    finally:
        proc.terminate()
        proc.wait(30)


@pytest.mark.slow
def test_sparql_and_query_fail_closed_without_the_sandbox_unless_told(tmp_path: Path) -> None:
    graph = tmp_path / "g.nt"
    graph.write_bytes(NT)
    for command in (["sparql", "ASK { ?s ?p ?o }"], ["query", "statistics"]):
        args = [*_without_seccomp(), str(KOPA), *command, "--graph", str(graph)]
        refused = subprocess.run(args, capture_output=True, text=True, timeout=120)
        assert refused.returncode == 2, refused.stderr
        assert "cannot confine query evaluation" in refused.stderr and "--no-sandbox" in refused.stderr
        allowed = subprocess.run([*args, "--no-sandbox"], capture_output=True, text=True, timeout=120)
        assert allowed.returncode == 0, allowed.stderr


def test_the_sparql_command_evaluates_in_the_sandbox(listener: Listener, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """With the lexer switched off, a SERVICE query through ``kopa-graph sparql`` still connects nowhere;
    with --no-sandbox as well, it does (so the sandbox, not the lexer, is what held)."""
    from kopa_graph.cli import main
    from kopa_graph.query import lexer as sparqlscan

    graph = tmp_path / "g.nt"
    graph.write_bytes(NT)
    monkeypatch.setattr(sparqlscan, "scan", lambda text: sparqlscan.Scan("SELECT", None))
    runner = CliRunner()
    for q in _attacks(listener.port)[:5]:
        result = runner.invoke(main, ["sparql", q, "--graph", str(graph)])
        assert result.exit_code in (0, 2), result.output
        assert "TOPSECRET" not in result.output
    assert listener.connections == 0
    result = runner.invoke(main, ["sparql", _attacks(listener.port)[0], "--graph", str(graph), "--no-sandbox"])
    assert listener.connections >= 1 and "TOPSECRET" in result.output


def test_the_query_command_evaluates_in_the_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kopa_graph.cli import main
    from kopa_graph.query import evaluate as queries

    def where(*args: object) -> object:
        status = Path("/proc/self/status").read_text()
        raise queries.QueryError("evaluated with " + next(line for line in status.splitlines()
                                                         if line.startswith("Seccomp:")).replace("\t", " "))

    graph = tmp_path / "g.nt"
    graph.write_bytes(NT)
    monkeypatch.setattr(queries, "_evaluate", where)
    result = CliRunner().invoke(main, ["query", "statistics", "--graph", str(graph)])
    assert result.exit_code == 2 and "evaluated with Seccomp: 2" in result.output, result.output  # 2: filtered
    result = CliRunner().invoke(main, ["query", "statistics", "--graph", str(graph), "--no-sandbox"])
    assert "evaluated with Seccomp: 0" in result.output, result.output


@pytest.mark.slow
def test_the_sparql_commands_evaluator_dies_with_it(tmp_path: Path) -> None:
    graph = tmp_path / "g.nt"
    graph.write_bytes(NT)
    proc = subprocess.Popen([str(KOPA), "sparql", SLOW, "--graph", str(graph)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _children(proc.pid):
            time.sleep(0.05)
        evaluators = _children(proc.pid)
        assert evaluators, "the command should have forked its evaluator"
    finally:
        proc.kill()
        proc.wait()
    _assert_all_end(evaluators, "the evaluator outlived the command")


def test_a_query_past_its_time_is_stopped(tmp_path: Path) -> None:
    """``--timeout``: the evaluating process is killed and the command says so (exit 2)."""
    from kopa_graph.cli import main

    graph = tmp_path / "g.nt"
    graph.write_bytes(NT)
    started = time.monotonic()
    result = CliRunner().invoke(main, ["sparql", SLOW, "--graph", str(graph), "--timeout", "1"])
    assert result.exit_code == 2, result.output
    assert "did not finish within 1 s and was stopped" in result.output
    assert time.monotonic() - started < 30  # not the minutes the query would take
    with pytest.raises(sandbox.EvaluationTimeout):
        sandbox.call(time.sleep, 30, isolation=sandbox.Isolation(timeout=0.5))
    assert sandbox.call(sum, [1, 2], isolation=sandbox.Isolation(timeout=30)) == 3
