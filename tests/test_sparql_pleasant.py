"""Ad-hoc SPARQL is pleasant (issue 17 §2): default prefixes, syntax errors with a caret, ``SELECT *`` in the
query's order (command and server workers), JSON-LD answers that name the published context, helpers that tell
their parameters."""

from __future__ import annotations

import asyncio
import json
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from conftest import SMALL
from kopa_graph.cli import main
from kopa_graph.graph.build import BuiltGraph
from kopa_graph.query.evaluate import prepare, run_sparql
from kopa_graph.query.helpers import helpers, parse_params, run_helper
from kopa_graph.query.syntax import problem, star_order

runner = CliRunner()
ID = "https://w3id.org/kopa/id/"


def _sparql(*args: str) -> object:
    return runner.invoke(main, ["sparql", *args, "--data", str(SMALL)])


def test_the_projects_and_the_standard_prefixes_are_declared() -> None:
    """kopa:Pilot works without a PREFIX line (today's failure), so do skos:, dct: and kopaid:."""
    result = _sparql("SELECT ?p WHERE { ?p a kopa:Pilot } ORDER BY ?p", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode() == f"p\r\n{ID}pilot/alfa\r\n{ID}pilot/beta\r\n"
    labels = _sparql("SELECT ?l WHERE { kopaid:pilot\\/alfa skos:prefLabel ?l FILTER(LANG(?l) = 'sv') }",
                     "--format", "csv")
    assert labels.exit_code == 0 and labels.stdout_bytes == b"l\r\nAlfa\r\n", labels.output


def test_no_default_prefixes_declares_none_and_says_which_is_missing() -> None:
    result = _sparql("SELECT ?p WHERE { ?p a kopa:Pilot }", "--no-default-prefixes")
    assert result.exit_code == 2
    assert result.stderr == ("SPARQL syntax error at line 1, column 24: the prefix kopa: is not declared; declare it "
                             "(PREFIX kopa: <…>) or write the full IRI in <…>\n"
                             "  SELECT ?p WHERE { ?p a kopa:Pilot }\n"
                             "                         ^\n")


def test_a_query_prefix_wins_over_a_default() -> None:
    result = _sparql("PREFIX kopa: <http://example.org/not-kopa#> SELECT ?p WHERE { ?p a kopa:Pilot }",
                     "--format", "csv")
    assert result.exit_code == 0 and result.stdout_bytes == b"p\r\n", result.output


def test_the_lexer_sees_the_query_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """The prefixes are declared beside the text (pyoxigraph's prefixes=), never pasted into it: the safety check
    reads exactly what the user wrote, and still refuses what it refused."""
    import kopa_graph.query.lexer as lexer

    seen: list[str] = []
    real = lexer.scan

    def spy(text: str) -> lexer.Scan:
        seen.append(text)
        return real(text)

    monkeypatch.setattr(lexer, "scan", spy)
    text = "SELECT ?p WHERE { ?p a kopa:Pilot }"
    assert _sparql(text).exit_code == 0
    assert seen and set(seen) == {text}
    refused = _sparql("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s a kopa:Pilot } }")
    assert refused.exit_code == 2 and "SERVICE is refused" in refused.stderr


def test_a_syntax_error_is_one_line_and_a_caret_not_the_grammar() -> None:
    result = _sparql("SELECT ?s WHERE {\n  ?s ?p ?o\n  LIMT 3 }")
    assert result.exit_code == 2
    assert result.stderr == ("SPARQL syntax error at line 3, column 3: cannot read the query from 'LIMT' on: a term, "
                             "a bracket, a dot or a keyword is missing, misspelt or out of place here or just before\n"
                             "    LIMT 3 }\n"
                             "    ^\n")
    for query, says, column in (("SELECT ?s WHERE { ?s ?p ?o", "this '{' is never closed", 17),
                                ("SELECT ?s WHERE { ?s ?p ?o FILTER(?o = ) }", "cannot read the query from 'FILTER' on",
                                 28),
                                ("SELECT ?s WHERE { ?s ?p ?o } }", "cannot read the query from '}' on", 30)):
        early = _sparql(query)
        assert early.stderr.startswith(f"SPARQL syntax error at line 1, column {column}: {says}"), early.stderr
        assert early.stderr.splitlines()[2] == " " * (column + 1) + "^"
        assert "expected one of" not in early.stderr and "\\u{" not in early.stderr


def test_the_engine_dump_becomes_one_line() -> None:
    dump = ("error at 1:34: expected one of Prefix not found, ['%'], ['-' | '0' ..= '9' | '\\u{00B7}' |\n"
            "'\\u{203F}'..='\\u{2040}'], ['.'], [':']")
    found = problem(dump, "SELECT ?p WHERE { ?p a kopa:Pilot }")
    assert "\n" not in found.headline and found.headline.startswith("SPARQL syntax error at line 1, column 24:")


def test_select_star_keeps_the_querys_order() -> None:
    """As Jena does; Oxigraph sorts them (o, p, s)."""
    result = _sparql("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--format", "csv")
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"s,p,o\r\n"), result.output
    table = _sparql("SELECT * WHERE { ?pilot a kopa:Pilot ; skos:prefLabel ?label ; dct:identifier ?id } LIMIT 1")
    assert table.stdout.split("\n")[0].split() == ["pilot", "label", "id"]


