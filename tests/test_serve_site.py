"""Issue 17 §1: ``kopa-graph serve`` is a complete front end. It says where it listens, answers ``/`` with the
index in the reader's language, serves the whole static site as nginx and Apache do (style sheets, ontology
and shapes with their hash IRIs, VoID, downloads, article, sitemap) so that no link of any page is dead,
redirects ``/id/X`` with ``Link: rel="describedby"``, answers a browser's 404 with the site's page, and has a
page for each query helper (a form, a table, the machine formats)."""

from __future__ import annotations

import html.parser
import json
import re
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph

from conftest import SMALL
from kopa_graph import Settings, build_graph, load_source_data
from kopa_graph.publish import conneg
from test_server import _serving

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kopa_graph.pipeline import validate_source
    from kopa_graph.publish.site.build import build_site

    www = tmp_path_factory.mktemp("served-site") / "www"
    build_site(validate_source(SMALL, Settings()), www, front_end=True)  # as serve builds it
    return www


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    graph = build_graph(load_source_data(SMALL), Settings()).graph
    yield from _serving(graph, site, workers=2, timeout=5.0, max_rows=500)


HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}  # as a browser asks


def test_serve_prints_where_it_listens_once_bound_and_slash_is_the_index(tmp_path: Path) -> None:
    """``serve --port 0`` prints the port it got, after the socket is bound: the address answers at once."""
    proc = subprocess.Popen([sys.executable, "-m", "kopa_graph.cli", "serve", "--port", "0", "--data", str(SMALL),
                             "--workers", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        m = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/ \(SPARQL at /sparql\)\n", line)
        assert m, (line, proc.stderr.read() if proc.poll() is not None else "")  # type: ignore[union-attr]
        assert int(m.group(1)) != 0
        r = httpx.get(line.split()[0], headers=HTML)
        assert r.status_code == 200 and '<html lang="sv">' in r.text and 'id="pilots"' in r.text
        # the index a reader lands on leads to the query editor and the helpers' pages
        assert '<a href="/sparql">' in r.text and '<a href="/queries">' in r.text
    finally:
        proc.terminate()
        proc.wait(20)


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.links.append(value)


def test_every_link_of_every_page_resolves_under_serve(server: str) -> None:
    """A crawl from ``/`` in each language, the query editor and the helpers' pages: every href and src of
    every page reached, followed under serve, is found (before issue 17, the style sheet, the index, the
    ontology and shapes pages, VoID, the downloads and the article were 404)."""
    seen: set[str] = set()
    todo = ["/", "/index.fi.html", "/index.en.html", "/sparql", "/queries"]
    dead: list[tuple[str, str, int]] = []
    with httpx.Client(base_url=server, headers=HTML) as client:
        while todo:
            path = todo.pop()
            if path in seen:
                continue
            seen.add(path)
            r = client.get(path, follow_redirects=True)
            if r.status_code != 200:
                dead.append((path, "", r.status_code))
                continue
            if not r.headers["content-type"].startswith("text/html"):
                continue
            parser = _Links()
            parser.feed(r.text)
            for link in parser.links:
                target = urllib.parse.urlsplit(urllib.parse.urljoin(server + path, link))
                if f"{target.scheme}://{target.netloc}" != server:
                    continue
                todo.append(target.path + (f"?{target.query}" if target.query else ""))
    assert dead == []
    assert len(seen) > 700  # the small fixture's site has 751 pages
    assert {"/style.css", "/void.ttl", "/download/kopa.ttl", "/sitemap.xml", "/ontology/index.html",
            "/shapes/index.html", "/source/article.html", "/static/yasgui/yasgui.min.js",
            "/queries/pilots-of-municipality"} <= seen


@pytest.mark.parametrize(("language", "lang"), [(None, "sv"), ("fi", "fi"), ("en-GB,en;q=0.9", "en"),
                                                ("de, fi;q=0.8, en;q=0.7", "fi"), ("fi;q=0, en", "en"),
                                                ("sv-FI", "sv"), ("de", "sv")])
def test_accept_language_picks_the_index_and_the_redirect(server: str, language: str | None, lang: str) -> None:
    headers = {**HTML, **({"Accept-Language": language} if language else {})}
    r = httpx.get(server + "/", headers=headers)
    assert r.status_code == 200 and f'<html lang="{lang}">' in r.text
    assert "Accept-Language" in r.headers["vary"]
    r = httpx.get(server + "/id/pilot/alfa", headers=headers)
    assert r.status_code == 303
    assert r.headers["location"] == "/doc/pilot/alfa" + ("" if lang == "sv" else f".{lang}.html")
    assert {"Accept", "Accept-Language"} <= {v.strip() for v in r.headers["vary"].split(",")}
    assert r.headers["link"] == '</doc/pilot/alfa>; rel="describedby"'
    page = httpx.get(server + r.headers["location"], headers=headers)
    assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
    # the page's language switch leads to the same page in the other languages, under serve
    for code in conneg.LANGUAGES:
        switch = re.search(rf'<a href="([^"]+)" lang="{code}" hreflang="{code}"', page.text)
        assert switch is not None
        other = httpx.get(urllib.parse.urljoin(str(page.url), switch.group(1)), headers=HTML)
        assert other.status_code == 200 and f'<html lang="{code}">' in other.text


def test_a_machine_client_is_redirected_to_the_negotiated_document(server: str) -> None:
    r = httpx.get(server + "/id/pilot/alfa", headers={"Accept": "text/turtle", "Accept-Language": "fi"})
    assert r.status_code == 303 and r.headers["location"] == "/doc/pilot/alfa"
    r = httpx.get(server + "/id/pilot/alfa", headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert r.headers["content-type"].startswith("text/turtle") and len(Graph().parse(data=r.text)) > 5


@pytest.mark.parametrize(("path", "accept", "media"), [
    ("/style.css", None, "text/css"), ("/void.ttl", None, "text/turtle"), ("/void.jsonld", None, "application/ld+json"),
    ("/void.nt", None, "application/n-triples"), ("/.well-known/void", None, "text/turtle"),
    ("/download/kopa.ttl", None, "text/turtle"), ("/download/kopa-csv.zip", None, "application/zip"),
    ("/sitemap.xml", None, "application/xml"), ("/ontology", "text/turtle", "text/turtle"),
    ("/ontology", "text/html", "text/html"), ("/shapes", "text/turtle", "text/turtle"),
    ("/shapes", None, "text/html"), ("/ontology/", None, "text/html"), ("/source/article.fi.html", None, "text/html"),
    ("/source/kopa-pilotforsok-sv.txt", None, "text/plain")])
def test_the_whole_site_is_served(server: str, site: Path, path: str, accept: str | None, media: str) -> None:
    r = httpx.get(server + path, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media
    if path in ("/ontology", "/shapes"):
        assert "Accept" in r.headers["vary"]
    if path == "/.well-known/void":
        assert r.content == (site / ".well-known" / "void").read_bytes()
        assert len(Graph().parse(data=r.text, format="turtle")) > 10


def test_the_ontologys_hash_iris_dereference_under_serve(server: str) -> None:
    r = httpx.get(server + "/ontology", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=r.text, format="turtle")
    assert any(str(s) == "https://w3id.org/kopa/ontology#Pilot" for s in g.subjects())
    assert httpx.get(server + "/ontology", headers={"Accept": "image/png"}).status_code == 406


def test_config_is_never_served(server: str) -> None:
    for path in ("/_config/conneg.js", "/_config/nginx.conf", "/_config/404.html", "/doc/pilot/alfa.var",
                 "/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"):
        r = httpx.get(server + path)
        assert r.status_code == 404 and "root:" not in r.text, path


def _raw(server: str, path: str, headers: dict[str, str] | None = None,
         method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """A request with its path sent exactly as written (clients like httpx remove ``.`` segments first)."""
    import http.client

    conn = http.client.HTTPConnection(urllib.parse.urlsplit(server).netloc, timeout=30)
    try:
        conn.request(method, path, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


@pytest.mark.parametrize("path", ["/./_config/nginx.conf", "/%2e/_config/nginx.conf", "/.//_config/conneg.js",
                                  "/%2e/_config/404.json", "/./doc/pilot/alfa.var", "/%2e/doc/pilot/alfa.var",
                                  "/.htaccess", "/./.htaccess", "//_config/nginx.conf"])
def test_the_web_servers_own_files_are_not_served_by_another_name(server: str, path: str) -> None:
    """``_config/``, the type maps and ``.htaccess`` are the web server's, not the reader's: no ``.`` segment,
    encoded dot or doubled slash reaches them (the attack of issue 17's review)."""
    status, headers, _ = _raw(server, path)
    assert status == 404 and headers["content-type"] == "application/json", (path, status)


def test_a_document_is_not_served_around_its_negotiation(server: str) -> None:
    """``/./doc/X.html`` is not a second address of ``/doc/X.html`` without its Link and Vary headers."""
    assert _raw(server, "/./doc/pilot/alfa.html")[0] == 404
    status, headers, _ = _raw(server, "/doc/pilot/alfa.html")
    assert status == 200 and "link" in headers


@pytest.mark.parametrize(("path", "headers"), [
    ("/doc/pilot/alfa.ttl", {"Range": "bytes=10-0"}), ("/style.css", {"Range": "bytes=abc"}),
    ("/ontology", {"Range": "chars=0-1", "Accept": "text/turtle"}), ("/", {"Range": "bytes=99999999-"}),
])
def test_a_range_is_ignored_and_the_whole_answer_given(server: str, path: str, headers: dict[str, str]) -> None:
    """serve answers whole files: a Range header, good or bad, is ignored (no plain-text 400 or 416)."""
    status, got, body = _raw(server, path, headers)
    assert status == 200 and "content-range" not in got and len(body) == int(got["content-length"]), path


@pytest.mark.parametrize("path", ["/a%0a/", "//evil.com%0a/", "/ontology%0a", "/sparql%0a", "/id/pilot/alfa%0a",
                                  "/nothing/"])
def test_a_path_with_a_control_character_or_an_unknown_slash_is_404_never_a_redirect(server: str, path: str) -> None:
    status, headers, _ = _raw(server, path, {"Host": "evil.com"})
    assert status == 404 and "location" not in headers, (path, status)


def test_a_refused_cors_preflight_has_the_one_error_shape(server: str) -> None:
    for extra in ({"Access-Control-Request-Method": "PUT"},
                  {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "X-Foo"}):
        status, headers, body = _raw(server, "/sparql", {"Origin": "http://elsewhere.example", **extra}, "OPTIONS")
        assert status == 400 and headers["content-type"] == "application/json", extra
        assert "method or a header" in json.loads(body)["error"]
    ok = _raw(server, "/sparql", {"Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST"},
              "OPTIONS")
    assert ok[0] == 200 and ok[1]["access-control-allow-origin"] == "*"


def test_a_browser_gets_the_styled_404_in_its_language_and_a_client_gets_json(server: str) -> None:
    for language, lang in ((None, "sv"), ("fi", "fi"), ("en", "en")):
        headers = {**HTML, **({"Accept-Language": language} if language else {})}
        r = httpx.get(server + "/doc/no/such", headers=headers)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert f'<html lang="{lang}">' in r.text and 'href="/style.css"' in r.text
        assert r.headers["content-security-policy"] == conneg.CSP
    for accept in (None, "application/json", "text/turtle", "*/*"):
        r = httpx.get(server + "/doc/no/such", headers={"Accept": accept} if accept else {})
        assert r.status_code == 404 and r.json() == {"error": "not found"}


def test_each_helper_has_a_page_with_a_form_a_table_and_the_machine_formats(server: str) -> None:
    page = httpx.get(server + "/queries/pilots-of-municipality", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<form method="get" action="/queries/pilots-of-municipality">' in page.text
    assert '<label for="p-municipality">municipality</label>' in page.text
    assert 'id="results"' not in page.text  # a required parameter is missing: the form alone
    csp = page.headers["content-security-policy"]
    assert "form-action 'self'" in csp and "script-src" not in csp and csp == conneg.CSP_FORM
    r = httpx.get(server + "/queries/pilots-of-municipality", params={"municipality": "Evijärvi"}, headers=HTML)
    assert r.status_code == 200
    table = r.text.split('<table id="results">', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 1 + 2 and ">Alfa<" in table and ">Beta<" in table
    assert 'value="Evijärvi"' in r.text
    links = re.findall(r'<a href="(/queries/pilots-of-municipality\.(json|csv|tsv)\?[^"]*)">', r.text)
    assert sorted(ext for _, ext in links) == ["csv", "json", "tsv"]
    for link, ext in links:
        answer = httpx.get(server + link.replace("&amp;", "&"))
        assert answer.status_code == 200, link
        assert answer.headers["content-type"].split(";")[0] == {
            "json": "application/sparql-results+json", "csv": "text/csv", "tsv": "text/tab-separated-values"}[ext]
    tsv = httpx.get(server + "/queries/pilots-of-municipality.tsv", params={"municipality": "Evijärvi"})
    assert tsv.text.splitlines()[0] == "?pilot\t?pilot_name\t?organisation\t?role" and len(tsv.text.splitlines()) == 3
    bad = httpx.get(server + "/queries/pilots-of-municipality", params={"municipality": "x", "nope": "1"}, headers=HTML)
    assert bad.status_code == 400 and 'role="alert"' in bad.text
    listing = httpx.get(server + "/queries", headers=HTML)
    assert '<a href="/queries/pilots-of-municipality">' in listing.text
    assert httpx.get(server + "/queries").json()[0]["name"]  # other clients: JSON, as before


def test_the_editor_page_alone_may_run_scripts(server: str) -> None:
    r = httpx.get(server + "/sparql", headers=HTML)
    assert r.status_code == 200 and r.headers["content-security-policy"] == conneg.CSP_EDITOR
    meta = conneg.meta_policy(conneg.CSP_EDITOR)  # and in the page, without what only a header can say
    assert f'content="{meta}"'.replace("'", "&#x27;") in r.text and "frame-ancestors" not in meta
    assert '<script src="/static/yasgui/yasgui.min.js"></script>' in r.text
    assert "<script>" not in r.text  # no inline script: the configuration is JSON data
    for path in ("/", "/doc/pilot/alfa", "/queries", "/ontology/index.html", "/doc/no/such"):
        assert httpx.get(server + path, headers=HTML).headers["content-security-policy"] in (conneg.CSP,
                                                                                             conneg.CSP_FORM)
    # a SPARQL client's plain GET still gets the service description
    for accept in (None, "text/turtle", "*/*"):
        d = httpx.get(server + "/sparql", headers={"Accept": accept} if accept else {})
        assert d.status_code == 200 and "sd:Service" in d.text


def test_the_pages_serve_writes_are_html5(server: str) -> None:
    """The 404 pages, the editor, the helpers' list and a helper's page with its table: valid HTML5."""
    import html5lib

    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for path, params in (("/no/such", None), ("/sparql", None), ("/queries", None),
                         ("/queries/pilots-of-municipality", {"municipality": "Evijärvi"})):
        for language in conneg.LANGUAGES:
            r = httpx.get(server + path, params=params, headers={**HTML, "Accept-Language": language})
            assert r.headers["content-type"].startswith("text/html"), path
            parser.parse(r.content)  # strict: raises on the first error
            assert f'<html lang="{language}">' in r.text


def test_a_static_sites_index_names_the_endpoint_it_is_given(tmp_path: Path) -> None:
    """``site --sparql-endpoint URL``: the index points readers to it; without one, no query section."""
    from kopa_graph.pipeline import validate_source
    from kopa_graph.publish.site.build import build_site

    validated = validate_source(SMALL, Settings())
    build_site(validated, tmp_path / "with", sparql_endpoint="https://example.org/sparql")
    build_site(validated, tmp_path / "without")
    page = (tmp_path / "with" / "index.en.html").read_text(encoding="utf-8")
    assert '<a href="https://example.org/sparql">https://example.org/sparql</a>' in page
    assert 'href="/sparql"' not in page and 'href="/queries"' not in page
    bare = (tmp_path / "without" / "index.en.html").read_text(encoding="utf-8")
    assert "<h2>Query the data</h2>" not in bare and "<h2>Query the data</h2>" in page


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_a_helper_parameter_too_long_to_be_a_number_is_400(server: str, accept: str) -> None:
    """A whole number of 4,301 digits is more than Python converts: 400 naming the parameter, never 500."""
    r = httpx.get(server + "/queries/cross-regional-pilots", params={"year": "1" * 4301}, headers={"Accept": accept})
    assert r.status_code == 400 and "year" in r.text and "at most 18 digits" in r.text


def test_a_helper_page_refuses_an_unknown_parameter_as_the_json_route_does(server: str) -> None:
    for query in ({"bogus": "1"}, {"bogus": ""}):
        page = httpx.get(server + "/queries/statistics", params=query, headers=HTML)
        machine = httpx.get(server + "/queries/statistics", params=query)
        assert page.status_code == machine.status_code == 400, query
        assert "unknown parameter &#x27;bogus&#x27;" in page.text or "unknown parameter &#39;bogus&#39;" in page.text


@pytest.fixture(scope="module")
def one_row_server(site: Path) -> Iterator[str]:
    graph = build_graph(load_source_data(SMALL), Settings()).graph
    yield from _serving(graph, site, workers=1, timeout=5.0, max_rows=1)


def test_a_helper_page_keeps_the_endpoints_status(one_row_server: str) -> None:
    """Too many rows is 413 on the helper's page as on its JSON form, not a 400."""
    machine = httpx.get(one_row_server + "/queries/statistics")
    page = httpx.get(one_row_server + "/queries/statistics", headers=HTML)
    assert machine.status_code == page.status_code == 413
    assert 'role="alert"' in page.text
