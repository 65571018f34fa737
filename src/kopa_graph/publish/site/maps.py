"""Maps of Finland's municipalities as inline SVG: no script, no external file, the same bytes on every build
(coordinates rounded to 0.1 px, everything in sorted order).

The boundaries are the validated graph's atlas (:attr:`kopa_graph.graph.build.BuiltGraph.atlas`, from
``data/geo/``), drawn in ETRS-TM35FIN; which municipality belongs to which pilot is read from the graph (a
member's ``org:hasSite``/``dct:spatial``). Three pictures, each for one language:

* :func:`country_map` — the whole country, 2020 and today side by side, pilot areas coloured by pilot, a
  legend, each pilot municipality a link to its page (the index page);
* :func:`pilot_map` — one pilot's municipalities on the 2020 map, with their neighbours (a pilot page);
* :func:`locator_map` — where one municipality is in Finland (a municipality page).

The palette: fills of two bands of relative luminance (about 0.23 and 0.018), each at least 3:1 against the
light grey of the other municipalities, and the two bands over 4:1 against each other; pilots that share or
touch a municipality get different bands where the pilots' neighbourhood allows it (WCAG 2.1 non-text
contrast; tests/test_maps.py checks the ratios).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from rdflib import Literal, URIRef

from kopa_graph.geo.atlas import Atlas, Boundaries, extent, neighbours
from kopa_graph.geo.topology import Point, arcs_of, centroid, outline, simplify
from kopa_graph.publish.site.messages import messages
from kopa_graph.publish.site.pages import Site, href
from kopa_graph.publish.templating import Markup, fragment
from kopa_graph.rdfio.namespaces import DCTERMS, KOPA, ORG, RDF
from kopa_graph.rdfio.ntriples import term_key

#: Fills of the first band (relative luminance ≈ 0.23) and of the second (≈ 0.018).
LIGHT_BAND = ("#e5550d", "#248ad0", "#1a9571", "#e542a0", "#968400", "#8577d9", "#619120", "#e84681")
DARK_BAND = ("#2d1753", "#07263c", "#490f0f", "#092a11", "#371f03", "#430843")
#: The municipalities in no pilot, the page behind the map, the municipal boundaries.
LAND, PAPER, BOUNDARY = "#f0f0f0", "#ffffff", "#8c8c8c"


def _text(lang: str) -> Mapping[str, str]:
    text: Mapping[str, str] = messages(lang)["map"]
    return text


def _credit(lang: str, width: float) -> list[str]:
    """The boundary data's credit in lines that fit ``width`` pixels at 10 px (about 5.5 px a letter)."""
    return textwrap.wrap(_text(lang)["credit"], max(20, int(width / 5.5)))


@dataclass(frozen=True)
class Frame:
    """Projected metres to SVG pixels: ``scale`` metres a pixel, the top-left corner at ``left``, ``top``."""

    left: float
    top: float
    scale: float
    digits: int = 1  # decimals of a pixel coordinate

    def xy(self, p: Point) -> tuple[float, float]:
        return (round((p[0] - self.left) / self.scale, self.digits),
                round((self.top - p[1]) / self.scale, self.digits))


def _fmt(v: float) -> str:
    text = f"{v:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


#: :func:`_fmt` of the numbers met so far (a map's steps repeat the same few: 1.2, -0.4, ...); 0.0 and -0.0,
#: the only equal numbers with different texts, both write "0".
_WRITTEN: dict[float, str] = {}


