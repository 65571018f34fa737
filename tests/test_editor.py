"""Issue 17 §1: the query editor of ``kopa-graph serve`` (``/sparql`` in a browser) is YASGUI, vendored at a
pinned version with its licence and served from the package. In a real headless Chromium: the editor opens
with a tab per query helper and the project's prefixes, a typed query runs and its rows show in the table, no
error reaches the console, and the page requests nothing from any host but the server."""

from __future__ import annotations

import hashlib
import json
import os
import re
import urllib.parse
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest

from browser import Browser
from conftest import SMALL
from kopa_graph import Settings, build_graph, load_source_data
from kopa_graph.query.helpers import helpers
from test_server import _serving

pytestmark = pytest.mark.slow
VENDORED = files("kopa_graph.publish") / "static" / "yasgui"


def test_yasgui_is_vendored_as_its_readme_says() -> None:
    """The README of the vendored copy gives the version, the source and each file's sha256; they hold."""
    readme = (VENDORED / "README.md").read_text(encoding="utf-8")
    assert "`@zazuko/yasgui` **4.6.2**" in readme
    sums = dict((name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.M))
    assert set(sums) == {"yasgui.min.js", "yasgui.min.css"}
    for name, digest in sums.items():
        assert hashlib.sha256((VENDORED / name).read_bytes()).hexdigest() == digest, name
    licence = (VENDORED / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("The MIT License (MIT)") and "Permission is hereby granted" in licence
    assert not any(p.name.endswith(".map") for p in Path(str(VENDORED)).iterdir())


def test_the_wheel_carries_the_editor() -> None:
    """The package data the editor page loads is in the built wheel (hatch takes every file of the package)."""
    hatch = pytest.importorskip("hatchling.builders.wheel")
    root = Path(__file__).resolve().parents[1]
    builder = hatch.WheelBuilder(str(root))
    names = {f.distribution_path for f in builder.recurse_included_files()}
    for name in ("yasgui.min.js", "yasgui.min.css", "LICENSE", "README.md"):
        assert f"kopa_graph/publish/static/yasgui/{name}" in names
    assert "kopa_graph/publish/static/kopa-editor.js" in names


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from kopa_graph.pipeline import validate_source
    from kopa_graph.publish.site.build import build_site

    www = tmp_path_factory.mktemp("editor-site") / "www"
    build_site(validate_source(SMALL, Settings()), www)
    graph = build_graph(load_source_data(SMALL), Settings()).graph
    yield from _serving(graph, www, workers=1, timeout=5.0, max_rows=100)


QUERY = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nPREFIX kopa: <https://w3id.org/kopa/ontology#>\n"
         "SELECT ?pilot ?name WHERE { ?pilot a kopa:Pilot ; skos:prefLabel ?name FILTER (lang(?name) = \"sv\") } "
         "ORDER BY ?name")


