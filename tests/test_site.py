"""The static site: its tree, links, pages, embedded JSON-LD, dataset
description, determinism, and content negotiation in a real nginx and a real
Chromium on loopback."""

from __future__ import annotations

import hashlib
import html
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import html5lib
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from conftest import GOLDEN, SMALL, describe_diff, need_peer
from kopa_graph import Settings
from kopa_graph.pipeline import validate_source
from kopa_graph.publish import conneg
from kopa_graph.publish.site import pages as sitepages
from kopa_graph.publish.site.build import build_site
from kopa_graph.rdfio.engine import parse_bytes
from kopa_graph.rdfio.formats import FORMATS
from kopa_graph.rdfio.namespaces import DCAT, RDF, SKOS, VOID

NGINX_MODULE = Path("/usr/lib/nginx/modules/ngx_http_js_module.so")


@pytest.fixture(scope="module")
def site() -> Iterator[Path]:
    """The site of the small fixture, where a deployment would have it: in a folder every user may
    traverse (pytest's own temporary folders are private to their owner), so that nginx's unprivileged
    workers can read it."""
    public = Path(tempfile.mkdtemp(prefix="kopa-site-test-"))
    public.chmod(0o755)
    out = public / "www"
    build_site(validate_source(SMALL, Settings()), out)
    yield out
    shutil.rmtree(public)


def _digests(site: Path) -> str:
    """Every file of the site, by path, with its SHA-256: the site's bytes in a few kilobytes."""
    files = sorted(p for p in site.rglob("*") if p.is_file())
    return "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(site)}\n" for p in files)


def test_every_file_of_the_site_is_the_golden_one(site: Path, update_golden: bool) -> None:
    """The site of the small fixture, file by file and byte for byte: a page, a picture, a configuration
    or a download that changes, appears or goes fails here (run pytest --update-golden after an intended
    change and review the diff of tests/golden/small-site.sha256)."""
    golden = GOLDEN / "small-site.sha256"
    actual = _digests(site)
    if update_golden:
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"golden file {golden} is missing: run pytest --update-golden and review the diff"
    expected = golden.read_text(encoding="utf-8")
    changed = sorted(set(expected.splitlines()) ^ set(actual.splitlines()), key=lambda line: line[66:])
    assert actual == expected, "the site differs from the golden one:\n" + "\n".join(changed[:20])


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_config" not in p.parts)


def test_tree(site: Path) -> None:
    for name in ("index.html", "index.fi.html", "index.en.html", "sitemap.xml", "style.css", ".htaccess",
                 "void.ttl", ".well-known/void", "download/kopa.ttl", "download/kopa.jsonld", "download/kopa.nt",
                 "download/context.jsonld", "download/kopa-csv.zip", "ontology/index.html", "ontology/kopa.ttl",
                 "shapes/index.html", "shapes/kopa-shapes.ttl", "source/article.html", "_config/conneg.js",
                 "_config/406.html", "_config/nginx.conf", "_config/404.html", "_config/404.fi.html",
                 "_config/404.en.html", "_config/404.json", "_config/ontology.var", "_config/shapes.var"):
        assert (site / name).is_file(), name
    for ext in ("html", "fi.html", "en.html", "ttl", "jsonld", "nt", "var"):
        assert (site / f"doc/pilot/alfa.{ext}").is_file(), ext


def _links(document: object) -> list[str]:
    out = []
    for el in document.iter():  # type: ignore[attr-defined]
        for attr in ("href", "src"):
            value = el.get(attr)
            if value:
                out.append(value)
    return out


def test_every_page_is_html5_and_every_internal_link_resolves(site: Path) -> None:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    broken = []
    for page in _pages(site):
        document = parser.parse(page.read_bytes())
        for link in _links(document):
            if re.match(r"^[a-z]+:", link) or link.startswith("//"):
                continue
            target = (page.parent / link.split("#", 1)[0]).resolve()
            if link.split("#", 1)[0] and not target.is_file():
                broken.append(f"{page.relative_to(site)} → {link}")
    assert not broken, broken[:20]


