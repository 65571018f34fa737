"""Sharing a file between releases: a hard link to the very file checked, or nothing.

:meth:`kopa_graph.rdfio.release.Release.put` links a file the release before holds byte for byte instead
of writing it again (see :func:`shared`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC  # a FIFO put in place never blocks


@functools.cache
def _proc() -> int:
    """A descriptor of ``/proc`` (kept open: a site links thousands of files through it)."""
    return os.open("/proc", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)


def _open_beneath(root: str, name: str) -> int | None:
    """``root``/``name`` opened for reading, every folder on the way opened without following a symbolic
    link (``root`` included) and the file's type checked before it is opened; None if any of it is not so."""
    parts = name.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return None
    try:
        fd = os.open(root, _DIR)
    except OSError:
        return None
    try:
        for part in parts[:-1]:
            inner = os.open(part, _DIR, dir_fd=fd)
            os.close(fd)
            fd = inner
        if not stat.S_ISREG(os.stat(parts[-1], dir_fd=fd, follow_symlinks=False).st_mode):
            return None  # a FIFO, a device, a folder: never opened
        return os.open(parts[-1], _FILE, dir_fd=fd)
    except OSError:  # not there (a new file), or a symbolic link on the way
        return None
    finally:
        os.close(fd)


def shared(root: str, name: str, where: str, content: bytes, mode: int) -> bool:
    """Link ``where`` to the file ``name`` of the release folder ``root`` if it is a plain file of ``mode``,
    owned by this user, linked nowhere else, holding exactly ``content``; whether it did.

    The file is reached without following any symbolic link, and the file checked is the file linked
    (through its open descriptor; the link made is checked to be that file, and removed if it is not).
    Creating a file costs the file system far more than reading one: ext4 looks past every recently freed
    inode, so a site made right after another's 100,000 files were removed took minutes."""
    fd = _open_beneath(root, name)
    if fd is None:
        return False
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or stat.S_IMODE(st.st_mode) != mode or st.st_size != len(content) \
                or st.st_uid != os.geteuid() or st.st_nlink != 1:
            return False
        held = bytearray()
        while len(held) <= len(content) and (piece := os.read(fd, max(len(content) + 1 - len(held), 1))):
            held += piece
        if held != content:
            return False
        try:  # linkat(/proc, "self/fd/N", where, AT_SYMLINK_FOLLOW): the inode open here, by no name
            os.link(f"self/fd/{fd}", where, src_dir_fd=_proc(), follow_symlinks=True)
        except OSError:  # no /proc, or a file system without hard links: the file is written instead
            return False
        made = os.stat(where, follow_symlinks=False)
        if (made.st_dev, made.st_ino) != (st.st_dev, st.st_ino):  # a /proc that is not the kernel's
            with contextlib.suppress(FileNotFoundError):
                os.unlink(where)
            return False
        return True
    finally:
        os.close(fd)


__all__ = ["shared"]