def _line(points: Sequence[Point], frame: Frame, close: bool) -> str:
    """Path data of the points: an absolute move, then relative lines (short text); repeats dropped. (``frame.xy``
    of each point, inlined: the site draws millions.)"""
    left, top, scale, digits = frame.left, frame.top, frame.scale, frame.digits
    xy = [(round((p[0] - left) / scale, digits), round((top - p[1]) / scale, digits)) for p in points]
    written = _WRITTEN if len(_WRITTEN) < 1 << 20 else {}
    out = [f"M{_fmt(xy[0][0])} {_fmt(xy[0][1])}"]
    lx, ly = xy[0]
    steps = []
    for x, y in xy[1:]:
        if x != lx or y != ly:
            dx, dy = x - lx, y - ly
            tx = written.get(dx)
            if tx is None:
                tx = written[dx] = _fmt(dx)
            ty = written.get(dy)
            if ty is None:
                ty = written[dy] = _fmt(dy)
            steps.append(f"{tx} {ty}")
            lx, ly = x, y
    if steps:
        out.append("l" + " ".join(steps))
    return "".join(out) + ("z" if close else "")


@lru_cache(maxsize=256)  # the same shapes on each language's page: drawn once
def _area_path(b: Boundaries, codes: tuple[str, ...], frame: Frame) -> str:
    return "".join(_line(ring, frame, True) for c in codes for ring in b.rings(c))


@lru_cache(maxsize=256)
def _mesh(b: Boundaries, codes: tuple[str, ...], frame: Frame) -> str:
    """Every boundary arc of the areas once (neighbours share it)."""
    return "".join(_line(b.topology.arc(i), frame, False) for i in arcs_of(b.topology, codes))


@lru_cache(maxsize=16)
def _outline(b: Boundaries, frame: Frame) -> str:
    return "".join(_line(b.topology.points(ring), frame, True) for ring in outline(b.topology))


# -- which municipality is in which pilot (from the graph) ----------------------------------------------------


def pilots(site: Site) -> list[URIRef]:
    """The pilots in the article's order (their first source line)."""
    g = site.graph
    return sorted((p for p in g.subjects(RDF.type, KOPA.Pilot) if isinstance(p, URIRef)),
                  key=lambda p: (min((int(str(s).rsplit(",", 1)[1]) for s in g.objects(p, DCTERMS.source)
                                      if "#line=" in str(s)), default=0), str(p)))


def municipality_code(site: Site, node: URIRef) -> str | None:
    """The kuntanumero of a municipality of the graph (its dct:identifier), else None."""
    for v in site.facts.objects(node, DCTERMS.identifier):
        if isinstance(v, Literal) and str(v).isdigit() and len(str(v)) == 3:
            return str(v)
    return None


def pilot_municipalities(site: Site) -> dict[URIRef, dict[str, URIRef]]:
    """Each pilot's municipalities by code: where its members are (a member's site's dct:spatial). Made once
    per site; do not change what it gives."""
    return site.once("pilot_municipalities", lambda: _pilot_municipalities(site))


def _pilot_municipalities(site: Site) -> dict[URIRef, dict[str, URIRef]]:
    g = site.facts
    out: dict[URIRef, dict[str, URIRef]] = {}
    for p in pilots(site):
        places: dict[str, URIRef] = {}
        for ms in g.subjects(ORG.organization, p):
            for member in g.objects(ms, ORG.member):
                for s in g.objects(member, ORG.hasSite):
                    for m in g.objects(s, DCTERMS.spatial):
                        code = municipality_code(site, m) if isinstance(m, URIRef) else None
                        if code is not None and isinstance(m, URIRef):
                            places[code] = m
        out[p] = dict(sorted(places.items()))
    return out


def _today(atlas: Atlas, code: str) -> str:
    """The municipality whose area holds ``code``'s today (itself, or where it was merged)."""
    seen = set()
    while code not in atlas.now.topology.areas and code not in seen:
        seen.add(code)
        code = next((m.into for m in atlas.mergers if m.absorbed == code), code)
    return code


def pilot_colours(site: Site, atlas: Atlas) -> dict[URIRef, str]:
    """A fill for each pilot: pilots whose areas share or touch a municipality get different bands where
    possible (a breadth-first two-colouring in the article's order), each pilot its own colour while the
    palette's 14 last; past them each band's colours come round again, still by band. Made once per site
    and atlas."""
    return site.once(("pilot_colours", id(atlas)), lambda: _pilot_colours(site, atlas))


