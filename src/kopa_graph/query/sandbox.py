"""Where untrusted SPARQL is evaluated: a process the kernel keeps off the network.

:func:`confine` installs a seccomp filter (Linux) on the calling process and
all its threads. From then on the kernel answers ``EACCES`` to every call that
makes or uses a socket (``socket``, ``socketpair``, ``connect``, ``bind``,
``listen``, ``accept``, ``accept4``, ``sendto``, ``sendmsg``, ``sendmmsg``) and
to ``io_uring`` (which could open sockets without those calls), and to every
system call made through another ABI (i386, x32). The filter cannot be removed,
not even by the process itself, and holds whatever the query text says:
``SERVICE`` to any address, a host name to resolve (no DNS either), a Unix
socket. Pipes and files the process already has keep working, so a query
worker still answers its server.

:func:`call` runs a function in a forked child that confines itself first and
evaluates on a thread with a :data:`STACK_BYTES` stack; the ``sparql`` and
``query`` commands evaluate there. The server's query workers confine
themselves when they start (:mod:`kopa_graph.query.worker`).

Where seccomp is missing (not Linux, another CPU architecture, a kernel built
without it) :class:`SandboxUnavailable` says why: the commands fail closed
unless run with ``--no-sandbox``.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import pickle
import platform
import selectors
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from kopa_graph.errors import KopaError
from kopa_graph.forked import die_with_parent

T = TypeVar("T")

#: The stack of the thread a query is evaluated on. Oxigraph's parser and evaluator recurse once per
#: level of nesting; the lexer (:mod:`kopa_graph.query.lexer`) bounds the levels, and this stack, eight
#: times a main thread's usual 8 MiB, keeps its bounds far from the crash points.
STACK_BYTES = 64 * 1024 * 1024
OPT_OUT = "--no-sandbox"


class SandboxUnavailable(KopaError):
    """The kernel cannot confine query evaluation here; the message says why and how to opt out."""

    exit_code = 2


class EvaluationCrashed(KopaError):
    """The process evaluating a query died (a signal) instead of answering."""

    exit_code = 2


class EvaluationTimeout(KopaError):
    """The query ran longer than it was allowed; the process evaluating it was killed."""

    exit_code = 2


@dataclass(frozen=True)
class _Arch:
    audit: int  # AUDIT_ARCH_* of the native ABI
    seccomp: int  # the seccomp(2) system call number
    denied: tuple[int, ...]  # socket, socketpair, connect, bind, listen, accept, accept4, sendto, sendmsg,
    #                          sendmmsg, io_uring_setup, io_uring_enter, io_uring_register; then ptrace,
    #                          process_vm_readv, process_vm_writev, pidfd_getfd (no reaching into another
    #                          process, the unconfined parent above all, for its sockets or its memory)
    x32: bool = False  # x86-64: numbers with bit 30 set are the x32 ABI


_ARCHES = {
    "x86_64": _Arch(0xC000003E, 317, (41, 53, 42, 49, 50, 43, 288, 44, 46, 307, 425, 426, 427,
                                      101, 310, 311, 438), x32=True),
    "aarch64": _Arch(0xC00000B7, 277, (198, 199, 203, 200, 201, 202, 242, 206, 211, 269, 425, 426, 427,
                                       117, 270, 271, 438)),
}
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC = 1, 1
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_LD_ABS, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06  # BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K, ...|BPF_JGE, BPF_RET


class _Insn(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Insn))]


def _program(arch: _Arch) -> list[tuple[int, int, int, int]]:
    """The BPF program: other ABIs and the denied calls get EACCES, everything else runs."""
    deny = _RET_ERRNO | errno.EACCES
    checks = [(_JGE, 0x40000000)] if arch.x32 else []
    checks += [(_JEQ, nr) for nr in arch.denied]
    prog = [(_LD_ABS, 0, 0, 4),  # seccomp_data.arch
            (_JEQ, 1, 0, arch.audit),  # the native ABI: go on; another: denied
            (_RET, 0, 0, deny),
            (_LD_ABS, 0, 0, 0)]  # seccomp_data.nr
    for i, (op, k) in enumerate(checks):
        prog.append((op, len(checks) - i, 0, k))  # on a match, jump to the final "deny"
    prog += [(_RET, 0, 0, _RET_ALLOW), (_RET, 0, 0, deny)]
    return prog


def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def unavailable() -> str | None:
    """Why :func:`confine` cannot work on this platform, or None when it can be tried."""
    if sys.platform != "linux":
        return f"seccomp is a Linux kernel feature and this is {sys.platform}"
    if platform.machine() not in _ARCHES:
        return f"kopa-graph has no seccomp filter for the {platform.machine()} architecture"
    return None


def confine() -> None:
    """Take the network away from this process and every thread of it, for good.

    Raises :class:`SandboxUnavailable` when the filter cannot be installed or does not hold.
    """
    reason = unavailable()
    if reason is not None:
        raise SandboxUnavailable(_explain(reason))
    _install(_program(_ARCHES[platform.machine()]))
    try:  # the proof: the kernel now refuses a socket
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except PermissionError:
        return
    raise SandboxUnavailable(_explain("a seccomp filter was installed but sockets can still be made"))


def _install(program: list[tuple[int, int, int, int]]) -> None:
    """Install ``program`` as a seccomp filter on every thread of this process."""
    arch = _ARCHES[platform.machine()]
    insns = (_Insn * len(program))(*(_Insn(*i) for i in program))
    prog = _Prog(len(program), insns)
    libc = _libc()
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxUnavailable(_explain(f"prctl(PR_SET_NO_NEW_PRIVS) failed: {os.strerror(ctypes.get_errno())}"))
    done = libc.syscall(ctypes.c_long(arch.seccomp), ctypes.c_long(_SECCOMP_SET_MODE_FILTER),
                        ctypes.c_long(_SECCOMP_FILTER_FLAG_TSYNC), ctypes.byref(prog))
    if done != 0:
        why = os.strerror(ctypes.get_errno()) if done < 0 else f"thread {done} could not be synchronised"
        raise SandboxUnavailable(_explain(f"the kernel refused the seccomp filter ({why})"))


def _explain(reason: str) -> str:
    return (f"cannot confine query evaluation: {reason}. kopa-graph evaluates SPARQL only where the kernel "
            f"forbids network access (a seccomp filter, Linux on x86-64 or arm64). To evaluate without it, "
            f"accepting that a query the lexer misjudges could reach the network, pass {OPT_OUT} "
            "(SECURITY.md: Query evaluation)")


def keep_only(*keep: int) -> None:
    """Close every descriptor this process inherited but ``keep``, and point 0, 1 and 2 at ``/dev/null``
    unless kept: a socket the parent holds (a client's connection, a log stream) is then out of reach, since
    a descriptor that is not there cannot be written to."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        if fd not in keep:
            os.dup2(null, fd)
    os.close(null)
    low = 3
    for fd in sorted(k for k in keep if k >= 3):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 65536)


