"""One piece of work in a forked child process while this process goes on.

``kopa-graph build`` validates the graph in a child while the parent writes
Turtle and JSON-LD (issue 18): the two take about as long, and the child
starts with the graph already in memory (fork shares it), so nothing is
copied or parsed again. The child sends back its answer (or its exception)
pickled through a pipe and ends without tearing anything down. Where fork is
not available the work runs in this process when its result is asked for.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class ChildFailed(RuntimeError):
    """The child ended without an answer (killed, or out of memory)."""


class Forked(Generic[T]):
    """``work()`` running in a child process from the moment this is made; :meth:`result` waits for it.

    Use it as a context manager: leaving the block before :meth:`result` (an error in the parent)
    ends the child and waits for it, so none is left behind.
    """

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._pid: int | None = None
        self._fd: int | None = None
        if not hasattr(os, "fork"):
            return
        read, write = os.pipe()
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
            stream.flush()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            _child(work, write)
        os.close(write)
        self._pid, self._fd = pid, read

    def result(self) -> T:
        """The value ``work()`` returned in the child; the exception it raised is raised here."""
        if self._pid is None:
            return self._work()
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


def _child(work: Callable[[], Any], pipe: int) -> None:
    """Run ``work`` and send back its value or exception; never returns (no ``finally`` or ``with`` of the
    parent's runs here, nothing is flushed or freed twice)."""
    code = 0
    try:
        try:
            payload = pickle.dumps((True, work()))
        except BaseException as exc:  # everything goes back to the parent, which decides
            code = 1
            payload = _pickled_error(exc)
        with os.fdopen(pipe, "wb") as out:
            out.write(payload)
    finally:
        os._exit(code)


def _pickled_error(exc: BaseException) -> bytes:
    try:
        payload = pickle.dumps((False, exc))
        pickle.loads(payload)  # an exception whose constructor takes other arguments does not come back
        return payload
    except Exception:
        return pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


__all__ = ["ChildFailed", "Forked"]
