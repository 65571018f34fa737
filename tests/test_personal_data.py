"""The publication profile without personal data (``--no-personal-data``).

Contact people are named in the public article; a publisher must still be
able to publish without them. Under the profile, no name of a contact person
from the source may appear in any output of build, site, serve or publish,
while the posts (titles, organisations, pilots) stay.
"""

from __future__ import annotations

import contextlib
import io
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, RDF

from conftest import graph_store
from kopa_graph.cli import main
from kopa_graph.graph.build import build_graph
from kopa_graph.rdfio.namespaces import ORG, SCHEMA, SKOS
from kopa_graph.resources import default_data_dir
from kopa_graph.settings import Settings
from kopa_graph.source.load import load_source_data

runner = CliRunner()
PROFILE = Settings(personal_data=False)


def _names() -> list[str]:
    """Every contact person's name in the shipped source data, and each family name on its own."""
    data = load_source_data(default_data_dir())
    full = {c.name for p in data.pilots for c in p.contacts}
    assert len(full) >= 10, "the shipped data names its contact people"
    return sorted(full | {n.split()[-1] for n in full})


NAMES = _names()


def _texts(folder: Path) -> Iterator[tuple[str, str]]:
    """(path, text) of every file under ``folder``, the members of zip files included."""
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for member in z.namelist():
                    yield f"{path}!{member}", z.read(member).decode("utf-8", "replace")
        else:
            yield str(path), data.decode("utf-8", "replace")


def _found(texts: Iterator[tuple[str, str]]) -> list[str]:
    return [f"{name!r} in {where}" for where, text in texts for name in NAMES if name in text]