def on_big_stack(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` on a thread with a :data:`STACK_BYTES` stack; its exception is raised here."""
    out: list[Any] = []

    def run() -> None:
        try:
            out.append((True, fn(*args)))
        except BaseException as exc:
            out.append((False, exc))

    previous = threading.stack_size(STACK_BYTES)
    try:
        thread = threading.Thread(target=run, name="kopa-evaluate")
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    ok, value = out[0]
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Isolation:
    """How :func:`call` runs a function: always in a forked child on a :data:`STACK_BYTES` stack, which
    dies with this process; ``confined`` by :func:`confine` unless False (``--no-sandbox``); killed after
    ``timeout`` seconds if given."""

    confined: bool = True
    timeout: float | None = None


def call(fn: Callable[..., T], *args: Any, isolation: Isolation = Isolation()) -> T:
    """``fn(*args)`` evaluated as ``isolation`` says. The value comes back pickled; an exception raised by
    ``fn`` is raised here; a child killed by a signal is :class:`EvaluationCrashed`, one still running
    after the timeout is killed (:class:`EvaluationTimeout`).
    """
    confined, timeout = isolation.confined, isolation.timeout
    if confined:
        reason = unavailable()
        if reason is not None:
            raise SandboxUnavailable(_explain(reason))
    if not hasattr(os, "fork"):
        raise SandboxUnavailable(_explain(f"this platform ({sys.platform}) cannot fork"))
    read_end, write_end = os.pipe()
    for stream in (sys.stdout, sys.stderr):  # nothing buffered may be written twice
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its result goes to the pipe, and it never returns
        os.close(read_end)
        die_with_parent(parent)
        _child(write_end, fn, args, confined)
    os.close(write_end)
    try:
        data = _read_all(read_end, timeout)
    finally:
        os.close(read_end)
        if timeout is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)  # a child that answered has ended already
        _, status = os.waitpid(pid, 0)
    if data is None:
        raise EvaluationTimeout(f"the query did not finish within {timeout:g} s and was stopped; narrow it down, "
                                "or allow it more time (--timeout)")
    if not data:
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        how = f"was killed by {signal.Signals(sig).name}" if sig else f"ended with exit code {os.WEXITSTATUS(status)}"
        raise EvaluationCrashed(f"the query could not be evaluated: the process evaluating it {how} "
                                "(nesting the query less deeply may help)")
    kind, value = pickle.loads(data)
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    raise value


def _read_all(fd: int, timeout: float | None) -> bytes | None:
    """Everything written to the pipe ``fd`` until its end is closed; None when ``timeout`` passes first."""
    deadline = None if timeout is None else time.monotonic() + timeout
    pieces: list[bytes] = []
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if (left is not None and left <= 0) or not selector.select(left):
                return None
            piece = os.read(fd, 1 << 20)
            if not piece:
                return b"".join(pieces)
            pieces.append(piece)


def _child(out: int, fn: Callable[..., Any], args: tuple[Any, ...], confined: bool) -> None:  # pragma: no cover
    import faulthandler

    faulthandler.disable()  # a crash is the parent's to report (EvaluationCrashed), not a dump on stderr
    code = 0
    try:
        try:
            if confined:
                keep_only(out)
                confine()
            message: tuple[str, Any] = ("ok", on_big_stack(fn, *args))
        except BaseException as exc:
            message = ("error", exc)
        try:
            data = pickle.dumps(message)
        except Exception:  # an exception that cannot be pickled: its text
            data = pickle.dumps(("error", EvaluationCrashed(str(message[1]))))
        view = memoryview(data)
        while view:
            view = view[os.write(out, view):]
    except BaseException:
        code = 70
    finally:
        os._exit(code)


__all__ = ["OPT_OUT", "STACK_BYTES", "EvaluationCrashed", "EvaluationTimeout", "Isolation", "SandboxUnavailable",
           "call", "confine", "die_with_parent", "keep_only", "on_big_stack", "unavailable"]