def test_embedded_jsonld_is_the_resources_turtle(site: Path) -> None:
    for page in sorted((site / "doc").rglob("*.html")):
        if page.name.endswith((".fi.html", ".en.html")):
            continue
        m = re.search(r'<script type="application/ld\+json">\n(.*?)\n  </script>', page.read_text(encoding="utf-8"),
                      re.S)
        assert m, page
        embedded = parse_bytes(m.group(1).replace("<\\/", "</").encode("utf-8"), FORMATS["json-ld"], str(page))
        turtle = parse_bytes(page.with_suffix(".ttl").read_bytes(), FORMATS["turtle"], str(page))
        assert len(turtle) > 0
        assert isomorphic(embedded, turtle), describe_diff(turtle, embedded)


def test_a_resources_json_ld_carries_only_the_context_it_uses_and_means_the_same(site: Path) -> None:
    """A resource's JSON-LD embeds the project's context restricted to the terms and prefixes it uses, as its
    Turtle declares only its prefixes (7.3 kB became 1.5 kB for a membership; half a 100k site's bytes were
    the context, four times over). PyLD, a JSON-LD 1.1 processor, expands each such document to the same
    triples as the document with the whole context, and as its Turtle; and nothing in the context is unused."""
    from pyld import jsonld

    from kopa_graph.rdfio.jsonld import project_context

    def no_network(url: str, options: object = None) -> object:
        raise AssertionError(f"PyLD tried to load {url}")

    def quads(doc: object) -> Graph:
        nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": no_network})
        return Graph().parse(data=nquads, format="nquads")

    whole = {"kopaid": Settings().id_base, **project_context()}
    documents = sorted((site / "doc").rglob("*.jsonld"))
    assert len(documents) > 100
    for path in documents:
        doc = json.loads(path.read_bytes())
        ctx, nodes = doc["@context"], doc["@graph"]
        assert set(ctx) < set(whole) and all(ctx[k] == whole[k] for k in ctx), path
        turtle = parse_bytes(path.with_suffix(".ttl").read_bytes(), FORMATS["turtle"], str(path))
        pruned = quads(doc)
        assert isomorphic(pruned, turtle), describe_diff(turtle, pruned)
        assert isomorphic(pruned, quads({"@context": whole, "@graph": nodes})), path
        text = json.dumps(nodes, ensure_ascii=False)
        keys = {k for node in nodes for k in node}
        named = {v.partition(":")[0] for k in ctx if isinstance(ctx[k], dict) for v in ctx[k].values()}
        unused = [k for k in ctx if k not in keys and k not in named and f'"{k}:' not in text]
        assert not unused, f"{path}: the context holds {unused}, which the document does not use"


def test_a_resources_turtle_declares_only_the_prefixes_it_uses(site: Path) -> None:
    """README and rdfio/jsonld.py compare the pruned JSON-LD context with the Turtle beside it, which declares
    only the prefixes it writes."""
    documents = sorted((site / "doc").rglob("*.ttl"))
    assert len(documents) > 100
    for path in documents:
        text = path.read_text(encoding="utf-8")
        declared = re.findall(r"^@prefix (\w*): ", text, re.M)
        body = "".join(line + "\n" for line in text.splitlines() if not line.startswith("@"))
        unused = [p for p in declared if not re.search(rf"(?<![\w<\"]){p}:", body)]
        assert declared and not unused, f"{path}: declares {unused} without using them"


def test_languages_and_text_alternatives(site: Path) -> None:
    for page in _pages(site):
        text = page.read_text(encoding="utf-8")
        lang = re.search(r'<html lang="(\w+)">', text)
        assert lang and lang.group(1) in ("sv", "fi", "en"), page
        assert set(re.findall(r'\slang="([^"]*)"', text)) <= {"sv", "fi", "en"}, page
    for name in ("index.html", "index.fi.html", "index.en.html"):
        text = (site / name).read_text(encoding="utf-8")
        assert text.count('<svg ') == 3  # the map, the network, the matrix
        assert text.count("<title id=") == 3 and text.count("<desc id=") == 3 and text.count("<figcaption>") == 3
    fi = (site / "index.fi.html").read_text(encoding="utf-8")
    assert '<html lang="fi">' in fi and "Koulutus palveluna (KOPA) -pilotit" in fi