def _pilot_colours(site: Site, atlas: Atlas) -> dict[URIRef, str]:
    areas = {p: set(codes) for p, codes in pilot_municipalities(site).items()}
    touching = _touching(areas, neighbours(atlas.then))
    band: dict[URIRef, int] = {}
    for start in areas:
        if start in band:
            continue
        band[start], queue = 0, [start]
        while queue:
            p = queue.pop(0)
            for q in sorted(touching[p], key=term_key):
                if q not in band:
                    band[q] = 1 - band[p]
                    queue.append(q)
    colours, used, bands = {}, [0, 0], (LIGHT_BAND, DARK_BAND)
    for p in areas:
        b = band[p] if used[band[p]] < len(bands[band[p]]) or used[1 - band[p]] >= len(bands[1 - band[p]]) \
            else 1 - band[p]
        colours[p] = bands[b][used[b] % len(bands[b])]  # past 14 pilots a band's colours come round again
        used[b] += 1
    return colours


def prepare(site: Site, atlas: Atlas | None) -> None:
    """Make what every map of the site shares (the pilots' municipalities and colours, the municipalities by
    code) now: before the pages are shared out to forked processes, which would each make it again."""
    _municipalities(site)
    if atlas is not None:
        pilot_colours(site, atlas)


def _touching(areas: Mapping[URIRef, set[str]], near: Mapping[str, frozenset[str]]) -> dict[URIRef, set[URIRef]]:
    """Per pilot, the other pilots that share a municipality with it or hold one next to one of its own: through
    the pilots of each municipality, where comparing every pair of pilots took minutes at 8,600 pilots."""
    at: dict[str, list[URIRef]] = {}
    for p, codes in areas.items():
        for c in codes:
            at.setdefault(c, []).append(p)
    out: dict[URIRef, set[URIRef]] = {}
    for p, codes in areas.items():
        found: set[URIRef] = set()
        for c in codes:
            found.update(at.get(c, ()))
            for n in near.get(c, ()):
                found.update(at.get(n, ()))
        found.discard(p)
        out[p] = found
    return out


# -- drawing ----------------------------------------------------------------------------------------------------


def _municipalities(site: Site) -> dict[str, URIRef]:
    """Every municipality of the graph by its code (made once per site)."""
    return site.once("municipalities", lambda: _find_municipalities(site))


def _find_municipalities(site: Site) -> dict[str, URIRef]:
    out = {}
    for m in site.graph.subjects(RDF.type, DCTERMS.Location):
        code = municipality_code(site, m) if isinstance(m, URIRef) else None
        if code is not None and isinstance(m, URIRef):
            out[code] = m
    return out


def _panel(site: Site, b: Boundaries, frame: Frame, by_code: Mapping[str, list[URIRef]],
           colours: Mapping[URIRef, str], here: str, lang: str, stripes: dict[tuple[str, ...], str],
           places: Mapping[str, URIRef], nearby: Sequence[str] | None = None) -> dict[str, Any]:
    """One map: the land (the whole country, or the areas ``nearby``), the boundaries, and the pilot
    municipalities, each filled with its pilot's colour (stripes where it is in several) and a link to its
    page."""
    areas = []
    for code, ps in sorted(by_code.items()):
        fills = tuple(colours[p] for p in ps)
        fill = fills[0] if len(fills) == 1 else f"url(#{stripes.setdefault(fills, f'stripes{len(stripes) + 1}')})"
        node = places.get(code)
        name = site.label(node, lang)[0] if node is not None else code
        label = _text(lang)["in_pilots"].format(name, ", ".join(site.label(p, lang)[0] for p in ps))
        areas.append({"d": _area_path(b, (code,), frame), "fill": fill, "label": label,
                      "href": href(site, here, node, lang) if node is not None else None})
    land = _outline(b, frame) if nearby is None else _area_path(b, tuple(nearby), frame)
    return {"land": land, "mesh": _mesh(b, tuple(b.codes if nearby is None else nearby), frame), "areas": areas}


