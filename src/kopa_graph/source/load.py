"""Load ``data/`` into a checked :class:`~kopa_graph.source.model.SourceData`.

Reading happens in two passes: each file is read into typed values (problems
in shape or type are collected, not raised one by one), then
:mod:`kopa_graph.source.crosscheck` checks references, identifiers and the article
lines. All problems are raised together as one
:class:`~kopa_graph.errors.SourceDataError`, before any RDF exists.
"""

from __future__ import annotations

import datetime
import logging
import re
from pathlib import Path

from kopa_graph.errors import Location, Problem, SourceDataError
from kopa_graph.languages import LANGUAGES
from kopa_graph.rdfio.namespaces import IDENTIFIER_DATATYPES
from kopa_graph.source import crosscheck
from kopa_graph.source.boundaries import read_atlas
from kopa_graph.source.csvfile import read_csv
from kopa_graph.source.datasets import read_datasets
from kopa_graph.source.fields import PAGE_ADDRESS, FieldReader
from kopa_graph.source.glossary import read_glossary
from kopa_graph.source.model import (
    Alias,
    Area,
    Article,
    Claim,
    Concept,
    Contact,
    Glossary,
    Keyword,
    LevelMention,
    Member,
    Municipality,
    Organisation,
    Pilot,
    Project,
    ProjectMember,
    PublishedDataset,
    ReferenceDataset,
    Scheme,
    SourceData,
)
from kopa_graph.source.registry import read_registry
from kopa_graph.source.yamlfile import YMap, load_yaml

log = logging.getLogger(__name__)

PROJECT_FILE = "project.yaml"
ORGANISATIONS_FILE = "organisations.yaml"
PILOTS_FILE = "pilots.yaml"
CLAIMS_FILE = "claims.yaml"
VOCABULARIES_DIR = "vocabularies"
DATASETS_FILE = "reference/datasets.yaml"
ALIASES_FILE = "aliases.csv"
#: The classification whose names municipalities get (the article's time).
MUNICIPALITIES_DATASET = "municipalities-2020"
#: Today's classification: its names are also read when resolving an article.
MUNICIPALITIES_NOW_DATASET = "municipalities-2026"