def test_dataset_description(site: Path) -> None:
    g = Graph().parse(site / "void.ttl", format="turtle")
    ds = next(g.subjects(RDF.type, VOID.Dataset))
    assert (ds, RDF.type, DCAT.Dataset) in g
    sizes = {}
    for dist in g.objects(ds, DCAT.distribution):
        url = str(g.value(dist, DCAT.downloadURL))
        sizes[url.rsplit("/", 1)[-1]] = int(g.value(dist, DCAT.byteSize))
    for name, size in sizes.items():
        assert (site / "download" / name).stat().st_size == size, name
    data = Graph().parse(site / "download" / "kopa.ttl", format="turtle")
    assert g.value(ds, VOID.triples) == Literal(len(data))
    assert (ds, URIRef("http://purl.org/dc/terms/conformsTo"), URIRef("https://w3id.org/kopa/shapes")) in g
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<url>") == len([p for p in _pages(site)])


def test_the_index_lists_each_download_as_the_description_names_it(site: Path) -> None:
    """The index's download list gives each file's title as void.ttl has it (the CSV title's commas were
    turned into spaces with the size's thousands separators) and its size in bytes, digits in groups of
    three split by spaces."""
    g = Graph().parse(site / "void.ttl", format="turtle")
    page = (site / "index.en.html").read_text(encoding="utf-8")
    checked = 0
    for dist in g.subjects(RDF.type, DCAT.Distribution):
        name = str(g.value(dist, DCAT.downloadURL)).rsplit("/", 1)[-1]
        title = str(g.value(dist, URIRef("http://purl.org/dc/terms/title")))
        size = f"{int(g.value(dist, DCAT.byteSize)):,}".replace(",", " ")
        assert f">{name}</a> ({size} bytes) — <span lang=\"en\">{html.escape(title)}</span></li>" in page, name
        checked += 1
    assert checked == 4 and "The pilots, organisations" in page


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_runs_give_identical_trees(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "www"
    build_site(validate_source(SMALL, Settings()), again)
    assert _tree(again) == _tree(site)
    build_site(validate_source(SMALL, Settings()), again)  # over an existing site: replaced whole
    assert _tree(again) == _tree(site)


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "html"), ("*/*", "html"), ("text/turtle", "ttl"), ("application/ld+json", "jsonld"),
    ("application/n-triples", "nt"), ("text/turtle;q=0.5, application/ld+json;q=0.9", "jsonld"),
    ("text/*", "html"), ("text/html;q=0, */*;q=0.1", "ttl"), ("application/json", "jsonld"),
    ("image/png", None), ("text/turtle;q=0", None), ("text/html;q=0.2, text/turtle;q=0.2", "html"),
])
def test_negotiation_choice(accept: str | None, expected: str | None) -> None:
    chosen = conneg.choose(accept)
    assert (chosen.extension if chosen else None) == expected


def _unprivileged_user() -> str | None:
    """The user (and group) nginx's workers run as: www-data, as Debian's nginx package has it, or nobody.
    Not running as root, nginx cannot switch users and its workers run as the test's own user."""
    import grp
    import pwd

    if os.geteuid() != 0:
        return None
    for name in ("www-data", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        return f"{name} {grp.getgrgid(user.pw_gid).gr_name}"
    pytest.fail("no unprivileged user (www-data or nobody) to run nginx's workers as")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def nginx(site: Path):  # type: ignore[no-untyped-def]
    need_peer(bool(shutil.which("nginx")) and NGINX_MODULE.exists(), "nginx with its JavaScript module",
              "apt-get install nginx libnginx-mod-http-js")
    work = site.parent  # nginx.conf, its pid file, log and temporary folder beside the site, as nginx_conf says
    (work / "tmp").mkdir(exist_ok=True)
    port = _free_port()
    root = site  # the link kopa-graph switches: nginx follows it, as it would in a deployment
    conf = work / "nginx.conf"
    conf.write_text(conneg.nginx_conf(str(root), port, module=str(NGINX_MODULE), user=_unprivileged_user()),
                    encoding="utf-8")
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(work), "-g", "daemon off;"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"nginx did not start: {proc.stderr.read().decode()}")  # type: ignore[union-attr]
            time.sleep(0.05)
    yield port, root
    proc.terminate()
    proc.wait(timeout=10)


