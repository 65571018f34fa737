"""Facts of the shipped data that the article states, pinned (see DOMAIN.md)."""

from __future__ import annotations

from rdflib import Literal, URIRef

from kopa_graph.graph.build import BuiltGraph
from kopa_graph.rdfio.namespaces import DCTERMS, FOAF, KOPA, ORG, RDF, SKOS

BASE = "https://w3id.org/kopa/id/"
ARTICLE = "https://www.kommunforbundet.fi/pilotforsok-inom-natverksprojektet-utbildning-som-tjanst-kopa"


def _q(built: BuiltGraph, query: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in built.graph.query(query, initNs={
        "org": ORG, "kopa": KOPA, "skos": SKOS, "dct": DCTERMS, "foaf": FOAF})]


def test_thirteen_pilots(shipped_built: BuiltGraph) -> None:
    assert len(set(shipped_built.graph.subjects(RDF.type, KOPA.Pilot))) == 13


def test_distinct_member_municipalities(shipped_built: BuiltGraph) -> None:
    rows = _q(shipped_built, f"""SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{
        ?m org:member ?o ; org:organization ?p . ?p a kopa:Pilot .
        ?o org:classification <{BASE}organisation-type/municipality> }}""")
    assert rows[0][0].toPython() == 44


def test_one_organisation_two_pilots(shipped_built: BuiltGraph) -> None:
    """Borgå, Lovisa and Sibbo take part in both Östra Nyland and Östnyland."""
    rows = _q(shipped_built, f"""SELECT ?o WHERE {{
        [] org:member ?o ; org:organization <{BASE}pilot/ostra-nyland> .
        [] org:member ?o ; org:organization <{BASE}pilot/ostnyland> . }} ORDER BY ?o""")
    assert [str(r[0]) for r in rows] == [f"{BASE}municipality/{c}" for c in ("434", "638", "753")]


def test_one_lead_stated_once(shipped_built: BuiltGraph) -> None:
    rows = _q(shipped_built, f"""SELECT ?p ?o WHERE {{
        ?m org:role <{BASE}role/lead-organisation> ; org:member ?o ; org:organization ?p }}""")
    assert [(str(p), str(o)) for p, o in rows] == [(f"{BASE}pilot/jarviseutu", f"{BASE}municipality/005")]


def test_names_as_written_are_kept(shipped_built: BuiltGraph) -> None:
    g = shipped_built.graph
    vimpeli = URIRef(f"{BASE}municipality/934")
    assert (vimpeli, SKOS.prefLabel, Literal("Vindala", lang="sv")) in g
    assert (vimpeli, SKOS.prefLabel, Literal("Vimpeli", lang="fi")) in g
    alajarvi = URIRef(f"{BASE}municipality/005")
    assert (alajarvi, SKOS.altLabel, Literal("Alajärvi stad", lang="sv")) in g
    lappia = URIRef(f"{BASE}organisation/lappia")
    assert (lappia, SKOS.prefLabel, Literal("Kemi-Tornedalens samkommun för utbildning Lappia", lang="sv")) in g
    assert (lappia, SKOS.prefLabel, Literal("Kemi-Tornionlaakson koulutuskuntayhtymä Lappia", lang="fi")) in g


def test_two_titles_two_posts_and_two_people_one_line(shipped_built: BuiltGraph) -> None:
    rows = _q(shipped_built, """SELECT ?title WHERE { ?post org:heldBy ?p ; skos:prefLabel ?title .
        ?p foaf:name "Pekka Simberg" FILTER (LANG(?title) = "sv") } ORDER BY ?title""")
    assert [str(r[0]) for r in rows] == ["direktör", "rektor"]
    rows = _q(shipped_built, f"""SELECT ?name ?title WHERE {{
        <{BASE}pilot/sydosterbotten> <http://schema.org/contactPoint> ?post .
        ?post org:heldBy/foaf:name ?name ; skos:prefLabel ?title ; org:postIn <{BASE}municipality/232> .
        FILTER (LANG(?title) = "sv")
        }} ORDER BY ?name""")
    assert [(str(n), str(t)) for n, t in rows] == [("Lari Marjamäki", "direktör för fostran och utbildning"),
                                                  ("Pirjo-Leena Ketola", "högskoleombud")]


def test_units_inside_organisations(shipped_built: BuiltGraph) -> None:
    g = shipped_built.graph
    assert (URIRef(f"{BASE}organisation/otavia"), ORG.subOrganizationOf, URIRef(f"{BASE}municipality/491")) in g
    assert (URIRef(f"{BASE}organisation/kauhajoki-medborgarinstitut"), ORG.subOrganizationOf,
            URIRef(f"{BASE}municipality/232")) in g


def test_levels_in_parentheses_belong_to_the_keyword(shipped_built: BuiltGraph) -> None:
    rows = _q(shipped_built, f"""SELECT ?level WHERE {{
        <{BASE}pilot/ostra-nyland/theme/cooperation-between-education-levels>
            <http://schema.org/educationalLevel> ?level }}
        ORDER BY ?level""")
    assert [str(r[0]).rsplit("/", 1)[1] for r in rows] == ["basic-education", "uas-education",
                                                          "upper-secondary-education"]


def test_every_pilot_fact_points_to_its_article_line(shipped_built: BuiltGraph) -> None:
    g = shipped_built.graph
    pilot = URIRef(f"{BASE}pilot/sofuk-och-narpes")
    assert (pilot, DCTERMS.source, URIRef(f"{ARTICLE}#line=98,99")) in g
    membership = URIRef(f"{BASE}membership/sofuk-och-narpes/545")
    assert (membership, DCTERMS.source, URIRef(f"{ARTICLE}#line=100,101")) in g


def test_claims_are_recorded_as_stated(shipped_built: BuiltGraph) -> None:
    rows = _q(shipped_built, """SELECT ?text ?n WHERE { ?c a kopa:StatedTotal ; kopa:statedCount ?n ;
        <http://schema.org/text> ?text FILTER (LANG(?text) = "sv") } ORDER BY ?text""")
    assert {str(t): n.toPython() for t, n in rows} == {
        "44 kommuner": 44, "8 samkommuner för utbildning": 8, "4 aktiebolag": 4, "en enskild yrkeshögskola": 1,
        "ett affärsverk": 1, "tretton regionala pilotförsök": 13}
