"""Issue 18 §4: the site written fast, and the same bytes: pages written by forked processes, the graph read
through :class:`~kopa_graph.publish.site.facts.Facts`, maps drawn once for the three languages, and a site
of more pilots than the map's palette has colours."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from conftest import ROOT, SMALL
from kopa_graph import Settings
from kopa_graph.graph.build import BuiltGraph
from kopa_graph.pipeline import validate_source
from kopa_graph.publish.site import forked, maps
from kopa_graph.publish.site import pages as site_pages
from kopa_graph.publish.site.build import build_site, document
from kopa_graph.publish.site.facts import Facts
from kopa_graph.publish.site.labels import label_graph
from kopa_graph.rdfio.namespaces import RDF
from kopa_graph.validation.validate import load_ontology

sys.path.insert(0, str(ROOT / "benchmarks"))
import synth

ID = "https://w3id.org/kopa/id/"


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_pages_written_by_forked_processes_are_the_same_bytes(tmp_path: Path) -> None:
    validated = validate_source(SMALL, Settings())
    one = build_site(validated, tmp_path / "one", jobs=1)
    two = build_site(validated, tmp_path / "two", jobs=2)
    assert one.pages == two.pages and one.resources == two.resources
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")
    sitemap = (tmp_path / "two" / "sitemap.xml").read_text(encoding="utf-8")
    shown = [p for p in _tree(tmp_path / "two") if p.endswith(".html") and not p.startswith("_config/")]
    assert sitemap.count("<loc>") == len(shown) > 800  # every page the children wrote is in the sitemap


def test_an_error_in_a_forked_child_is_raised_in_the_parent() -> None:
    def work(start: int, stop: int) -> list[str]:
        if start <= 20 < stop:
            raise ValueError(f"item {start}: broken")
        return [str(n) for n in range(start, stop)]

    with pytest.raises(ValueError, match="broken"):
        forked.forked(40, work, 2, lambda n: None)
    done: list[int] = []
    assert forked.forked(30, lambda a, b: [str(n) for n in range(a, b)], 2, done.append) == \
        [str(n) for n in range(30)]
    assert done[-1] == 30 and done == sorted(done)


def test_how_many_processes() -> None:
    import threading

    from kopa_graph.publish.site import build

    assert build.FORK_FROM == 1000, "README: from 1,000 resources"
    assert forked.processes(5000, 3, 1000) == 3  # as asked
    assert forked.processes(999, None, 1000) == 1  # too few to pay for a fork
    alone = threading.active_count() == 1  # pytest-xdist's workers run a thread of their own
    assert forked.processes(5000, None, 1000) == (forked.cores() if alone else 1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert forked.processes(5000, None, 1000) == 1  # never fork under another thread by choice
    finally:
        stop.set()
        other.join()


def test_runs_cover_every_item_once_in_order() -> None:
    for count in (0, 1, 7, 100, 1385, 100_001):
        spans = forked.runs(count, 2)
        assert [n for a, b in spans for n in range(a, b)] == list(range(count))


def test_facts_answer_as_the_graph_does(shipped_built: BuiltGraph) -> None:
    g = Graph() + shipped_built.graph  # a graph in the default in-memory store, as the site makes it
    facts = Facts(g)
    nodes = sorted({t for triple in g for t in triple}, key=str)[::7]
    predicates = sorted(set(g.predicates()), key=str)
    for node in nodes:
        assert list(facts.predicate_objects(node)) == list(g.predicate_objects(node))
        assert list(facts.subject_predicates(node)) == list(g.subject_predicates(node))
        for p in predicates[::5]:
            assert facts.objects(node, p) == list(g.objects(node, p))
            assert facts.subjects(p, node) == list(g.subjects(p, node))
            assert facts.value(node, p) == g.value(node, p)
            assert facts.value(predicate=p, object=node) == g.value(predicate=p, object=node)
            assert ((node, p, None) in facts) == ((node, p, None) in g)
    pilot = URIRef(ID + "pilot/jarviseutu")
    assert (pilot, RDF.type, None) in facts
    assert sorted(document(facts, pilot, ID)) == sorted(document(g, pilot, ID))


def test_facts_of_a_graph_in_another_store_ask_the_graph(shipped_built: BuiltGraph) -> None:
    from rdflib import Dataset

    ds = Dataset()
    named = ds.graph(URIRef("urn:x:g"))
    for t in list(shipped_built.graph)[:500]:
        named.add(t)
    facts = Facts(named)
    s = next(iter(named.subjects()))
    assert list(facts.predicate_objects(s)) == list(named.predicate_objects(s))


def test_the_maps_are_drawn_once_for_the_three_languages(shipped_built: BuiltGraph) -> None:
    g = shipped_built.graph
    pages = {s: "doc/" + str(s)[len(ID):] for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(ID)}
    site = site_pages.Site(g + Graph(), g + load_ontology() + label_graph(), "https://w3id.org/kopa/", "", pages.get)
    atlas = shipped_built.atlas
    assert atlas is not None
    pilot = maps.pilots(site)[0]
    maps._area_path.cache_clear()
    for lang in ("sv", "fi", "en"):
        maps.pilot_map(site, atlas, pilot, lang, "doc/pilot/x.html")
    info = maps._area_path.cache_info()
    assert info.misses and info.hits == 2 * info.misses  # the second and third language draw nothing anew
    assert maps.pilot_colours(site, atlas) is maps.pilot_colours(site, atlas)  # coloured once per site


def test_a_site_of_more_pilots_than_the_palette_has_colours(tmp_path: Path) -> None:
    """Before, the 15th pilot's colour was an IndexError: the synthetic data of the benchmarks had no site."""
    synth.generate(tmp_path / "data", 20, seed=3)
    validated = validate_source(tmp_path / "data", Settings())
    build_site(validated, tmp_path / "site")
    g = validated.graph
    pages = {s: "doc/" + str(s)[len(ID):] for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(ID)}
    site = site_pages.Site(g, g, "https://w3id.org/kopa/", "", pages.get)
    assert validated.built.atlas is not None
    colours = maps.pilot_colours(site, validated.built.atlas)
    assert len(colours) == 20 and set(colours.values()) <= set(maps.LIGHT_BAND + maps.DARK_BAND)
    assert len(set(colours.values())) == len(maps.LIGHT_BAND + maps.DARK_BAND)  # all 14 used before any again
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert page.count('<rect width="14" height="14" fill="#') == 20  # every pilot in the map's legend