@lru_cache(maxsize=16)
def _at_scale(b: Boundaries, scale: float) -> Boundaries:
    """The map simplified further for drawing at ``scale`` metres a pixel: on the arcs, so neighbours still
    meet; a point goes whose triangle with its neighbours is under half a square pixel."""
    return replace(b, topology=simplify(b.topology, scale * scale / 2))


def _country_frame(atlas: Atlas, scale: float, pad: float = 4) -> tuple[Frame, float, float]:
    """Whole pixels: at this scale a tenth of a pixel would only make the page heavier."""
    e0, n0, e1, n1 = _extent(atlas.then, atlas.then.codes)
    frame = Frame(round(e0 - pad * scale), round(n1 + pad * scale), scale, 0)
    return frame, round((e1 - e0) / scale + 2 * pad, 1), round((n1 - n0) / scale + 2 * pad, 1)


def _stripes(stripes: Mapping[tuple[str, ...], str]) -> list[dict[str, Any]]:
    return [{"id": pid, "colours": list(fills), "size": 4 * len(fills)}
            for fills, pid in sorted(stripes.items(), key=lambda kv: kv[1])]


def country_map(site: Site, atlas: Atlas, lang: str, here: str, scale: float = 2400.0) -> Markup:
    """The whole country on the boundaries of 2020 and of today, side by side, the pilot municipalities
    coloured by pilot and linked to their pages, with a legend naming every pilot in ``lang``. ``here``: the
    site path of the page it goes on (links are relative to it)."""
    t = _text(lang)
    colours = pilot_colours(site, atlas)
    per_pilot = pilot_municipalities(site)
    frame, w, h = _country_frame(atlas, scale)
    stripes: dict[tuple[str, ...], str] = {}
    places = _municipalities(site)
    panels = []
    for n, (b, heading) in enumerate(((atlas.then, t["then"]), (atlas.now, t["now"]))):
        by_code: dict[str, list[URIRef]] = {}
        for p, codes in per_pilot.items():
            for code in codes:
                here_code = code if b is atlas.then else _today(atlas, code)
                if p not in by_code.setdefault(here_code, []):
                    by_code[here_code].append(p)
        panel = _panel(site, _at_scale(b, scale), frame, by_code, colours, here, lang, stripes, places)
        panels.append({**panel, "x": round(n * (w + 20), 1), "heading": heading})
    names = {p: site.label(p, lang) for p in per_pilot}
    rows = (len(per_pilot) + 1) // 2
    legend = [{"x": 0 if i < rows else round(w + 20, 1), "y": (i % rows) * 20, "fill": colours[p],
               "text": names[p][0], "lang": names[p][1] or lang} for i, p in enumerate(per_pilot)]
    merged = "; ".join(f"{_name(site, places, m.absorbed, lang)} → {_name(site, places, m.into, lang)} "
                       f"({m.date})" for m in atlas.mergers)
    desc = (t["desc"] + (t["merged"] + merged + ". " if merged else "") + t["by_pilot"]
            + "; ".join(f"{names[p][0]}: " + ", ".join(_name(site, places, c, lang) for c in codes)
                        for p, codes in per_pilot.items()))
    width = round(2 * w + 20, 1)
    credit = _credit(lang, width)
    height = round(h + 30 + rows * 20 + (20 if stripes else 0) + 12 * len(credit) + 12, 1)
    return fragment("map.svg.j2", id="map-country", width=width, height=height, title=t["title"], desc=desc,
                    panels=panels, top=24, legend=legend, legend_top=round(h + 40, 1), land=LAND, paper=PAPER,
                    boundary=BOUNDARY, patterns=_stripes(stripes), note=t["both"] if stripes else "",
                    credit=credit, role="group", clip=None)


def _name(site: Site, places: Mapping[str, URIRef], code: str, lang: str) -> str:
    node = places.get(code)
    return site.label(node, lang)[0] if node is not None else code


