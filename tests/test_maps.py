"""Issue 17 §3: maps of Finland (ETRS-TM35FIN, today's boundaries derived from the recorded mergers, SVG on
the index page) and the same geometry in the graph (GeoSPARQL, with PROV)."""

from __future__ import annotations

import itertools
import re
import xml.dom.minidom
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from conftest import ROOT, SMALL
from kopa_graph import Settings
from kopa_graph.cli import main
from kopa_graph.geo.atlas import Merger
from kopa_graph.geo.projection import from_tm35fin, to_tm35fin
from kopa_graph.geo.topology import centroid, merge, read_topology, signed_area
from kopa_graph.graph.build import BuiltGraph
from kopa_graph.pipeline import validate_source
from kopa_graph.publish.site import maps
from kopa_graph.publish.site import pages as site_pages
from kopa_graph.publish.site.build import build_site
from kopa_graph.publish.site.labels import label_graph
from kopa_graph.rdfio.namespaces import DCTERMS, GEO, PROV, RDF
from kopa_graph.validation.validate import load_ontology

GEO_DIR = ROOT / "data" / "geo"
ID = "https://w3id.org/kopa/id/"


def _area(t, code: str) -> float:  # type: ignore[no-untyped-def]
    return sum(signed_area(t.points(r)) for r in t.areas[code])


# -- projection ----------------------------------------------------------------------------------------------


def test_projection_matches_the_published_etrs_tm35fin_example() -> None:
    """JHS 197, annex 3 (EUREF-FIN coordinate systems, the public administration's recommendation), example
    point: φ 60°23'06.38474" = 60.3851068722°, λ 19°50'53.29237" = 19.84813676944° gives ETRS-TM35FIN
    N 6 715 706.37708 m, E 106 256.35961 m (the same pair is quoted by several implementations of JHS 154)."""
    e, n = to_tm35fin(19.84813676944, 60.3851068722)
    assert abs(n - 6715706.37708) < 0.001 and abs(e - 106256.35961) < 0.001
    lon, lat = from_tm35fin(106256.35961, 6715706.37708)
    assert abs(lon - 19.84813676944) < 1e-8 and abs(lat - 60.3851068722) < 1e-8


@pytest.mark.parametrize("lon, lat", [(27.0, 60.0), (20.5, 69.05), (31.58, 62.9), (24.94, 60.17), (27.0, 70.09)])
def test_projection_round_trips_and_keeps_the_central_meridian(lon: float, lat: float) -> None:
    e, n = to_tm35fin(lon, lat)
    back = from_tm35fin(e, n)
    assert abs(back[0] - lon) < 1e-9 and abs(back[1] - lat) < 1e-9
    if lon == 27.0:
        assert abs(e - 500000.0) < 1e-6  # the false easting on the central meridian


# -- today's boundaries ----------------------------------------------------------------------------------------


def test_todays_map_is_the_2021_map_with_the_recorded_mergers(shipped_built: BuiltGraph) -> None:
    atlas = shipped_built.atlas
    assert atlas is not None
    assert len(atlas.then.codes) == 310 and len(atlas.now.codes) == 309 - 1
    # derived from municipality_changes.csv: Honkajoki's merger is in the 2021 file already, Pertunmaa's is not
    assert atlas.now.applied == (Merger("588", "507", "2025-01-01"),)
    assert {"099", "588"} <= set(atlas.then.codes) and not {"099", "588"} & set(atlas.now.codes)
    t21 = read_topology(GEO_DIR / "finland-munis-2021.topo.json", "munis")
    assert atlas.now.topology.areas["214"] == t21.areas["214"]  # today's Kankaanpää is 2021's


def test_merging_drops_the_shared_boundary() -> None:
    t20 = read_topology(GEO_DIR / "finland-munis-2020.topo.json", "munis")
    t21 = read_topology(GEO_DIR / "finland-munis-2021.topo.json", "munis")
    now = merge(t21, "588", "507")
    assert "588" not in now.areas and len(now.areas) == 308
    assert _area(now, "507") == pytest.approx(_area(t21, "507") + _area(t21, "588"), rel=1e-12)
    assert len(now.areas["507"]) == len(t21.areas["507"])  # one area: no ring of Pertunmaa left apart
    inside = [p for r in now.areas["507"] for p in [now.points(r)]]
    x, y = centroid([t21.points(r) for r in t21.areas["588"]])
    crossings = sum(1 for ring in inside for a, b in itertools.pairwise(ring)
                    if (a[1] > y) != (b[1] > y) and x < a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]))
    assert crossings % 2 == 1  # Pertunmaa's centre is inside today's Mäntyharju
    # the 2020 file merged the same way gives the 2021 file's Kankaanpää (two files, two roundings: 0.1 %)
    assert _area(merge(t20, "099", "214"), "214") == pytest.approx(_area(t21, "214"), rel=1e-3)


