"""Issue 17 §5: the site deploys as it is. ``kopa-graph site`` writes its own rules for nginx
(``_config/nginx.conf``, a server-block include, and its njs module) and Apache httpd (``.htaccess``), from the
one negotiation table; a real nginx and a real Apache (Debian's apache2: mod_rewrite, mod_negotiation,
mod_headers), each with workers running as an unprivileged user, give the same answers as ``kopa-graph serve``
to the same requests: statuses, media types, ``Vary``, ``Link`` and where a redirect leads."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SMALL, need_peer
from kopa_graph import Settings, build_graph, load_source_data
from kopa_graph.publish import conneg
from test_server import _serving
from test_site import _free_port, _status, _unprivileged_user, nginx, site  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow
APACHE = shutil.which("apache2") or "/usr/sbin/apache2"


@pytest.fixture(scope="module")
def apache(site: Path) -> Iterator[int]:  # noqa: F811
    need_peer(Path(APACHE).exists(), "Apache httpd", "apt-get install apache2")
    port = _free_port()
    user = _unprivileged_user()
    conf = site.parent / "apache.conf"
    conf.write_text(conneg.apache_conf(str(site), port, *(user.split() if user else (None, None))), encoding="utf-8")
    checked = subprocess.run([APACHE, "-t", "-f", str(conf)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0 and "Syntax OK" in checked.stderr, checked.stderr
    proc = subprocess.Popen([APACHE, "-f", str(conf), "-DFOREGROUND"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"apache2 did not start: {proc.stderr.read().decode()}")  # type: ignore[union-attr]
            time.sleep(0.05)
    yield port
    proc.terminate()
    proc.wait(timeout=15)


@pytest.fixture(scope="module")
def serve(site: Path) -> Iterator[int]:  # noqa: F811
    graph = build_graph(load_source_data(SMALL), Settings()).graph
    for url in _serving(graph, site, workers=1, timeout=5.0, max_rows=100):
        yield int(url.rsplit(":", 1)[1])


def _answer(port: int, path: str, accept: str | None, language: str | None) -> dict[str, object]:
    """What the comparison looks at: the status, the media type (of a page, an error or a 406), the Vary
    tokens (CORS's ``Origin``, which serve alone adds, aside), the Link header and a redirect's path."""
    headers = {k: v for k, v in (("Accept", accept), ("Accept-Language", language)) if v is not None}
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", path, headers=headers)
    r = c.getresponse()
    r.read()
    c.close()
    got = {k.lower(): v for k, v in r.getheaders()}
    vary = {t.strip().lower() for t in got.get("vary", "").split(",") if t.strip()} - {"origin"}
    media = None if r.status in (301, 302, 303) else got.get("content-type", "").split(";")[0]
    return {"status": r.status, "type": media, "vary": sorted(vary), "link": got.get("link"),
            "location": urllib.parse.urlsplit(got["location"]).path if "location" in got else None}


PATHS = ["/", "/id/pilot/alfa", "/id/municipality/052", "/doc/pilot/alfa", "/doc/pilot/alfa.ttl",
         "/doc/pilot/alfa.fi.html", "/doc/pilot/alfa.nt", "/ontology", "/shapes", "/ontology/", "/.well-known/void",
         "/void.ttl", "/style.css", "/download/kopa.nt", "/sitemap.xml", "/index.en.html", "/doc/no/such",
         "/no-such-page", "/_config/conneg.js", "/_config/404.html", "/doc/pilot/alfa.var"]
ACCEPTS = [None, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/turtle",
           "application/ld+json", "application/n-triples", "image/png", "*/*",
           "text/turtle;q=0.5, application/ld+json;q=0.9", "application/json"]
LANGUAGES = [None, "fi", "en-GB,en;q=0.9", "de, sv;q=0.5", "fi;q=0, en", "sv-FI,fi;q=0.8"]


@pytest.mark.parametrize("path", PATHS)
def test_serve_nginx_and_apache_answer_alike(serve: int, nginx, apache: int, path: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The same requests (path x Accept x Accept-Language) to the three servers: the same answers."""
    nginx_port, _ = nginx
    differences = []
    for accept in ACCEPTS:
        for language in LANGUAGES:
            answers = {name: _answer(port, path, accept, language)
                       for name, port in (("serve", serve), ("nginx", nginx_port), ("apache", apache))}
            if answers["serve"] != answers["nginx"] or answers["serve"] != answers["apache"]:
                differences.append((accept, language, answers))
    assert differences == []


@pytest.mark.parametrize("path", ["/.htaccess", "/_config/nginx.conf", "/doc/pilot/alfa.var"])
def test_no_server_serves_the_web_servers_own_files(serve: int, nginx, apache: int, path: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The rules are the deployer's, not the reader's: serve and nginx answer 404, Apache refuses (its own
    configuration denies ``.ht*`` with 403, as Debian's does)."""
    nginx_port, _ = nginx
    assert _answer(serve, path, None, None)["status"] == 404
    assert _answer(nginx_port, path, None, None)["status"] == 404
    assert _answer(apache, path, None, None)["status"] in (403, 404)


def test_the_site_carries_its_own_server_rules(site: Path) -> None:  # noqa: F811
    """Generated from the one table: the include names every representation, the .htaccess too."""
    include = (site / "_config" / "nginx.conf").read_text(encoding="utf-8")
    htaccess = (site / ".htaccess").read_text(encoding="utf-8")
    assert include == conneg.nginx_include() and htaccess == conneg.htaccess()
    for r in conneg.REPRESENTATIONS:
        assert f"{r.media_type} {r.extension};" in include or r.extension == "html"
        assert f"AddType {r.media_type} .{r.extension}" in htaccess
    assert "include " not in include.split("js_import", 1)[1]  # nothing outside the site is needed
    assert (site / "_config" / "conneg.js").read_text(encoding="utf-8") == conneg.njs_module()


def test_apache_children_run_unprivileged(apache: int, site: Path) -> None:  # noqa: F811
    master = int((site.parent / "apache.pid").read_text(encoding="utf-8"))
    children = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _status(p).get("PPid") == str(master)]
    assert children
    if os.geteuid() == 0:
        assert all(_status(p)["Uid"].split()[0] != "0" for p in children)
    assert _answer(apache, "/doc/pilot/alfa.ttl", None, None)["status"] == 200
