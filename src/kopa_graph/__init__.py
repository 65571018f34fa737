"""kopa-graph: the KOPA pilots as a validated, linked, queryable knowledge graph.

The library is the product; the ``kopa-graph`` command is a thin layer over it::

    from kopa_graph import Settings, build
    result = build(None, Path("out"), Settings())   # the shipped data
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from kopa_graph.build import BuiltGraph, build_graph
from kopa_graph.errors import (
    InputError,
    KopaError,
    NotConformant,
    OutputError,
    RDFLoadError,
    SourceDataError,
)
from kopa_graph.load import load_source_data
from kopa_graph.pipeline import BuildResult, build, build_and_validate, serialize_release
from kopa_graph.settings import DEFAULT_BASE_IRI, Settings
from kopa_graph.validate import ValidationReport, validate_graph

try:
    __version__ = version("kopa-graph")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

__all__ = [
    "DEFAULT_BASE_IRI",
    "BuildResult",
    "BuiltGraph",
    "InputError",
    "KopaError",
    "NotConformant",
    "OutputError",
    "RDFLoadError",
    "Settings",
    "SourceDataError",
    "ValidationReport",
    "__version__",
    "build",
    "build_and_validate",
    "build_graph",
    "load_source_data",
    "serialize_release",
    "validate_graph",
]