def test_star_order_in_detail() -> None:
    assert star_order("SELECT DISTINCT * { ?b ?c $a }", ["a", "b", "c"]) == ["b", "c", "a"]
    assert star_order("select reduced * { ?z ?y ?x }", ["x", "y", "z"]) == ["z", "y", "x"]
    assert star_order("SELECT ?a ?b { ?b ?c ?a }", ["a", "b"]) == ["a", "b"], "a projection is kept as written"
    assert star_order("SELECT * { { SELECT ?y ?x { ?x ?q ?y } } ?y ?r ?w }", ["w", "x", "y"]) == ["y", "x", "w"]
    assert star_order("# ?w\nSELECT * { ?x ?p '?w' . ?w ?p ?x }", ["p", "w", "x"]) == ["x", "p", "w"]


def test_select_star_order_on_the_rdflib_engine_too(small_built: BuiltGraph) -> None:
    result = run_sparql(small_built.graph, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert [str(v) for v in result.vars or []] == ["s", "p", "o"]


def test_the_servers_workers_order_select_star_and_say_syntax_errors_in_one_line() -> None:
    """/sparql answers through these workers (kopa_graph.query.worker): the same order, and a 400's message in one
    line with line and column."""
    from kopa_graph.query.worker import QueryFailed, QueryPool

    nt = b"<http://e.example/s> <http://e.example/p> <http://e.example/o> .\n"
    pool = QueryPool(nt, workers=1, timeout=20, sandbox=False)
    try:
        answer = asyncio.run(pool.run("SELECT * WHERE { ?s ?p ?o }", "csv"))
        assert answer.body == b"s,p,o\r\nhttp://e.example/s,http://e.example/p,http://e.example/o\r\n"
        json_answer = asyncio.run(pool.run("SELECT * WHERE { ?o ?s ?p }", "json"))
        assert json.loads(json_answer.body)["head"]["vars"] == ["o", "s", "p"]
        with pytest.raises(QueryFailed) as failed:
            asyncio.run(pool.run("SELECT * WHERE {\n ?s ?p }", "json"))
        assert failed.value.kind == "syntax"
        assert str(failed.value).startswith("SPARQL syntax error at line 2, column ")
        assert "\n" not in str(failed.value)
    finally:
        pool.close()


def test_a_format_that_does_not_fit_the_form_exits_2() -> None:
    for query, fmt, fits in (("SELECT * { ?s ?p ?o }", "turtle", "table, csv, tsv, json or xml"),
                             ("CONSTRUCT WHERE { ?s ?p ?o }", "csv", "turtle, json-ld or n-triples")):
        result = _sparql(query, "--format", fmt)
        assert result.exit_code == 2 and f"give --format {fits}" in result.stderr, result.output


def _construct_alfa() -> str:
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER (?s = <{ID}pilot/alfa>) }}"