def _get(port: int, path: str, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("GET", path, headers={"Accept": accept} if accept else {})
    r = c.getresponse()
    body = r.read()
    headers = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, headers, body


def test_nginx_303_from_id_to_doc(nginx) -> None:  # type: ignore[no-untyped-def]
    port, _ = nginx
    status, headers, _ = _get(port, "/id/pilot/alfa", "text/turtle")
    assert status == 303
    assert headers["location"].endswith("/doc/pilot/alfa")


@pytest.mark.parametrize("accept", [None, "*/*", "text/html", "text/turtle", "application/ld+json",
                                    "application/n-triples", "text/turtle;q=0.5, application/ld+json;q=0.9",
                                    "text/*", "application/json", "text/html;q=0, */*;q=0.1"])
def test_nginx_negotiates_as_conneg_chooses(nginx, accept: str | None) -> None:  # type: ignore[no-untyped-def]
    port, root = nginx
    status, headers, body = _get(port, "/doc/pilot/alfa", accept)
    chosen = conneg.choose(accept)
    assert chosen is not None
    assert status == 200
    assert headers["content-type"].split(";")[0] == chosen.media_type
    assert "Accept" in headers["vary"]
    assert '</doc/pilot/alfa.ttl>; rel="alternate"; type="text/turtle"' in headers["link"]
    assert body == (root / f"doc/pilot/alfa.{chosen.extension}").read_bytes()


def test_nginx_workers_run_unprivileged_and_read_the_site(nginx) -> None:  # type: ignore[no-untyped-def]
    """As in a deployment: the workers are not root, and every folder and file of the site is theirs to read."""
    port, root = nginx
    master = int((root.parent / "nginx.pid").read_text(encoding="utf-8"))
    workers = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _status(p).get("PPid") == str(master)]
    assert workers
    if os.geteuid() == 0:
        assert all(_status(p)["Uid"].split()[0] != "0" for p in workers)
    for path in ("/", "/index.fi.html", "/doc/pilot/alfa.ttl", "/download/kopa.nt", "/style.css"):
        assert _get(port, path)[0] == 200, path


def test_nginx_serves_the_next_release_once_it_is_switched_in(nginx) -> None:  # type: ignore[no-untyped-def]
    port, root = nginx
    before = os.readlink(root)
    build_site(validate_source(SMALL, Settings()), root)
    assert os.readlink(root) != before
    status, _, body = _get(port, "/download/kopa.ttl")
    assert status == 200 and body == (root / "download" / "kopa.ttl").read_bytes()


def _status(proc: Path) -> dict[str, str]:
    try:
        lines = (proc / "status").read_text(encoding="utf-8").splitlines()
    except OSError:  # the process ended
        return {}
    return dict(line.split(":\t", 1) for line in lines if ":\t" in line)


def test_nginx_406_lists_what_is_available(nginx) -> None:  # type: ignore[no-untyped-def]
    port, _ = nginx
    status, _, body = _get(port, "/doc/pilot/alfa", "image/png")
    assert status == 406
    assert b"text/turtle" in body and b"application/ld+json" in body


def test_nginx_explicit_extensions(nginx) -> None:  # type: ignore[no-untyped-def]
    port, root = nginx
    for ext, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples"),
                       ("html", "text/html")):
        status, headers, body = _get(port, f"/doc/pilot/alfa.{ext}", "image/png")
        assert status == 200 and headers["content-type"].split(";")[0] == media, ext
        assert body == (root / f"doc/pilot/alfa.{ext}").read_bytes()


