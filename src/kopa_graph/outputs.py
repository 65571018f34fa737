"""Writing outputs so that a failed run leaves earlier outputs as they were.

Every file is first written in full to a temporary file in the target folder
and flushed to disk; only when all of them are written are they renamed over
the old ones (a rename within one folder is atomic on POSIX).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from kopa_graph.errors import OutputError


def write_files(out_dir: Path, files: Mapping[str, bytes]) -> dict[str, Path]:
    """Write ``files`` (relative path → bytes) into ``out_dir`` atomically; return their paths."""
    out_dir = Path(out_dir)
    try:
        for folder in {(out_dir / name).parent for name in files} | {out_dir}:
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the output folder: {_why(exc)}") from None
    temps: dict[str, Path] = {}
    try:
        for name, data in files.items():
            target = out_dir / name
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            temps[name] = Path(tmp)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        done = {}
        for name, path in temps.items():
            os.chmod(path, 0o644)
            os.replace(path, out_dir / name)
            done[name] = out_dir / name
        return done
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write the outputs: {_why(exc)}; "
                          "the previous outputs are unchanged") from None
    finally:
        for leftover in temps.values():
            if leftover.exists():
                leftover.unlink()


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full (free some space and run again)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (choose another --out folder or fix its permissions)"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    return exc.strerror or str(exc)
