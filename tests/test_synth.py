"""The benchmark's synthetic data: real pipeline, deterministic for a seed, invalid on request."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import ROOT
from kopa_graph import Settings
from kopa_graph.errors import NotConformant
from kopa_graph.pipeline import build_and_validate

sys.path.insert(0, str(ROOT / "benchmarks"))
import synth


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_synthetic_data_builds_conforms_and_is_deterministic(tmp_path: Path) -> None:
    synth.generate(tmp_path / "a", 12, seed=7)
    synth.generate(tmp_path / "b", 12, seed=7)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    built, report = build_and_validate(tmp_path / "a", Settings())
    assert report.conforms
    from kopa_graph.rdfio.namespaces import KOPA, RDF

    assert len(set(built.graph.subjects(RDF.type, KOPA.Pilot))) == 12
    synth.generate(tmp_path / "c", 12, seed=8)
    assert _files(tmp_path / "c") != _files(tmp_path / "a")
    assert not (tmp_path / "a.partial").exists()


def test_invalid_fraction_gives_pilots_the_shapes_reject(tmp_path: Path) -> None:
    synth.generate(tmp_path / "bad", 20, seed=1, invalid=0.3)
    with pytest.raises(NotConformant) as caught:
        build_and_validate(tmp_path / "bad", Settings())
    shapes = {str(r.shape).rsplit("#", 1)[-1] for r in caught.value.report.violations}
    assert shapes == {"Pilot-members"}
