"""Bad source data exits 2 with a message naming file, line, field and the fix,
before any RDF is written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopa_graph import SourceDataError, load_source_data
from kopa_graph.cli import main


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


# (name, file, old, new, expected pieces of the message: field, what, fix, the line's needle)
CASES = [
    ("yaml-syntax", "pilots.yaml", "    name: Beta\n", "    name: [Beta\n",
     ["YAML syntax error", "check indentation"], None),
    ("missing-field", "pilots.yaml", "    name: Beta\n", "",
     ["pilot.name", "missing field", "add 'name: ...'"], "  - id: beta"),
    ("unknown-field", "pilots.yaml", "    name: Beta\n", "    name: Beta\n    nmae: Beta\n",
     ["pilot.nmae", "unknown field", "did you mean 'name'"], "nmae: Beta"),
    ("unknown-organisation", "pilots.yaml", "{organisation: lappajarvi,", "{organisation: lapajarvi,",
     ["members[].organisation", "unknown organisation 'lapajarvi'", "did you mean 'lappajarvi'"], "lapajarvi"),
    ("unknown-theme", "pilots.yaml", "{theme: online-teaching,", "{theme: online-teachin,",
     ["keywords[].theme", "unknown theme 'online-teachin'", "did you mean 'online-teaching'"], "online-teachin"),
    ("duplicate-pilot-id", "pilots.yaml", "  - id: beta\n", "  - id: alfa\n",
     ["pilot alfa.id", "duplicate identifier 'alfa'", "give each pilot its own id"], "  - id: alfa\n    name: Beta"),
    ("duplicate-organisation-id", "organisations.yaml", "  - id: sasky\n", "  - id: alajarvi\n",
     ["organisation.id", "duplicate identifier 'alajarvi'", "an organisation is listed once"], "  - id: alajarvi\n"),
    ("duplicate-yaml-key", "claims.yaml", "count: 3,", "count: 3, count: 4,",
     ["count", "duplicate key", "remove one of the two"], "count: 3, count: 4"),
    ("wrong-language-tag", "organisations.yaml", "name: {sv: SASKY,", "name: {se: SASKY,",
     ["'se' is not a language tag", "use one of sv (Swedish)"], "se: SASKY"),
    ("municipality-code-number", "organisations.yaml", 'municipality_code: "052"', "municipality_code: 52",
     ["municipality_code", "found the number 52", 'quote it'], "municipality_code: 52"),
    ("unknown-municipality-code", "organisations.yaml", 'municipality_code: "052"', 'municipality_code: "999"',
     ["municipality_code", "999 is not a municipality code of the 2020 classification"], '"999"'),
    ("text-not-on-line", "pilots.yaml", "as_written: Lappajärvi}", "as_written: Lappträsk}",
     ["members[].as_written", "'Lappträsk' is not on article line 17", "correct the text or the line number"],
     "as_written: Lappträsk"),
    ("line-out-of-range", "pilots.yaml", "    line: 15\n", "    line: 150\n",
     ["pilot beta.name", "article line 150 does not exist"], "  - id: beta"),
    ("education-role", "vocabularies/organisation-types.yaml", "    education: institution\n",
     "    education: school\n",
     ["concept vocational-institution.education", "must be one of provider, institution, found 'school'",
      "write 'provider' for a type whose organisations provide education"], "  - id: vocational-institution"),
    ("education-outside-organisation-types", "vocabularies/themes.yaml", "  - id: distance-teaching\n",
     "  - id: distance-teaching\n    education: provider\n",
     ["concept distance-teaching.education", "only organisation types say whether", "remove it"],
     "  - id: distance-teaching\n    education"),
    ("broader-cycle", "vocabularies/themes.yaml", "  - id: distance-teaching\n",
     "  - id: distance-teaching\n    broader: [distance-teaching-in-basic-education]\n",
     ["loops back", "remove one 'broader' link"], None),
    ("dataset-day-missing", "project.yaml", "  issued: 2021-03-01\n", "",
     ["dataset.issued", "missing field", "add 'issued: ...'"], "  modified: 2021-06-15"),
    ("dataset-day-not-a-day", "project.yaml", "  modified: 2021-06-15\n", "  modified: June 2021\n",
     ["dataset.modified", "expected a day written YYYY-MM-DD, found str 'June 2021'", "modified: 2021-12-31"],
     "modified: June 2021"),
    ("dataset-day-impossible", "project.yaml", "  modified: 2021-06-15\n", '  modified: "2021-02-30"\n',
     ["dataset.modified", "expected a day written YYYY-MM-DD, found str '2021-02-30'"], "2021-02-30"),
    ("dataset-modified-before-issued", "project.yaml", "  modified: 2021-06-15\n", "  modified: 2021-02-01\n",
     ["dataset.modified", "2021-02-01 is before the day it was issued, 2021-03-01", "correct one of the two days"],
     "modified: 2021-02-01"),
]


@pytest.mark.parametrize(("name", "file", "old", "new", "pieces", "needle"), CASES, ids=[c[0] for c in CASES])
def test_bad_source_data_is_reported_with_place_and_fix(small_copy: Path, tmp_path: Path, name: str, file: str,
                                                        old: str, new: str, pieces: list[str],
                                                        needle: str | None) -> None:
    path = small_copy / file
    _edit(path, old, new)
    with pytest.raises(SourceDataError) as info:
        load_source_data(small_copy)
    message = str(info.value)
    assert str(path) in message, message
    for piece in pieces:
        assert piece in message, f"{piece!r} missing from:\n{message}"
    if needle is not None:
        line = _line_of(path, needle.split("\n")[0]) if "\n" not in needle.strip("\n") else None
        if line is None:  # needle spans lines: the problem points at its first line
            text = path.read_text(encoding="utf-8")
            line = text[: text.index(needle)].count("\n") + 1
        assert f"{path}:{line}:" in message, f"expected line {line} in:\n{message}"

    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--data", str(small_copy), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert pieces[0] in result.stderr
    assert result.stdout == ""
    assert not out.exists(), "nothing may be written when the source data is bad"


def test_all_problems_are_reported_at_once(small_copy: Path) -> None:
    _edit(small_copy / "pilots.yaml", "{organisation: lappajarvi,", "{organisation: nowhere,")
    _edit(small_copy / "pilots.yaml", "{theme: online-teaching,", "{theme: nothing,")
    with pytest.raises(SourceDataError) as info:
        load_source_data(small_copy)
    assert len(info.value.problems) == 2
    assert re.search(r"^2 problems in the source data:", str(info.value))


def test_missing_data_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "the data folder does not exist" in result.stderr


@pytest.mark.parametrize(("old", "new", "piece"), [
    ("052,Evijärvi,Evijärvi,", '052,"Evijärvi,Evijärvi,', "CSV syntax error"),
    ("052,Evijärvi,Evijärvi,", "052,Evijärvi,", "expected 14 fields, found 13"),
    ("052,Evijärvi,", "52,Evijärvi,", "'52' is not a three-digit municipality code"),
], ids=["unclosed-quote", "missing-field", "code-without-zero"])
def test_bad_reference_csv_is_reported_with_its_line(small_copy: Path, old: str, new: str, piece: str) -> None:
    path = small_copy / "reference" / "municipalities_2020.csv"
    _edit(path, old, new)
    with pytest.raises(SourceDataError) as info:
        load_source_data(small_copy)
    assert f"{path}:3:" in str(info.value), str(info.value)
    assert piece in str(info.value)
    result = CliRunner().invoke(main, ["build", "--data", str(small_copy), "--out", str(small_copy.parent / "out")])
    assert result.exit_code == 2
    assert f"{path}:3:" in result.stderr


def test_alias_of_an_unknown_organisation(small_copy: Path) -> None:
    path = small_copy / "aliases.csv"
    _edit(path, "Alajärvi stad,alajarvi,", "Alajärvi stad,alajärvi,")
    with pytest.raises(SourceDataError) as info:
        load_source_data(small_copy)
    assert f"{path}:2: organisation: unknown organisation 'alajärvi' — did you mean 'alajarvi'" in str(info.value)


def test_one_alias_for_two_organisations(small_copy: Path) -> None:
    path = small_copy / "aliases.csv"
    path.write_text(path.read_text(encoding="utf-8") + "alajärvi STAD,evijarvi,\n", encoding="utf-8")
    with pytest.raises(SourceDataError) as info:
        load_source_data(small_copy)
    assert f"{path}:3: name: 'alajärvi STAD' is already an alias of 'alajarvi' (line 2)" in str(info.value)


def test_a_page_that_is_not_an_address(small_copy: Path) -> None:
    """An organisation's ``pages`` are the full addresses of public pages; anything else names the line."""
    path = small_copy / "organisations.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = "  - id: sasky\n"
    assert anchor in text
    path.write_text(text.replace(anchor, anchor + "    pages: [yle.fi/uutiset/3-10807717]\n", 1), encoding="utf-8")
    with pytest.raises(SourceDataError) as info:
        load_source_data(small_copy)
    assert (f"{path}:9: organisation sasky.pages: 'yle.fi/uutiset/3-10807717' is not the address of a public "
            "page — give the full address, starting with https:// or http://") in str(info.value), str(info.value)


def test_a_translated_name_in_a_language_it_does_not_have(small_copy: Path) -> None:
    path = small_copy / "organisations.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = "  - id: sasky\n"
    path.write_text(text.replace(anchor, anchor + "    translated: [en]\n", 1), encoding="utf-8")
    with pytest.raises(SourceDataError) as info:
        load_source_data(small_copy)
    assert (f"{path}:9: organisation sasky.translated: 'en' is not a language of its name (sv, fi) — list the "
            "languages whose name kopa-graph translated, each one a language of 'name'") in str(info.value)
