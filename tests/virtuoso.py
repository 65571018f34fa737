"""A throw-away OpenLink Virtuoso 7 (Debian's ``virtuoso-opensource``) on loopback, for the live tests.

Every file Virtuoso writes goes into one folder: the database and the temporary database each have their own
database, log, lock, transaction and ``xa_persistent_file`` (two sections sharing one ``.trx`` make
``virtuoso-t`` exit with "is already open"). The SQL and HTTP ports are bound to 127.0.0.1 only.

CI starts one before the tests and exports ``KOPA_VIRTUOSO_URL`` (``python tests/virtuoso.py start FOLDER``
prints ``URL PID``); without that variable the ``virtuoso`` fixture starts its own, or skips where
``virtuoso-t`` is not installed (fails in CI, which sets ``KOPA_REQUIRE_PEERS``).
"""

from __future__ import annotations

import configparser
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
#: The default administrator of a fresh Virtuoso database (a throw-away one; never use it elsewhere).
USER, PASSWORD = "dba", "dba"


@dataclass(frozen=True)
class Virtuoso:
    url: str  # http://127.0.0.1:PORT (the HTTP server: /sparql, /sparql-graph-crud-auth)
    pid: int
    folder: Path  # its files, and the folder bulk loads may read (DirsAllowed)

    @property
    def sparql(self) -> str:
        return f"{self.url}/sparql"

    @property
    def graph_store(self) -> str:
        """The Graph Store endpoint with HTTP Digest authentication (``dba``/``dba``)."""
        return f"{self.url}/sparql-graph-crud-auth"


def binary() -> str | None:
    return shutil.which("virtuoso-t")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_ini(folder: Path, sql_port: int, http_port: int) -> Path:
    """``virtuoso.ini`` for a server whose every file is in ``folder`` (the Debian sample, paths changed)."""
    ini = configparser.RawConfigParser(strict=False, interpolation=None, inline_comment_prefixes=(";",))
    ini.optionxform = str  # type: ignore[assignment,method-assign]  # Virtuoso's keys are case-sensitive
    ini.read(SAMPLE_INI, encoding="utf-8")
    for section, stem in (("Database", "virtuoso"), ("TempDatabase", "virtuoso-temp")):
        for key, suffix in (("DatabaseFile", "db"), ("ErrorLogFile", "log"), ("LockFile", "lck"),
                            ("TransactionFile", "trx"), ("xa_persistent_file", "pxa")):
            ini.set(section, key, str(folder / f"{stem}.{suffix}"))
    ini.set("Parameters", "ServerPort", f"127.0.0.1:{sql_port}")
    ini.set("Parameters", "DirsAllowed", f"., {folder}, /tmp, /usr/share/virtuoso-opensource-7/vad")
    ini.set("Parameters", "NumberOfBuffers", "170000")  # 1.3 GiB of pages at most: room for a 1M-triple load
    ini.set("Parameters", "MaxDirtyBuffers", "130000")
    ini.set("HTTPServer", "ServerPort", f"127.0.0.1:{http_port}")
    ini.set("SPARQL", "ResultSetMaxRows", "1000000")
    if ini.has_section("Plugins"):  # the sample loads plug-ins this test server has no use for
        ini.remove_section("Plugins")
    path = folder / "virtuoso.ini"
    with path.open("w", encoding="utf-8") as out:
        ini.write(out)
    return path


def start(folder: Path, timeout: float = 90.0) -> Virtuoso:
    """Start ``virtuoso-t`` in the foreground of its own process group, and wait until ``/sparql`` answers."""
    import httpx

    exe = binary()
    if exe is None:
        raise RuntimeError("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
    folder.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    ini = write_ini(folder, free_port(), http_port)
    log = (folder / "stdout.log").open("wb")
    proc = subprocess.Popen([exe, "-f", "-c", str(ini)], cwd=folder, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{http_port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited with {proc.returncode}; see {folder / 'virtuoso.log'}")
        try:
            if httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return Virtuoso(url, proc.pid, folder)
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    stop(proc.pid)
    raise RuntimeError(f"virtuoso-t did not answer {url}/sparql within {timeout:.0f} s; see {folder}")


def stop(pid: int, timeout: float = 30.0) -> None:
    """End the server (its process group) and wait for it."""
    import os

    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # not our child (CI started it): poll for it
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            done = 0
        if done:
            return
        time.sleep(0.2)
    os.killpg(pid, signal.SIGKILL)


if __name__ == "__main__":  # python tests/virtuoso.py start FOLDER  |  stop PID
    if sys.argv[1:2] == ["start"] and len(sys.argv) == 3:
        server = start(Path(sys.argv[2]).resolve())
        print(server.url, server.pid)
    elif sys.argv[1:2] == ["stop"] and len(sys.argv) == 3:
        stop(int(sys.argv[2]))
    else:
        sys.exit("usage: python tests/virtuoso.py start FOLDER | stop PID")
