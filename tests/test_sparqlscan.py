"""The endpoint's lexical check: it finds SERVICE, FROM, LOAD and updates
wherever a SPARQL parser does (rdflib's parser is an oracle here, Oxigraph's in
tests/test_egress_corpus.py), glued keywords included, never inside a string,
an IRI or a comment; it refuses every recursive construct before Oxigraph runs
out of stack (each bound tested just under it, on Oxigraph); and it takes linear
time on hostile text."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from kopa_graph.query.evaluate import with_values
from kopa_graph.query.helpers import bindings, helpers
from kopa_graph.query.lexer import scan

REFUSED = [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("select * where { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { ?s ?p 1SERVICE <http://127.0.0.1:9/> {} }", "SERVICE"),
    ("SELECT * WHERE { SERVICE:x {} }", "SERVICE"),
    ("SELECT * WHERE { ?s a ex:C.SERVICE <http://127.0.0.1:9/> {} }", "SERVICE"),
    ("SELECT * WHERE { ?s ?p ?o }.SERVICE <http://127.0.0.1:9/> {}", "SERVICE"),
    ("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> {} }", "SERVICE"),
    ("SELECT * WHERE { \\U00000053ERVICE <http://127.0.0.1:9/> {} }", "SERVICE"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    ("SELECT*FROM<file:///etc/passwd>{?s ?p ?o}", "FROM"),
    ("LOAD <http://127.0.0.1:9/data.ttl>", "LOAD"),
    ("INSERT DATA { <a:b> <a:c> <a:d> }", "Update"),
    ("DELETE WHERE { ?s ?p ?o }", "Update"),
    ("WITH <a:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "Update"),
    ("CLEAR ALL", "Update"),
    ("DROP GRAPH <a:g>", "Update"),
    ("SELECT * WHERE { ?s ?p \"not closed }\nSERVICE <http://127.0.0.1:9/> {} }", "not closed"),
    # Oxigraph reads keywords with no word boundary, in any ASCII case (issue 14)
    ("SELECT * WHERE { SERVICESILENT<http://127.0.0.1:9/>{} }", "SERVICE"),
    ("select * where { service<http://127.0.0.1:9/>{} }", "SERVICE"),
    ("SELECT * WHERE { SERVICE#c\nSILENT<http://127.0.0.1:9/>{} }", "SERVICE"),
    ("PREFIX x: <http://127.0.0.1:9/> SELECT * WHERE { SERVICEx:y {} }", "SERVICE"),
    ("SELECT * WHERE { ?s ?p 'x'SERVICE<http://127.0.0.1:9/>{} }", "SERVICE"),
    ("SELECT * WHERE { ?s <http://e/p>? trueSERVICE<http://127.0.0.1:9/>{} }", "SERVICE"),
    ("PREFIX e: <http://e/> SELECT * WHERE { ?s ?p e:a.b.SERVICESILENT<http://127.0.0.1:9/>{} }", "SERVICE"),
    ("ASKFROM<http://127.0.0.1:9/g>{}", "FROM"),
    ("PREFIX : <http://127.0.0.1:9/> ASKFROM:g{}", "FROM"),
    ("SELECT*fRoMnAmEd<http://127.0.0.1:9/g>{}", "FROM"),
    ("LOADSILENT<http://127.0.0.1:9/x>", "LOAD"),
    ("INSERTDATA{<a:b> <a:c> <a:d>}", "Update"),
    ("PREFIX download: <http://e/> SELECT * WHERE { ?s download:x ?o }", "rename"),
    ("SELECT * WHERE { ?s ?p '\\x' }", "escape"),
]

ALLOWED = [
    ("SELECT * WHERE { ?s ?p \"SERVICE FROM LOAD\" } # SERVICE, FROM", "SELECT"),
    ("SELECT * WHERE { <http://example.org/service#FROM> ?p ?o }", "SELECT"),
    ("SELECT * WHERE { ?s ?p '''it's a \"SERVICE\"\nFROM''' }", "SELECT"),
    ("SELECT ?service ?from WHERE { ?service ?p ?from }", "SELECT"),
    ("PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:validFrom ?o ; ex:service ?x }", "SELECT"),
    ("SELECT * WHERE { ?s ?p \"x\"@en-GB }", "SELECT"),
    ("ASK { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }", "ASK"),
    ("# CONSTRUCT in a comment\nSELECT ?task WHERE { ?task ?p ?o }", "SELECT"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://example.org/x>", "DESCRIBE"),
    ("PREFIX e: <http://e/> SELECT * WHERE { ?s e:service ?o ; e:validFrom ?f ; e:download ?d ; e:a.FROMx ?g }",
     "SELECT"),
    ("SELECT * WHERE { ?s ?p ?oSERVICE . ?s <http://e/p>?from }", "SELECT"),
    ("PREFIX address: <http://e/> SELECT * WHERE { ?s address:street ?o }", "SELECT"),
    ("SELECT * WHERE { ?s ?p <http://e/\\u0053ERVICE> FILTER(1<2&&3>2) }", "SELECT"),
    ("SELECT * WHERE { << ?s ?p ?o >> ?q 'service'@en--ltr }", "SELECT"),
    ("CONSTRUCTWHERE{?s ?p ?o}", "CONSTRUCT"),
    ("PREFIX e:<http://e/>DESCRIBE<http://e/x>", "DESCRIBE"),
    ("PREFIX e: <http://e/> DESCRIBEe:x", "DESCRIBE"),
    ("PREFIX ask: <http://e/> PREFIX select: <http://e/> CONSTRUCT { ?s ask:p select:o } WHERE {}", "CONSTRUCT"),
]


@pytest.mark.parametrize(("text", "word"), REFUSED)
def test_refused_wherever_a_parser_sees_the_word(text: str, word: str) -> None:
    found = scan(text)
    assert found.refusal is not None and word in found.refusal, found


@pytest.mark.parametrize(("text", "form"), ALLOWED)
def test_words_in_strings_iris_comments_and_names_are_not_keywords(text: str, form: str) -> None:
    assert scan(text).refusal is None
    assert scan(text).form == form


def test_every_helper_passes_with_its_example_parameters() -> None:
    for h in helpers().values():
        text = with_values(h.text, bindings(h, {p.name: p.example for p in h.params if p.example}))
        assert scan(text).refusal is None, h.name
        assert scan(text).form in ("SELECT", "ASK"), h.name


def test_updates_are_flagged_as_updates() -> None:
    assert scan("INSERT DATA { <a:b> <a:c> <a:d> }").update
    assert scan("LOAD <http://127.0.0.1:9/x>").update
    assert not scan("SELECT * FROM <a:g> { ?s ?p ?o }").update


@pytest.mark.parametrize("hostile", ["\\'" * 5000, "a." * 5000, "<a" * 5000, "'''\\'" * 2500, '"""a"' * 2500,
                                     "?a" * 5000, "x:" * 5000, "ex:a." * 2000, "1." * 5000, "@a-" * 3333])
