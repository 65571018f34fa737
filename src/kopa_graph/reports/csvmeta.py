"""``csv-metadata.json`` of the CSV export: W3C CSV on the Web (CSVW) metadata that means something.

Each column has its datatype (``anyURI``, ``boolean``, ``integer``, ``date``, else ``string``) and, when it
holds several values, its separator; each table names its primary key (the IRI of the entity a row is about,
which is also the row's ``aboutUrl``) and its foreign keys (a column whose values are the keys of another
table). Label columns stand beside the IRI columns they name. The ``csvw`` package validates the tables against
it, foreign keys included (tests/test_csv_export.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column:
    """A column: its name and meaning; ``multiple``: several values, separated by a space (`` | `` for labels);
    ``datatype``: its CSVW datatype; ``refers``: the table whose key its values are (a foreign key)."""

    name: str
    description: str
    multiple: bool = False
    datatype: str = "string"
    refers: str | None = None

    @property
    def separator(self) -> str | None:
        return None if not self.multiple else LABEL_SEPARATOR if self.name.endswith(_LABELS) else " "


#: Between the labels of a multi-valued label column (labels hold spaces).
LABEL_SEPARATOR = " | "
_LABELS = ("_name", "_names", "_label", "_labels")



def table_metadata(url: str, title: str, columns: Sequence[Column], key: str,
                   keys: Mapping[str, str]) -> dict[str, Any]:
    """The CSVW description of the table at ``url``: its columns, its primary ``key`` and foreign keys (``keys``:
    each table's key column)."""
    described = []
    for c in columns:
        column: dict[str, Any] = {"name": c.name, "titles": c.name, "dc:description": c.description,
                                  "datatype": c.datatype}
        if c.separator is not None:
            column["separator"] = c.separator
        if c.name == key:
            column["required"] = True
            column["suppressOutput"] = True  # the row is about it (aboutUrl): no triple of its own
        described.append(column)
    schema: dict[str, Any] = {"columns": described, "primaryKey": key, "aboutUrl": "{+" + key + "}"}
    foreign = [{"columnReference": c.name, "reference": {"resource": c.refers, "columnReference": keys[c.refers]}}
               for c in columns if c.refers is not None]
    if foreign:
        schema["foreignKeys"] = foreign
    return {"url": url, "dc:title": title, "tableSchema": schema}


def metadata_document(tables: list[dict[str, Any]]) -> bytes:
    """The ``csv-metadata.json`` of ``tables``: a CSVW table group, deterministic."""
    meta = {"@context": "http://www.w3.org/ns/csvw", "tables": tables}
    return (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


__all__ = ["LABEL_SEPARATOR", "Column", "metadata_document", "table_metadata"]
