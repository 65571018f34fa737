"""Bad articles exit 2 with the line number and what was expected, and write nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from kopa_graph.cli import main

ARTICLE = (ROOT / "data" / "sources" / "kopa-pilotforsok-sv.txt").read_text(encoding="utf-8")
SEPARATOR = "\n\u00a0\n"

CASES = {
    "empty": (b"", 1, "the article is empty"),
    "only-blank-lines": (b"\n\n  \n", 1, "the article is empty"),
    "binary-junk": (bytes(range(256)) * 4, 2, "not UTF-8 text"),
    "control-characters": (b"PK\x03\x04\x14\x00 zip?\n", 1, "looks like a binary file"),
    "no-list-header": (ARTICLE.replace("Utbildning som tjänst -pilotförsöken:", "Pilotförsöken").encode(), 1,
                       "no line introduces the list of pilots"),
    "block-with-only-an-area-name": (
        ARTICLE.replace("Östnyland\n", "Kustland\n\u00a0\n\nÖstnyland\n").encode(), 129,
        "the block of 'Kustland' has only an area name; expected the participating organisations"),
    "missing-contact-line": (ARTICLE.replace("\nAnders Nordström, rektor, Lovisa stad\n", "\n").encode(), 133,
                             "expected the contact person(s) ('Name, title, organisation') on the next line "
                             "(the contact line is missing)"),
    "unknown-label": (ARTICLE.replace("Nyckelord för utvecklingsarbetet:", "Nyckelorden:").encode(), 13,
                      "unknown label 'Nyckelorden:'"),
    "label-out-of-order": (ARTICLE.replace("Nyckelord för utvecklingsarbetet:", "Kontaktperson:").encode(), 13,
                           "found 'Kontaktperson:' where the keywords"),
    "stray-paragraph": (
        ARTICLE.replace("\u00a0\n\nÖstnyland", "\u00a0\n\nDe här pilotförsöken startade hösten 2020 och pågår "
                        "till slutet av 2021.\n\u00a0\n\nÖstnyland").encode(), 129,
        "a stray paragraph between pilot blocks"),
    "five-lines-in-a-block": (ARTICLE.replace("Anders Nordström, rektor, Lovisa stad\n",
                                              "Anders Nordström, rektor, Lovisa stad\n\nEn rad till\n").encode(), 137,
                              "a fifth line in the block that starts on line 129"),
    "contact-without-title": (ARTICLE.replace("Anders Nordström, rektor, Lovisa stad",
                                              "Anders Nordström, Lovisa stad").encode(), 135,
                              "a contact is 'Name, title, organisation'"),
    "unknown-keyword": (ARTICLE.replace("och kommunfusion", "och kommunfusioner").encode(), 83,
                        "unknown theme 'kommunfusioner'; the closest known names are 'kommunfusion'"),
    "unknown-level": (ARTICLE.replace("(andra stadiet och yrkeshögskola)\n\nTimo",
                                      "(andra stadiet och universitet)\n\nTimo").encode(), 53,
                      "unknown education level 'universitet'"),
    "unknown-role": (ARTICLE.replace("(ansvarsorganisation)", "(huvudman)").encode(), 11,
                     "unknown role 'huvudman'. Add it to data/vocabularies/roles.yaml"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_article_exits_2_with_line_and_expectation(case: str, tmp_path: Path) -> None:
    content, line, message = CASES[case]
    article = tmp_path / "article.txt"
    article.write_bytes(content)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    before = {p.relative_to(data): p.read_bytes() for p in data.rglob("*") if p.is_file()}
    out = tmp_path / "out"
    for args in (["--out", str(out)], [], ["--check"]):
        result = CliRunner().invoke(main, ["ingest", str(article), "--data", str(data), *args])
        assert result.exit_code == 2, (case, args, result.output)
        assert f"{article}:{line}: " in result.stderr, result.stderr
        assert message in result.stderr, result.stderr
        assert result.stdout == ""
    assert not out.exists()
    assert {p.relative_to(data): p.read_bytes() for p in data.rglob("*") if p.is_file()} == before


def test_missing_article_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "nope.txt"), "--check"])
    assert result.exit_code == 2
    assert "cannot read the article" in result.stderr
