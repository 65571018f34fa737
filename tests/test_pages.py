"""The pages designed per kind of thing (issue 17 §3, §4): what a pilot's, an organisation's, a municipality's
and a theme's page says first, labels instead of codes, every literal in an element with its language, the
cited article line, the pictures' contrast and labels, and, in a real headless Chromium, no accessibility
violation (axe-core), no sideways scrolling at 390 px, and screenshots."""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import html5lib
import pytest
from rdflib import Graph, Literal

from conftest import ROOT, SMALL
from kopa_graph import Settings
from kopa_graph.pipeline import validate_source
from kopa_graph.publish.site.build import build_site

TEMPLATES = ROOT / "src" / "kopa_graph" / "publish" / "templates"
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pages") / "small"
    build_site(validate_source(SMALL, Settings()), out)
    return out


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pages") / "shipped"
    build_site(validate_source(ROOT / "data", Settings()), out)
    return out


def _main(page: Path) -> str:
    return page.read_text(encoding="utf-8").split("<main>", 1)[1]


def _view(page: Path) -> str:
    """The designed view of a resource's page: what comes before "all data"."""
    return _main(page).split('<h2 id="all-data">', 1)[0]


def _text(markup: str) -> str:
    cells = re.sub(r"</t[dh]>|</d[td]>|<br>", " ", markup)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", "", cells).split()))


def _rows(markup: str, table_class: str) -> list[str]:
    table = markup.split(f'<table class="{table_class}">', 1)[1].split("</table>", 1)[0]
    return [_text(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]]


def test_a_pilot_page_lists_its_members_with_the_lead_first(small: Path) -> None:
    """Name in the page's language, type, code or Business ID, role, the article's line; the lead first
    (Alajärvi: ansvarsorganisation), then in the article's order."""
    view = _view(small / "doc/pilot/alfa.en.html")
    rows = _rows(view, "members")
    assert rows[0].startswith("Alajärvi municipality 005 lead organisation"), rows
    assert [r.split(" ")[0] for r in rows] == ["Alajärvi", "Evijärvi", "Järviseudun"], rows
    assert '<tr class="lead">' in view and view.count('class="lead"') == 1
    assert "the article, line 7" in rows[0]
    swedish = _rows(_view(small / "doc/pilot/alfa.html"), "members")
    assert swedish[0].startswith("Alajärvi kommun 005 ansvarsorganisation"), swedish


def test_a_pilot_page_shows_its_themes_levels_contacts_and_article_lines(small: Path) -> None:
    view = _text(_view(small / "doc/pilot/alfa.en.html"))
    assert "cooperation between levels of education: basic education, upper secondary education" in view, view
    assert "direktör (sv): Testa Person, Alajärvi" in view and "rektor (sv): Testa Person, Alajärvi" in view, view
    assert "In the article: the article, line 5" in view
    assert 'href="../../source/article.en.html#L5"' in _view(small / "doc/pilot/alfa.en.html")


def test_an_organisation_page_names_its_pilots_and_its_role_in_each(small: Path) -> None:
    """Today's "Links here: Alajärvi (ansvarsorganisation) - member" never named the pilot."""
    rows = _rows(_view(small / "doc/municipality/005.en.html"), "pilots")
    assert rows == ["Alfa (sv) lead organisation “Alajärvi (ansvarsorganisation) (sv)”, the article, line 7"], rows
    both = _rows(_view(small / "doc/municipality/052.en.html"), "pilots")
    assert [r.split(" ")[0] for r in both] == ["Alfa", "Beta"], both
    sasky = _text(_view(small / "doc/organisation/sasky.en.html"))
    assert "Beta (sv) participant" in sasky and "Type joint municipal authority for education" in sasky, sasky


def test_an_organisation_page_links_its_identifiers_to_the_registries_pages(small: Path) -> None:
    """A municipality code links to the code lists' entries (dct:references of the identifier node); a
    Business ID shows its issuer; a unit names its parent, the parent its units."""
    view = _view(small / "doc/municipality/005.en.html")
    rows = _rows(view, "identifiers")
    assert any(r.startswith("municipality code 005 Statistics Finland Municipalities 2020") for r in rows), rows
    assert 'href="http://uri.suomi.fi/codelist/jhs/kunta_1_20200101/code/005"' in view
    unit = _text(_view(small / "doc/organisation/jarviseudun-ammatti-instituutti.en.html"))
    assert "Part of Järviseudun koulutuskuntayhtymä" in unit, unit
    parent = _text(_view(small / "doc/organisation/jarviseudun-koulutuskuntayhtyma.en.html"))
    assert "Units Järviseudun ammatti-instituutti" in parent, parent


