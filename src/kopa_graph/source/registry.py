"""The national registry data kopa-graph links to (``data/reference/``, ``data/mappings/``).

Each reference file is optional: a dataset that ``reference/datasets.yaml``
does not describe is simply not linked. Every record keeps its file and line,
and the upstream source the reference file names for it.
"""

from __future__ import annotations

import re
from pathlib import Path

from kopa_graph.errors import Location
from kopa_graph.languages import LANGUAGES
from kopa_graph.source.csvfile import read_csv
from kopa_graph.source.fields import PAGE_ADDRESS, FieldReader
from kopa_graph.source.model import (
    ConceptMapping,
    IdentifierRow,
    LevelCode,
    MunicipalityChange,
    ReferenceDataset,
    RegionChange,
    Registry,
    YsoConcept,
)

MAPPING_RELATIONS = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
THEME_MAPPINGS_FILE = "mappings/themes-yso.csv"
LEVEL_MAPPINGS_FILE = "mappings/education-levels.csv"
TYPE_MAPPINGS_FILE = "mappings/organisation-types.csv"


def _upstream(row: dict[str, str]) -> str:
    """The public file a row was read from: the file at its commit, or, when the row pins no commit (its note
    says so), the repository: no version of the file is cited that may not hold the value."""
    repo, path, commit = row.get("source_repository", ""), row.get("source_path", ""), row.get("source_commit", "")
    if re.fullmatch(r"[\w.-]+/[\w.-]+", repo) and path:
        if re.fullmatch(r"[0-9a-f]{40}", commit):
            return f"https://github.com/{repo}/blob/{commit}/{path}"
        return f"https://github.com/{repo}"
    return ""


def _url(text: str, loc: Location, r: FieldReader) -> str:
    if text and not PAGE_ADDRESS.fullmatch(text):
        r.problem(loc, "evidence_url", f"{text!r} is not the address of a public page",
                  "give the full address, starting with https:// or http://")
        return ""
    return text


def _as_of(text: str, loc: Location, column: str, r: FieldReader) -> str:
    """When the source gives the identifier: a day (YYYY-MM-DD) as it is, else the latest year the text names
    ("2018-2020" → 2020, "2016/2022" → 2022: the source's data covers those years)."""
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return text
    years = re.findall(r"(?<![0-9])[0-9]{4}(?![0-9])", text)
    if not years:
        r.problem(loc, column, f"{text!r} names no year at which the source gives the identifier",
                  "give the day (YYYY-MM-DD) or the year(s) of the source's data, e.g. 2020 or 2018-2020")
        return ""
    return str(max(years))


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
                                              row["evidence"], loc, _url(row.get("evidence_url", ""), loc, r)))
    region_changes = []
    if path := file("municipality-region-changes"):
        for loc, row in read_csv(path, ("code", "name_fi", "date", "region_from", "region_to", "subregion_from",
                                        "subregion_to", "evidence_url", "evidence"), r):
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", row["date"]):
                r.problem(loc, "date", f"{row['date']!r} is not a day", "write the day of the change YYYY-MM-DD")
                continue
            region_changes.append(RegionChange(row["code"], row["name_fi"], row["date"], row["region_from"],
                                               row["region_to"], row["subregion_from"], row["subregion_to"],
                                               _url(row["evidence_url"], loc, r), row["evidence"], loc))
    if path := file("organisations"):
        for loc, row in read_csv(path, ("organisation", "identifier_scheme", "identifier", "name_in_source",
                                        "note", "confidence", "data_as_of"), r):
            note = f"data as of {row['data_as_of']}; confidence {row['confidence']}" + (
                f"; {row['note']}" if row["note"] else "")
            identifiers.append(IdentifierRow("organisations", loc, row["organisation"], row["identifier_scheme"],
                                             row["identifier"], row["name_in_source"], note, _upstream(row),
                                             _as_of(row["data_as_of"], loc, "data_as_of", r)))
    if path := file("municipality-business-ids"):
        for loc, row in read_csv(path, ("code", "name_fi", "business_id", "opintopolku_oid", "method", "note",
                                        "licence_valid_from"), r):
            note = f"{row['method']}" + (f"; {row['note']}" if row["note"] else "")
            as_of = _as_of(row["licence_valid_from"], loc, "licence_valid_from", r)
            for scheme, value in (("y-tunnus", row["business_id"]), ("opintopolku-organisaatio-oid",
                                                                       row["opintopolku_oid"])):
                if value:
                    identifiers.append(IdentifierRow("municipality-business-ids", loc, f"kunta:{row['code']}",
                                                     scheme, value, row["name_fi"], note, _upstream(row), as_of))
    yso: dict[str, YsoConcept] = {}
    if path := file("yso"):
        for loc, row in read_csv(path, ("uri", "label_fi", "label_sv", "label_en"), r):
            yso.setdefault(row["uri"], YsoConcept(row["uri"], {lang: row[f"label_{lang}"] for lang in LANGUAGES
                                                               if row[f"label_{lang}"]}, loc))
    level_codes = _codes(file("education-levels"), "education-levels", r)
    type_codes = _codes(file("institution-types"), "institution-types", r)
    columns = ("relation", "classification", "code", "note")
    level_mappings = _mappings(data_dir / LEVEL_MAPPINGS_FILE, ("level", *columns), r)
    type_mappings = _mappings(data_dir / TYPE_MAPPINGS_FILE, ("type", *columns), r)
    for mappings, codes, dataset in ((level_mappings, level_codes, "education-levels"),
                                     (type_mappings, type_codes, "institution-types")):
        for m in mappings:
            if tuple(m.target.split(" ", 1)) not in codes:
                r.problem(m.loc, "code", f"the code {m.target!r} is not in the reference dataset {dataset!r}",
                          "map to a classification and code the dataset's file lists (data/reference/datasets.yaml)")
    return Registry(tuple(changes), tuple(region_changes), tuple(identifiers), yso, level_codes,
                    _mappings(data_dir / THEME_MAPPINGS_FILE, ("theme", "relation", "yso", "note"), r),
                    level_mappings, type_codes, type_mappings)


def _codes(path: Path | None, dataset: str, r: FieldReader) -> dict[tuple[str, str], LevelCode]:
    """The codes of a classification file (education_levels.csv, institution_types.csv), by (list, code)."""
    codes: dict[tuple[str, str], LevelCode] = {}
    if path is None:
        return codes
    for loc, row in read_csv(path, ("classification", "code", "label_fi", "label_sv", "label_en", "note"), r):
        if not row["code"]:
            continue  # a gap the file records: nothing to link
        key = (row["classification"].split()[0], row["code"])
        labels = {lang: row[f"label_{lang}"] for lang in LANGUAGES if row[f"label_{lang}"]}
        codes.setdefault(key, LevelCode(key[0], row["classification"], row["code"], labels, row["note"],
                                        _upstream(row), loc, dataset))
    return codes


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
