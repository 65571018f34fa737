"""Output folders: a command replaces only a folder it made, and a release switches in whole.

What ``build --out OUT``, ``site OUT`` and ``export csv OUT`` leave, beside each other::

    OUT -> .OUT.releases/7        a relative symbolic link: the one thing that changes, atomically
    .OUT.releases/.kopa-graph     the marker: this tool made the folder, and what it holds
    .OUT.releases/.lock           locked (flock) by the command writing OUT; holds its process id
    .OUT.releases/7/              the current release, complete; never written again
    .OUT.releases/6/              the one before, kept until the next run for readers still on it

A run refuses (:class:`~kopa_graph.errors.OutputRefused`, exit 2) an OUT that is, contains or lies inside
a folder it reads from (:func:`~kopa_graph.rdfio.protect.refuse_protected`), and one that exists and is
neither an empty folder nor a link into a store with the marker for the same kind of output. It then
takes the lock or stops (:class:`~kopa_graph.errors.OutputBusy`, exit 3), removes everything in the store
but the current release (what dead runs left), fills a new numbered folder, flushes it to disk and
renames a new link over OUT. At every instant OUT shows one whole release, and a ``manifest.json`` in it
describes exactly the files beside it. A file the current release holds byte for byte is shared with it
(a hard link, :func:`~kopa_graph.rdfio.sharing.shared`) instead of written again.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import re
import shutil
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kopa_graph.errors import OutputBusy, OutputError, OutputRefused
from kopa_graph.rdfio.protect import MARKER, refuse_protected, refuse_taken, target
from kopa_graph.rdfio.sharing import shared
from kopa_graph.rdfio.staging import why

#: What an output folder holds (the marker says which; one kind never replaces another).
BUILD = "build release"
SITE = "site"
CSV = "csv export"

LOCK = ".lock"
_MARKER_TMP = MARKER + ".tmp"
_NEXT = ".next"  # the new link, before it is renamed over OUT
DIR_MODE = 0o755  # published folders and files are world-readable, whatever the umask
FILE_MODE = 0o644


def store_of(place: Path) -> Path:
    """The folder holding the releases OUT links to: ``.OUT.releases`` beside it."""
    return place.parent / f".{place.name}.releases"


@dataclass
class Release:
    """A new release being filled in :attr:`folder`; :meth:`switch` shows it at OUT."""

    out: Path  # as given
    place: Path  # OUT, absolute, its folder's links resolved
    folder: Path
    empty_folder: bool  # OUT is an empty folder (not yet a link) that the switch replaces
    switched: bool = False
    previous: Path | None = None  # the release OUT shows now, whose unchanged files this one shares
    _folders: set[str] = field(default_factory=set)  # folders of the release known to exist

    def put(self, name: str, data: bytes | str) -> None:
        """Write the file ``name`` (relative, ``/``-separated) of the release; :meth:`switch` flushes it to
        disk with the rest. (Paths as text and the bytes written by ``os.write``: a site puts 100,000 files,
        and ``pathlib`` and a buffered file object around each were a third of the time of putting one.)

        A file the release OUT shows now holds byte for byte is shared with it (a hard link,
        :func:`~kopa_graph.rdfio.sharing.shared`) instead of written again: a run on unchanged data makes no
        new files at all."""
        where = f"{self.folder}/{name}"
        parent = where.rpartition("/")[0]
        if parent not in self._folders:  # a site puts about 4,000 files in 1,000 folders
            folder = Path(parent)
            make_folders(folder, self.folder)
            self._folders.update(str(p) for p in (folder, *folder.parents) if p.is_relative_to(self.folder))
        content = data.encode("utf-8") if isinstance(data, str) else data
        try:
            if self.previous is not None and shared(str(self.previous), name, where, content, FILE_MODE):
                return
            fd = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
            try:
                os.fchmod(fd, FILE_MODE)
                left = memoryview(content)
                while left:
                    left = left[os.write(fd, left):]
            finally:
                os.close(fd)
        except OSError as exc:
            raise OutputError(f"{self.out}: cannot write {name}: {why(exc)}; the previous outputs are unchanged") \
                from None

    def switch(self) -> None:
        """Show the release at OUT: flush its folders, then rename a new link over OUT (atomic)."""
        store = self.folder.parent
        link = store / _NEXT
        try:
            _flush_tree(self.folder)
            _fsync_dir(store)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(link)
            os.symlink(f"{store.name}/{self.folder.name}", link)
            if self.empty_folder:
                os.rmdir(self.place)
            os.replace(link, self.place)
            self.switched = True
            _fsync_dir(self.place.parent)
        except OSError as exc:
            state = "the new release is in place" if self.switched else "the previous outputs are unchanged"
            raise OutputError(f"{self.out}: cannot switch to the new release: {why(exc)}; {state}") from None


@contextlib.contextmanager
def new_release(out: Path, kind: str, data_dir: Path | None = None, option: str = "--out") -> Iterator[Release]:
    """Claim OUT for a release of ``kind`` and yield an empty folder to fill; the caller calls
    :meth:`Release.switch` when it is complete. Leaving without switching (an error) removes the folder;
    a killed run's folder is removed by the next run. ``data_dir`` is the source data read (protected),
    ``option`` names OUT in messages."""
    refuse_protected(out, data_dir, option)
    place = target(out)
    store = store_of(place)
    try:
        _check_owner(out, place, kind, option)
        made = make_folders(store, None)  # the store, and the folders above it that did not exist
        lock = _lock(out, store)
    except OSError as exc:
        raise OutputError(f"{out}: cannot prepare the output folder: {why(exc)}") from None
    release = None
    try:
        current = _check_owner(out, place, kind, option)  # again, now that no one else writes here
        if _read_marker(store) != _marker(store, kind):
            _write_marker(out, store, kind)
        _remove_all_but(out, store, current)
        release = Release(out, place, store / str(int(current or 0) + 1), current is None and place.is_dir(),
                          previous=store / current if current is not None else None)
        make_folders(release.folder, None)
        yield release
    finally:
        if release is None or not release.switched:
            _abandon(store, release, made)
        os.close(lock)


def _abandon(store: Path, release: Release | None, made: list[Path]) -> None:
    """After a failed run: remove its release folder, and what it made if nothing else was there before."""
    if release is not None:
        shutil.rmtree(release.folder, ignore_errors=True)
    if made and made[0] == store:
        shutil.rmtree(store, ignore_errors=True)
        for folder in made[1:]:
            with contextlib.suppress(OSError):
                os.rmdir(folder)


def write_new_file(out: Path, data: bytes, data_dir: Path | None = None, option: str = "-o") -> Path:
    """Write ``data`` to the file ``out``, which must not exist (nor lie where :func:`refuse_protected`
    forbids): a single file carries no marker, so kopa-graph never replaces one. The file appears whole
    (written beside it, then linked in under its name, which fails if the name was taken meanwhile)."""
    refuse_taken(out, data_dir, option)
    way = f"remove it first, or give {option} a new name"
    folder = Path(out).parent
    make_folders(folder, None)
    tmp = folder / f".{Path(out).name}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "wb", closefd=False) as fh:
                fh.write(data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.link(tmp, out)
    except FileExistsError:
        raise OutputRefused(f"{out}: not replaced: the file appeared while kopa-graph wrote; {way}") from None
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the file: {why(exc)}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return Path(out)


def make_folders(path: Path, within: Path | None) -> list[Path]:
    """Make ``path`` and any missing folder above it (up to ``within``), each 0755 whatever the umask; return
    the folders made, ``path`` first."""
    missing = []
    for folder in (path, *path.parents):
        if folder == within or os.path.lexists(folder):
            break
        missing.append(folder)
    try:
        for folder in list(reversed(missing)):
            try:
                os.mkdir(folder, DIR_MODE)
            except FileExistsError:  # another run made it meanwhile
                if not os.path.isdir(folder):
                    raise
                missing.remove(folder)
                continue
            os.chmod(folder, DIR_MODE)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create the output folder: {why(exc)}") from None
    return missing


def _check_owner(out: Path, place: Path, kind: str, option: str) -> str | None:
    """The release OUT shows now (its folder's name), or None when OUT is missing or an empty folder;
    refuse an OUT this tool did not make or made for another kind of output."""
    store = store_of(place)
    current = None
    try:
        st = os.lstat(place)
    except (FileNotFoundError, NotADirectoryError):
        st = None
    way_out = f"move it away or give a new or empty folder as {option}"
    if st is not None and stat.S_ISLNK(st.st_mode):
        link = os.readlink(place)
        found = re.fullmatch(re.escape(store.name) + r"/([0-9]+)", link)
        if not found:
            raise OutputRefused(f"{out}: not replaced: it is a symbolic link kopa-graph did not make (to {link}); "
                                f"remove the link, or give the folder it points to as {option}")
        current = found.group(1)
    elif st is not None and stat.S_ISDIR(st.st_mode):
        with os.scandir(place) as entries:
            empty = not any(entries)
        if not empty:
            raise OutputRefused(f"{out}: not replaced: it is not empty and kopa-graph did not make it (kopa-graph "
                                f"replaces only a folder it made, marked by {store / MARKER}); {way_out}")
    elif st is not None:
        raise OutputRefused(f"{out}: not replaced: it is a file, not a folder; {way_out}")
    if os.path.isdir(store) and not os.path.islink(store):
        _check_store(out, store, option)
        marker = _read_marker(store)
        if marker is None and set(os.listdir(store)) - {LOCK, _MARKER_TMP}:  # a store another run is making
            raise OutputRefused(f"{out}: not replaced: {store} is in the way, and kopa-graph did not make it (it has "
                                f"no {MARKER} marker); move it away or give another folder as {option}")
        if marker is not None and marker.get("holds") != kind:
            raise OutputRefused(f"{out}: not replaced: it holds a kopa-graph {marker.get('holds')}, not a {kind}; "
                                f"give another folder as {option}, or remove {out} and {store} first")
    elif os.path.lexists(store):
        raise OutputRefused(f"{out}: not replaced: {store} is in the way, and it is not a folder kopa-graph made; "
                            f"move it away or give another folder as {option}")
    return current


def _check_store(out: Path, store: Path, option: str) -> None:
    """Refuse a releases folder another user owns, or whose own files (marker, lock) are not plain files: a
    link planted there would make a run write through it into a file it did not make."""
    way = f"move {store} away or give another folder as {option}"
    if os.lstat(store).st_uid != os.geteuid():
        raise OutputRefused(f"{out}: not replaced: {store} belongs to another user; {way}")
    for name in (MARKER, LOCK, _MARKER_TMP):
        try:
            mode = os.lstat(store / name).st_mode
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(mode):
            raise OutputRefused(f"{out}: not replaced: {store / name} is not a file kopa-graph made (a link or "
                                f"other special file); {way}")


def _version() -> str:
    from kopa_graph import __version__

    return str(__version__)


def _marker(store: Path, kind: str) -> dict[str, str]:
    return {"tool": "kopa-graph", "holds": kind, "version": _version(), "link": store.name[1:-len(".releases")],
            "about": "kopa-graph made this folder: the link named above points to a release in it. kopa-graph "
                     "replaces a release here only if this file says it holds the same kind of output."}


def _read_marker(store: Path) -> dict[str, str] | None:
    try:
        fd = os.open(store / MARKER, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as fh:
            doc = json.loads(fh.read(65536))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) and doc.get("tool") == "kopa-graph" else None


def _write_marker(out: Path, store: Path, kind: str) -> None:
    tmp = store / _MARKER_TMP
    try:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)  # a killed run's; never written through (a link is refused before)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fd, FILE_MODE)
            fh.write((json.dumps(_marker(store, kind), indent=2, sort_keys=True) + "\n").encode("utf-8"))
            fh.flush()
            os.fsync(fd)
        os.replace(tmp, store / MARKER)
    except OSError as exc:
        raise OutputError(f"{out}: cannot write {store / MARKER}: {why(exc)}") from None


def _lock(out: Path, store: Path) -> int:
    """Lock the store (released when the process ends, however it ends) or say who holds it."""
    try:
        fd = os.open(store / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise OutputRefused(f"{out}: not replaced: {store / LOCK} is not a file kopa-graph made")
    except OSError as exc:
        raise OutputError(f"{out}: cannot lock {store / LOCK}: {why(exc)}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
        os.close(fd)
        raise OutputBusy(f"{out}: another kopa-graph (process {holder}) is writing here; wait for it to finish, "
                         "then run again (two runs never write one output folder at once)") from None
    os.fchmod(fd, FILE_MODE)
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    return fd


def _remove_all_but(out: Path, store: Path, current: str | None) -> None:
    """Remove what earlier runs left in the store: every release but the current one, and whatever a killed
    run was writing."""
    try:
        for entry in os.scandir(store):
            if entry.name in (MARKER, LOCK, current):
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
    except OSError as exc:
        raise OutputError(f"{out}: cannot remove an earlier release from {store}: {why(exc)}") from None


def _flush_tree(folder: Path) -> None:
    """Everything written under ``folder``, files and folders, on disk before the release is shown.

    On Linux one ``syncfs(2)`` of the file system holding it: one journal commit, where an ``fsync`` per
    file made thousands (a site has about 4,000 files: 6.8 s became 11 s). Elsewhere, or if it fails,
    each file and folder is flushed in turn.
    """
    if sys.platform == "linux":
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            if ctypes.CDLL(None, use_errno=True).syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    for here, _, files in os.walk(folder):
        for name in files:
            fd = os.open(Path(here) / name, os.O_RDONLY | os.O_CLOEXEC)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(here))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