def test_jsonld_answers_name_the_published_context_and_expand_to_the_same_triples(tmp_path: Path) -> None:
    """Not the 150-line context inlined: its address on the site ({base}download/context.jsonld, where ``site``
    puts it). pyld, given that document by a loader that serves the built file (no network), expands the answer
    to the very triples of the Turtle answer."""
    from pyld import jsonld

    answer = _sparql(_construct_alfa(), "--format", "json-ld")
    assert answer.exit_code == 0, answer.output
    doc = json.loads(answer.stdout)
    assert doc["@context"] == "https://w3id.org/kopa/download/context.jsonld"
    assert len(answer.stdout.splitlines()) < 60
    built = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    context_file = tmp_path / "out" / "context.jsonld"
    asked: list[str] = []

    def loader(url: str, options: object = None) -> dict[str, object]:
        asked.append(url)
        assert url == doc["@context"]
        return {"contextUrl": None, "documentUrl": url, "document": json.loads(context_file.read_text())}

    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": loader})
    expanded = Graph().parse(data=nquads, format="nt")
    turtle = _sparql(_construct_alfa())
    assert isomorphic(expanded, Graph().parse(data=turtle.stdout, format="turtle"))
    assert len(expanded) > 5 and asked
    assert (URIRef(f"{ID}pilot/alfa"), None, None) in expanded


def test_kopa_graph_reads_its_own_jsonld_answer_without_the_network(tmp_path: Path) -> None:
    from kopa_graph.rdfio.engine import parse_file

    answer = _sparql(_construct_alfa(), "--format", "json-ld")
    path = tmp_path / "answer.jsonld"
    path.write_text(answer.stdout, encoding="utf-8")
    turtle = _sparql(_construct_alfa())
    assert isomorphic(parse_file(path), Graph().parse(data=turtle.stdout, format="turtle"))


@pytest.mark.parametrize("name", sorted(helpers()))
def test_query_name_help_tells_the_parameters_and_an_example_that_runs(name: str,
                                                                       shipped_built: BuiltGraph) -> None:
    h = helpers()[name]
    shown = runner.invoke(main, ["query", name, "--help"])
    assert shown.exit_code == 0, shown.output
    text = shown.stdout
    assert text.startswith(f"Usage: kopa-graph query {name}") and h.title in text
    for p in h.params:
        line = next(x for x in text.splitlines() if x.startswith(f"  {p.name} "))
        assert p.type in line and ("required" in line) == p.required
        assert p.description.split()[0] in text
    for column, _ in h.columns:
        assert f"\n  {column} " in text
    example = text.split("Example:\n  ", 1)[1].splitlines()[0]
    words = shlex.split(example)
    assert words[:3] == ["kopa-graph", "query", name]
    given = [w for w in words[3:] if w != "-p"]
    result = run_helper(prepare(shipped_built.graph), name, **parse_params(name, given))
    assert result.type == "SELECT"


def test_query_list_shows_the_parameters() -> None:
    listing = runner.invoke(main, ["query", "--list"])
    assert listing.exit_code == 0
    assert "-p municipality=<string>\n" in listing.stdout
    assert "-p year=<integer> (optional)" in listing.stdout
    assert "no parameters" in listing.stdout
    unknown = runner.invoke(main, ["query", "no-such-helper", "--help"])
    assert unknown.exit_code == 2 and "no query helper named 'no-such-helper'" in unknown.stderr


def test_the_readme_shows_a_helpers_real_help() -> None:
    from conftest import ROOT

    shown = runner.invoke(main, ["query", "pilots-of-municipality", "--help"]).stdout.rstrip()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"$ kopa-graph query pilots-of-municipality --help\n{shown}\n```" in readme


def test_default_prefixes_on_the_rdflib_engine_too(small_built: BuiltGraph) -> None:
    """A graph Oxigraph would retype is queried with rdflib: the same prefixes are declared there."""
    from kopa_graph.query.evaluate import QueryError, default_prefixes
    from kopa_graph.settings import Settings

    text = "SELECT * { ?p a kopa:Pilot ; skos:prefLabel ?l }"
    result = run_sparql(small_built.graph, text, prefixes=default_prefixes(Settings().id_base))
    assert [str(v) for v in result.vars or []] == ["p", "l"] and len(list(result)) >= 2
    with pytest.raises(QueryError, match="the prefix kopa: is not declared; declare it"):
        run_sparql(small_built.graph, text)
