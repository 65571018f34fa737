"""``kopa-graph link --report`` (issue 15 §3): the records still unresolved, by kind, in text and in JSON
from the same records; the counts; ``--strict``; the education providers and institutions without an
Opintopolku OID, decided by organisation type; the municipalities without a Business ID."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from conftest import ROOT
from kopa_graph import load_source_data
from kopa_graph.cli import main
from kopa_graph.reports import links
from kopa_graph.reports.links import SECTIONS, UNRESOLVED, LinkReport, education_role


def _link(*args: str) -> Result:
    return CliRunner().invoke(main, ["link", *args])


def _json(*args: str) -> dict[str, Any]:
    result = _link("--format", "json", *args)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _summary(text: str) -> dict[str, int]:
    """The text report's summary: each kind's count (by its JSON key) and the total."""
    _, _, tail = text.partition("\nUnresolved, by kind:\n")
    assert tail, text
    by_title = {title: key for key, title in SECTIONS.items()}
    counts = {}
    for line in tail.splitlines():
        if m := re.fullmatch(r"  (.+): (\d+)", line):
            counts[by_title[m.group(1)]] = int(m.group(2))
        elif m := re.fullmatch(r"Unresolved: (\d+)\.", line):
            counts["total"] = int(m.group(1))
        else:
            raise AssertionError(f"not a summary line: {line!r}")
    return counts


def test_text_and_json_agree_on_every_count() -> None:
    text = _link("--report").stdout
    report = _json()
    assert _summary(text) == report["unresolved"]
    for key, title in SECTIONS.items():
        assert f"\n{title} ({len(report[key])}):\n" in "\n" + text, key
    # the text is a rendering of the same records: one line per record in each section
    for key, title in SECTIONS.items():
        section = text.split(f"{title} ({len(report[key])}):\n", 1)[1].split("\n\n", 1)[0]
        lines = [] if section == "  (none)" else section.splitlines()
        assert len(lines) == len(report[key]), key


def test_the_json_counts_are_its_records() -> None:
    report = _json()
    counts = report.pop("unresolved")
    assert list(report) == list(SECTIONS)
    assert list(counts) == [*UNRESOLVED, "total"]
    assert all(counts[kind] == len(report[kind]) for kind in UNRESOLVED)
    assert counts["total"] == sum(counts[kind] for kind in UNRESOLVED)
    assert all(isinstance(record, dict) for records in report.values() for record in records)


def test_every_record_names_its_place() -> None:
    """Each record's file:line is the place in data/ that says what it reports."""
    report = _json()

    def line(record: dict[str, Any]) -> str:
        return (ROOT / "data" / record["file"]).read_text(encoding="utf-8").splitlines()[record["line"] - 1]

    for r in report["municipalities"] + report["municipalities_without_business_id"]:
        assert f'municipality_code: "{r["municipality_code"] if "municipality_code" in r else r["code"]}"' in line(r)
    for r in report["without_identifiers"] + report["education_without_oid"]:
        assert f"id: {r['organisation']}" in line(r), r
    for r in report["identifiers"] + report["unattached"] + report["unused"]:
        assert r["value"] in line(r), r
    for r in report["themes_without_match"] + report["levels_without_code"]:
        assert f"id: {r['concept']}" in line(r), r


def test_municipalities_without_a_business_id() -> None:
    report = _json()
    names = {r["name"] for r in report["municipalities_without_business_id"]}
    assert names == {"Evijärvi", "Lappajärvi", "Vimpeli", "Askola", "Lapinjärvi", "Hämeenlinna", "Joroinen",
                     "Leppävirta", "Kuhmoinen", "Muurame", "Parkano", "Kankaanpää", "Honkajoki", "Pello", "Keitele",
                     "Rautavaara"}
    assert all(r["schemes"] == ["business-id"] and r["type"] == "municipality"
               for r in report["municipalities_without_business_id"])


def test_education_providers_and_institutions_are_decided_by_type() -> None:
    """The organisation type says it (organisation-types.yaml, 'education'), not a list of organisations:
    education companies (Careeria, Etelä-Savon Koulutus) are listed, Navitas Kehitys Oy, a business development
    company of the same article's 'aktiebolag', is not; nor is an organisation that has an Opintopolku OID."""
    report = _json()
    listed = {r["organisation"]: r["education"] for r in report["education_without_oid"]}
    assert {"careeria": "provider", "etela-savon-koulutus": "provider", "sataedu": "provider",
            "ylitornion-yhteiskoulu": "provider", "savonia": "provider", "savon-ammattiopisto": "institution",
            "jarviseudun-ammatti-instituutti": "institution", "panula": "institution"}.items() <= listed.items()
    assert not {"navitas-kehitys", "otavia", "sydosterbottens-naringsvasende", "kuntaliitto", "okm"} & set(listed)
    assert not {"sasky", "savon-koulutuskuntayhtyma", "kauhajoki-medborgarinstitut"} & set(listed)  # have one
    assert not any(r["municipality_code"] for r in report["education_without_oid"])
    holding_an_oid = {r["holder"] for r in report["identifiers"] if r["scheme"].startswith("opintopolku-")}
    data = load_source_data(ROOT / "data")
    for org in data.organisations.values():
        assert (org.id in listed) == (education_role(data, org.type) is not None and org.id not in holding_an_oid)