def test_a_merger_recorded_later_reaches_todays_map(small_copy: Path) -> None:
    """Today's map is derived, not drawn: record a (made-up) merger and it is there."""
    changes = small_copy / "reference" / "municipality_changes.csv"
    changes.write_text(changes.read_text(encoding="utf-8") + "403,Lappajärvi,Lappajärvi,kunta_1_20250101,"
                       "kunta_1_20260101,005,Alajärvi,made up for a test\n", encoding="utf-8")
    today = small_copy / "reference" / "municipalities.csv"  # today's list without it, as it would be
    today.write_text("".join(line for line in today.read_text(encoding="utf-8").splitlines(keepends=True)
                             if not line.startswith("403,")), encoding="utf-8")
    from kopa_graph import load_source_data

    atlas = load_source_data(small_copy).atlas
    assert atlas is not None and "403" not in atlas.now.codes and "403" in atlas.then.codes
    assert Merger("403", "005", "2026-01-01") in atlas.now.applied


# -- the graph -------------------------------------------------------------------------------------------------


def test_every_municipality_has_its_geometry_with_prov(shipped_built: BuiltGraph) -> None:
    g = shipped_built.graph
    munis = {s for s in g.subjects(DCTERMS.identifier, None) if str(s).startswith(ID + "municipality/")}
    assert munis and munis == set(g.subjects(RDF.type, GEO.Feature))
    for m in munis:
        geoms = list(g.objects(m, GEO.hasGeometry))
        assert geoms and len(list(g.objects(m, GEO.hasDefaultGeometry))) == 1
        for node in geoms + list(g.objects(m, GEO.hasCentroid)):
            (wkt,) = g.objects(node, GEO.asWKT)
            assert isinstance(wkt, Literal) and wkt.datatype == GEO.wktLiteral
            assert re.match(r"(MULTIPOLYGON \(\(\(|POINT \()[0-9]", str(wkt))
            assert (node, PROV.wasGeneratedBy, URIRef(ID + "activity/municipal-geometries")) in g
            assert list(g.objects(node, PROV.wasDerivedFrom))
    # Kankaanpää and Mäntyharju: the 2020 area and today's (with the merged one); Honkajoki: 2020 only
    for code, n in (("214", 2), ("507", 2), ("099", 1), ("005", 1)):
        assert len(list(g.objects(URIRef(ID + f"municipality/{code}"), GEO.hasGeometry))) == n, code
    today = URIRef(ID + "municipality/507/geometry/kunta_1_20260101")
    assert {URIRef(ID + "dataset/boundaries-2021"), URIRef(ID + "dataset/municipality-changes")} == set(
        g.objects(today, PROV.wasDerivedFrom))
    assert (URIRef(ID + "dataset/boundaries-2021"), DCTERMS.license,
            URIRef("https://creativecommons.org/licenses/by/4.0/")) in g


def test_a_geosparql_query_through_the_cli_returns_wkt_for_a_pilots_municipalities() -> None:
    query = """PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?m ?wkt WHERE {
  ?ms org:organization <https://w3id.org/kopa/id/pilot/jarviseutu> ; org:member ?m .
  ?m geo:hasDefaultGeometry/geo:asWKT ?wkt } ORDER BY ?m"""
    result = CliRunner().invoke(main, ["sparql", "--format", "csv", query])
    assert result.exit_code == 0, result.output
    rows = result.output.strip().splitlines()[1:]
    assert [r.split(",")[0].rsplit("/", 1)[-1] for r in rows] == ["005", "052", "403", "934"]
    assert all("MULTIPOLYGON (((" in r for r in rows)


# -- the pictures ------------------------------------------------------------------------------------------------


def _site(built: BuiltGraph) -> site_pages.Site:
    g = built.graph
    pages = {s: "doc/" + str(s)[len(ID):] for s in set(g.subjects()) if str(s).startswith(ID)}
    return site_pages.Site(g, g + load_ontology() + label_graph(), "https://w3id.org/kopa/", "", pages.get)


def test_the_maps_are_deterministic_valid_svg(shipped_built: BuiltGraph) -> None:
    site, atlas = _site(shipped_built), shipped_built.atlas
    assert atlas is not None
    pilot = maps.pilots(site)[0]
    for draw in (lambda: maps.country_map(site, atlas, "fi", "index.fi.html"),
                 lambda: maps.pilot_map(site, atlas, pilot, "sv", "doc/pilot/jarviseutu.html"),
                 lambda: maps.locator_map(site, atlas, URIRef(ID + "municipality/099"), "en")):
        svg = str(draw())
        assert svg == str(draw())
        root = xml.dom.minidom.parseString(svg).documentElement
        assert root.tagName == "svg" and root.getAttribute("aria-label") and root.getAttribute("role")
        assert root.getElementsByTagName("title") and root.getElementsByTagName("desc")
        assert "<script" not in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
        assert "Statistic" in svg or "Tilastokeskus" in svg or "Statistikcentralen" in svg  # the credit


