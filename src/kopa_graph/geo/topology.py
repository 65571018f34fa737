"""TopoJSON topologies of municipal boundaries: decoding, merging municipalities, simplifying.

A topology keeps each stretch of boundary once, as an *arc*; a municipality is a list of rings, each a list
of arc references (``i`` the arc as stored, ``~i`` = ``-i-1`` the arc reversed). Neighbours share arcs, so a
simplification made on the arcs keeps them meeting, and merging two municipalities is dropping the arcs
they share and joining the rest into rings.
"""

from __future__ import annotations

import heapq
import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kopa_graph.geo.projection import to_tm35fin

Point = tuple[float, float]
Ring = tuple[int, ...]  # arc references


class TopologyError(ValueError):
    """A file that is not a TopoJSON topology of the expected shape (the message says what is wrong)."""


@dataclass(frozen=True, eq=False)  # compared (and hashed, for caches) by identity
class Topology:
    """The arcs in lon/lat degrees as read, each area's rings, and the Visvalingam threshold (square metres;
    0: none) of its arcs. An arc is projected to ETRS-TM35FIN and simplified when first asked for (a build
    needs only the arcs of the graph's municipalities; the site needs them all)."""

    raw: tuple[tuple[Point, ...], ...]
    areas: Mapping[str, tuple[Ring, ...]]
    min_area: float = 0.0
    _arcs: dict[int, tuple[tuple[Point, ...], tuple[Point, ...]]] = field(default_factory=dict, repr=False)

    def arc(self, i: int, projected: bool = True) -> tuple[Point, ...]:
        """Arc ``i`` (simplified): in ETRS-TM35FIN metres, or in lon/lat degrees (the same points)."""
        done = self._arcs.get(i)
        if done is None:
            metres = tuple(to_tm35fin(lon, lat) for lon, lat in self.raw[i])
            keep = _visvalingam(metres, self.min_area) if self.min_area else range(len(metres))
            done = self._arcs[i] = (tuple(self.raw[i][k] for k in keep), tuple(metres[k] for k in keep))
        return done[1] if projected else done[0]

    def points(self, ring: Ring, projected: bool = True) -> list[Point]:
        """The closed ring's points, in order (each arc's first point after the first arc is its
        predecessor's last: it is left out)."""
        out: list[Point] = []
        for ref in ring:
            arc = self.arc(ref, projected) if ref >= 0 else self.arc(~ref, projected)[::-1]
            out.extend(arc if not out else arc[1:])
        return out


def read_topology(path: Path, layer: str, id_key: str = "id") -> Topology:
    """The areas of ``layer`` in the TopoJSON file ``path``, by the property ``id_key`` (the kuntanumero)."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        objects = doc["objects"]
        if layer not in objects:
            raise TopologyError(f"{path}: no layer {layer!r} (the file has {', '.join(sorted(objects))}): "
                                "name one of those")
        scale, translate = doc["transform"]["scale"], doc["transform"]["translate"]
        lonlat = tuple(_decode(arc, scale, translate) for arc in doc["arcs"])
        areas: dict[str, tuple[Ring, ...]] = {}
        for geom in objects[layer]["geometries"]:
            code = str((geom.get("properties") or {}).get(id_key, geom.get(id_key, "")))
            if not code or code in areas:
                raise TopologyError(f"{path}: layer {layer!r} has a geometry with "
                                    f"{'no' if not code else 'a repeated'} {id_key!r} {code!r}: give each "
                                    "area its own code")
            polygons = [geom["arcs"]] if geom["type"] == "Polygon" else geom["arcs"]
            areas[code] = tuple(tuple(ring) for polygon in polygons for ring in polygon)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, TopologyError):
            raise
        raise TopologyError(f"{path}: not a TopoJSON topology with quantized arcs ({exc}); use the file "
                            "as published (data/geo/SOURCES.md)") from exc
    return Topology(lonlat, dict(sorted(areas.items())))


def _decode(arc: Sequence[Sequence[int]], scale: Sequence[float], translate: Sequence[float]) -> tuple[Point, ...]:
    x = y = 0
    out = []
    for dx, dy in arc:
        x, y = x + dx, y + dy
        out.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
    return tuple(out)


def merge(topology: Topology, absorbed: str, into: str) -> Topology:
    """``absorbed`` merged into ``into``: the arcs they share dropped, the rest joined into rings."""
    refs = [ref for code in (into, absorbed) for ring in topology.areas[code] for ref in ring]
    used = {ref if ref >= 0 else ~ref for ref in refs}
    shared = {i for i in used if i in refs and ~i in refs}
    rest = [ref for ref in refs if (ref if ref >= 0 else ~ref) not in shared]
    areas = {code: rings for code, rings in topology.areas.items() if code != absorbed}
    areas[into] = _join(topology, rest)
    return Topology(topology.raw, areas, topology.min_area, topology._arcs)  # the same arcs


def _join(topology: Topology, refs: list[int]) -> tuple[Ring, ...]:
    """The arc references joined end to start into closed rings (in the order they were listed)."""
    def ends(ref: int) -> tuple[Point, Point]:
        arc = topology.raw[ref if ref >= 0 else ~ref]  # simplifying keeps an arc's ends
        return (arc[0], arc[-1]) if ref >= 0 else (arc[-1], arc[0])

    starting: dict[Point, list[int]] = {}
    for ref in refs:
        starting.setdefault(ends(ref)[0], []).append(ref)
    left, rings = list(refs), []
    while left:
        ring = [left.pop(0)]
        starting[ends(ring[0])[0]].remove(ring[0])
        while ends(ring[-1])[1] != ends(ring[0])[0]:
            nxt = starting[ends(ring[-1])[1]].pop(0)
            left.remove(nxt)
            ring.append(nxt)
        rings.append(tuple(ring))
    return tuple(rings)


def simplify(topology: Topology, min_area: float) -> Topology:
    """Every arc simplified by Visvalingam-Whyatt on its projected points: points whose triangle with its
    neighbours is under ``min_area`` square metres go, the arc's ends stay (so neighbours still meet), and a
    closed arc (an island) keeps at least four points."""
    if topology.min_area:  # simplify the simplified arcs
        topology = Topology(tuple(topology.arc(i, projected=False) for i in range(len(topology.raw))),
                            topology.areas)
    return Topology(topology.raw, topology.areas, min_area)


def _triangle(a: Point, b: Point, c: Point) -> float:
    return abs((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])) / 2


def _visvalingam(arc: Sequence[Point], min_area: float) -> list[int]:
    """The indices of the points kept: the point of smallest triangle goes first (ties: the lower index), its
    neighbours' triangles are recomputed, until every triangle left is at least ``min_area``."""
    n = len(arc)
    floor = 4 if n > 3 and arc[0] == arc[-1] else 2
    if n <= floor:
        return list(range(n))
    prev, nxt = list(range(-1, n - 1)), list(range(1, n + 1))
    area = [_triangle(arc[i - 1], arc[i], arc[i + 1]) if 0 < i < n - 1 else math.inf for i in range(n)]
    heap = [(area[i], i) for i in range(1, n - 1)]
    heapq.heapify(heap)
    removed, alive = [False] * n, n
    while heap and alive > floor:
        a, i = heapq.heappop(heap)
        if removed[i] or a != area[i]:
            continue  # stale: the triangle changed when a neighbour went
        if a >= min_area:
            break
        removed[i], alive = True, alive - 1
        p, q = prev[i], nxt[i]
        nxt[p], prev[q] = q, p
        for j in (p, q):
            if 0 < j < n - 1:
                area[j] = _triangle(arc[prev[j]], arc[j], arc[nxt[j]])
                heapq.heappush(heap, (area[j], j))
    return [i for i in range(n) if not removed[i]]


