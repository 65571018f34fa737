"""kopa-graph render: the article's layout from the graph, and back."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SMALL
from kopa_graph import load_source_data
from kopa_graph.article.compare import differences, flatten
from kopa_graph.article.ingest import ingest_article
from kopa_graph.article.render import render
from kopa_graph.cli import main
from kopa_graph.graph.build import BuiltGraph


@pytest.mark.parametrize("data_dir", [ROOT / "data", SMALL], ids=["shipped", "small"])
def test_swedish_rendering_ingests_back_to_the_same_data(data_dir: Path, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    from kopa_graph import build_graph

    data = load_source_data(data_dir)
    text = render(build_graph(data, settings).graph, "sv")
    path = tmp_path / "rendered.txt"
    path.write_text(text, encoding="utf-8")
    again = ingest_article(path, data)
    assert differences(flatten(again.pilots, again.claims, with_lines=False),
                       flatten(data.pilots, data.claims, with_lines=False)) == []


def test_rendering_is_the_labelled_form(shipped_built: BuiltGraph) -> None:
    text = render(shipped_built.graph, "sv")
    assert text.count("Organisationer som deltar: ") == 13
    assert text.count("Nyckelord för utvecklingsarbetet: ") == 13
    assert text.count("Kontaktperson: ") == 13
    assert text.count("\n\u00a0\n") == 12
    assert "Kontaktperson: Lari Marjamäki, direktör för fostran och utbildning och Pirjo-Leena Ketola, " \
           "högskoleombud, Kauhajoki stad" in text
    assert "Sammanlagt deltar 44 kommuner, 8 samkommuner för utbildning, 4 aktiebolag, en enskild " \
           "yrkeshögskola och ett affärsverk i projektets pilotgrupper." in text


def test_finnish_and_english_use_their_labels(shipped_built: BuiltGraph) -> None:
    fi = render(shipped_built.graph, "fi")
    assert "Osallistuvat organisaatiot: Alajärvi (vastuuorganisaatio), Evijärvi, Lappajärvi, Vimpeli ja " \
           "Järviseudun ammatti-instituutti" in fi
    assert "Kehittämistyön avainsanat: lukioiden välinen yhteistyö, toisen asteen resurssit ja verkko-opetus" in fi
    en = render(shipped_built.graph, "en")
    assert "Participating organisations: Mikkeli, Pieksämäki, Etelä-Savon Koulutus Oy and Otavia" in en
    assert "Contact person: Pekka Simberg, direktör, rektor, Sastamalan koulutuskuntayhtymä" in en


def test_render_cli_to_a_file_and_from_a_graph_file(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(tmp_path / "out")]).exit_code == 0
    result = runner.invoke(main, ["render", "--graph", str(tmp_path / "out" / "kopa.ttl"), "-o",
                                  str(tmp_path / "a.txt")])
    assert result.exit_code == 0, result.output
    from_data = runner.invoke(main, ["render", "--data", str(SMALL)])
    assert from_data.exit_code == 0
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == from_data.stdout
    assert from_data.stdout.startswith("Testartikel om pilotförsök\n")


def test_render_refuses_an_unknown_language() -> None:
    result = CliRunner().invoke(main, ["render", "--lang", "de"])
    assert result.exit_code == 2
