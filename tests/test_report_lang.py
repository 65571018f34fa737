"""``kopa-graph report --lang sv|fi|en`` (issue 17 §6): the report's sentences, the article's totals and the
organisations' names in that language; without it, the report as it was (English, the article's own words)."""

from __future__ import annotations

import json
import re
import string

import pytest
from click.testing import CliRunner

from kopa_graph.cli import main
from kopa_graph.languages import LANGUAGES
from kopa_graph.reports.claims import words

runner = CliRunner()


@pytest.fixture(scope="module")
def reports() -> dict[str, str]:
    out = {}
    for lang in (None, *LANGUAGES):
        result = runner.invoke(main, ["report", *(["--lang", lang] if lang else [])])
        assert result.exit_code == 0, result.output
        out[lang or "default"] = result.stdout
    return out


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_the_same_messages_and_placeholders() -> None:
    """A translator edits reports/messages/LANG.json: the same keys in each, each value with the same
    placeholders as the English one, none empty."""
    english = words("en")
    for lang in LANGUAGES:
        w = words(lang)
        assert set(w) == set(english), lang
        for key, value in w.items():
            assert value.strip(), (lang, key)
            assert _placeholders(value) == _placeholders(english[key]), (lang, key)
    with pytest.raises(ValueError, match="no report messages in 'de'"):
        words("de")


def test_without_lang_the_report_is_as_it_was(reports: dict[str, str]) -> None:
    text = reports["default"]
    assert text.startswith("The article's totals and the data\n")
    assert "'8 samkommuner för utbildning': stated 8, in the data 7 (differs by -1)" in text


def test_report_in_finnish(reports: dict[str, str]) -> None:
    text = reports["fi"]
    assert text.startswith("Artikkelin luvut ja data\n")
    assert "'8 koulutuskuntayhtymää': ilmoitettu 8, datassa 7 (ero -1)" in text
    assert "Kemi-Tornionlaakson koulutuskuntayhtymä Lappia" in text, "the members' Finnish names"
    assert "laajemman tyypin 'kuntayhtymä' jäsenet (1)" in text
    assert "Datan laatu" in text and "Organisaatiot ilman tunnisteita" in text
    english_only = {v for k, v in words("en").items() if not k.startswith("_") and not _placeholders(v)}
    assert not [v for v in english_only if v in text]
    assert not re.search(r"\b(stated|reading|likely reason|since then|members of)\b", text)


def test_report_in_swedish_and_english(reports: dict[str, str]) -> None:
    sv, en = reports["sv"], reports["en"]
    assert sv.startswith("Artikelns summor och data\n")
    assert "'8 samkommuner för utbildning': anges 8, i data 7 (skiljer sig med -1)" in sv
    assert "trolig orsak: Data stöder en tolkning: artikelns 8 räknar de 7 medlemmarna av denna typ och" in sv
    assert en.startswith("The article's totals and the data\n")
    assert "'8 joint municipal authorities for education': stated 8, in the data 7 (differs by -1)" in en


def test_json_and_markdown_follow_the_language() -> None:
    result = runner.invoke(main, ["report", "--lang", "sv", "--format", "json"])
    assert result.exit_code == 0, result.output
    claims = {c["claim"]: c for c in json.loads(result.stdout)["claims"]}
    education = claims["joint-authorities-for-education"]
    assert education["text"] == "8 samkommuner för utbildning"
    assert education["reason"].startswith("Data stöder en tolkning")
    markdown = runner.invoke(main, ["report", "--lang", "fi", "--format", "markdown"])
    assert markdown.stdout.startswith("# Artikkelin luvut ja data\n") and "## 'yksi liikelaitos'" in markdown.stdout
