"""The municipal boundaries (``data/geo/``, described in ``reference/datasets.yaml``): the 2020 map as the
file gives it, and today's map derived from the latest boundary file and the recorded mergers
(``municipality_changes.csv``), so that a merger recorded there reaches the maps without anything else."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from kopa_graph.errors import Location
from kopa_graph.geo.atlas import Atlas, Merger, boundaries
from kopa_graph.geo.topology import TopologyError, read_topology
from kopa_graph.source.fields import FieldReader
from kopa_graph.source.model import Municipality, MunicipalityChange, ReferenceDataset

#: The boundary files: the article's year, and the latest map published (today's is derived from it).
BOUNDARIES_THEN = "boundaries-2020"
BOUNDARIES_LATEST = "boundaries-2021"
CHANGES_DATASET = "municipality-changes"
LAYER = "munis"


def _day(classification: str) -> str:
    d = classification.rsplit("_", 1)[-1]
    return f"{d[:4]}-{d[4:6]}-{d[6:8]}"


def read_atlas(data_dir: Path, datasets: Mapping[str, ReferenceDataset], changes: Sequence[MunicipalityChange],
               lists: Sequence[Mapping[str, Municipality]], r: FieldReader) -> Atlas | None:
    """The maps of the two municipality classifications ``lists`` (2020's and today's), or None where
    datasets.yaml describes no boundary files (the data then has no geometry and the site no map). Each map
    must have an area for each municipality of its list."""
    if not all(lists):
        return None
    then, now = (next(iter(m.values())).classification for m in lists)
    if BOUNDARIES_THEN not in datasets or BOUNDARIES_LATEST not in datasets:
        return None
    files = [datasets[BOUNDARIES_THEN], datasets[BOUNDARIES_LATEST]]
    topologies = []
    for ds in files:
        if not ds.classification:
            r.problem(ds.loc, "dataset.classification", f"boundary dataset {ds.id!r} names no classification",
                      "give the municipality classification its map is of, e.g. kunta_1_20210101")
            return None
        try:
            topologies.append(read_topology(data_dir / "reference" / ds.file, LAYER))
        except TopologyError as exc:
            r.problem(Location(data_dir / "reference" / ds.file), "file", str(exc),
                      f"replace the file, or correct 'file' of dataset {ds.id!r} in datasets.yaml")
            return None
    mergers = [Merger(ch.code, ch.absorbed_by, _day(ch.first_classification_without)) for ch in changes]
    latest = files[1]
    derived_from = (latest.id, CHANGES_DATASET) if CHANGES_DATASET in datasets else (latest.id,)
    atlas = Atlas(boundaries(topologies[0], then, (files[0].id,)),
                  boundaries(topologies[1], now, derived_from, mergers, after=_day(latest.classification or "")),
                  tuple(sorted(mergers, key=lambda m: (m.date, m.absorbed))))
    for b, ds, listed in zip(atlas.maps(), files, lists, strict=True):
        _check_codes(b.codes, b.classification, listed, ds, r)
    return atlas


def _check_codes(codes: Sequence[str], classification: str, listed: Mapping[str, Municipality],
                 ds: ReferenceDataset, r: FieldReader) -> None:
    missing = sorted(set(listed) - set(codes))
    if missing:
        r.problem(ds.loc, "file", f"the map of {classification} made from {ds.file} has no area for "
                  f"{len(missing)} municipalities of that classification: {', '.join(missing[:5])}",
                  "use the boundary file of that year, or record the merger that explains the difference in "
                  "municipality_changes.csv")
