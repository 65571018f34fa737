"""Hostile RDF input is refused with the project's own error: nothing fetched, nothing expanded, no
traceback (issue 9). Each case runs through ``kopa-graph validate``, as a user would meet it."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopa_graph.cli import main

runner = CliRunner()

LAUGHS = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
          '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>'
          '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="x:a">'
          '<rdf:value>&f;</rdf:value></rdf:Description></rdf:RDF>')


@pytest.fixture()
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP listener on loopback that records every connection made to it."""
    seen: list[bytes] = []
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except (TimeoutError, OSError):
                continue
            conn.settimeout(0.5)
            try:
                seen.append(conn.recv(1024))
            except OSError:
                seen.append(b"")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield sock.getsockname()[1], seen
    stop.set()
    thread.join(2)
    sock.close()


def _validate(tmp_path: Path, name: str, data: bytes) -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(data)
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def test_the_laughs_are_refused_in_any_encoding(tmp_path: Path) -> None:
    assert len(LAUGHS) < 700  # a few hundred bytes that would expand to a megabyte (and more, with more levels)
    for name, data in (("utf8.rdf", LAUGHS.encode()),
                       ("utf16.rdf", LAUGHS.replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
                        .encode("utf-16")),
                       ("utf16-bom.rdf", LAUGHS.replace('<?xml version="1.0"?>', "").encode("utf-16")),
                       ("external.rdf", b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "file:///etc/passwd"><r/>')):
        code, err = _validate(tmp_path, name, data)
        assert code == 2 and "DOCTYPE or ENTITY declaration is refused" in err, (name, err)


@pytest.mark.parametrize("where", ["top", "list", "nested", "scoped", "import", "file", "relative-file"])
def test_jsonld_contexts_are_never_fetched_or_read(tmp_path: Path, listener: tuple[int, list[bytes]],
                                                   where: str) -> None:
    port, seen = listener
    remote = f"http://127.0.0.1:{port}/context.jsonld"
    secret = tmp_path / "secret.jsonld"
    secret.write_text(json.dumps({"@context": {"leak": "http://leak/"}}), encoding="utf-8")
    doc = {
        "top": {"@context": remote, "@id": "http://x/a"},
        "list": {"@context": [{"x": "http://x/"}, remote], "@id": "http://x/a"},
        "nested": {"@id": "http://x/a", "http://x/p": {"@context": remote, "@id": "http://x/b"}},
        "scoped": {"@context": {"p": {"@id": "http://x/p", "@context": remote}}, "@id": "http://x/a",
                   "p": {"@id": "http://x/b"}},
        "import": {"@context": {"@import": remote, "x": "http://x/"}, "@id": "http://x/a"},
        "file": {"@context": secret.as_uri(), "@id": "http://x/a"},
        "relative-file": {"@context": "secret.jsonld", "@id": "http://x/a"},
    }[where]
    code, err = _validate(tmp_path, "doc.jsonld", json.dumps(doc).encode())
    assert code == 2 and "never fetches contexts" in err, err
    assert seen == [], "no connection may be made"
    assert "leak" not in err


@pytest.mark.parametrize(("name", "data"), [
    ("deep.jsonld", ('{"@id": "http://x/a", "http://x/b": ' + '{"http://x/b": ' * 20_000 + '"v"' + "}" * 20_001)
     .encode()),
    ("deep-array.jsonld", ('{"@id": "http://x/a", "http://x/b": ' + "[" * 20_000 + '"v"' + "]" * 20_000 + "}")
     .encode()),
])
def test_deep_json_nesting_is_a_clear_error(tmp_path: Path, name: str, data: bytes) -> None:
    code, err = _validate(tmp_path, name, data)
    assert code == 2, err
    assert "nested more deeply than kopa-graph reads" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("name", "data"), [
    ("deep.ttl", ("<x:a> <x:b> " + "[ <x:p> " * 20_000 + "<x:c>" + " ]" * 20_000 + " .").encode()),
    ("deep-list.ttl", ("<x:a> <x:b> " + "(" * 20_000 + ")" * 20_000 + " .").encode()),
])
def test_deep_turtle_nesting_is_read(tmp_path: Path, name: str, data: bytes) -> None:
    """Turtle is read by pyoxigraph's parser, which does not recurse: 20 000 levels are just data."""
    code, err = _validate(tmp_path, name, data)
    assert code == 0, err


def test_very_long_iris_and_literals_are_read(tmp_path: Path) -> None:
    """Long is not hostile: a 1 MB IRI and a 10 MB literal are read and validated. (rdflib's N-Triples
    reader is quadratic in a line's length: this took seven minutes before N-Triples went to pyoxigraph.)"""
    data = f'<http://x/{"a" * 1_000_000}> <http://x/p> "{"b" * 10_000_000}" .\n'.encode()
    code, err = _validate(tmp_path, "long.nt", data)
    assert code == 0, err[:300]