def test_hostile_text_is_scanned_in_linear_time(hostile: str) -> None:
    """Each of these took 0.4-0.5 s with backtracking alternatives; the possessive lexer reads them in
    milliseconds. Counted in regex matches rather than timed: a linear scan makes at most one match per
    character."""
    from kopa_graph.query.lexer import _TOKEN

    assert sum(1 for _ in _TOKEN.finditer(hostile)) <= len(hostile)
    scan(hostile)


_PATTERNS = [
    "?s ?p ?o .", '?s ?p "SERVICE" .', "?s ?p '''FROM\nLOAD''' .", "?s <http://x.example/SERVICE#FROM> ?o .",
    "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }", "SERVICE SILENT ?g { ?s ?p ?o }", "OPTIONAL { ?s ?p ?o }",
    "FILTER(?o < 3)", "# SERVICE in a comment\n", "{ ?s ?p ?o } UNION { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "?service ?from ?load .", "\\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o }", 'BIND("SERVICE" AS ?x)',
    "GRAPH ?g { ?s ?p ?o }", "MINUS { ?s ?p ?o }", "FILTER EXISTS { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "{ SELECT ?s WHERE { ?s ?p ?o } }", "?s ex:service ?o .", '?s ?p "x"@en .', 'VALUES ?x { 1 "FROM" }',
    "?s ?p 1.5 .", 'FILTER(REGEX(?o, "SERVICE|FROM"))',
]
_UPDATES = ["INSERT DATA { <a:s> <a:p> <a:o> }", "LOAD <http://127.0.0.1:9/x>", "DELETE WHERE { ?s ?p ?o }",
            "CLEAR DEFAULT", "LOAD SILENT <file:///etc/passwd> INTO GRAPH <a:g>"]
_SEP = st.sampled_from([" ", "\n", "\t", "  "])