def test_the_check_finds_names_when_they_are_published(tmp_path: Path) -> None:
    """The search below has teeth: without the profile, the outputs do name the contact people."""
    result = runner.invoke(main, ["build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    found = _found(_texts(tmp_path))
    assert len({f.split(" in ")[0] for f in found}) == len(NAMES)


def test_build_leaves_out_people_and_keeps_posts(tmp_path: Path) -> None:
    full = build_graph(load_source_data(default_data_dir()), Settings()).graph
    result = runner.invoke(main, ["build", "--no-personal-data", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert _found(_texts(tmp_path)) == []
    g = Graph().parse(tmp_path / "kopa.ttl")
    assert not set(g.subjects(RDF.type, FOAF.Person)) and not set(g.triples((None, ORG.heldBy, None)))
    assert not [t for t in g if any("/id/person/" in str(x) for x in t)]
    posts = set(g.subjects(RDF.type, ORG.Post))
    assert posts == set(full.subjects(RDF.type, ORG.Post)) and len(posts) == 15
    for post in posts:  # the post, its title, its organisation and its pilot stay as they were
        for p in (SKOS.prefLabel, ORG.postIn, SCHEMA.position):
            assert set(g.objects(post, p)) == set(full.objects(post, p)) != set()
        assert set(g.subjects(SCHEMA.contactPoint, post)) == set(full.subjects(SCHEMA.contactPoint, post))
    assert len(full) - len(g) == 14 * 3 + 15  # three triples per person, one org:heldBy per post
    assert "/id/person/" not in " ".join(str(p) for p in posts), "a post's IRI never names who holds it"


def test_site_names_nobody_and_marks_the_names_in_the_article(tmp_path: Path) -> None:
    www = tmp_path / "www"
    result = runner.invoke(main, ["-q", "site", str(www), "--no-personal-data"])
    assert result.exit_code == 0, result.output
    assert _found(_texts(www)) == []
    article = (www / "source" / "kopa-pilotforsok-sv.txt").read_text(encoding="utf-8")
    shipped = (default_data_dir() / "sources" / "kopa-pilotforsok-sv.txt").read_text(encoding="utf-8")
    assert len(article.splitlines()) == len(shipped.splitlines()), "the lines the sources cite stay in place"
    assert article.count("[…]") >= 14
    assert "Kontaktperson: […], bildningsdirektör, Alajärvi stad" in article.splitlines()
    assert not (www / "doc" / "person").exists()
    void = (www / "void.ttl").read_text(encoding="utf-8")
    assert "published without personal data" in void


def test_serve_names_nobody(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command passes the profile on; the server then holds, answers and shows no names."""
    import kopa_graph.publish.server.app as server_module
    from kopa_graph.pipeline import build_and_validate

    seen: dict[str, Settings] = {}
    monkeypatch.setattr(server_module, "serve", lambda validated, host, port, **kw: seen.update(s=validated.settings))
    assert runner.invoke(main, ["serve", "--no-personal-data"]).exit_code == 0
    assert seen["s"].personal_data is False

    graph = build_and_validate(None, PROFILE)[0].graph
    www = tmp_path / "www"
    assert runner.invoke(main, ["-q", "site", str(www), "--no-personal-data"]).exit_code == 0
    with _serving(graph, www) as base:
        query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        dump = _get(f"{base}/sparql?query={urllib.parse.quote(query)}", "application/n-triples")
        assert len(dump.splitlines()) == len(graph)
        contacts = _get(f"{base}/queries/contacts-of-pilot?pilot=jarviseutu",
                        "application/sparql-results+json")
        rows = json.loads(contacts)["results"]["bindings"]
        assert rows and all("name" not in row for row in rows)
        pages = [_get(f"{base}/doc/pilot/{p}", "text/html") for p in ("jarviseutu", "ostnyland")]
        assert _found(iter([("served", dump), ("served", contacts), *(("page", p) for p in pages)])) == []
        with pytest.raises(urllib.error.HTTPError) as gone:
            _get(f"{base}/doc/person/p001", "text/html")
        assert gone.value.code == 404


@contextlib.contextmanager
def _serving(graph: Graph, www: Path) -> Iterator[str]:
    import socket
    import time

    import uvicorn

    from kopa_graph.publish.server.app import create_app

    app = create_app(graph, PROFILE, workers=1, timeout=5.0, site_dir=www)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        app.state.kopa.pool.close()


def _get(url: str, accept: str) -> str:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=30) as r:
            body: bytes = r.read()
    except urllib.error.HTTPError as exc:
        exc.msg = f"{exc.msg}: {exc.read()[:300]!r}"
        raise
    return body.decode("utf-8")


def test_publish_sends_no_names() -> None:
    with graph_store() as store:
        result = runner.invoke(main, ["publish", "--no-personal-data", "--endpoint", store.url])
        assert result.exit_code == 0, result.output
    held = store.held
    assert len(held) == 2, "the graph and its description"
    assert _found((path, body.decode("utf-8")) for path, body in held.items()) == []
    data = next(body for path, body in held.items() if not path.endswith("description"))
    assert b"/id/pilot/jarviseutu/contact/1>" in data and b"/id/person/" not in data


def _withhold_first_contact(data: Path) -> str:
    path = data / "pilots.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.strip().startswith("- {person: p001,"))
    path.write_text(text.replace(line, line[:-1] + ", withhold: true}"), encoding="utf-8")
    return line.split("name: ", 1)[1].split(",", 1)[0]


def test_a_withheld_person_leaves_every_output_and_ingest_keeps_the_flag(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data)
    name = _withhold_first_contact(data)
    out, www = tmp_path / "out", tmp_path / "www"
    assert runner.invoke(main, ["build", "--data", str(data), "--out", str(out)]).exit_code == 0
    assert runner.invoke(main, ["-q", "site", str(www), "--data", str(data)]).exit_code == 0
    for where, text in (*_texts(out), *_texts(www)):
        assert name not in text, where
    others = [n for n in NAMES if n not in name]
    assert all(n in (out / "kopa.ttl").read_text(encoding="utf-8") for n in others), "only that person goes"
    g = Graph().parse(out / "kopa.ttl")
    post = URIRef("https://w3id.org/kopa/id/pilot/jarviseutu/contact/1")
    assert set(g.objects(post, ORG.postIn)) and not set(g.objects(post, ORG.heldBy))
    article = (data / "sources" / "kopa-pilotforsok-sv.txt").as_posix()
    check = runner.invoke(main, ["ingest", article, "--check", "--data", str(data)])
    assert check.exit_code == 0 and "The data agrees with the article." in check.output
    again = tmp_path / "again"
    assert runner.invoke(main, ["ingest", article, "--data", str(data), "--out", str(again)]).exit_code == 0
    assert (again / "pilots.yaml").read_text(encoding="utf-8").count(", withhold: true}") == 1


def test_withhold_must_be_true_or_false(small_copy: Path) -> None:
    path = small_copy / "pilots.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.strip().startswith("- {person: p001,"))
    path.write_text(text.replace(line, line[:-1] + ", withhold: yes please}"), encoding="utf-8")
    result = runner.invoke(main, ["build", "--data", str(small_copy), "--out", str(small_copy.parent / "out")])
    assert result.exit_code == 2
    assert "contacts[].withhold: expected true or false, found str 'yes please'" in result.stderr
    assert "write 'withhold: true' or leave the field out" in result.stderr