def test_runs_are_consecutive_whole_and_none_but_the_last_under_least() -> None:
    for count, jobs in ((10, 2), (100, 2), (5000, 4), (7, 3)):
        spans = forked.runs(count, jobs)
        assert [i for a, b in spans for i in range(a, b)] == list(range(count))
        assert all(b - a >= 8 for a, b in spans[:-1])


def test_each_resources_json_ld_is_made_once_for_its_file_and_its_page(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """README: "each resource's JSON-LD once for its file and its page"."""
    from kopa_graph.publish.site import build as site_build

    made: list[object] = []
    real = site_build.jsonld

    def counting(desc: object, id_base: str, **options: bool) -> bytes:
        made.append(desc)
        return real(desc, id_base, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(site_build, "jsonld", counting)
    result = build_site(validate_source(SMALL, Settings()), tmp_path / "site", jobs=1)
    assert len(made) == result.resources > 100  # one per resource, not one per file (.jsonld) and page (x3)


def _indexes(g: Graph) -> list[list[object]]:
    """rdflib's three indexes of ``g``, as nested lists in their order."""
    def flat(d: object) -> object:
        return [(k, flat(v)) for k, v in d.items()] if isinstance(d, dict) else d
    return [flat(getattr(g.store, f"_Memory__{n}")) for n in ("spo", "pos", "osp")]  # type: ignore[misc]


def test_the_description_is_joined_to_the_graph_and_taken_out_whole(small_built: BuiltGraph) -> None:
    """The site reads the graph and its description without a copy of the graph: ``joined`` adds what the
    graph lacks and, after, leaves it as it was, to the order of its indexes (its writers read them)."""
    from rdflib import Literal

    from kopa_graph.publish.site.facts import joined

    g = small_built.graph
    before, count = _indexes(g), len(g)
    s, p, o = next(iter(g))
    extra = Graph()
    extra.add((s, p, o))  # already in the graph: stays
    extra.add((s, p, Literal("new object")))  # a new object of a known subject and predicate
    extra.add((s, URIRef("http://e.example/new-p"), o))  # a new predicate of a known subject
    extra.add((URIRef("http://e.example/new-s"), p, Literal("x")))  # a new subject
    with joined(g, extra) as both:
        assert both is g and len(g) == count + 3 and all(t in g for t in extra)
        assert list(Facts(g).objects(URIRef("http://e.example/new-s"), p)) == [Literal("x")]
    assert len(g) == count and (s, p, o) in g and _indexes(g) == before
    with pytest.raises(RuntimeError), joined(g, extra):
        raise RuntimeError("a page failed")
    assert _indexes(g) == before


def test_a_site_leaves_the_graph_as_it_was(tmp_path: Path) -> None:
    validated = validate_source(SMALL, Settings())
    before, count = _indexes(validated.graph), len(validated.graph)
    build_site(validated, tmp_path / "site", jobs=1)
    assert len(validated.graph) == count and _indexes(validated.graph) == before


def test_the_write_floor_writes_the_same_files(tmp_path: Path) -> None:
    """benchmarks/site_ratio.py's write floor (what the files alone of a site cost): the same paths, the same
    bytes, and only files (a link in the site is not copied)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import site_ratio

    site = tmp_path / "site"
    (site / "a" / "b").mkdir(parents=True)
    (site / "a" / "b" / "p.html").write_bytes(b"<p>x</p>")
    (site / "top.ttl").write_bytes(b"")
    (site / "link").symlink_to(site / "top.ttl")
    result = site_ratio.write_floor(site, tmp_path / "out")
    assert result["files"] == 2 and result["bytes"] == 8
    assert sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*") if p.is_file()) \
        == ["a/b/p.html", "top.ttl"]
    assert (tmp_path / "out" / "a" / "b" / "p.html").read_bytes() == b"<p>x</p>"


def test_a_site_that_forgets_before_every_run_is_the_same_bytes(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A forked writer lets go of the labels and values it remembered once there are more than
    pages.REMEMBERED (the site at 1M stays under 2 GiB): forgetting before every run changes no byte."""
    from kopa_graph.publish.site import pages as site_pages

    validated = validate_source(SMALL, Settings())
    build_site(validated, tmp_path / "remembers", jobs=2)
    forgot: list[int] = []
    real = site_pages.Site.forget

    def forget(self: site_pages.Site, keep: int | None = None) -> None:
        forgot.append(len(self._labels))
        real(self, 0)

    monkeypatch.setattr(site_pages.Site, "forget", forget)
    build_site(validated, tmp_path / "forgets", jobs=1)
    assert len(forgot) > 10 and any(forgot[1:])  # every run forgot what the run before remembered
    assert _tree(tmp_path / "forgets") == _tree(tmp_path / "remembers")


def test_the_site_writes_the_downloads_before_it_makes_the_rdflib_graph(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The downloads are written from the build's triples before the rdflib graph exists, so that graph reuses
    the memory their text took (1M: the parent's peak 1,948 -> 1,731 MiB), and they are the build's bytes."""
    from kopa_graph.pipeline import build
    from kopa_graph.publish.site import build as site_build

    validated = validate_source(SMALL, Settings())
    made_before: list[bool] = []
    real = site_build.written_downloads

    def written(graph: object, settings: Settings, put: object = None) -> dict[str, int]:
        made_before.append("graph" in validated.built.__dict__)
        return real(graph, settings, put)  # type: ignore[arg-type]

    monkeypatch.setattr(site_build, "written_downloads", written)
    build_site(validated, tmp_path / "site", jobs=1)
    assert made_before == [False]
    build(SMALL, tmp_path / "out", Settings())
    for name in ("kopa.ttl", "kopa.jsonld", "kopa.nt", "context.jsonld"):
        assert (tmp_path / "site" / "download" / name).read_bytes() == (tmp_path / "out" / name).read_bytes(), name
