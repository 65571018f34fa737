"""The two maps of the municipalities: 2020 (the article's time) and today, simplified once for the site's
pictures and the graph's geometries alike, and the text of a geometry as WKT."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from kopa_graph.geo.projection import from_tm35fin
from kopa_graph.geo.topology import Point, Topology, centroid, merge, polygons, signed_area, simplify

#: Visvalingam's threshold: a point whose triangle with its neighbours is under this many square metres
#: (1 km², about a quarter of a pixel on the index map) goes.
MIN_AREA = 1_000_000.0
#: WKT longitudes and latitudes to 4 decimals: about 10 m, finer than the boundaries' own 1:4.5 million.
WKT_DECIMALS = 4


@dataclass(frozen=True)
class Merger:
    """A recorded merger: ``absorbed`` went into ``into`` on ``date`` (YYYY-MM-DD)."""

    absorbed: str
    into: str
    date: str


@dataclass(frozen=True, eq=False)  # compared (and hashed, for caches) by identity
class Boundaries:
    """One year's map: its classification (kunta_1_20200101), the datasets it was made from (the boundary
    file and, for a derived map, the merger list), the mergers applied to the file's map, and the map."""

    classification: str
    datasets: tuple[str, ...]
    applied: tuple[Merger, ...]
    topology: Topology

    def rings(self, code: str, projected: bool = True) -> list[list[Point]]:
        return [self.topology.points(r, projected) for r in self.topology.areas.get(code, ())]

    @property
    def codes(self) -> list[str]:
        return sorted(self.topology.areas)


@dataclass(frozen=True)
class Atlas:
    """The map of the article's time and today's, and every recorded merger."""

    then: Boundaries
    now: Boundaries
    mergers: tuple[Merger, ...] = ()

    def changed(self) -> frozenset[str]:
        """The municipalities whose area a recorded merger changed after the first map's day (they
        absorbed another): their boundary today differs from the first map's."""
        first = self.then.classification.rsplit("_", 1)[-1]
        day = f"{first[:4]}-{first[4:6]}-{first[6:8]}"
        return frozenset(m.into for m in self.mergers if m.date > day)

    def maps(self) -> tuple[Boundaries, Boundaries]:
        return self.then, self.now


def boundaries(topology: Topology, classification: str, datasets: Sequence[str],
               mergers: Sequence[Merger] = (), after: str = "") -> Boundaries:
    """The map of ``topology`` with every merger of ``mergers`` dated after ``after`` (the file's own day)
    whose absorbed municipality the file still has, applied in date order; then simplified."""
    applied = tuple(m for m in sorted(mergers, key=lambda m: (m.date, m.absorbed))
                    if m.date > after and m.absorbed in topology.areas and m.into in topology.areas)
    for m in applied:
        topology = merge(topology, m.absorbed, m.into)
    return Boundaries(classification, tuple(datasets), applied, simplify(topology, MIN_AREA))


def _num(x: float) -> str:
    text = f"{x:.{WKT_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def wkt_multipolygon(b: Boundaries, code: str) -> str:
    """The area as a WKT MULTIPOLYGON in CRS84 (longitude, latitude), each ring closed; outer rings counter-
    clockwise and holes clockwise (the OGC Simple Features order)."""
    parts = []
    for outer, holes in polygons(b.rings(code, projected=False)):
        rings = [_oriented(outer, ccw=True)] + [_oriented(h, ccw=False) for h in holes]
        parts.append("(" + ", ".join("(" + ", ".join(f"{_num(x)} {_num(y)}" for x, y in ring) + ")"
                                     for ring in rings) + ")")
    return "MULTIPOLYGON (" + ", ".join(parts) + ")"


def _oriented(ring: Sequence[Point], ccw: bool) -> Sequence[Point]:
    return ring if (signed_area(ring) > 0) == ccw else ring[::-1]


def wkt_centroid(b: Boundaries, code: str) -> str:
    """The area's centroid, computed on the projected (true-to-area) map, as a WKT POINT in CRS84."""
    lon, lat = from_tm35fin(*centroid(b.rings(code)))
    return f"POINT ({_num(lon)} {_num(lat)})"


def extent(b: Boundaries, codes: Sequence[str] | None = None) -> tuple[float, float, float, float]:
    """The projected bounding box (min E, min N, max E, max N) of ``codes`` (default: the whole map)."""
    pts = [p for c in (codes if codes is not None else b.codes) for ring in b.rings(c) for p in ring]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


@lru_cache(maxsize=8)
def neighbours(b: Boundaries) -> Mapping[str, frozenset[str]]:
    """Which areas share a boundary arc with which."""
    users: dict[int, set[str]] = {}
    for code, rings in b.topology.areas.items():
        for ring in rings:
            for ref in ring:
                users.setdefault(ref if ref >= 0 else ~ref, set()).add(code)
    out: dict[str, set[str]] = {code: set() for code in b.topology.areas}
    for codes in users.values():
        for c in codes:
            out[c] |= codes - {c}
    return {c: frozenset(n) for c, n in out.items()}
