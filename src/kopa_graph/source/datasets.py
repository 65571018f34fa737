"""``data/reference/datasets.yaml``: the reference files, where each comes from, its licence, titles and,
for a classification, when it is in force."""

from __future__ import annotations

import re

from kopa_graph.source.fields import FieldReader
from kopa_graph.source.model import ReferenceDataset
from kopa_graph.source.yamlfile import YMap


def read_datasets(doc: YMap, r: FieldReader) -> dict[str, ReferenceDataset]:
    out: dict[str, ReferenceDataset] = {}
    r.keys(doc, "", ["datasets"])
    for item in r.items(doc.get("datasets"), doc.loc_of("datasets"), "datasets"):
        d = r.mapping(item, doc.loc_of("datasets"), "datasets[]")
        if d is None or not r.keys(d, "dataset", ["id", "file", "title", "licence", "rights", "sources"],
                                   ["classification", "valid"]):
            continue
        valid = r.mapping(d["valid"], d.loc_of("valid"), "dataset.valid") if "valid" in d else None
        if valid is not None and not r.keys(valid, "dataset.valid", ["from", "note"], ["to"]):
            valid = None
        ds = ReferenceDataset(
            id=r.slug(d, "id", "dataset"), file=r.text(d, "file", "dataset"),
            titles=(r.lang_text(d, "title", "dataset", required=("en",)) if isinstance(d.get("title"), dict)
                    else {"en": r.text(d, "title", "dataset")}),
            licence=r.text(d, "licence", "dataset"), rights=r.text(d, "rights", "dataset"),
            sources=r.text_list(d, "sources", "dataset"), loc=d.loc,
            classification=r.text(d, "classification", "dataset", required=False) or None,
            valid_from=_day(valid, "from", r) if valid else "", valid_to=_day(valid, "to", r) if valid else "",
            validity_note=r.text(valid, "note", "dataset.valid") if valid else "",
        )
        if ds.id in out:
            r.problem(d.loc_of("id"), "dataset.id", f"duplicate identifier {ds.id!r}", "give each dataset its own id")
        out[ds.id] = ds
    return out


def _day(m: YMap, key: str, r: FieldReader) -> str:
    """A day written YYYY-MM-DD (YAML reads an unquoted one as a date)."""
    if key not in m:
        return ""
    value = m[key]
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        r.problem(m.loc_of(key), f"dataset.valid.{key}", f"{text!r} is not a day", "write it YYYY-MM-DD")
        return ""
    return text