@st.composite
def _queries(draw: st.DrawFn) -> str:
    sep = draw(_SEP)
    prologue = draw(st.sampled_from(["PREFIX ex: <http://ex.example/>", "BASE <http://b.example/> PREFIX ex: <x/>"]))
    if draw(st.integers(0, 9)) == 0:
        return sep.join([prologue, draw(st.sampled_from(_UPDATES))])
    form = draw(st.sampled_from(["SELECT *", "SELECT ?s", "ASK", "CONSTRUCT { ?s ?p ?o }", "SELECT DISTINCT ?s"]))
    dataset = draw(st.sampled_from(["", "", "FROM <file:///etc/passwd>", "FROM NAMED <http://127.0.0.1:9/g>"]))
    patterns = draw(st.lists(st.sampled_from(_PATTERNS), min_size=1, max_size=5))
    modifier = draw(st.sampled_from(["", "LIMIT 5", "ORDER BY ?s"])) if form != "ASK" else ""
    return sep.join([prologue, form, dataset, "WHERE {", *patterns, "}", modifier])


def _dangerous_by_rdflib(text: str) -> bool | None:
    """True/False when rdflib parses ``text`` (as a query or an update), None when it does not."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parseQuery(text)
    except Exception:
        try:
            update = parseUpdate(text)
        except Exception:
            return None
        return "request" in update  # an update with operations (a bare prologue parses as an empty one)
    if "datasetClause" in parsed[1]:
        return True
    try:
        algebra = translateQuery(parsed)
    except Exception:
        return None
    return "ServiceGraphPattern" in repr(algebra.algebra)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_queries())
def test_agrees_with_a_parser(text: str) -> None:
    """Whatever rdflib's parser finds SERVICE, FROM or an update in is refused; whatever it parses as a
    plain query runs. (The generated queries avoid the conservative cases, such as a prefix named
    service:, which are refused on purpose.)"""
    dangerous = _dangerous_by_rdflib(text)
    event(f"refused: {dangerous}")
    assume(dangerous is not None)  # rdflib fails on a few valid ones (an IRI with SERVICE in it, then SERVICE)
    assert (scan(text).refusal is not None) == dangerous, text


@pytest.mark.parametrize("opening", ["{", "(", "["])
def test_deep_nesting_is_refused_before_a_parser_recurses(opening: str) -> None:
    """Oxigraph's parser kills the process (stack overflow) at about 3000 nested groups."""
    from kopa_graph.query.lexer import MAX_NESTING

    closing = {"{": "}", "(": ")", "[": "]"}[opening]
    body = {"{": lambda n: "{" * n + "}" * n,
            "(": lambda n: "FILTER(" + "(" * n + "1" + ")" * n + ")",
            "[": lambda n: "?s ?p " + "[ ?p " * n + "1" + " ]" * n}[opening]
    deep = scan("SELECT * WHERE { " + body(3000) + " }")
    assert deep.refusal is not None and f"more than {MAX_NESTING} deep" in deep.refusal
    assert scan("SELECT * WHERE { " + body(MAX_NESTING - 10) + " }").refusal is None
    assert scan(f'SELECT * WHERE {{ ?s ?p "{opening * 5000}" }}').refusal is None, "brackets in a string"
    assert closing


def test_deep_nesting_cannot_crash_the_command_line(small_built) -> None:  # type: ignore[no-untyped-def]
    from kopa_graph.query.evaluate import QueryError, prepare, run_sparql

    prepared = prepare(small_built.graph)
    with pytest.raises(QueryError, match="nests brackets more than"):
        run_sparql(prepared, "SELECT * WHERE " + "{" * 3000 + "}" * 3000)
    with pytest.raises(QueryError, match="nests brackets more than"):
        run_sparql(small_built.graph, "SELECT * WHERE " + "{" * 3000 + "}" * 3000)
    with pytest.raises(QueryError, match="levels"):  # issue 14: this killed the process (SIGSEGV)
        run_sparql(prepared, "SELECT * WHERE { BIND(" + "!" * 9900 + "true AS ?x) }")
    with pytest.raises(QueryError, match="tokens"):  # and so did this, at 2,625 terms
        run_sparql(prepared, "PREFIX : <http://e.example/> DESCRIBE" + " :a" * 3000)


