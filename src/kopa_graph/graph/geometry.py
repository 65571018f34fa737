"""The municipalities' GeoSPARQL geometries: each municipality of the graph gets its boundary (a
``geo:Geometry`` with ``geo:asWKT``) in 2020, a second one today where a recorded merger has changed its area
since (Kankaanpää, Mäntyharju), and the centroid of its default (latest) geometry. They are derived facts:
``prov:wasDerivedFrom`` the boundary datasets (and the merger list for today's map), ``prov:wasGeneratedBy``
the activity that says how.

The WKT is in CRS84 (longitude, latitude: GeoSPARQL's default reference system, so the literal names no
CRS IRI): what YASGUI's map view and QGIS read without being told. The site draws the same boundaries
projected to ETRS-TM35FIN.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Literal, URIRef
from rdflib.term import Node

from kopa_graph.geo.atlas import MIN_AREA, WKT_DECIMALS, Atlas, wkt_centroid, wkt_multipolygon
from kopa_graph.graph.iris import IRIs
from kopa_graph.rdfio.namespaces import DCTERMS, FOAF, GEO, PROV, RDF, RDFS
from kopa_graph.source.model import SourceData

ACTIVITY = "municipal-geometries"


def _activity(iri: IRIs, add: Callable[[URIRef, URIRef, Node], None], atlas: Atlas) -> URIRef:
    a = iri.activity(ACTIVITY)
    add(a, RDF.type, PROV.Activity)
    merged = "; ".join(f"{m.absorbed} into {m.into} on {m.date}" for m in atlas.now.applied) or "none"
    add(a, DCTERMS.description, Literal(
        "Each municipality's boundary, read from the municipal-boundary TopoJSON files (Statistics Finland, "
        "CC BY 4.0; TopoJSON by Yle): the 2020 map as the file gives it, today's map made from the 2021 file "
        "by merging the municipalities that municipality_changes.csv records as merged since (dropping the "
        f"boundary arcs they share; merged here: {merged}). The shared boundary arcs were projected to "
        "ETRS-TM35FIN (EPSG:3067) and simplified with Visvalingam-Whyatt (points whose effective area is under "
        f"{MIN_AREA / 1e6:g} km² dropped, arc ends kept, so neighbours still meet), and written as WKT in CRS84 "
        f"to {WKT_DECIMALS} decimals. The centroid is the area-weighted centroid of the default (latest) "
        "geometry, computed on the projected map.", lang="en"))
    for ds in sorted({d for b in atlas.maps() for d in b.datasets}):
        add(a, PROV.used, iri.dataset(ds))
    agent = iri.agent()
    add(a, PROV.wasAssociatedWith, agent)
    add(agent, RDF.type, PROV.SoftwareAgent)
    add(agent, FOAF.name, Literal("kopa-graph"))
    return a


def add_geometries(iri: IRIs, data: SourceData, add: Callable[[URIRef, URIRef, Node], None]) -> None:
    """Geometries and centroids of the municipalities among the organisations (nothing without an atlas)."""
    atlas = data.atlas
    if atlas is None:
        return
    activity = _activity(iri, add, atlas)
    for org in sorted((o for o in data.organisations.values() if o.municipality_code), key=lambda o: o.key):
        code = org.municipality_code or ""
        # the first map's boundary; today's too where a recorded merger changed the area since (the two
        # files' boundaries differ by their rounding elsewhere, not by a change of the municipality)
        maps = [b for b in atlas.maps() if code in b.topology.areas
                and (b is atlas.then or code in atlas.changed() or code not in atlas.then.topology.areas)]
        if not maps:
            continue
        s = iri.organisation(org)
        add(s, RDF.type, GEO.Feature)
        for b in maps:
            node = iri.geometry(org, b.classification)
            _derived(node, activity, list(b.datasets), iri, add)
            add(node, GEO.asWKT, Literal(wkt_multipolygon(b, code), datatype=GEO.wktLiteral))
            add(node, DCTERMS.temporal, iri.validity(b.classification))
            add(node, RDFS.label, Literal(f"Boundary of {code} in {b.classification}", lang="en"))
            add(s, GEO.hasGeometry, node)
        default = iri.geometry(org, maps[-1].classification)
        add(s, GEO.hasDefaultGeometry, default)
        point = iri.centroid(org)
        _derived(point, activity, [], iri, add)
        add(point, PROV.wasDerivedFrom, default)
        add(point, GEO.asWKT, Literal(wkt_centroid(maps[-1], code), datatype=GEO.wktLiteral))
        add(point, RDFS.label, Literal(f"Centroid of {code}, {maps[-1].classification}", lang="en"))
        add(s, GEO.hasCentroid, point)


def _derived(node: URIRef, activity: URIRef, datasets: list[str], iri: IRIs,
             add: Callable[[URIRef, URIRef, Node], None]) -> None:
    add(node, RDF.type, GEO.Geometry)
    add(node, RDF.type, PROV.Entity)
    add(node, PROV.wasGeneratedBy, activity)
    for ds in datasets:
        add(node, PROV.wasDerivedFrom, iri.dataset(ds))
