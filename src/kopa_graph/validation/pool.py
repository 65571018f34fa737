"""The threads validation checks its shapes on.

Oxigraph lets go of the interpreter's lock while it evaluates a query, so
the shapes' queries run side by side on as many cores as there are threads;
the results are put back in the shapes' order, so the report is the same
whatever the number (a test compares them).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from kopa_graph.forked import cores

#: The most threads validation uses: the shapes are a few dozen queries, and more threads than cores only wait.
MAX_THREADS = 4


def usable_threads() -> int:
    """One thread per processor this process may run on, at most :data:`MAX_THREADS`."""
    return max(1, min(cores(), MAX_THREADS))


@contextmanager
def shape_threads(n: int, gate: threading.Event | None = None) -> Iterator[ThreadPoolExecutor | None]:
    """A pool of ``n`` threads for the block, or None for one thread (the caller's). With a ``gate``, every
    thread but the first waits until the gate is set before it takes any work. The pool is joined when
    the block ends, the gate set first so that no thread is left waiting: nothing runs on after."""
    if n <= 1:
        yield None
        return
    order = itertools.count()

    def start() -> None:
        if gate is not None and next(order) > 0:
            gate.wait()

    with ThreadPoolExecutor(n, thread_name_prefix="kopa-validate", initializer=start) as pool:
        try:
            yield pool
        finally:
            if gate is not None:
                gate.set()