def pilot_map(site: Site, atlas: Atlas, pilot: URIRef, lang: str, here: str, size: float = 300.0) -> Markup:
    """A small map of one pilot: its municipalities on the 2020 boundaries in its colour, linked to their
    pages, and the municipalities around them in grey."""
    t = _text(lang)
    codes = list(pilot_municipalities(site).get(pilot, {}))
    b = atlas.then
    if not codes:
        return Markup("")
    e0, n0, e1, n1 = _extent(b, codes)
    span = max(e1 - e0, n1 - n0) * 1.3 + 20000
    scale = span / size
    cx, cy = (e0 + e1) / 2, (n0 + n1) / 2
    frame = Frame(cx - span / 2, cy + span / 2, scale)
    box = (cx - span / 2, cy - span / 2, cx + span / 2, cy + span / 2)
    nearby = [c for c, e in _extents(b).items() if _overlaps(e, box)]
    stripes: dict[tuple[str, ...], str] = {}
    colour = pilot_colours(site, atlas)[pilot]
    places = _municipalities(site)
    panel = {**_panel(site, b, frame, {c: [pilot] for c in codes}, {pilot: colour}, here, lang, stripes, places,
                      nearby), "x": 0, "heading": t["then"]}
    name = site.label(pilot, lang)[0]
    desc = t["pilot_desc"].format(name) + ", ".join(_name(site, places, c, lang) for c in codes) + "."
    credit = _credit(lang, size)
    return fragment("map.svg.j2", id=f"map-{_slug(pilot)}", width=size, height=size + 30 + 12 * len(credit),
                    title=t["pilot_title"].format(name), desc=desc, panels=[panel], top=24, legend=[],
                    legend_top=size + 24, land=LAND, paper=PAPER, boundary=BOUNDARY, patterns=[], note="",
                    credit=credit, role="group", clip=size)


def locator_map(site: Site, atlas: Atlas, municipality: URIRef, lang: str, scale: float = 4000.0) -> Markup:
    """Where one municipality is: the country's outline, the municipality filled dark and ringed (its area on
    today's map, or on the 2020 map if it no longer exists, as Honkajoki and Pertunmaa)."""
    t = _text(lang)
    code = municipality_code(site, municipality)
    if code is None:
        return Markup("")
    b = _at_scale(atlas.now if code in atlas.now.topology.areas else atlas.then, scale)
    frame, w, h = _country_frame(atlas, scale)
    panel = {"land": _outline(b, frame), "mesh": "", "x": 0, "heading": "", "marker": frame.xy(centroid(b.rings(code))),
             "areas": [{"d": _area_path(b, (code,), frame), "fill": DARK_BAND[0], "label": "", "href": None}]}
    name = site.label(municipality, lang)[0]
    credit = _credit(lang, w)
    return fragment("map.svg.j2", id=f"map-locator-{code}", width=w, height=round(h + 4 + 12 * len(credit), 1),
                    title=t["locator_title"].format(name), desc=t["locator_desc"].format(name, b.classification),
                    panels=[panel], top=0, legend=[], legend_top=h, land=LAND, paper=PAPER, boundary=BOUNDARY,
                    patterns=[], note="", credit=credit, role="img", clip=None)


@lru_cache(maxsize=4)
def _extents(b: Boundaries) -> dict[str, tuple[float, float, float, float]]:
    return {c: extent(b, [c]) for c in b.codes}


def _extent(b: Boundaries, codes: Sequence[str]) -> tuple[float, float, float, float]:
    """:func:`~kopa_graph.geo.atlas.extent` of ``codes``, from each area's own, which are measured once."""
    boxes = [_extents(b)[c] for c in codes if c in _extents(b)]
    return (min(e[0] for e in boxes), min(e[1] for e in boxes), max(e[2] for e in boxes), max(e[3] for e in boxes))


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _slug(iri: URIRef) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in str(iri).rstrip("/").rsplit("/", 1)[-1])