def test_the_editor_runs_a_typed_query_and_shows_its_rows(server: str, tmp_path: Path) -> None:
    with Browser(tmp_path / "profile") as browser:
        page = browser.open("about:blank")
        for domain in ("Network", "Log"):
            browser.send(f"{domain}.enable", session=page.session)
        page.goto(server + "/sparql")
        page.wait_for("!!(window.kopaYasgui && document.querySelector('.CodeMirror'))")
        tabs = page.eval("Array.from(document.querySelectorAll('.tabPanel, [role=tab]')).map(e => e.textContent)")
        for name in helpers():
            assert any(name in t for t in tabs), (name, tabs)
        first = page.eval("window.kopaYasgui.getTab().getYasqe().getValue()")
        assert "PREFIX kopa: <https://w3id.org/kopa/ontology#>" in first
        assert "PREFIX kopaid: <https://w3id.org/kopa/id/>" in first
        # put the query in as a reader would: focus the editor, select all, type
        page.eval("(() => { const y = window.kopaYasgui.getTab().getYasqe(); y.focus(); "
                  "y.execCommand('selectAll'); })()")
        page.type(QUERY)
        assert page.eval("window.kopaYasgui.getTab().getYasqe().getValue()") == QUERY
        page.eval("window.kopaYasgui.getTab().getYasqe().query().then(() => true, () => true)")
        rows = page.wait_for("(() => { const r = document.querySelectorAll('.yasr table tbody tr');"
                             " return r.length >= 2 ? Array.from(r).map(t => t.textContent) : null })()")
        assert len(rows) == 2 and "Alfa" in rows[0] and "Beta" in rows[1]
        events = [e for e in browser.events if e.get("sessionId") == page.session]
        if os.environ.get("KOPA_ARTEFACTS"):  # the editor with its answer, wide and on a phone
            artefacts = Path(os.environ["KOPA_ARTEFACTS"])
            artefacts.mkdir(parents=True, exist_ok=True)
            page.screenshot(artefacts / "editor-1280.png", full_page=False)
            browser.send("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1,
                                                                "mobile": False}, session=page.session)
            page.screenshot(artefacts / "editor-390.png")
        browser.send("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1,
                                                            "mobile": False}, session=page.session)
        assert page.wait_for("document.documentElement.scrollWidth <= innerWidth", timeout=5)  # no sideways scroll
    host = urllib.parse.urlsplit(server).netloc
    requested = {urllib.parse.urlsplit(e["params"]["request"]["url"]) for e in events
                 if e.get("method") == "Network.requestWillBeSent"}
    assert {u.netloc for u in requested if u.scheme in ("http", "https")} == {host}, requested
    assert {u.scheme for u in requested} <= {"http", "data"}
    assert any(u.path == "/sparql" for u in requested)
    # Chromium asks every host for /favicon.ico by itself (the site has no icon): not the page's request
    errors = [e["params"] for e in events if (e.get("method") == "Runtime.exceptionThrown")
              or (e.get("method") == "Runtime.consoleAPICalled" and e["params"].get("type") == "error")
              or (e.get("method") == "Log.entryAdded" and e["params"]["entry"].get("level") == "error"
                  and not e["params"]["entry"].get("url", "").endswith("/favicon.ico"))]
    assert errors == [], json.dumps(errors)[:2000]


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize("path", ["/sparql", "/queries", "/queries/contacts-of-pilot?pilot=Alfa",
                                  "/queries/pilots-by-theme", "/no/such/page"])
def test_serves_own_pages_pass_axe_and_fit_a_phone(server: str, tmp_path: Path, path: str) -> None:
    """The pages ``serve`` writes itself (the editor, the helpers' list and pages, the 404 page), as a browser
    gets them: axe-core finds no violation, and at 390 px nothing scrolls sideways."""
    with Browser(tmp_path / "profile") as browser:
        for width in (1280, 390):
            page = browser.open(server + path, width=width, bypass_csp=True)
            if path == "/sparql":
                page.wait_for("!!(window.kopaYasgui && document.querySelector('.CodeMirror'))")
            page.eval(AXE.read_text(encoding="utf-8") + ";true")
            assert _axe(page) == [], (path, width)
            if path == "/sparql":  # and with an answer in the table
                page.eval("window.kopaYasgui.getTab().getYasqe().setValue(" + json.dumps(QUERY) + ")")
                page.eval("window.kopaYasgui.getTab().getYasqe().query().then(() => true, () => true)")
                page.wait_for("document.querySelectorAll('.yasr table tbody tr').length >= 2")
                assert _axe(page) == [], (path, width, "with results")
            assert page.eval("document.documentElement.scrollWidth <= innerWidth"), (path, width)


def _axe(page) -> list[object]:  # type: ignore[no-untyped-def]
    """axe-core's violations in the page as it is now: rule, impact, help and the first three elements."""
    return page.eval("axe.run().then(r => r.violations.map(v => [v.id, v.impact, v.help, "  # type: ignore[no-any-return]
                     "v.nodes.slice(0, 3).map(n => n.target.join(' '))]))")
