"""The worker writes SELECT results itself (a query runs once, its rows counted
against the cap as they are written): the output must be what Oxigraph's own
writers produce, for every W3C format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from kopa_graph.query.worker import solutions_body

XSD = "http://www.w3.org/2001/XMLSchema#"
TRICKY = """
<http://e.example/a> <http://e.example/p> "plain, with \\"quotes\\"\\nand a newline\\tand a tab" .
<http://e.example/a> <http://e.example/p> "sv"@sv .
<http://e.example/a> <http://e.example/p> "en-GB text"@en-gb .
<http://e.example/a> <http://e.example/p> "042"^^<http://www.w3.org/2001/XMLSchema#string> .
<http://e.example/a> <http://e.example/p> "42"^^<http://www.w3.org/2001/XMLSchema#integer> .
<http://e.example/a> <http://e.example/p> "-0.5"^^<http://www.w3.org/2001/XMLSchema#decimal> .
<http://e.example/a> <http://e.example/p> "1.0E3"^^<http://www.w3.org/2001/XMLSchema#double> .
<http://e.example/a> <http://e.example/p> "NaN"^^<http://www.w3.org/2001/XMLSchema#double> .
<http://e.example/a> <http://e.example/p> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .
<http://e.example/a> <http://e.example/p> "7"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger> .
<http://e.example/a> <http://e.example/p> "2021"^^<http://www.w3.org/2001/XMLSchema#gYear> .
<http://e.example/a> <http://e.example/p> "<b>&amp; 'x'</b>" .
<http://e.example/a> <http://e.example/p> "Evijärvi – Åbo" .
_:b1 <http://e.example/p> <http://e.example/o?x=1&y=2> .
"""
QUERY = "SELECT ?s ?o ?unbound WHERE { ?s <http://e.example/p> ?o } ORDER BY STR(?o)"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    s.load(TRICKY.encode(), format=ox.RdfFormat.N_TRIPLES)
    return s


def _ours(store: ox.Store, fmt: str) -> bytes:
    result = store.query(QUERY)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return solutions_body(names, [list(row) for row in result], fmt)


def _theirs(store: ox.Store, fmt: ox.QueryResultsFormat) -> bytes:
    result = store.query(QUERY)
    assert isinstance(result, ox.QuerySolutions)
    return result.serialize(format=fmt)


def test_json_is_oxigraphs(store: ox.Store) -> None:
    ours, theirs = json.loads(_ours(store, "json")), json.loads(_theirs(store, ox.QueryResultsFormat.JSON))
    assert ours == theirs
    assert len(ours["results"]["bindings"]) == 14


def test_xml_is_oxigraphs(store: ox.Store) -> None:
    def canonical(data: bytes) -> str:
        return ET.canonicalize(data.decode("utf-8"))

    assert canonical(_ours(store, "xml")) == canonical(_theirs(store, ox.QueryResultsFormat.XML))


@pytest.mark.parametrize(("fmt", "theirs"), [("csv", ox.QueryResultsFormat.CSV), ("tsv", ox.QueryResultsFormat.TSV)])
def test_csv_and_tsv_are_oxigraphs(store: ox.Store, fmt: str, theirs: ox.QueryResultsFormat) -> None:
    assert _ours(store, fmt) == _theirs(store, theirs)


def test_the_results_parse_back_as_the_same_terms(store: ox.Store) -> None:
    for fmt, parser in (("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML),
                        ("tsv", ox.QueryResultsFormat.TSV)):
        back = ox.parse_query_results(_ours(store, fmt), format=parser)
        assert isinstance(back, ox.QuerySolutions)
        expected = store.query(QUERY)
        assert isinstance(expected, ox.QuerySolutions)
        assert [list(r) for r in back] == [list(r) for r in expected], fmt
