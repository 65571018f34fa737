"""Work shared out to forked processes: the site's pages, once the state every page reads (the graph, its
labels, the release being filled) is built in the parent, which the children then read copy-on-write.

Each child takes a run of consecutive items (a pilot's pages and its parts' pages lie together, so a child
meets the labels and maps it made before), writes its files itself and sends back only their paths. What a
page holds does not depend on which process made it, nor in what order: the site is the same bytes
whatever the number of processes (``tests/test_site.py`` holds it)."""

from __future__ import annotations

import gc
import multiprocessing
import threading
from collections.abc import Callable
from typing import Any

from kopa_graph.forked import cores

#: The work of the pool being run: set in the parent before the fork, so the children have it without pickling.
_WORK: Callable[[int, int], list[str]] | None = None


def processes(count: int, jobs: int | None, least: int) -> int:
    """How many processes to write ``count`` items with: ``jobs`` when given; else one per core from
    ``least`` items, and one while this process runs other threads (a fork copies a lock another thread
    holds, held for ever in the child)."""
    if jobs:
        return jobs
    return cores() if count >= least and threading.active_count() == 1 else 1


def runs(count: int, jobs: int, per_job: int = 16, least: int = 8) -> list[tuple[int, int]]:
    """``range(count)`` cut into runs of consecutive items: about ``per_job`` a process, so that the two
    finish together and progress moves, but no run under ``least`` items except the last."""
    size = max(least, -(-count // (jobs * per_job)))
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def _call(span: tuple[int, int]) -> list[str]:
    assert _WORK is not None
    return _WORK(*span)


def forked(count: int, work: Callable[[int, int], list[str]], jobs: int, done: Callable[[int], Any]) -> list[str]:
    """``work(start, stop)`` over ``range(count)`` in ``jobs`` forked processes; the paths each run wrote, in
    the items' order. ``done(n)`` is told how many items are done after each run. An error in a child is
    raised here, as it was raised there."""
    global _WORK
    spans = runs(count, jobs)
    _WORK = work
    gc.freeze()  # the parent's objects stay out of the children's collections, so their pages stay shared
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            out: list[str] = []
            for (_, stop), paths in zip(spans, pool.imap(_call, spans), strict=True):
                out.extend(paths)
                done(stop)
            return out
    finally:
        _WORK = None
        gc.unfreeze()


def in_order(count: int, work: Callable[[int, int], list[str]], done: Callable[[int], Any]) -> list[str]:
    """The same as :func:`forked`, in this process."""
    out: list[str] = []
    for start, stop in runs(count, 1):
        out.extend(work(start, stop))
        done(stop)
    return out
