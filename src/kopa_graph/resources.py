"""Where the shipped files live: the ontology, the shapes, the JSON-LD context
and the shipped source data.

In a source checkout (or an editable install) they are the folders at the top
of the repository; a wheel carries copies under ``kopa_graph/_share``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def share_dir(name: str) -> Path:
    """The shipped folder ``name`` (``ontology``, ``shapes`` or ``data``)."""
    for candidate in (_PACKAGE / "_share" / name, _PACKAGE.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the shipped folder {name!r} is missing from this installation")


def ontology_path() -> Path:
    return share_dir("ontology") / "kopa.ttl"


def context_path() -> Path:
    return share_dir("ontology") / "context.jsonld"


def shapes_paths() -> list[Path]:
    return sorted(share_dir("shapes").glob("*.ttl"))


def default_data_dir() -> Path:
    return share_dir("data")