def test_a_narrower_type_takes_its_broader_types_education(small_copy: Path) -> None:
    types = small_copy / "vocabularies" / "organisation-types.yaml"
    text = types.read_text(encoding="utf-8")
    assert education_role(load_source_data(small_copy), "guarantee-company") == "provider"
    assert education_role(load_source_data(small_copy), "limited-company") is None
    text = text.replace("    education: provider  # the form private schools are maintained in (its definition)\n", "")
    types.write_text(text, encoding="utf-8")
    assert education_role(load_source_data(small_copy), "guarantee-company") is None
    text = text.replace("  - id: limited-company\n", "  - id: limited-company\n    education: provider\n")
    types.write_text(text, encoding="utf-8")
    assert education_role(load_source_data(small_copy), "guarantee-company") == "provider"


def _append(path: Path, row: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(row + "\n")


def _luhn(ten: str) -> str:
    total = sum(int(d) if i % 2 else (2 * int(d) - 9 if int(d) > 4 else 2 * int(d))
                for i, d in enumerate(reversed(ten)))
    return ten + str((10 - total % 10) % 10)


_COMMIT = "d4d20802341e6a0434ad17f84ca4195fa47501fd"


@pytest.mark.parametrize(("kind", "file", "row", "resolved"), [
    ("municipalities_without_business_id", "municipality_business_ids.csv",
     f"403,Lappajärvi,1234569-8,,,,2020-01-01,CSCfi/antero,test.sql,{_COMMIT},test fixture,"
     "TEST FIXTURE: a made-up Business ID",
     "lappajarvi"),
    ("education_without_oid", "organisations.csv",
     f"Järviseudun koulutuskuntayhtymä,opintopolku-organisaatio-oid,1.2.246.562.10.{_luhn('1234567890')},test fixture,"
     f"CSCfi/antero,test.sql,{_COMMIT},2020,test,TEST FIXTURE: a made-up OID", "jarviseudun-koulutuskuntayhtyma"),
], ids=["business-id", "opintopolku-oid"])
def test_resolving_one_item_takes_one_off_its_count(small_copy: Path, kind: str, file: str, row: str,
                                                   resolved: str) -> None:
    before = _json("--data", str(small_copy))
    assert resolved in {r["organisation"] for r in before[kind]}
    _append(small_copy / "reference" / file, row)
    after = _json("--data", str(small_copy))
    assert resolved not in {r["organisation"] for r in after[kind]}
    expected = {**before["unresolved"], kind: before["unresolved"][kind] - 1,
                "total": before["unresolved"]["total"] - 1}
    assert after["unresolved"] == expected
    assert [r for r in after["identifiers"] if r["holder"] == resolved and r["file"] == f"reference/{file}"
            and r["name_in_source"] in ("Lappajärvi", "test fixture")]


def test_strict_exits_1_while_anything_is_unresolved(monkeypatch: pytest.MonkeyPatch) -> None:
    for args in (["--report"], ["--format", "json"]):
        result = _link(*args)
        assert result.exit_code == 0, result.output
        strict = _link(*args, "--strict")
        assert strict.exit_code == 1 and strict.stdout == result.stdout  # the report, then the exit code
    monkeypatch.setattr(links, "link_report", lambda data, folder: LinkReport())
    for args in (["--strict"], ["--strict", "--format", "json"]):
        result = _link(*args)
        assert result.exit_code == 0, result.output
    assert json.loads(_link("--strict", "--format", "json").stdout)["unresolved"] == {
        **dict.fromkeys(UNRESOLVED, 0), "total": 0}
    assert "Unresolved: 0." in _link("--strict").stdout


def test_bad_data_exits_2_with_place_and_fix(small_copy: Path) -> None:
    orgs = small_copy / "organisations.yaml"
    orgs.write_text(orgs.read_text(encoding="utf-8").replace("type: joint-authority-for-education",
                                                             "type: joint-authority-for-educaton", 1),
                    encoding="utf-8")
    for args in ([], ["--format", "json"]):
        result = _link("--data", str(small_copy), *args)
        assert result.exit_code == 2, result.output
        assert f"{orgs}:" in result.stderr and "did you mean 'joint-authority-for-education'" in result.stderr
        assert result.stdout == ""


def test_an_unknown_format_is_a_usage_error() -> None:
    result = _link("--format", "xml")
    assert result.exit_code == 2 and "'xml' is not one of 'text', 'json'" in result.stderr


def test_the_readme_shows_the_real_summary() -> None:
    text = _link("--report").stdout
    summary = text[text.index("Unresolved, by kind:"):].rstrip("\n")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```\n{summary}\n```" in readme, f"README's link summary is out of date; paste:\n{summary}"
