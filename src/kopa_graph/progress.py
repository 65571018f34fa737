"""Progress of long work on a terminal: each stage with its elapsed time.

Shown on standard error only when it is a terminal (and not with ``-q``), so
pipes, logs and CI output stay as they were. A stage prints its name when it
starts and its time when it ends; counted work (pages of the site) rewrites
one line at most ten times a second.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


class Progress:
    def __init__(self, enabled: bool = False, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.perf_counter()
        self._last_count = 0.0

    @classmethod
    def for_terminal(cls, quiet: bool = False) -> Progress:
        """On when standard error is a terminal and ``quiet`` is off."""
        return cls(enabled=not quiet and sys.stderr.isatty())

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

    def count(self, name: str, done: int, total: int) -> None:
        """``done`` of ``total`` items; the line is rewritten at most ten times a second, and at the end."""
        if not self.enabled:
            return
        now = time.perf_counter()
        if done < total and now - self._last_count < 0.1:
            return
        self._last_count = now
        self._write(f"\r\x1b[K  {name}: {done}/{total} (elapsed {now - self.started:.2f} s)"
                    + ("\n" if done >= total else ""))


#: The silent default for library calls.
QUIET = Progress(enabled=False)

__all__ = ["QUIET", "Progress"]