def test_chromium_shows_the_index_and_a_pilot(nginx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    browser = shutil.which("chromium")
    need_peer(browser is not None, "chromium", "apt-get install chromium")
    assert browser is not None
    port, _ = nginx
    artefacts = Path(os.environ.get("KOPA_ARTEFACTS", tmp_path))
    artefacts.mkdir(parents=True, exist_ok=True)
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]

    def dom(path: str) -> str:
        out = subprocess.run([*flags, "--dump-dom", f"http://127.0.0.1:{port}{path}"], capture_output=True,
                             timeout=60, check=True)
        return out.stdout.decode("utf-8")

    index = dom("/index.html")
    assert "<title>Pilotförsöken inom Utbildning som tjänst (KOPA)</title>" in index
    table = index.split('<table id="pilots">', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 3  # the header and the fixture's two pilots
    switch = re.search(r'<a href="(index\.fi\.html)" lang="fi"', index)
    assert switch, "the language switch links to the Finnish page"
    finnish = dom("/" + switch.group(1))
    assert '<html lang="fi">' in finnish and "Koulutus palveluna (KOPA) -pilotit" in finnish
    pilot = dom("/doc/pilot/alfa")
    assert "<h1>Alfa</h1>" in pilot
    for name, path in (("index", "/index.html"), ("pilot-alfa", "/doc/pilot/alfa.html")):
        shot = artefacts / f"{name}.png"
        subprocess.run([*flags, f"--screenshot={shot}", "--window-size=1200,1600", f"http://127.0.0.1:{port}{path}"],
                       capture_output=True, timeout=60, check=True)
        assert shot.stat().st_size > 10_000


@pytest.mark.parametrize(("path", "accept", "file"), [("/ontology", "text/html", "ontology/index.html"),
                                                      ("/ontology", "text/turtle", "ontology/kopa.ttl"),
                                                      ("/ontology", "application/n-triples", None),
                                                      ("/shapes", "text/html", "shapes/index.html"),
                                                      ("/shapes", "text/turtle", "shapes/kopa-shapes.ttl")])
def test_nginx_ontology_and_shapes_hash_iris_dereference(nginx, path: str, accept: str,  # type: ignore[no-untyped-def]
                                                         file: str | None) -> None:
    """The ontology and the shapes are published as a page and as Turtle: N-Triples is 406, no longer
    Turtle under another name (before issue 17 nginx answered Turtle to any non-HTML Accept)."""
    port, root = nginx
    status, headers, body = _get(port, path, accept)
    assert status == (200 if file else 406) and "Accept" in headers["vary"]
    if file:
        assert body == (root / file).read_bytes()


def test_nginx_takes_the_sites_rules_without_a_warning(nginx) -> None:  # type: ignore[no-untyped-def]
    """``nginx -t`` on the configuration around the site's own _config/nginx.conf prints no [warn] (before
    issue 17: duplicate MIME types, from mime.types and the site's types in one block)."""
    _, root = nginx
    work = root.parent
    out = subprocess.run(["nginx", "-t", "-c", str(work / "nginx.conf"), "-p", str(work)], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert "[warn]" not in out.stderr and "[emerg]" not in out.stderr, out.stderr
    assert "include " + str(root) + "/_config/nginx.conf;" in (work / "nginx.conf").read_text(encoding="utf-8")


def test_nginx_406_and_404_carry_vary(nginx) -> None:  # type: ignore[no-untyped-def]
    port, _ = nginx
    status, headers, _ = _get(port, "/doc/pilot/alfa", "image/png")
    assert status == 406 and headers["vary"] == "Accept"
    status, headers, body = _get(port, "/doc/no/such", "text/html")
    assert status == 404 and headers["vary"] == "Accept, Accept-Language" and b'<html lang="sv">' in body
    status, headers, body = _get(port, "/doc/no/such", "application/json")
    assert status == 404 and json.loads(body) == {"error": "not found"}


@pytest.mark.parametrize("path", ["/", "/doc/pilot/alfa", "/doc/pilot/alfa.ttl", "/id/pilot/alfa", "/no/such/page",
                                  "/ontology"])
def test_nginx_sends_the_security_headers_everywhere(nginx, path: str) -> None:  # type: ignore[no-untyped-def]
    port, _ = nginx
    _, headers, _ = _get(port, path, "text/html")
    for name, value in conneg.SECURITY_HEADERS:
        assert headers.get(name.lower()) == value, (path, name)


def test_hostile_content_is_shown_as_text_and_never_made_a_link(tmp_path: Path) -> None:
    """A literal with markup, and IRIs a browser would run or load, in the data: every page shows
    them escaped, links only http(s) IRIs, and carries the Content-Security-Policy."""
    g = Graph(bind_namespaces="none")
    evil = URIRef("https://w3id.org/kopa/id/pilot/evil")
    g.add((evil, SKOS.prefLabel, Literal('</script><script>alert(1)</script><!--<script>', lang="sv")))
    for target in ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
                   "file:///etc/passwd"):
        g.add((evil, SKOS.related, URIRef(target)))
    site = sitepages.Site(g, g, "https://w3id.org/kopa/", "https://example.org/article", lambda iri: None)
    body = sitepages.resource_body(site, evil, "sv", "doc/pilot/evil.html", g, "evil")
    page = sitepages.page("x", None, "sv", "doc/pilot/evil.html", body, [], '{"a": "\\u003c/script>"}')
    assert "<script>alert" not in page and "&lt;/script&gt;&lt;script&gt;alert(1)" in page
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert not [h for h in hrefs if h.split(":", 1)[0].lower() in ("javascript", "data", "vbscript", "file")], hrefs
    assert f'<meta http-equiv="Content-Security-Policy" content="{html.escape(conneg.CSP_PAGE)}">' in page


def _unescaped_regions_calling(source: str) -> list[str]:
    """What is called inside the ``{% autoescape false %}`` regions of an HTML template: macros, call blocks,
    filters (their markup would come out as text there, and the environment's finalize escape it again)."""
    import jinja2
    from jinja2 import nodes

    from kopa_graph.publish.templating import _environment

    found = []
    for region in jinja2.Environment().parse(source).find_all(nodes.ScopedEvalContextModifier):
        off = [o for o in region.options if o.key == "autoescape" and isinstance(o.value, nodes.Const)]
        if off and not off[0].value.value:
            found += [f"line {n.lineno}: {type(n).__name__}" for kind in (nodes.Call, nodes.CallBlock, nodes.Filter)
                      for n in region.find_all(kind)]
    assert _environment(True).autoescape
    return found


def test_templates_write_without_autoescape_only_values_the_finalize_escapes() -> None:
    """page.html.j2, resource.html.j2 and the value macro are rendered with Jinja's autoescape off where they
    are hot (issue 18: the site's time): every value there is escaped by the environment's finalize, once, as
    anywhere else; nothing there may call a macro or a filter, whose markup would be escaped a second time
    (the value macro's lang="" was, until inlined). And the check sees such a call."""
    from kopa_graph.publish.templating import render

    templates = Path(sitepages.__file__).parent.parent / "templates"
    for path in sorted(templates.glob("*.html.j2")):
        assert _unescaped_regions_calling(path.read_text(encoding="utf-8")) == [], path.name
    assert "autoescape false" in (templates / "page.html.j2").read_text(encoding="utf-8")
    assert _unescaped_regions_calling("{% autoescape false %}{{ m(x) }}{{ y|join(', ') }}{% endautoescape %}") == [
        "line 1: Call", "line 1: Filter"]
    assert _unescaped_regions_calling("{{ m(x) }}{% autoescape false %}{{ x }}{% endautoescape %}") == []
    page = render("page.html.j2", lang="sv", csp="c", title="<b>&", title_lang=None, style="s", alternates=[],
                  jsonld=None, home="h", home_text="<i>", switch=None, names={}, body=sitepages.Markup("<p>ok</p>"))
    assert "<title>&lt;b&gt;&amp;</title>" in page and ">&lt;i&gt;</a>" in page and "<p>ok</p>" in page


def test_the_templates_escape_markup_and_refuse_a_missing_value() -> None:
    """HTML and XML templates are autoescaped; the configurations are written as given; a template that
    names a value it was not given is an error, never an empty string in a configuration."""
    import jinja2

    from kopa_graph.publish.templating import render

    sitemap = render("sitemap.xml.j2", urls=["https://example.org/a?x=1&y=<2>"])
    assert "<loc>https://example.org/a?x=1&amp;y=&lt;2&gt;</loc>" in sitemap
    assert "<li><code>a&lt;b</code>" in render("406.html.j2", representations=[conneg.Representation("x", "a<b", 1.0)])
    values = {"types": [], "zip": "z", "security": [("X", "a<b>")], "language": "l", "wants_html": "w",
              "html_first": "h", "others": [], "other_langs": "o", "lang_suffixes": "s", "extensions": "e",
              "alternates": "a", "vary_language": "v", "aliases": []}
    assert 'Header always set X "a<b>"' in render("htaccess.j2", **values)
    with pytest.raises(jinja2.UndefinedError):
        render("htaccess.j2", **{k: v for k, v in values.items() if k != "security"})


def test_every_language_file_has_the_same_messages() -> None:
    """A translator edits publish/site/messages/LANG.json: each has every key the others have, and no
    message is empty (a missing one would show as an error, or as nothing, on that language's pages)."""
    from kopa_graph.languages import LANGUAGES
    from kopa_graph.publish.site.messages import messages

    def keys(d: dict[str, object], at: str = "") -> set[str]:
        return {k2 for k, v in d.items() for k2 in (keys(v, f"{at}{k}.") if isinstance(v, dict) else {at + k})}

    shapes = {lang: keys(messages(lang)) for lang in LANGUAGES}
    for lang in LANGUAGES:
        assert shapes[lang] == shapes["sv"], (lang, shapes[lang] ^ shapes["sv"])
    for lang in LANGUAGES:
        for section in ("page", "index", "terms"):
            assert all(isinstance(v, str) and v.strip() for v in messages(lang)[section].values()), (lang, section)
    with pytest.raises(ValueError, match="no messages in 'de'"):
        messages("de")


def test_every_triple_of_the_dump_is_in_a_resource_document_and_links_lead_from_a_pilot_to_its_members(
        site: Path) -> None:
    """Issue 15: a resource's document carries the triples about it, the triples that link its neighbours to it
    and the triples about a neighbour that has no document of its own (a code-list entry, a YSO concept), so
    that no triple of the dump is in no document, and following links from a pilot reaches its members."""
    from rdflib import Graph, URIRef

    from kopa_graph.rdfio.namespaces import ORG

    dump = Graph().parse(site / "download" / "kopa.nt", format="nt")
    documents = Graph()
    for path in sorted((site / "doc").rglob("*.nt")):
        documents.parse(path, format="nt")
    missing = [t for t in dump if t not in documents]
    assert missing == [], f"{len(missing)} triples of the dump are in no resource document, e.g. {missing[:3]}"

    def doc(iri: URIRef) -> Graph:
        return Graph().parse(site / "doc" / f"{str(iri).split('/id/', 1)[1]}.nt", format="nt")

    pilot = URIRef("https://w3id.org/kopa/id/pilot/alfa")
    memberships = set(doc(pilot).subjects(ORG.organization, pilot))
    assert memberships, "the pilot's document names its memberships"
    members = {m for ms in memberships for m in doc(ms).objects(ms, ORG.member)}
    assert URIRef("https://w3id.org/kopa/id/municipality/005") in members
    for member in members:  # and back: the member's document reaches the membership
        assert set(doc(member).objects(member, ORG.hasMembership)) & memberships
