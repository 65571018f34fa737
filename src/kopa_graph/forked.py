"""One piece of work in a forked child process while this process goes on.

``kopa-graph build`` validates the graph in a child while the parent writes
Turtle and JSON-LD (issue 18): the two take about as long, and the child
starts with the graph already in memory (fork shares it), so nothing is
copied or parsed again. The child sends back its answer (or its exception)
pickled through a pipe and ends without tearing anything down. Where fork is
not available the work runs in this process when its result is asked for.

The child can tell when the parent has nothing left to do but wait for it
(:func:`parent_idle`): from then on its work may use every core. Validation
checks its shapes on one thread until then, and on two after (on two cores a
second thread before then only takes time from the parent's writing).
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class ChildFailed(RuntimeError):
    """The child ended without an answer (killed, or out of memory)."""


_idle = threading.Event()
_idle.set()  # in a process that is no forked child, nobody else is working for it


_PR_SET_PDEATHSIG = 1


def cores() -> int:
    """The processors this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux; elsewhere, nothing): a child left
    running would hold what the parent held, such as the lock on an output folder."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(0)


def parent_idle() -> threading.Event:
    """Set once the parent of this forked child waits for its result (or has ended); set at once in any
    other process."""
    return _idle


class Forked(Generic[T]):
    """``work()`` running in a child process from the moment this is made; :meth:`result` waits for it.

    Use it as a context manager: leaving the block before :meth:`result` (an error in the parent)
    ends the child and waits for it, so none is left behind.
    """

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._pid: int | None = None
        self._fd: int | None = None
        self._busy: int | None = None
        if not hasattr(os, "fork"):
            return
        read, write = os.pipe()
        waiting, waited = os.pipe()  # closed by the parent once it only waits: the child reads an end of file
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
            stream.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            die_with_parent(parent)
            os.close(read)
            os.close(waited)
            _child(work, write, waiting)
        os.close(write)
        os.close(waiting)
        self._pid, self._fd, self._busy = pid, read, waited

    def idle(self) -> None:
        """Tell the child that this process has nothing left to do but wait for it (:func:`parent_idle`)."""
        if self._busy is not None:
            os.close(self._busy)
            self._busy = None

    def result(self) -> T:
        """The value ``work()`` returned in the child; the exception it raised is raised here."""
        if self._pid is None:
            return self._work()
        self.idle()
        assert self._fd is not None
        with os.fdopen(self._fd, "rb") as pipe:
            self._fd = None
            payload = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        if not payload:
            how = f"was ended by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else \
                f"exited with status {os.WEXITSTATUS(status)}"
            raise ChildFailed(f"its process {how} without an answer (out of memory?)")
        ok, value = pickle.loads(payload)
        if ok:
            return value  # type: ignore[no-any-return]
        raise value

    def cancel(self) -> None:
        """End the child (if it is still running) and wait for it."""
        self.idle()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._pid is not None:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None

    def __enter__(self) -> Forked[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


def _child(work: Callable[[], Any], pipe: int, waiting: int) -> None:
    """Run ``work`` and send back its value or exception; never returns (no ``finally`` or ``with`` of the
    parent's runs here, nothing is flushed or freed twice)."""
    code = 0
    try:
        _idle.clear()
        threading.Thread(target=_wait_for_the_parent, args=(waiting,), daemon=True).start()
        try:
            payload = pickle.dumps((True, work()))
        except BaseException as exc:  # everything goes back to the parent, which decides
            code = 1
            payload = _pickled_error(exc)
        with os.fdopen(pipe, "wb") as out:
            out.write(payload)
    finally:
        os._exit(code)


def _wait_for_the_parent(waiting: int) -> None:
    """Set :func:`parent_idle` when the parent closes its end of ``waiting`` (or ends)."""
    try:
        while os.read(waiting, 1):
            pass
    finally:
        _idle.set()


def _pickled_error(exc: BaseException) -> bytes:
    try:
        payload = pickle.dumps((False, exc))
        pickle.loads(payload)  # an exception whose constructor takes other arguments does not come back
        return payload
    except Exception:
        return pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


__all__ = ["ChildFailed", "Forked", "cores", "die_with_parent", "parent_idle"]
