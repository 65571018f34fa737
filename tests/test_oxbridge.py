"""The seam between rdflib and pyoxigraph: terms cross it unchanged, in both directions."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kopa_graph.rdfio.oxbridge import by_subject, converter, from_ox, to_ox, triples

# Text Oxigraph can hold: any Unicode scalar value (no lone surrogates).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
LANGS = st.sampled_from(["sv", "fi", "en", "se", "sv-fi", "en-gb", "zh-hant-tw", "x-kopa"])
IRIS = st.builds(lambda tail: "https://w3id.org/kopa/id/" + tail,
                 st.text(st.characters(whitelist_categories=("Ll", "Lu", "Nd"), max_codepoint=0x2FF), max_size=30))
TYPED = st.sampled_from([
    ("42", XSD.integer), ("-0", XSD.integer), ("007", XSD.integer), ("1.50", XSD.decimal), ("NaN", XSD.double),
    ("INF", XSD.float), ("true", XSD.boolean), ("yes", XSD.boolean), ("2026-11-27", XSD.date),
    ("2026-11-27T10:00:00Z", XSD.dateTime), ("P1Y", XSD.duration), ("x", XSD.integer),
    ("0123", XSD.string), ("abc", URIRef("https://example.org/type")),
])


def _slots(term: Literal) -> tuple[object, ...]:
    # the value by repr: NaN is not equal to itself
    return (type(term), str(term), term._language, term._datatype, repr(term._value), term._ill_typed)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.one_of(st.none(), LANGS))
def test_plain_and_language_literals_are_made_as_rdflib_makes_them(text: str, lang: str | None) -> None:
    made = rdflib_made = Literal(text, lang=lang)
    for convert in (from_ox, converter()):
        made = convert(to_ox(rdflib_made))
        assert _slots(made) == _slots(rdflib_made)
        assert made == rdflib_made and hash(made) == hash(rdflib_made)
        assert made.toPython() == rdflib_made.toPython()


@pytest.mark.filterwarnings("ignore:Parsing weird boolean")  # rdflib's warning about "yes"^^xsd:boolean
@settings(max_examples=100, deadline=None)
@given(TYPED)
def test_typed_literals_are_what_rdflib_makes_of_the_same_lexical_form(pair: tuple[str, URIRef]) -> None:
    lexical, datatype = pair
    given_ox = ox.Literal(lexical, datatype=ox.NamedNode(str(datatype)))
    expected = Literal(lexical) if datatype == XSD.string else Literal(lexical, datatype=datatype)
    convert = converter()
    first, again = convert(given_ox), convert(given_ox)
    for made in (first, again, from_ox(given_ox)):
        assert _slots(made) == _slots(expected)
        assert made == expected or expected != expected  # NaN


@settings(max_examples=200, deadline=None)
@given(IRIS)
def test_iris_and_blank_nodes(value: str) -> None:
    made = from_ox(ox.NamedNode(value))
    assert type(made) is URIRef and made == URIRef(value) and hash(made) == hash(URIRef(value))
    assert from_ox(to_ox(BNode("b1"))) == BNode("b1")


def test_by_subject_and_triples_read_a_graph_alone_in_its_store_and_fall_back_otherwise() -> None:
    from rdflib import Dataset

    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    g = Graph()
    g.add((s, p, Literal(1)))
    g.add((s, p, Literal(2)))
    assert set(triples(g)) == set(g)
    assert {o for o in by_subject(g)[s][p]} == {Literal(1), Literal(2)}
    dataset = Dataset()
    one = dataset.graph(URIRef("https://example.org/g1"))
    one.add((s, p, Literal(1)))
    dataset.graph(URIRef("https://example.org/g2")).add((URIRef("https://example.org/other"), p, Literal(3)))
    shared = Graph(store=dataset.store, identifier=one.identifier)
    assert list(triples(shared)) == [(s, p, Literal(1))]  # not the other graph's triple
    assert dict(by_subject(shared)) == {s: {p: [Literal(1)]}}


def test_unknown_terms_are_refused() -> None:
    with pytest.raises(TypeError, match="does not handle"):
        from_ox(ox.DefaultGraph())
