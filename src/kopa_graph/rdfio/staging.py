"""Writing outputs so that a failed run leaves earlier outputs as they were.

Every file is first written in full to a temporary file in the target folder
and flushed to disk; only when all of them are written are they renamed over
the old ones (a rename within one folder is atomic on POSIX).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from kopa_graph.errors import OutputError


def write_files(out_dir: Path, files: Mapping[str, bytes | Iterable[bytes]]) -> dict[str, Path]:
    """Write ``files`` (relative path → bytes, or pieces of bytes) into ``out_dir`` atomically; return
    their paths."""
    with Staging(out_dir) as staging:
        for name, data in files.items():
            staging.put(name, data)
        return staging.commit()


class Staging:
    """Outputs written one at a time to temporary files beside their targets, and renamed over the old
    ones together by :meth:`commit`. Leaving the ``with`` block without committing (an error, an
    interrupt) removes the temporary files and leaves the old outputs as they were.

    Writing each file as soon as it is made, from pieces, means a large release never has to be
    held in memory whole.
    """

    def __init__(self, out_dir: Path, published: bool = True) -> None:
        self.out_dir = Path(out_dir)
        self.published = published  # False: out_dir is a release nobody sees until it is switched in
        self.temps: dict[str, Path] = {}
        self.digests: dict[str, tuple[str, int]] = {}  # name → (SHA-256, bytes) of what put() wrote

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        for leftover in self.temps.values():
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        self.temps.clear()

    def put(self, name: str, data: bytes | Iterable[bytes]) -> Path:
        """Write ``name`` (relative to the output folder) to its temporary file; return that file."""
        tmp = self.reserve(name)
        self.digests[name] = fill(tmp, data, self.out_dir / name)
        return tmp

    def reserve(self, name: str) -> Path:
        """The temporary file ``name`` is to be written to, made empty now and removed with the others if the
        run fails: for a file another process writes (:func:`fill`); :meth:`filled` records it once written."""
        target = self.out_dir / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{target.parent}: cannot create the output folder: {why(exc)}") from None
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write the output: {why(exc)}; "
                              "the previous outputs are unchanged") from None
        os.close(fd)
        self.temps[name] = Path(tmp)
        return self.temps[name]

    def filled(self, name: str, digest: tuple[str, int]) -> None:
        """Record what :func:`fill` wrote into :meth:`reserve`'s file for ``name``."""
        if name not in self.temps:
            raise KeyError(f"{name} was not reserved")
        self.digests[name] = digest

    def commit(self) -> dict[str, Path]:
        """Rename every written file into place; return their paths."""
        done = {}
        try:
            for name, path in self.temps.items():
                os.chmod(path, 0o644)
                os.replace(path, self.out_dir / name)
                done[name] = self.out_dir / name
        except OSError as exc:
            state = ("the previous outputs are unchanged" if not done or not self.published else
                     f"{len(done)} of {len(self.temps)} outputs ({', '.join(sorted(done))}) were already replaced: "
                     "run the build again")
            raise OutputError(f"{self.out_dir}: cannot write the outputs: {why(exc)}; {state}") from None
        finally:
            for name in done:
                del self.temps[name]
        return done


def fill(tmp: Path, data: bytes | Iterable[bytes], target: Path | None = None) -> tuple[str, int]:
    """Write ``data`` to the temporary file ``tmp`` (made by :meth:`Staging.reserve`), flushed to disk; its
    SHA-256 and size. An error names ``target``, the file it stands for."""
    digest, size = hashlib.sha256(), 0
    try:  # the file reserve() made, never a link put in its place
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC), "wb") as fh:
            for piece in (data,) if isinstance(data, bytes | bytearray | memoryview) else data:
                digest.update(piece)
                size += len(piece)
                fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise OutputError(f"{target or tmp}: cannot write the output: {why(exc)}; "
                          "the previous outputs are unchanged") from None
    return digest.hexdigest(), size


def why(exc: OSError) -> str:
    """What went wrong, in plain words, and what to do about it."""
    if exc.errno == errno.ENOSPC:
        return "the disk is full (free some space and run again)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (choose another --out folder or fix its permissions)"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    return exc.strerror or str(exc)
