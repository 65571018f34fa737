"""The words of the site in each language, from ``messages/LANG.json`` (one file per language, the same
keys in each, for a translator to edit): the pages' headings, the index's, and the names of the standard
properties and classes the pages show."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from kopa_graph.languages import LANGUAGES


@cache
def messages(lang: str) -> dict[str, Any]:
    """The messages of ``lang`` (one of :data:`~kopa_graph.languages.LANGUAGES`)."""
    if lang not in LANGUAGES:
        raise ValueError(f"no messages in {lang!r}: the languages are {', '.join(LANGUAGES)}")
    text = resources.files("kopa_graph.publish.site").joinpath("messages", f"{lang}.json").read_text("utf-8")
    found: dict[str, Any] = json.loads(text)
    return found
