"""Private temporary folders of a running process, removed when it stops, and by the next one if it was killed.

A folder is ``kopa-KIND-PID-`` and eight random characters (:func:`tempfile.mkdtemp`) in the temporary
folder, holding a ``.lock`` file that its process keeps locked (``flock``) for as long as the folder is in
use. The kernel drops that lock when the process ends, however it ends, so a folder whose lock can be taken
belongs to no one: :class:`Scratch` removes such
folders of its kind (and of the same user) before it makes a new one. The lock, not the process id, is what
decides, so a reused process id, or a process of another PID namespace sharing the folder, is never taken
for the owner.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import stat
import tempfile
from pathlib import Path

LOCK = ".lock"
_NEW_LOCK = ".lock.new"


class Scratch:
    """A private folder (mode 0700), locked by this process until :meth:`close` removes it."""

    def __init__(self, kind: str, parent: str | Path | None = None) -> None:
        base = Path(parent or tempfile.gettempdir())
        sweep(kind, base)
        self.path = Path(tempfile.mkdtemp(prefix=f"kopa-{kind}-{os.getpid()}-", dir=base))
        # locked before it is visible as LOCK: a sweep in between would take the folder for a dead one's
        self._lock: int | None = os.open(self.path / _NEW_LOCK, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC,
                                         0o600)
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        os.rename(self.path / _NEW_LOCK, self.path / LOCK)

    def close(self) -> None:
        """Remove the folder; safe to call more than once."""
        if self._lock is None:
            return
        shutil.rmtree(self.path, ignore_errors=True)
        os.close(self._lock)
        self._lock = None


def sweep(kind: str, base: Path) -> list[Path]:
    """Remove the folders of ``kind`` in ``base`` that this user made and no live process holds; return them."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(base))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(f"kopa-{kind}-"):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
                continue
            fd = os.open(Path(entry.path) / LOCK, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: its process is alive
            os.close(fd)
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        os.close(fd)
        removed.append(Path(entry.path))
    return removed