# Issue 14: Oxigraph matches keywords with no word boundary, so glued forms reach it.
ISSUE_14 = [
    ("SELECT ?secret WHERE { SERVICESILENT <http://127.0.0.1:9/internal> { ?x ?y ?secret } }", "SERVICE"),
    ("SELECT * FROMNAMED<http://127.0.0.1:9/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
]


@pytest.mark.parametrize(("text", "word"), ISSUE_14)
def test_glued_keywords_are_refused(text: str, word: str) -> None:
    found = scan(text)
    assert found.refusal is not None and word in found.refusal, found


@pytest.mark.parametrize("text", [
    "ASK { FILTER(?x<" + "(" * 300 + "1" + ")" * 300 + ")FILTER(?y>2) }",
    "ASK { FILTER(?x<" + "!" * 300 + "1&&?y>2) }",
    "ASK { FILTER(?x<" + "+1" * 2000 + ")FILTER(?y>2) }",
    "ASK { FILTER(?x<" + "1+" * 2000 + "1&&?y>2) }",
    "ASK { FILTER(1<" + "STR(" * 300 + "1" + ")" * 300 + ")FILTER(?y>2) }",
], ids=["brackets", "not", "signs", "chain", "functions"])
def test_a_less_than_sign_hides_neither_depth_nor_length(text: str) -> None:
    """After an operand, Oxigraph reads "<" as less-than and what follows as code, where this lexer reads an
    IRI up to the next ">": the nesting and the tokens in it count all the same (an outside attack crashed
    ``kopa-graph sparql`` with 200,000 brackets hidden so)."""
    found = scan(text).refusal
    assert found is not None and ("levels" in found or "deep" in found or "tokens" in found), found


def test_iris_in_ordinary_places_still_cost_one_token() -> None:
    from kopa_graph.query.lexer import MAX_TOKENS

    iris = ", ".join(f"<http://e.example/a_(b)/{i}>" for i in range(MAX_TOKENS // 4))
    assert scan(f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o IN ({iris})) }}").refusal is None
    assert scan("SELECT * WHERE { ?s <http://e.example/Foo_(bar)> ?o FILTER(?o<5 && ?o>1) }").refusal is None


def test_a_long_run_of_not_is_refused() -> None:
    """9,900 ``!`` in a row overflowed Oxigraph's parser stack (SIGSEGV at about 9,400 on an 8 MiB stack)."""
    found = scan("SELECT * WHERE { BIND(" + "!" * 9900 + "true AS ?x) }")
    assert found.refusal is not None and "levels" in found.refusal, found


_P = "<http://e.example/p>"
#: Each recursive construct written ``n`` times, and an ``n`` at which Oxigraph (pyoxigraph 0.5.13) runs out
#: of an 8 MiB stack and dies (SIGSEGV): a few percent past the crash points measured each in its own
#: process, by bisection (kopa_graph.query.lexer's text lists them).
CONSTRUCTS: dict[str, tuple[Callable[[int], str], int]] = {
    "! in a row": (lambda n: "SELECT * WHERE { BIND(" + "!" * n + "true AS ?x) }", 9_900),
    "( in an expression": (lambda n: "SELECT * WHERE { BIND(" + "(" * n + "1" + ")" * n + " AS ?x) }", 4_900),
    "{": (lambda n: "SELECT * WHERE " + "{" * n + "}" * n, 2_300),
    "STR(": (lambda n: "SELECT * WHERE { BIND(" + "STR(" * n + "1" + ")" * n + " AS ?x) }", 1_000),
    "CONCAT(": (lambda n: "SELECT * WHERE { BIND(" + "CONCAT(" * n + "1" + ")" * n + " AS ?x) }", 1_000),
    "EXISTS{FILTER(": (lambda n: "SELECT * WHERE { FILTER(" + "EXISTS{FILTER(" * n + "true" + ")}" * n + ") }", 750),
    "[ property lists": (lambda n: f"SELECT * WHERE {{ ?s {_P} " + f"[{_P} " * n + "1" + "]" * n + " }", 3_600),
    "( collections": (lambda n: f"SELECT * WHERE {{ ?s {_P} " + "(" * n + "1" + ")" * n + " }", 4_300),
    "( in a path": (lambda n: "SELECT * WHERE { ?s " + "(" * n + _P + ")" * n + " ?o }", 14_500),
    "^( in a path": (lambda n: "SELECT * WHERE { ?s " + "^(" * n + _P + ")" * n + " ?o }", 14_500),
    "(...)* in a path": (lambda n: "SELECT * WHERE { ?s " + "(" * n + _P + ")*" * n + " ?o }", 14_500),
    "BIND chain": (lambda n: "SELECT * WHERE { " + "".join(f"BIND(1 AS ?x{i})" for i in range(n)) + " }", 2_750),
    "MINUS chain": (lambda n: "SELECT * WHERE { " + "MINUS{}" * n + " }", 2_750),
    "UNION chain": (lambda n: "SELECT * WHERE { {}" + "UNION{}" * n + " }", 6_900),
    "OPTIONAL chain": (lambda n: "SELECT * WHERE { " + "OPTIONAL{}" * n + " }", 6_900),
    "1+1+...": (lambda n: "SELECT * WHERE { BIND(1" + "+1" * n + " AS ?x) }", 7_300),
    "&& chain": (lambda n: "SELECT * WHERE { BIND(true" + "&&true" * n + " AS ?x) }", 9_900),
    "FILTER chain": (lambda n: "SELECT * WHERE { " + "FILTER(true)" * n + " }", 9_900),
    "a/a/... path": (lambda n: "SELECT * WHERE { ?s a" + "/a" * n + " ?o }", 8_700),
    "a|a|... path": (lambda n: "SELECT * WHERE { ?s a" + "|a" * n + " ?o }", 11_500),
    "DESCRIBE of many": (lambda n: "PREFIX : <http://e.example/> DESCRIBE" + " :a" * n, 2_750),
    "ORDER BY (1)(1)...": (lambda n: "SELECT * WHERE {} ORDER BY" + "(1)" * n, 2_750),
}


def _largest_allowed(build: Callable[[int], str]) -> int:
    """The largest ``n`` for which the lexer lets ``build(n)`` through."""
    low, high = 1, 20_000
    assert scan(build(low)).refusal is None and scan(build(high)).refusal is not None
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if scan(build(middle)).refusal is None else (low, middle)
    return low


@pytest.mark.parametrize("name", CONSTRUCTS)
def test_each_recursive_construct_is_refused_at_a_size_that_crashed_oxigraph(name: str) -> None:
    """The bound is a tenth to a third of each crash point (see the module's text); a refusal names what was
    exceeded and how to fix it."""
    from kopa_graph.query.lexer import MAX_NESTING, MAX_TOKENS

    build, crash = CONSTRUCTS[name]
    found = scan(build(crash)).refusal
    assert found is not None
    assert (f"more than {MAX_NESTING} levels" in found or f"brackets more than {MAX_NESTING} deep" in found
            or f"more than {MAX_TOKENS} tokens" in found), found
    assert "fewer levels" in found or "split it" in found
    assert _largest_allowed(build) * 3 <= crash, "the bound is a third of the crash point or less"


def test_nesting_counts_operators_before_brackets() -> None:
    from kopa_graph.query.lexer import MAX_NESTING

    half = MAX_NESTING // 2
    assert scan("ASK { FILTER(" + "!(" * (half - 1) + "true" + ")" * (half - 1) + ") }").refusal is None
    deep = scan("ASK { FILTER(" + "!(" * (half + 1) + "true" + ")" * (half + 1) + ") }").refusal
    assert deep is not None and "operators ! ^ + -" in deep
    assert scan("ASK { FILTER(" + "!" * (MAX_NESTING - 2) + "true) }").refusal is None  # { and ( are two levels
    assert "levels" in (scan("ASK { FILTER(" + "!" * (MAX_NESTING - 1) + "true) }").refusal or "")
    assert scan('ASK { FILTER("' + "!" * 20_000 + '" != "") }').refusal is None, "in a string, ! is no operator"


def _values(n: int) -> str:
    return ("SELECT * WHERE { VALUES (?x ?y) { " + " ".join(f'(<http://e.example/{i}> "v{i}"@en)' for i in range(n))
            + " } } VALUES ?x { " + " ".join(f"{i} -1.5 " for i in range(n)) + "}")  # joined on ?x: no row


def test_the_terms_of_values_blocks_do_not_count_toward_the_token_bound() -> None:
    """A VALUES block is a flat list in Oxigraph: thousands of values may be looked up at once; whatever is
    not data (here a MINUS chain after the block) still counts."""
    from kopa_graph.query.lexer import MAX_TOKENS

    assert scan(_values(5_000)).refusal is None
    chain = "MINUS{}" * (MAX_TOKENS // 3)
    found = scan("SELECT * WHERE { VALUES ?x { 1 2 3 } " + chain + " }").refusal
    assert found is not None and f"more than {MAX_TOKENS} tokens" in found
    found = scan("SELECT * WHERE { VALUES ?x { 1 2 3 " + chain + " }").refusal  # not data: the count goes on
    assert found is not None and f"more than {MAX_TOKENS} tokens" in found
    assert scan("SELECT * WHERE { VALUES ?x { 1 SERVICE <http://e.example/> {} } }").refusal is not None


def _in_list(n: int) -> str:
    items = ", ".join(f'<http://e.example/{i}>, "v{i}"@en, {i}, "{i}"^^<http://e.example/t>' for i in range(n))
    return f"SELECT * WHERE {{ VALUES ?x {{ 1 }} FILTER(?x IN ({items}) || ?x NOT IN ({items})) }}"


def test_the_terms_of_in_lists_do_not_count_toward_the_token_bound() -> None:
    """An IN list is flat in Oxigraph too; its items are expressions, so a chain or a bracket in one counts."""
    from kopa_graph.query.lexer import MAX_TOKENS

    assert scan(_in_list(2_000)).refusal is None
    found = scan("ASK { FILTER(?x IN (1, " + "1+" * MAX_TOKENS + "1)) }").refusal
    assert found is not None and f"more than {MAX_TOKENS} tokens" in found
    assert scan("ASK { FILTER(?x IN (" + "STR(" * 300 + "1" + ")" * 300 + ")) }").refusal is not None


#: Runs one query on pyoxigraph on a thread with an 8 MiB stack (a main thread's usual size, and the
#: size the crash points above were measured at); an error is an answer, a crash kills the process.
_ON_8_MIB = """
import sys, threading
import pyoxigraph as ox
text = sys.stdin.read()
def run():
    try:
        answer = ox.Store().query(text)
        bool(answer) if isinstance(answer, ox.QueryBoolean) else list(answer)
    except Exception as exc:
        print(type(exc).__name__, exc)
threading.stack_size(8 * 1024 * 1024)
thread = threading.Thread(target=run)
thread.start()
thread.join()
"""


def _oxigraph_exit(text: str) -> tuple[int, str]:
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-c", _ON_8_MIB], input=text, capture_output=True, text=True, timeout=600)
    return p.returncode, (p.stdout + p.stderr)[-300:]


@pytest.mark.slow
def test_oxigraph_survives_every_construct_at_the_lexers_bound_and_dies_at_the_crash_point() -> None:
    """Each construct at the largest size the lexer lets through runs to the end on an 8 MiB stack (so the
    bounds are shown safe, not guessed), and dies at the size named above (so the figures are real); the
    two limits together, the deepest nesting and the longest chain in one query, run too. Nested
    collections at the bound take half a minute (Oxigraph's planner is slow on them), hence the pool."""
    from concurrent.futures import ThreadPoolExecutor

    from kopa_graph.query.lexer import MAX_NESTING, MAX_TOKENS

    jobs = [(name, "survives", build(_largest_allowed(build))) for name, (build, _) in CONSTRUCTS.items()]
    jobs.sort(key=lambda job: job[0] != "( collections")  # the slowest first
    jobs += [(name, "dies", build(crash)) for name, (build, crash) in CONSTRUCTS.items()]
    deepest = "SELECT * WHERE { BIND(" + "CONCAT(" * (MAX_NESTING - 2) + "1" + ")" * (MAX_NESTING - 2) + " AS ?x) }"

    def mixed(n: int) -> str:  # 100 levels of CONCAT( around EXISTS { a MINUS chain }
        return ("SELECT * WHERE { FILTER(" + "CONCAT(" * 100 + "EXISTS{" + "MINUS{}" * n + "}" + ")" * 100 + ") }")

    jobs += [("deepest nesting", "survives", deepest),
             ("nesting and chain", "survives", mixed(_largest_allowed(mixed))),
             ("DESCRIBE at the token bound", "survives",
              "PREFIX : <http://e.example/> DESCRIBE" + " :a" * (MAX_TOKENS - 4)),
             ("VALUES of 10,000 terms", "survives", _values(2_500)),
             ("IN lists of 20,000 terms", "survives", _in_list(2_500))]
    assert all(scan(text).refusal is None for _, expect, text in jobs if expect == "survives")
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda job: (job[0], job[1], *_oxigraph_exit(job[2])), jobs))
    wrong = [(name, expect, code, out) for name, expect, code, out in outcomes
             if (code == 0) != (expect == "survives")]
    assert wrong == []