def test_a_municipality_page_shows_its_regions_in_2020_and_today_and_its_changes(small: Path) -> None:
    merged = _view(small / "doc/municipality/099.en.html")
    assert _rows(merged, "code-lists") == ["Municipalities 2020 Honkajoki 099 Satakunta Pohjois-Satakunta"]
    assert "merged into Kankaanpää" in _text(merged) and "→ Kankaanpää" in _text(merged)
    kept = _rows(_view(small / "doc/municipality/214.en.html"), "code-lists")
    assert kept == ["Municipalities 2020 Kankaanpää 214 Satakunta Pohjois-Satakunta",
                    "Municipalities 2026 Kankaanpää 214 Satakunta Pohjois-Satakunta"], kept


def test_a_theme_page_shows_its_pilots_with_levels_and_its_yso_matches(small: Path) -> None:
    view = _view(small / "doc/theme/cooperation-between-education-levels.en.html")
    rows = _rows(view, "pilots")
    assert rows[0].startswith("Alfa (sv) basic education, upper secondary education"), rows
    yso = _view(small / "doc/theme/online-teaching.en.html")
    assert "Matches in YSO" in yso and 'exact match</a>: <a href="http://www.yso.fi/onto/yso/p6621"' in yso, yso


def test_no_page_shows_a_code_or_an_iri_where_a_label_exists(shipped: Path) -> None:
    """No link text is a code-list version ("Järviseutu: maakunta_1_20200101"), a prefixed name of a term the
    pages have a label for, or an IRI under the site's base; no property is the lone "i"."""
    bad: dict[str, str] = {}
    for page in sorted(shipped.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for link in re.findall(r"<a [^>]*>([^<]*)</a>", text):
            if (re.search(r"\b(maakunta|seutukunta)_1_\d{8}\b", link) and "(" not in link) \
                    or re.fullmatch(r"[a-z]+:[A-Za-z]\w*", link) or link.startswith("https://w3id.org/kopa/id/"):
                bad.setdefault(link, str(page.relative_to(shipped)))
        if '<th scope="row"><a href="http://www.w3.org/ns/org#organization" lang="sv">i</a>' in text:
            bad["i"] = str(page.relative_to(shipped))
    assert bad == {}, bad
    area = _text(_view(shipped / "doc/pilot/jarviseutu.html"))
    assert "Järviseutu: Landskap 2020" in area and "maakunta_1_20200101" not in area


def _texts_by_language(page: Path) -> dict[str, set[str]]:
    """Each text node of the page (whitespace folded) with the language it is in (the nearest lang="")."""
    document = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    found: dict[str, set[str]] = {}

    def walk(el, lang: str) -> None:  # type: ignore[no-untyped-def]
        lang = el.get("lang", lang)
        if el.text and el.text.strip():
            found.setdefault(" ".join(el.text.split()), set()).add(lang)
        for child in el:
            walk(child, lang)
            if child.tail and child.tail.strip():
                found.setdefault(" ".join(child.tail.split()), set()).add(lang)

    walk(document, "")
    return found


@pytest.mark.parametrize("path", ["doc/pilot/alfa", "doc/municipality/005", "doc/organisation/sasky",
                                  "doc/theme/online-teaching", "doc/pilot/alfa/contact/1"])
def test_every_literal_is_in_an_element_with_its_language(small: Path, path: str) -> None:
    """Each language-tagged literal of a resource's document is shown in an element whose lang is its
    tag, on the page in every language; one in another language than the page's carries a note saying so."""
    graph = Graph().parse(small / f"{path}.nt", format="nt")
    literals = {(" ".join(str(o).split()), o.language) for o in graph.objects() if isinstance(o, Literal)
                and o.language}
    assert literals
    for suffix, lang in (("", "sv"), (".fi", "fi"), (".en", "en")):
        page = small / f"{path}{suffix}.html"
        texts = _texts_by_language(page)
        wrong = sorted((t, tag, texts.get(t)) for t, tag in literals if tag not in texts.get(t, set()))
        assert wrong == [], (page.name, wrong[:5])
        only_other = {t for t, _ in literals} - {t for t, tag in literals if tag == lang}
        other = min(only_other, default=None)
        if other is not None:
            text = page.read_text(encoding="utf-8")
            tag = min(tag for t, tag in literals if t == other)
            assert re.search(rf'lang="{tag}">{re.escape(html.escape(other, quote=True))}</span> '
                             rf'<small class="note">\({tag}', " ".join(text.split())), (page.name, other)


def test_the_finnish_and_english_pages_use_the_glossary_and_mark_translations(shipped: Path) -> None:
    """Östra Nyland is Itä-Uusimaa on the Finnish pages and Eastern Uusimaa on the English ones, each marked
    as kopa-graph's translation (glossary.yaml: translated); a name from a classification is not marked."""
    fi = (shipped / "doc/pilot/ostra-nyland.fi.html").read_text(encoding="utf-8")
    assert "<h1>Itä-Uusimaa</h1>" in fi
    index = (shipped / "index.fi.html").read_text(encoding="utf-8")
    assert 'lang="fi">Itä-Uusimaa</a> <small class="note">(käännös)</small>' in index
    en = (shipped / "index.en.html").read_text(encoding="utf-8")
    assert 'lang="en">Eastern Uusimaa</a> <small class="note">(translation)</small>' in en
    assert re.search(r'lang="en">Kanta-Häme</a></td>', en)


def test_every_cited_line_is_an_anchor_of_the_article_page_and_is_highlighted(small: Path) -> None:
    article = (small / "source/article.en.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'<tr id="(L\d+)"', article))
    cited = set()
    for page in (small / "doc").rglob("*.en.html"):
        cited |= set(re.findall(r'source/article\.en\.html#(L\d+)"', page.read_text(encoding="utf-8")))
    assert cited and cited <= anchors, cited - anchors
    assert re.search(r"table\.article tr:target \{[^}]*background", (TEMPLATES / "style.css").read_text())


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """The WCAG 2.1 contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_of_the_pictures_and_the_page_colours() -> None:
    """WCAG 2.1: every colour of the network's palette (chips with white text, names in the colour on the
    white page) at least 4.5:1 against white; the matrix's text 4.5:1 and its squares and outlines 3:1;
    the style sheet's text colours 4.5:1 against white. The old network's #9ab lines were 2.4:1."""
    assert contrast("#99aabb", "#ffffff") < 3
    network = (TEMPLATES / "network.svg.j2").read_text(encoding="utf-8")
    palette = re.findall(r"#[0-9a-f]{6}", network.split("{% set palette = [", 1)[1].split("]", 1)[0])
    assert len(palette) >= 13 and len(set(palette)) == len(palette)
    assert [c for c in palette if contrast(c, "#ffffff") < 4.5] == []
    matrix = (TEMPLATES / "matrix.svg.j2").read_text(encoding="utf-8")
    for kind, ratio in (("fill", 3), ("stroke", 3)):
        for colour in re.findall(rf'{kind}="(#[0-9a-f]{{6}})"', matrix):
            if colour != "#ffffff":
                assert contrast(colour, "#ffffff") >= (4.5 if colour == "#1b1b1b" else ratio), colour
    css = (TEMPLATES / "style.css").read_text(encoding="utf-8")
    for colour in re.findall(r"(?<![-\w])color: (#[0-9a-f]{6})", css):
        assert contrast(colour, "#ffffff") >= 4.5, colour


# --- in a real Chromium ----------------------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(shipped: Path) -> Iterator[str]:
    """The shipped data's site on a loopback HTTP server (the static files as they are)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(shipped)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from browser import Browser

    with Browser(tmp_path_factory.mktemp("profile")) as browser:
        yield browser


CHECKED = ["index.html", "index.fi.html", "index.en.html", "doc/pilot/jarviseutu.html",
           "doc/pilot/ostra-nyland.fi.html", "doc/organisation/sasky.html", "doc/organisation/otavia.en.html",
           "doc/municipality/099.html",
           "doc/municipality/214.fi.html", "doc/theme/cooperation-between-upper-secondary-schools.en.html",
           "source/article.html", "ontology/index.html", "shapes/index.html"]


@pytest.mark.parametrize("path", CHECKED)
def test_axe_finds_no_violation_and_nothing_scrolls_sideways_at_390_px(chromium, served: str, path: str) -> None:  # type: ignore[no-untyped-def]
    page = chromium.open(served + path, width=390, height=844, bypass_csp=True)
    width, inner = page.eval("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= inner, f"{path} scrolls sideways at 390 px: {width} > {inner}"
    page.eval(AXE.read_text(encoding="utf-8"))
    violations = page.eval("axe.run().then(r => r.violations.map(v => ({id: v.id, impact: v.impact, "
                           "nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))")
    assert violations == [], json.dumps(violations, ensure_ascii=False)


def test_no_label_of_the_pictures_is_clipped(chromium, served: str) -> None:  # type: ignore[no-untyped-def]
    """Every text of the index's pictures lies inside its picture's viewBox, and each member's name inside
    its chip (measured in Chromium, so a wider font than the layout's estimate would show here); the theme
    matrix clipped "cooperation between general upper secondary schools"."""
    for lang in ("index.html", "index.en.html"):
        page = chromium.open(served + lang, width=1280)
        outside = page.eval("""[...document.querySelectorAll('svg')].flatMap(svg => {
            const box = svg.viewBox.baseVal, m = svg.getScreenCTM(), out = [];
            for (const t of svg.querySelectorAll('text')) {
              const r = t.getBoundingClientRect(), s = svg.getBoundingClientRect(), k = s.width / box.width;
              if (r.left < s.left - 0.5 || r.right > s.right + 0.5 || r.top < s.top - 0.5 || r.bottom > s.bottom + 0.5)
                out.push(t.textContent);
              const chip = t.previousElementSibling;
              if (chip && chip.tagName === 'rect' && chip.getAttribute('rx')) {
                const c = chip.getBoundingClientRect();
                if (r.left < c.left || r.right > c.right) out.push('chip: ' + t.textContent);
              }
            }
            return out; })""")
        assert outside == [], (lang, outside)
    assert "cooperation between general upper secondary schools</text>" in page.eval("document.body.innerHTML")


@pytest.mark.parametrize(("name", "path"), [("index", "index.en.html"), ("pilot", "doc/pilot/jarviseutu.en.html"),
                                            ("organisation", "doc/organisation/sasky.en.html")])
def test_screenshots_at_1280_and_390_px(chromium, served: str, name: str, path: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The closing note's pictures: into $KOPA_ARTEFACTS (the CI keeps them)."""
    artefacts = Path(os.environ.get("KOPA_ARTEFACTS", tmp_path))
    artefacts.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page = chromium.open(served + path, width=width)
        shot = artefacts / f"pages-{name}-{width}.png"
        page.screenshot(shot)
        assert shot.stat().st_size > 10_000


@pytest.fixture(scope="module")
def changes_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The shipped data's site as release 2, whose previous release 1 had one pilot's keyword otherwise: its
    changes pages (site --release-version 2 --previous OLD), on loopback."""
    from click.testing import CliRunner

    from conftest import loopback
    from kopa_graph.cli import main
    from kopa_graph.publish.diff import load_snapshot
    from test_diff import changed_data

    tmp = tmp_path_factory.mktemp("changes")
    old = tmp / "old"
    done = CliRunner().invoke(main, ["build", "--data", str(changed_data(tmp)), "--out", str(old),
                                     "--release-version", "1"])
    assert done.exit_code == 0, done.output
    out = tmp / "site"
    build_site(validate_source(ROOT / "data", Settings(version="2", previous_version="1")), out,
               previous=load_snapshot(old))
    with loopback(functools.partial(_Quiet, directory=str(out))) as url:
        yield url + "/"


@pytest.mark.parametrize("path", ["changes.html", "changes.fi.html", "changes.en.html"])
def test_the_changes_pages_pass_axe_and_do_not_scroll_sideways_at_390_px(chromium, changes_served: str,  # type: ignore[no-untyped-def]
                                                                         path: str) -> None:
    page = chromium.open(changes_served + path, width=390, height=844, bypass_csp=True)
    width, inner = page.eval("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= inner, f"{path} scrolls sideways at 390 px: {width} > {inner}"
    assert page.eval("document.querySelectorAll('section.change li.removed, section.change li.added').length") == 14
    page.eval(AXE.read_text(encoding="utf-8"))
    violations = page.eval("axe.run().then(r => r.violations.map(v => ({id: v.id, impact: v.impact, "
                           "nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))")
    assert violations == [], json.dumps(violations, ensure_ascii=False)
