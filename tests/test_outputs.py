"""Outputs replace earlier ones only together, and only once all are written."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

import pytest

from kopa_graph.errors import OutputError
from kopa_graph.rdfio.staging import Staging, write_files


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_files_from_bytes_and_from_pieces(tmp_path: Path) -> None:
    written = write_files(tmp_path, {"a.ttl": b"whole", "sub/b.nt": iter([b"in ", b"pieces"])})
    assert _listing(tmp_path) == {"a.ttl": b"whole", "sub/b.nt": b"in pieces"}
    assert written == {"a.ttl": tmp_path / "a.ttl", "sub/b.nt": tmp_path / "sub/b.nt"}
    assert oct((tmp_path / "a.ttl").stat().st_mode & 0o777) == "0o644"


def test_a_failure_while_staging_leaves_earlier_outputs_and_no_temporary_file(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.ttl": b"old a", "b.nt": b"old b"})

    def pieces() -> Iterator[bytes]:
        yield b"half of the new file"
        raise RuntimeError("a serializer failed on an odd literal")

    with pytest.raises(RuntimeError, match="odd literal"), Staging(tmp_path) as staging:
        staging.put("a.ttl", b"new a")
        staging.put("b.nt", pieces())
    assert _listing(tmp_path) == {"a.ttl": b"old a", "b.nt": b"old b"}


def test_leaving_without_commit_writes_nothing(tmp_path: Path) -> None:
    with Staging(tmp_path) as staging:
        temp = staging.put("a.ttl", b"new")
        assert temp.parent == tmp_path and temp.name.startswith(".a.ttl.") and temp.read_bytes() == b"new"
    assert _listing(tmp_path) == {}


def test_a_write_error_names_the_file_and_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(tmp_path, {"a.ttl": b"old"})

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("kopa_graph.rdfio.staging.os.fsync", full_disk)
    with pytest.raises(OutputError, match=r"a\.ttl: cannot write the output: the disk is full"):
        write_files(tmp_path, {"a.ttl": b"new"})
    assert _listing(tmp_path) == {"a.ttl": b"old"}


def test_a_rename_failing_part_way_says_which_outputs_were_replaced(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import os as real_os

    write_files(tmp_path, {"a.ttl": b"old a", "b.nt": b"old b"})
    calls = []

    def second_fails(src: str, dst: object) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(errno.EIO, "Input/output error")
        real_os.rename(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr("kopa_graph.rdfio.staging.os.replace", second_fails)
    with pytest.raises(OutputError, match=r"1 of 2 outputs \(a\.ttl\) were already replaced: run the build again"):
        write_files(tmp_path, {"a.ttl": b"new a", "b.nt": b"new b"})