def polygons(rings: Iterable[Sequence[Point]]) -> list[tuple[Sequence[Point], list[Sequence[Point]]]]:
    """Rings sorted into polygons: the outer rings (each with the holes inside it), largest first. Which
    orientation is outer is read from the largest ring; a hole goes to the smallest outer ring holding it."""
    rings = sorted(rings, key=lambda r: -abs(signed_area(r)))
    if not rings:
        return []
    outer_sign = signed_area(rings[0]) > 0
    outers = [r for r in rings if (signed_area(r) > 0) == outer_sign]
    out: list[tuple[Sequence[Point], list[Sequence[Point]]]] = [(r, []) for r in outers]
    for hole in (r for r in rings if (signed_area(r) > 0) != outer_sign):
        holders = [i for i, (o, _) in enumerate(out) if _inside(hole[0], o)]
        if holders:
            out[min(holders, key=lambda i: abs(signed_area(out[i][0])))][1].append(hole)
    return out


def signed_area(ring: Sequence[Point]) -> float:
    """The shoelace area (positive counter-clockwise in x-east, y-north coordinates)."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring)) / 2


def _inside(p: Point, ring: Sequence[Point]) -> bool:
    inside = False
    for a, b in itertools.pairwise(ring):
        if (a[1] > p[1]) != (b[1] > p[1]) and p[0] < a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]):
            inside = not inside
    return inside


def centroid(rings: Iterable[Sequence[Point]]) -> Point:
    """The area-weighted centroid of an area's rings (holes subtract: their orientation is opposite)."""
    total = cx = cy = 0.0
    for ring in rings:
        for a, b in itertools.pairwise(ring):
            cross = a[0] * b[1] - b[0] * a[1]
            total += cross
            cx += (a[0] + b[0]) * cross
            cy += (a[1] + b[1]) * cross
    return cx / (3 * total), cy / (3 * total)


@lru_cache(maxsize=16)
def outline(topology: Topology) -> tuple[Ring, ...]:
    """The rings around all the areas together (the country's coast and borders): every arc that only one
    area uses, joined into rings."""
    refs = [ref for rings in topology.areas.values() for ring in rings for ref in ring]
    count: dict[int, int] = {}
    for ref in refs:
        count[ref if ref >= 0 else ~ref] = count.get(ref if ref >= 0 else ~ref, 0) + 1
    return _join(topology, [ref for ref in refs if count[ref if ref >= 0 else ~ref] == 1])


def arcs_of(topology: Topology, codes: Iterable[str]) -> list[int]:
    """The arcs (each once, in index order) the areas ``codes`` use."""
    return sorted({ref if ref >= 0 else ~ref for c in codes for ring in topology.areas.get(c, ()) for ref in ring})