def test_the_palette_meets_the_non_text_contrast() -> None:
    def lum(hex_: str) -> float:
        c = [int(hex_[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    def ratio(a: str, b: str) -> float:
        x, y = sorted((lum(a), lum(b)))
        return (y + 0.05) / (x + 0.05)

    for fill in maps.LIGHT_BAND + maps.DARK_BAND:
        assert ratio(fill, maps.LAND) >= 3 and ratio(fill, maps.PAPER) >= 3 and ratio(fill, "#ffffff") >= 3
    for light in maps.LIGHT_BAND:
        assert all(ratio(light, dark) >= 3 for dark in maps.DARK_BAND)
    assert ratio(maps.BOUNDARY, maps.PAPER) >= 3


def test_touching_pilots_get_different_bands(shipped_built: BuiltGraph) -> None:
    site, atlas = _site(shipped_built), shipped_built.atlas
    assert atlas is not None
    colours = maps.pilot_colours(site, atlas)
    assert len(set(colours.values())) == len(colours) == 13
    east, kotka = URIRef(ID + "pilot/ostra-nyland"), URIRef(ID + "pilot/ostnyland")  # they share Loviisa
    assert (colours[east] in maps.LIGHT_BAND) != (colours[kotka] in maps.LIGHT_BAND)


@given(st.dictionaries(st.integers(0, 30), st.sets(st.sampled_from([f"{i:03d}" for i in range(12)]), max_size=4),
                       max_size=25),
       st.dictionaries(st.sampled_from([f"{i:03d}" for i in range(14)]),
                       st.frozensets(st.sampled_from([f"{i:03d}" for i in range(14)]), max_size=4)))
def test_touching_through_each_municipality_is_the_pairwise_definition(areas_by_number: dict[int, set[str]],
                                                                       near: dict[str, frozenset[str]]) -> None:
    """Two pilots touch when one holds a municipality the other holds or one next to it: found through each
    municipality's pilots (8,600 pilots at 1M), the same sets as comparing every pair."""
    areas = {URIRef(f"{ID}pilot/p{n}"): codes for n, codes in areas_by_number.items()}
    pairwise = {p: {q for q in areas if q != p and any(c in areas[q] or near.get(c, frozenset()) & areas[q]
                                                       for c in areas[p])} for p in areas}
    assert maps._touching(areas, near) == pairwise


def test_the_index_pilot_and_municipality_pages_show_their_maps(tmp_path: Path) -> None:
    out = tmp_path / "site"
    validated = validate_source(SMALL, Settings())
    build_site(validated, out)
    site = _site(validated.built)
    for lang, suffix in (("sv", ""), ("fi", ".fi"), ("en", ".en")):
        page = (out / f"index{suffix}.html").read_text(encoding="utf-8")
        svg = re.search(r'<svg[^>]*class="map".*?</svg>', page, re.S)
        assert svg, lang
        legend = re.findall(r'<rect width="14" height="14" fill="#[0-9a-f]{6}"/><text[^>]*>([^<]*)</text>',
                            svg.group(0))
        assert sorted(legend) == sorted(site.label(p, lang)[0] for p in maps.pilots(site)), lang
        assert re.search(r'<a href="doc/municipality/005[^"]*"', svg.group(0)), lang
    # a pilot's page shows its own map, with its municipalities linked; a municipality's page its locator map;
    # other resources none
    for lang, suffix in (("sv", ""), ("fi", ".fi"), ("en", ".en")):
        pilot = (out / f"doc/pilot/alfa{suffix}.html").read_text(encoding="utf-8")
        figure = re.search(r'<figure class="map">\s*<svg[^>]*aria-describedby="map-alfa-desc".*?</svg>\s*</figure>',
                           pilot, re.S)
        assert figure, lang
        assert f'<a href="../../doc/municipality/005{suffix}.html"' in figure.group(0), lang
        town = (out / f"doc/municipality/005{suffix}.html").read_text(encoding="utf-8")
        assert re.search(r'<figure class="map">\s*<svg[^>]*aria-describedby="map-locator-005-desc"', town), lang
        theme = out / f"doc/pilot/alfa/theme/cooperation-between-education-levels{suffix}.html"
        assert "<svg" not in theme.read_text(encoding="utf-8")
