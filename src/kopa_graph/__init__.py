"""kopa-graph: the KOPA pilots as a validated, linked, queryable knowledge graph.

The library is the product; the ``kopa-graph`` command is a thin layer over it::

    from kopa_graph import Settings, build
    result = build(None, Path("out"), Settings())   # the shipped data
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kopa_graph.errors import (
    InputError,
    KopaError,
    NotConformant,
    OutputError,
    RDFLoadError,
    SourceDataError,
)
from kopa_graph.settings import DEFAULT_BASE_IRI, Settings

if TYPE_CHECKING:
    from kopa_graph.graph.build import BuiltGraph, build_graph
    from kopa_graph.pipeline import BuildResult, build, build_and_validate
    from kopa_graph.rdfio.files import serialize_release
    from kopa_graph.source.load import load_source_data
    from kopa_graph.validation.validate import ValidationReport, validate_graph

#: Imported on first use (PEP 562), so that ``kopa-graph --help`` does not load rdflib.
_LAZY = {"BuiltGraph": "graph.build", "build_graph": "graph.build", "load_source_data": "source.load",
         "BuildResult": "pipeline", "build": "pipeline", "build_and_validate": "pipeline",
         "serialize_release": "rdfio.files", "ValidationReport": "validation.validate",
         "validate_graph": "validation.validate"}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("kopa-graph")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
            value = "0+unknown"
        globals()["__version__"] = value
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kopa_graph' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"kopa_graph.{module}"), name)
    globals()[name] = value
    return value


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
