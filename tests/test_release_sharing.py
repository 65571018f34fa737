"""Issue 18 §4: a release shares the files the release before holds byte for byte (hard links), so that a
run on unchanged data creates no files. Creating files is what made ``site`` slow on ext4 right after
another run's files were removed (the inode allocator looks past every recently freed inode: 98,000 files
took 51-66 s of kernel time against 2.5 s for 50,000 on a fresh file system, measured in BENCHMARKS.md).

What must hold: the release is the same bytes as one written afresh; nothing is ever linked that is not a
plain file of this tool, owned by this user, holding exactly the bytes to be written; and a failed run
leaves the release before exactly as it was.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SMALL
from kopa_graph.cli import main
from kopa_graph.errors import OutputError
from kopa_graph.rdfio.release import SITE, new_release

runner = CliRunner()


def _inodes(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_nlink)
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def _bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _release(out: Path, files: dict[str, bytes]) -> Path:
    with new_release(out, SITE) as release:
        for name, data in files.items():
            release.put(name, data)
        release.switch()
    return release.folder


def test_a_site_made_again_from_the_same_data_shares_every_file(tmp_path: Path) -> None:
    out = tmp_path / "www"
    for _ in range(2):
        assert runner.invoke(main, ["-q", "site", str(out), "--data", str(SMALL)]).exit_code == 0
    store = tmp_path / ".www.releases"
    first, second = _inodes(store / "1"), _inodes(store / "2")
    assert first.keys() == second.keys() and len(second) > 100
    assert all(second[name] == (first[name][0], 2) for name in second), "a file was written again"
    fresh = tmp_path / "fresh"
    assert runner.invoke(main, ["-q", "site", str(fresh), "--data", str(SMALL)]).exit_code == 0
    assert _bytes(out.resolve()) == _bytes(fresh.resolve())
    assert runner.invoke(main, ["-q", "site", str(out), "--data", str(SMALL)]).exit_code == 0  # removes release 1
    assert sorted(os.listdir(store)) == [".kopa-graph", ".lock", "2", "3"]
    assert _bytes(out.resolve()) == _bytes(fresh.resolve())


def test_only_a_plain_own_file_with_the_same_bytes_is_shared(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = {"same.txt": b"kept\n", "changed.txt": b"old\n", "tampered.txt": b"abcd\n", "linked.txt": b"mine\n",
             "mode.txt": b"mode\n", "dir/deep.txt": b"deep\n"}
    old = _release(out, files)
    (old / "tampered.txt").write_bytes(b"abce\n")  # the same size, other bytes
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"mine\n")
    outside.chmod(0o644)
    (old / "linked.txt").unlink()
    (old / "linked.txt").symlink_to(outside)  # a symbolic link is never followed, even to the right bytes
    (old / "mode.txt").chmod(0o600)
    new = _release(out, {**files, "changed.txt": b"new\n"})
    shared = {name for name in files if (new / name).stat().st_ino == (old / name).stat(follow_symlinks=False).st_ino}
    assert shared == {"same.txt", "dir/deep.txt"}
    assert _bytes(new) == {**files, "changed.txt": b"new\n"}
    assert not (new / "linked.txt").is_symlink() and outside.stat().st_nlink == 1
    assert (old / "tampered.txt").read_bytes() == b"abce\n", "the release before is never written"


def test_a_failed_run_leaves_the_release_before_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = {f"f{i}.txt": f"{i}\n".encode() for i in range(20)}
    old = _release(out, files)
    before = _inodes(old)
    with pytest.raises(OutputError), new_release(out, SITE) as release:
        for name, data in files.items():
            release.put(name, data)
        release.put("f0.txt", b"again")  # a name put twice: the run fails
    assert _inodes(old) == before, "a link the failed run made is still there"
    assert os.readlink(out) == ".out.releases/1" and _bytes(out.resolve()) == files


def test_nothing_reached_through_a_link_or_linked_elsewhere_is_shared(tmp_path: Path) -> None:
    """Found by an attack on the first version: a folder of the release before replaced by a symbolic link
    to a copy elsewhere had that copy's files linked into the new release (an edit there then changed the
    site); a file that is a hard link to one elsewhere was taken too."""
    out = tmp_path / "out"
    files = {"doc/a.txt": b"a\n", "doc/b.txt": b"b\n", "c.txt": b"c\n"}
    old = _release(out, files)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(old / "doc", elsewhere)
    shutil.rmtree(old / "doc")
    (old / "doc").symlink_to(elsewhere)
    other = tmp_path / "other-c.txt"
    (old / "c.txt").rename(other)
    os.link(other, old / "c.txt")  # the same bytes, linked to a file outside the release
    new = _release(out, files)
    assert _bytes(new) == files
    outside = {(p.stat().st_ino) for p in [*elsewhere.iterdir(), other]}
    assert not outside & {p.stat().st_ino for p in new.rglob("*") if p.is_file()}, "a file outside was linked in"


def test_a_fifo_in_place_of_a_file_is_never_opened(tmp_path: Path) -> None:
    import signal

    out = tmp_path / "out"
    old = _release(out, {"a.txt": b"a\n"})
    (old / "a.txt").unlink()
    os.mkfifo(old / "a.txt", 0o644)

    class Stuck(Exception):  # not an OSError, which the code under test may catch
        pass

    def stuck(*_: object) -> None:
        raise Stuck("the run waited on the FIFO")

    before = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(20)
    try:
        new = _release(out, {"a.txt": b"a\n"})
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)
    assert (new / "a.txt").read_bytes() == b"a\n"


def test_a_proc_that_is_not_the_kernels_never_links_another_file(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Where /proc is a plain folder (a chroot), /proc/self/fd/N could name any file: the link made is
    checked to be the file checked, and removed if it is not."""
    from kopa_graph.rdfio import sharing

    out = tmp_path / "out"
    old = _release(out, {"a.txt": b"a\n"})
    evil = tmp_path / "evil"
    evil.write_bytes(b"EVIL\n")
    fake = tmp_path / "proc"
    (fake / "self" / "fd").mkdir(parents=True)
    for n in range(256):
        (fake / "self" / "fd" / str(n)).symlink_to(evil)
    fd = os.open(fake, os.O_RDONLY | os.O_DIRECTORY)
    monkeypatch.setattr(sharing, "_proc", lambda: fd)
    try:
        new = _release(out, {"a.txt": b"a\n"})
    finally:
        os.close(fd)
    assert (new / "a.txt").read_bytes() == b"a\n" and evil.stat().st_nlink == 1
    assert (new / "a.txt").stat().st_ino != (old / "a.txt").stat().st_ino
