"""The CSV export (issue 17 §6): CSVW metadata that means something, validated by the ``csvw`` package, and
``export csv --no-personal-data``."""

from __future__ import annotations

import csv
import datetime
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopa_graph.cli import main
from kopa_graph.reports.csvexport import KEYS, LABEL_SEPARATOR, TABLES

csvw = pytest.importorskip("csvw", reason="pip install csvw (the test extras)")
runner = CliRunner()
ID = "https://w3id.org/kopa/id/"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("csv") / "out"
    result = runner.invoke(main, ["export", "csv", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _iri(value: object) -> str:
    """An anyURI cell as csvw reads it (an rfc3986 reference), as text."""
    return str(value.unsplit()) if hasattr(value, "unsplit") else str(value)


def _meta(folder: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((folder / "csv-metadata.json").read_text(encoding="utf-8"))


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_tables_validate_against_their_metadata_and_the_foreign_keys_resolve(exported: Path) -> None:
    """csvw reads every cell by its datatype (strict: a cell that is not of its type is an error) and checks the
    primary and foreign keys; empty cells are nulls, which CSVW lets a foreign key have."""
    group = csvw.CSVW(str(exported / "csv-metadata.json"), validate=True, strict=False)
    assert group.is_valid, [str(w.message) for w in group.warnings]
    tables = csvw.TableGroup.from_file(exported / "csv-metadata.json")
    assert tables.check_referential_integrity(strict=False)
    typed = {t.url.string: list(t.iterdicts(strict=True)) for t in tables.tables}
    pilots = {_iri(r["iri"]): r for r in typed["pilots.csv"]}
    mellersta = pilots[ID + "pilot/mellersta-finland"]
    assert mellersta["cross_regional_2026"] is True and mellersta["regions_2026"] == ["06", "13"]
    positions = [r["position"] for r in typed["memberships.csv"] if r["position"] is not None]
    assert len(positions) > 50 and all(type(p) is int for p in positions)
    merged = [r for r in typed["organisations.csv"] if r["merged_on"] is not None]
    assert merged and all(isinstance(r["merged_on"], datetime.date) for r in merged)  # csvw reads a datetime
    assert {_iri(r["iri"]) for r in merged} >= {ID + "municipality/099"}


def test_keys_about_urls_and_datatypes_are_declared(exported: Path) -> None:
    meta = _meta(exported)
    for table in meta["tables"]:
        schema = table["tableSchema"]
        key = KEYS[table["url"]]
        assert schema["primaryKey"] == key and schema["aboutUrl"] == "{+" + key + "}"
        types = {c["name"]: c["datatype"] for c in schema["columns"]}
        assert types[key] == "anyURI"
    types = {t["url"]: {c["name"]: c["datatype"] for c in t["tableSchema"]["columns"]} for t in meta["tables"]}
    assert types["pilots.csv"]["cross_regional_2020"] == "boolean"
    assert types["memberships.csv"]["position"] == "integer"
    assert types["organisations.csv"]["merged_on"] == "date"
    foreign = {(t["url"], fk["columnReference"]): fk["reference"] for t in meta["tables"]
               for fk in t["tableSchema"].get("foreignKeys", [])}
    assert foreign[("memberships.csv", "organisation")] == {"resource": "organisations.csv", "columnReference": "iri"}
    assert foreign[("contacts.csv", "pilot")] == {"resource": "pilots.csv", "columnReference": "iri"}
    assert foreign[("pilots.csv", "themes")] == {"resource": "themes.csv", "columnReference": "iri"}


@pytest.mark.parametrize("table, column, value", [("memberships.csv", "organisation", ID + "organisation/nowhere"),
                                                  ("contacts.csv", "pilot", ID + "pilot/nowhere")])
def test_a_broken_reference_is_caught(exported: Path, tmp_path: Path, table: str, column: str, value: str) -> None:
    """The check has teeth: one reference to nothing, in a single-valued and in a list-valued column, fails it."""
    copy = tmp_path / "copy"
    shutil.copytree(exported, copy)
    rows = _rows(copy, table)
    rows[0][column] = value
    with (copy / table).open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)
    tables = csvw.TableGroup.from_file(copy / "csv-metadata.json")
    with pytest.raises(ValueError, match=f"{table}:2 Key .*nowhere.* not found in table"):
        tables.check_referential_integrity(strict=False)


def test_label_columns_stand_beside_the_iri_columns(exported: Path) -> None:
    """Each label column follows the IRI column it names and gives, value for value, that entity's label."""
    for name, (_, columns) in TABLES.items():
        names = [c.name for c in columns]
        for i, c in enumerate(columns):
            if c.name.endswith(("_name", "_names", "_labels")) and c.name != "name_sv":
                assert i > 0 and columns[i - 1].datatype == "anyURI", (name, c.name)
                assert c.multiple == columns[i - 1].multiple, (name, c.name)
        assert len(set(names)) == len(names)
    orgs = {r["iri"]: r for r in _rows(exported, "organisations.csv")}
    for r in _rows(exported, "memberships.csv"):
        assert r["organisation_name"] == orgs[r["organisation"]]["name_sv"]
    for r in _rows(exported, "pilots.csv"):
        assert len(r["theme_labels"].split(LABEL_SEPARATOR)) == len(r["themes"].split())
    assert orgs[ID + "municipality/005"]["type_name"] == "kommun"


def test_export_csv_no_personal_data(tmp_path: Path) -> None:
    """The posts stay (titles, organisations, pilots); the contact people's names and IRIs go."""
    full, without = tmp_path / "full", tmp_path / "without"
    assert runner.invoke(main, ["export", "csv", str(full)]).exit_code == 0
    result = runner.invoke(main, ["export", "csv", "--no-personal-data", str(without)])
    assert result.exit_code == 0, result.output
    people = {r["name"] for r in _rows(full, "contacts.csv") if r["name"]}
    assert "Pekka Simberg" in people
    contacts = _rows(without, "contacts.csv")
    assert len(contacts) == len(_rows(full, "contacts.csv"))
    assert all(r["person"] == "" and r["name"] == "" and r["title"] and r["pilot"] for r in contacts)
    for path in without.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not any(name in text for name in people), path
    assert csvw.TableGroup.from_file(without / "csv-metadata.json").check_referential_integrity(strict=False)
