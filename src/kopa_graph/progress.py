"""Progress of long work on a terminal: each stage with its elapsed time, and a bar with an ETA for counted work.

Shown on standard error only when it is a terminal (and not with ``-q``), so
pipes, logs and CI output stay as they were. A stage prints its name when it
starts and its time when it ends; counted work (the site's pages, the nodes of
a file being written, the bytes sent to a triple store) rewrites one line at
most ten times a second: a bar, ``done/total``, the rate so far and the time
left at that rate (``ETA``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

T = TypeVar("T")
#: Characters of the bar.
BAR_WIDTH = 24


def _duration(seconds: float) -> str:
    """``seconds`` for people: ``42 s``, ``3 min 05 s``, ``1 h 02 min``."""
    whole = int(seconds + 0.5)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def bar_line(name: str, done: int, total: int, rate: float | None, unit: str = "") -> str:
    """One line of counted progress: name, bar, ``done/total``, the rate and the time left at that rate."""
    filled = BAR_WIDTH if total <= 0 else min(BAR_WIDTH, BAR_WIDTH * done // total)
    bar = "#" * filled + "-" * (BAR_WIDTH - filled)
    line = f"  {name} [{bar}] {done}/{total}{unit}"
    if rate:
        line += f" {rate:,.0f}{unit or ''}/s".replace(",", " ")
        if done < total:
            line += f" ETA {_duration((total - done) / rate)}"
    return line


class Progress:
    def __init__(self, enabled: bool = False, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.perf_counter()
        self._last_count = 0.0
        self._counting: tuple[str, float] | None = None  # what is being counted, and since when

    @classmethod
    def for_terminal(cls, quiet: bool = False, stream: TextIO | None = None) -> Progress:
        """On when ``stream`` (standard error) is a terminal and ``quiet`` is off."""
        stream = stream if stream is not None else sys.stderr
        return cls(enabled=not quiet and stream.isatty(), stream=stream)

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        begun = time.perf_counter()
        self._write(f"\r\x1b[K  {name} …")
        yield
        now = time.perf_counter()
        self._write(f"\r\x1b[K  {name}: {now - begun:.2f} s (elapsed {now - self.started:.2f} s)\n")

    def count(self, name: str, done: int, total: int, unit: str = "") -> None:
        """``done`` of ``total`` items as a bar with the rate and the time left; the line is rewritten at most
        ten times a second, and at the end (with the time it all took). ``unit``: `` B`` for bytes."""
        if not self.enabled:
            return
        now = time.perf_counter()
        if self._counting is None or self._counting[0] != name:
            self._counting = (name, now)
            self._last_count = 0.0
        if done < total and now - self._last_count < 0.1:
            return
        self._last_count = now
        spent = now - self._counting[1]
        rate = done / spent if spent > 0 and done else None
        line = bar_line(name, done, total, rate, unit)
        if done >= total:
            self._counting = None
            self._write(f"\r\x1b[K{line} in {spent:.2f} s (elapsed {now - self.started:.2f} s)\n")
        else:
            self._write(f"\r\x1b[K{line}")

    def track(self, name: str, items: Iterable[T], total: int, size: Callable[[T], int] | None = None,
              unit: str = "") -> Iterator[T]:
        """``items``, counted as they are taken (each one, or ``size(item)`` of ``total``) on a bar."""
        if not self.enabled:
            yield from items
            return
        done = 0
        self.count(name, 0, total, unit)
        for item in items:
            yield item
            if done < total:
                done += 1 if size is None else size(item)
                self.count(name, min(done, total), total, unit)
        if done < total:  # fewer than announced: the bar ends all the same
            self.count(name, total, total, unit)


#: The silent default for library calls.
QUIET = Progress(enabled=False)

__all__ = ["QUIET", "Progress"]