def load_source_data(data_dir: Path, article_facts: bool = True) -> SourceData:
    """Read and check every file of ``data_dir``; raise SourceDataError listing all problems.

    With ``article_facts=False`` the files read from the article (pilots.yaml,
    claims.yaml) are left out: what ``kopa-graph ingest`` needs to read a new
    version of the article.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise SourceDataError([Problem(Location(data_dir), "", "the data folder does not exist",
                                       "pass --data pointing at a folder with pilots.yaml")])
    r = FieldReader()
    names = (PROJECT_FILE, ORGANISATIONS_FILE, DATASETS_FILE) + ((PILOTS_FILE, CLAIMS_FILE) if article_facts else ())
    files = {name: _try_load(data_dir / name, r) for name in names}
    schemes = _read_schemes(data_dir / VOCABULARIES_DIR, r)
    if r.problems:  # structure broken: the cross-checks would only repeat it
        raise SourceDataError(r.problems)
    project, article, published = _read_project(files[PROJECT_FILE], r)
    datasets = read_datasets(files[DATASETS_FILE], r)
    organisations = _read_organisations(files[ORGANISATIONS_FILE], r)
    pilots = _read_pilots(files[PILOTS_FILE], r) if article_facts else ()
    claims = _read_claims(files[CLAIMS_FILE], r) if article_facts else ()
    municipalities = _read_municipalities(data_dir, datasets, MUNICIPALITIES_DATASET, r)
    now = _read_municipalities(data_dir, datasets, MUNICIPALITIES_NOW_DATASET, r, required=False)
    aliases = _read_aliases(data_dir / ALIASES_FILE, r)
    registry = read_registry(data_dir, datasets, r)
    glossary = read_glossary(data_dir, pilots, frozenset(c.id for c in claims), organisations, municipalities,
                             r, _pages) if article_facts else Glossary()
    data = SourceData(project, article, organisations, pilots, claims, schemes, datasets, municipalities,
                      published, now, aliases, registry, glossary,
                      read_atlas(data_dir, datasets, registry.changes, (municipalities, now), r))
    article_lines = crosscheck.read_article(data_dir / article.file, article.loc, r) if article_facts else []
    crosscheck.check(data, article_lines, r)
    if r.problems:
        raise SourceDataError(r.problems)
    log.info("loaded %d pilots and %d organisations from %s", len(pilots), len(organisations), data_dir)
    return data


def _try_load(path: Path, r: FieldReader) -> YMap:
    try:
        return load_yaml(path)
    except SourceDataError as exc:
        r.problems.extend(exc.problems)
        return YMap.empty(Location(path))


def _read_schemes(folder: Path, r: FieldReader) -> dict[str, Scheme]:
    schemes: dict[str, Scheme] = {}
    for path in sorted(folder.glob("*.yaml")):
        doc = _try_load(path, r)
        if not doc or not r.keys(doc, "", ["scheme", "concepts"]):
            continue
        head = r.mapping(doc["scheme"], doc.loc_of("scheme"), "scheme")
        if head is None or not r.keys(head, "scheme", ["id", "label", "definition"]):
            continue
        scheme_id = r.slug(head, "id", "scheme")
        concepts: dict[str, Concept] = {}
        for item in r.items(doc["concepts"], doc.loc_of("concepts"), "concepts"):
            c = r.mapping(item, doc.loc_of("concepts"), "concepts[]")
            if c is None or not r.keys(c, "concept", ["id", "label", "definition"],
                                       ["alt_labels", "broader", "org_class", "agency", "datatype", "education"]):
                continue
            cid = r.slug(c, "id", "concept")
            if cid in concepts:
                r.problem(c.loc_of("id"), "concept.id", f"duplicate identifier {cid!r} in this scheme",
                          f"first defined on line {concepts[cid].loc.line}; give one of them another id")
                continue
            concepts[cid] = Concept(
                id=cid,
                labels=r.lang_text(c, "label", f"concept {cid}", required=LANGUAGES),
                definitions=r.lang_text(c, "definition", f"concept {cid}", required=("en",)),
                loc=c.loc,
                alt_labels=r.lang_texts(c, "alt_labels", f"concept {cid}"),
                broader=r.slug_list(c, "broader", f"concept {cid}"),
                org_class=r.text(c, "org_class", f"concept {cid}", required=False) or None,
                agency=r.lang_text(c, "agency", f"concept {cid}"),
                datatype=r.text(c, "datatype", f"concept {cid}", required=False) or None,
                education=r.text(c, "education", f"concept {cid}", required=False) or None,
            )
        for concept in concepts.values():
            if concept.datatype and concept.datatype not in IDENTIFIER_DATATYPES:
                r.problem(concept.loc, f"concept {concept.id}.datatype",
                          f"{concept.datatype!r} is not a datatype of the ontology",
                          f"use one of {', '.join(IDENTIFIER_DATATYPES)} (ontology/kopa.ttl)")
        if scheme_id in schemes:
            r.problem(head.loc_of("id"), "scheme.id", f"scheme {scheme_id!r} is defined twice",
                      f"the other file is {schemes[scheme_id].loc.path}")
            continue
        schemes[scheme_id] = Scheme(
            id=scheme_id,
            labels=r.lang_text(head, "label", "scheme", required=LANGUAGES),
            definitions=r.lang_text(head, "definition", "scheme", required=("en",)),
            concepts=concepts,
            loc=head.loc,
        )
    return schemes


def _read_project(doc: YMap, r: FieldReader) -> tuple[Project, Article, PublishedDataset]:
    r.keys(doc, "", ["project", "article", "dataset"])
    p = r.mapping(doc.get("project"), doc.loc_of("project"), "project") or YMap.empty(doc.loc_of("project"))
    r.keys(p, "project", ["id", "name", "start", "end", "pages", "members"], ["alt_labels", "description"])
    members = []
    for item in r.items(p.get("members"), p.loc_of("members"), "project.members"):
        m = r.mapping(item, p.loc_of("members"), "project.members[]")
        if m is not None and r.keys(m, "project.members[]", ["organisation", "role"]):
            members.append(ProjectMember(r.slug(m, "organisation", "project.members[]"),
                                         r.slug(m, "role", "project.members[]"), m.loc))
    project = Project(
        id=r.slug(p, "id", "project"),
        names=r.lang_text(p, "name", "project", required=("sv",)),
        alt_labels=r.lang_texts(p, "alt_labels", "project"),
        descriptions=r.lang_text(p, "description", "project"),
        start=r.integer(p, "start", "project", 1900),
        end=r.integer(p, "end", "project", 1900),
        pages=r.text_list(p, "pages", "project"),
        members=tuple(members),
        loc=p.loc,
    )
    a = r.mapping(doc.get("article"), doc.loc_of("article"), "article") or YMap.empty(doc.loc_of("article"))
    r.keys(a, "article", ["url", "file", "title", "language", "publisher"])
    article = Article(
        url=r.text(a, "url", "article"),
        file=r.text(a, "file", "article"),
        title=r.text(a, "title", "article"),
        language=r.text(a, "language", "article"),
        publisher=r.slug(a, "publisher", "article"),
        loc=a.loc,
    )
    return project, article, _read_published(doc, r)


def _read_published(doc: YMap, r: FieldReader) -> PublishedDataset:
    """The days the dataset description gives (dct:issued, dct:modified): data, never the clock, so that
    the same data gives the same description."""
    d = r.mapping(doc.get("dataset"), doc.loc_of("dataset"), "dataset") or YMap.empty(doc.loc_of("dataset"))
    r.keys(d, "dataset", ["issued", "modified"])
    issued, modified = r.date(d, "issued", "dataset"), r.date(d, "modified", "dataset")
    if issued and modified and modified < issued:
        r.problem(d.loc_of("modified"), "dataset.modified", f"{modified} is before the day it was issued, {issued}",
                  "the dataset cannot change before it is first published: correct one of the two days")
    return PublishedDataset(issued or _NO_DAY, modified or _NO_DAY, d.loc)


_NO_DAY = datetime.date.min  # stands in for a day that is missing or malformed (the problem is reported)


def _read_organisations(doc: YMap, r: FieldReader) -> dict[str, Organisation]:
    out: dict[str, Organisation] = {}
    r.keys(doc, "", ["organisations"])
    for item in r.items(doc.get("organisations"), doc.loc_of("organisations"), "organisations"):
        o = r.mapping(item, doc.loc_of("organisations"), "organisations[]")
        if o is None or not r.keys(o, "organisation", ["id", "type"],
                                   ["municipality_code", "name", "alt_labels", "sources", "part_of", "pages",
                                    "translated"]):
            continue
        oid = r.slug(o, "id", "organisation")
        org = Organisation(
            id=oid,
            type=r.slug(o, "type", f"organisation {oid}"),
            names=r.lang_text(o, "name", f"organisation {oid}"),
            loc=o.loc,
            municipality_code=r.text(o, "municipality_code", f"organisation {oid}", required=False) or None,
            alt_labels=r.lang_texts(o, "alt_labels", f"organisation {oid}"),
            sources=r.slug_list(o, "sources", f"organisation {oid}"),
            part_of=r.slug(o, "part_of", f"organisation {oid}", required=False) or None,
            pages=_pages(o, r, f"organisation {oid}"),
            translated=r.slug_list(o, "translated", f"organisation {oid}"),
        )
        for lang in org.translated:
            if lang not in org.names:
                r.problem(o.loc_of("translated"), f"organisation {oid}.translated",
                          f"{lang!r} is not a language of its name ({', '.join(org.names) or 'none'})",
                          "list the languages whose name kopa-graph translated, each one a language of 'name'")
        if oid in out:
            r.problem(o.loc_of("id"), "organisation.id", f"duplicate identifier {oid!r}",
                      f"first defined on line {out[oid].loc.line}; an organisation is listed once")
            continue
        out[oid] = org
    return out


def _pages(m: YMap, r: FieldReader, where: str) -> tuple[str, ...]:
    """The ``pages`` of ``m``: absolute http(s) addresses of public pages."""
    pages = r.text_list(m, "pages", where)
    for page in pages:
        if not PAGE_ADDRESS.fullmatch(page):
            r.problem(m.loc_of("pages"), f"{where}.pages", f"{page!r} is not the address of a public page",
                      "give the full address, starting with https:// or http://")
    return pages


def _read_pilots(doc: YMap, r: FieldReader) -> tuple[Pilot, ...]:
    pilots = []
    r.keys(doc, "", ["pilots"])
    for item in r.items(doc.get("pilots"), doc.loc_of("pilots"), "pilots"):
        p = r.mapping(item, doc.loc_of("pilots"), "pilots[]")
        if p is None or not r.keys(p, "pilot", ["id", "name", "line", "members", "keywords", "contacts"]):
            continue
        pid = r.slug(p, "id", "pilot")
        where = f"pilot {pid}"
        members_line, members = _read_list(p, "members", where, r)
        keywords_line, keywords = _read_list(p, "keywords", where, r)
        contacts_line, contacts = _read_list(p, "contacts", where, r)
        pilots.append(Pilot(
            id=pid, name=r.text(p, "name", where), line=r.integer(p, "line", where, 1), loc=p.loc,
            members_line=members_line, members=tuple(_member(m, where, r) for m in members),
            keywords_line=keywords_line, keywords=tuple(_keyword(k, where, r) for k in keywords),
            contacts_line=contacts_line, contacts=tuple(_contact(c, where, r) for c in contacts),
        ))
    return tuple(pilots)


def _read_list(p: YMap, key: str, where: str, r: FieldReader) -> tuple[int, list[YMap]]:
    group = r.mapping(p.get(key), p.loc_of(key), f"{where}.{key}")
    if group is None or not r.keys(group, f"{where}.{key}", ["line", "items"]):
        return 0, []
    line = r.integer(group, "line", f"{where}.{key}", 1)
    items = [m for i in r.items(group["items"], group.loc_of("items"), f"{where}.{key}.items")
             if (m := r.mapping(i, group.loc_of("items"), f"{where}.{key}.items[]")) is not None]
    if not items:
        r.problem(group.loc_of("items"), f"{where}.{key}.items", "the list is empty", "list at least one item")
    return line, items


def _member(m: YMap, where: str, r: FieldReader) -> Member:
    r.keys(m, f"{where}.members[]", ["organisation", "as_written"], ["role", "role_as_written"])
    w = f"{where}.members[]"
    return Member(r.slug(m, "organisation", w), r.text(m, "as_written", w), m.loc,
                  r.slug(m, "role", w, required=False) or None, r.text(m, "role_as_written", w, False) or None)


def _keyword(k: YMap, where: str, r: FieldReader) -> Keyword:
    w = f"{where}.keywords[]"
    r.keys(k, w, ["theme", "as_written"], ["levels"])
    levels = []
    for item in r.items(k["levels"], k.loc_of("levels"), f"{w}.levels") if "levels" in k else []:
        lv = r.mapping(item, k.loc_of("levels"), f"{w}.levels[]")
        if lv is not None and r.keys(lv, f"{w}.levels[]", ["level", "as_written"]):
            levels.append(LevelMention(r.slug(lv, "level", f"{w}.levels[]"),
                                       r.text(lv, "as_written", f"{w}.levels[]"), lv.loc))
    return Keyword(r.slug(k, "theme", w), r.text(k, "as_written", w), k.loc, tuple(levels))


def _contact(c: YMap, where: str, r: FieldReader) -> Contact:
    w = f"{where}.contacts[]"
    r.keys(c, w, ["person", "name", "titles", "organisation", "organisation_as_written"], ["withhold"])
    titles = r.text_list(c, "titles", w)
    if "titles" in c and not titles:
        r.problem(c.loc_of("titles"), f"{w}.titles", "no title given", "list the person's titles as written")
    return Contact(r.slug(c, "person", w), r.text(c, "name", w), titles, r.slug(c, "organisation", w),
                   r.text(c, "organisation_as_written", w), c.loc, r.flag(c, "withhold", w))


def _read_claims(doc: YMap, r: FieldReader) -> tuple[Claim, ...]:
    claims = []
    r.keys(doc, "", ["claims"])
    for item in r.items(doc.get("claims"), doc.loc_of("claims"), "claims"):
        c = r.mapping(item, doc.loc_of("claims"), "claims[]")
        if c is None or not r.keys(c, "claim", ["id", "line", "text", "count"], ["counts_class", "counts_type"]):
            continue
        cid = r.slug(c, "id", "claim")
        if ("counts_class" in c) == ("counts_type" in c):
            r.problem(c.loc, f"claim {cid}", "a claim counts either a class or an organisation type",
                      "give exactly one of 'counts_class' and 'counts_type'")
        claims.append(Claim(cid, r.integer(c, "line", f"claim {cid}", 1), r.text(c, "text", f"claim {cid}"),
                            r.integer(c, "count", f"claim {cid}"), c.loc,
                            r.text(c, "counts_class", f"claim {cid}", False) or None,
                            r.slug(c, "counts_type", f"claim {cid}", False) or None))
    return tuple(claims)


def _read_municipalities(data_dir: Path, datasets: dict[str, ReferenceDataset], dataset_id: str,
                         r: FieldReader, required: bool = True) -> dict[str, Municipality]:
    ds = datasets.get(dataset_id)
    if ds is None:
        if required:
            r.problem(Location(data_dir / DATASETS_FILE), "datasets", f"no dataset {dataset_id!r}",
                      "describe the municipality classification file there")
        return {}
    out: dict[str, Municipality] = {}
    columns = ("code", "name_fi", "name_sv", "name_en", "region_code", "region_fi", "region_sv", "region_en",
               "subregion_code", "subregion_fi", "subregion_sv", "subregion_en", "classification", "valid_from")
    for loc, row in read_csv(data_dir / "reference" / ds.file, columns, r):
        if not re.fullmatch(r"\d{3}", row["code"]):
            r.problem(loc, "code", f"{row['code']!r} is not a three-digit municipality code",
                      "keep the leading zeros (005)")
            continue
        date = row["classification"].rsplit("_", 1)[-1]
        region = Area(f"maakunta_1_{date}", row["region_code"],
                      {"fi": row["region_fi"], "sv": row["region_sv"], "en": row["region_en"]})
        subregion = Area(f"seutukunta_1_{date}", row["subregion_code"],
                         {"fi": row["subregion_fi"], "sv": row["subregion_sv"], "en": row["subregion_en"]})
        out[row["code"]] = Municipality(row["code"], row["name_fi"], row["name_sv"], row["classification"],
                                        row["name_en"], region, subregion, row["valid_from"], loc)
    return out


def _read_aliases(path: Path, r: FieldReader) -> tuple[Alias, ...]:
    """``aliases.csv``: name,organisation,note; optional (no file, no aliases)."""
    if not path.exists():
        return ()
    out = []
    for loc, row in read_csv(path, ("name", "organisation"), r):
        name, org = " ".join(row["name"].split()), row["organisation"].strip()
        if not name or not org:
            r.problem(loc, "row", "a row needs a name and an organisation id", "write name,organisation,note")
            continue
        out.append(Alias(name, org, loc))
    return tuple(out)
