"""The national registry data kopa-graph links to (``data/reference/``, ``data/mappings/``).

Each reference file is optional: a dataset that ``reference/datasets.yaml``
does not describe is simply not linked. Every record keeps its file and line,
and the upstream source the reference file names for it.
"""

from __future__ import annotations

import re
from pathlib import Path

from kopa_graph.languages import LANGUAGES
from kopa_graph.source.csvfile import read_csv
from kopa_graph.source.fields import FieldReader
from kopa_graph.source.model import (
    ConceptMapping,
    IdentifierRow,
    LevelCode,
    MunicipalityChange,
    ReferenceDataset,
    Registry,
    YsoConcept,
)

MAPPING_RELATIONS = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
THEME_MAPPINGS_FILE = "mappings/themes-yso.csv"
LEVEL_MAPPINGS_FILE = "mappings/education-levels.csv"


def _upstream(row: dict[str, str]) -> str:
    """The public file a row was read from: the file at its commit, or, when the row pins no commit (its note
    says so), the repository: no version of the file is cited that may not hold the value."""
    repo, path, commit = row.get("source_repository", ""), row.get("source_path", ""), row.get("source_commit", "")
    if re.fullmatch(r"[\w.-]+/[\w.-]+", repo) and path:
        if re.fullmatch(r"[0-9a-f]{40}", commit):
            return f"https://github.com/{repo}/blob/{commit}/{path}"
        return f"https://github.com/{repo}"
    return ""


def read_registry(data_dir: Path, datasets: dict[str, ReferenceDataset], r: FieldReader) -> Registry:
    def file(dataset_id: str) -> Path | None:
        ds = datasets.get(dataset_id)
        return data_dir / "reference" / ds.file if ds else None

    changes, identifiers = [], []
    if path := file("municipality-changes"):
        for loc, row in read_csv(path, ("code", "name_fi", "last_classification_with_code",
                                        "first_classification_without_code", "absorbed_by_code", "evidence"), r):
            changes.append(MunicipalityChange(row["code"], row["name_fi"], row["last_classification_with_code"],
                                              row["first_classification_without_code"], row["absorbed_by_code"],
                                              row["evidence"], loc))
    if path := file("organisations"):
        for loc, row in read_csv(path, ("organisation", "identifier_scheme", "identifier", "name_in_source",
                                        "note", "confidence", "data_as_of"), r):
            note = f"data as of {row['data_as_of']}; confidence {row['confidence']}" + (
                f"; {row['note']}" if row["note"] else "")
            identifiers.append(IdentifierRow("organisations", loc, row["organisation"], row["identifier_scheme"],
                                             row["identifier"], row["name_in_source"], note, _upstream(row)))
    if path := file("municipality-business-ids"):
        for loc, row in read_csv(path, ("code", "name_fi", "business_id", "opintopolku_oid", "method", "note"), r):
            note = f"{row['method']}" + (f"; {row['note']}" if row["note"] else "")
            for scheme, value in (("y-tunnus", row["business_id"]), ("opintopolku-organisaatio-oid",
                                                                       row["opintopolku_oid"])):
                if value:
                    identifiers.append(IdentifierRow("municipality-business-ids", loc, f"kunta:{row['code']}",
                                                     scheme, value, row["name_fi"], note, _upstream(row)))
    yso: dict[str, YsoConcept] = {}
    if path := file("yso"):
        for loc, row in read_csv(path, ("uri", "label_fi", "label_sv", "label_en"), r):
            yso.setdefault(row["uri"], YsoConcept(row["uri"], {lang: row[f"label_{lang}"] for lang in LANGUAGES
                                                               if row[f"label_{lang}"]}, loc))
    level_codes: dict[tuple[str, str], LevelCode] = {}
    if path := file("education-levels"):
        for loc, row in read_csv(path, ("classification", "code", "label_fi", "label_sv", "label_en", "note"), r):
            if not row["code"]:
                continue  # a gap the file records: nothing to link
            key = (row["classification"].split()[0], row["code"])
            labels = {lang: row[f"label_{lang}"] for lang in LANGUAGES if row[f"label_{lang}"]}
            level_codes.setdefault(key, LevelCode(key[0], row["classification"], row["code"], labels, row["note"],
                                                  _upstream(row), loc))
    return Registry(tuple(changes), tuple(identifiers), yso, level_codes,
                    _mappings(data_dir / THEME_MAPPINGS_FILE, ("theme", "relation", "yso", "note"), r),
                    _mappings(data_dir / LEVEL_MAPPINGS_FILE, ("level", "relation", "classification", "code", "note"),
                              r))


def _mappings(path: Path, columns: tuple[str, ...], r: FieldReader) -> tuple[ConceptMapping, ...]:
    if not path.exists():
        return ()
    out = []
    for loc, row in read_csv(path, columns, r):
        if row["relation"] not in MAPPING_RELATIONS:
            r.problem(loc, "relation", f"{row['relation']!r} is not a SKOS mapping relation",
                      f"use one of {', '.join(MAPPING_RELATIONS)}")
            continue
        target = row["yso"] if "yso" in row else f"{row['classification']} {row['code']}"
        out.append(ConceptMapping(row[columns[0]], row["relation"], target, row["note"], loc))
    return tuple(out)
