"""``kopa-graph render``: the pilot list in the article's layout, from the graph.

The labelled form of the article: title, introduction (with the stated
totals), then one block per pilot, each line labelled, blocks separated by a
line holding only a no-break space. Swedish uses the texts as written; Finnish
and English use each concept's and organisation's labels in that language
where the graph has them, else the Swedish ones.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kopa_graph.article.layout import LABELS
from kopa_graph.graph.labels import label as best_label
from kopa_graph.languages import LANGUAGES
from kopa_graph.rdfio.namespaces import DCTERMS, FOAF, KOPA, ORG, RDF, SCHEMA, SKOS

_LABEL_INDEX = {"sv": 0, "fi": 1, "en": 2}


@cache
def phrases(lang: str) -> dict[str, str]:
    """The words render writes around the data in ``lang`` (``phrases.json``: a translator edits that file)."""
    text = resources.files("kopa_graph.article").joinpath("phrases.json").read_text("utf-8")
    return dict(json.loads(text)[lang])


NBSP_LINE = "\u00a0"


@dataclass(frozen=True)
class Block:
    name: str
    members: list[str]
    keywords: list[str]
    contacts: list[tuple[str, list[str]]]
    contact_organisation: str


def _line_no(iri: Node) -> int:
    text = str(iri)
    return int(text.rsplit(",", 1)[1]) if "#line=" in text else 0


def _int(g: Graph, s: Node, p: URIRef) -> int:
    value = g.value(s, p)
    return int(value.toPython()) if isinstance(value, Literal) else 0


def label(g: Graph, s: Node | None, lang: str, p: URIRef = SKOS.prefLabel) -> str:
    """The label of ``s`` in ``lang`` (:func:`kopa_graph.graph.labels.label`), else ``s`` itself."""
    found = best_label(g, s, lang, (p,))
    return found[0] if found else str(s)


def join(items: list[str], lang: str) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {phrases(lang)['and']} " + items[-1]


def _written(g: Graph, s: Node) -> str | None:
    value = g.value(s, KOPA.asWritten)
    return str(value) if value is not None else None


def blocks(g: Graph, lang: str) -> list[Block]:
    """The pilots in the article's order, as the lines of their blocks."""
    pilots = sorted(g.subjects(RDF.type, KOPA.Pilot), key=lambda p: (min(
        (_line_no(s) for s in g.objects(p, DCTERMS.source) if "#line=" in str(s)), default=0), str(p)))
    out = []
    for p in pilots:
        memberships = sorted(g.subjects(ORG.organization, p), key=lambda m: (_int(g, m, SCHEMA.position), str(m)))
        members = []
        for m in memberships:
            org = g.value(m, ORG.member)
            written = _written(g, m)
            if lang == "sv" and written:
                members.append(written)
                continue
            text = label(g, org, lang)
            # the stated role: the narrower one (a lead organisation is also a participant)
            roles = sorted((r for r in g.objects(m, ORG.role) if g.value(r, SKOS.broader) is not None), key=str)
            if roles:
                text += f" ({label(g, roles[0], lang)})"
            members.append(text)
        statements = sorted(g.objects(p, KOPA.themeStatement), key=lambda s: (_int(g, s, SCHEMA.position), str(s)))
        keywords = []
        for st in statements:
            written = _written(g, st)
            if lang == "sv" and written:
                keywords.append(written)
                continue
            text = label(g, g.value(st, KOPA.theme), lang)
            # the levels in the article's order (schema:itemListElement), each in ``lang``
            items = sorted(g.objects(st, SCHEMA.itemListElement), key=lambda i: (_int(g, i, SCHEMA.position), str(i)))
            levels = [label(g, g.value(i, SCHEMA.item), lang) for i in items]
            keywords.append(text + (f" ({join(levels, lang)})" if levels else ""))
        posts = sorted(g.objects(p, SCHEMA.contactPoint), key=lambda s: (_int(g, s, SCHEMA.position), str(s)))
        people: dict[Node, list[str]] = defaultdict(list)
        org_text = ""
        for post in posts:
            holder = g.value(post, ORG.heldBy) or post
            people[holder].append(label(g, post, lang))
            written = _written(g, post)
            org = g.value(post, ORG.postIn)
            legal = next((str(o) for o in g.objects(org, SCHEMA.legalName)
                          if isinstance(o, Literal) and o.language == lang), None)
            org_text = written if lang == "sv" and written else legal or label(g, org, lang)
        contacts = [(str(g.value(h, FOAF.name) or ""), titles) for h, titles in people.items()]
        out.append(Block(label(g, p, lang), members, keywords, contacts, org_text))
    return out


def _intro(g: Graph, lang: str) -> list[str]:
    """The introduction: the stated totals as the sentences of the article (their words in ``lang``)."""
    project = next(iter(sorted(g.subjects(RDF.type, KOPA.NetworkProject), key=str)), None)
    name = label(g, project, lang) if project is not None else "KOPA"
    claims = sorted(g.subjects(RDF.type, KOPA.StatedTotal), key=lambda c: (_int(g, c, SCHEMA.position), str(c)))
    texts = {c: label(g, c, lang, SCHEMA.text) for c in claims}
    pilots = [t for c, t in texts.items() if g.value(c, KOPA.countOf) == KOPA.Pilot]
    others = [t for c, t in texts.items() if g.value(c, KOPA.countOf) != KOPA.Pilot]
    words = phrases(lang)
    lines = [words["intro"].format(project=name, pilots=pilots[0])] if pilots else []
    if others:
        lines.append(words["totals"].format(totals=join(others, lang)))
    return lines


def render(g: Graph, lang: str = "sv") -> str:
    """The pilot list of ``g`` in the article's (labelled) layout."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    article = next(iter(sorted(g.subjects(RDF.type, SCHEMA.Article), key=str)), None)
    title = label(g, article, lang, DCTERMS.title) if article is not None else "KOPA"
    lines = [title, "", *(x for ln in _intro(g, lang) for x in (ln, "")), phrases(lang)["header"], ""]
    i = _LABEL_INDEX[lang]
    for n, b in enumerate(blocks(g, lang)):
        if n:
            lines += [NBSP_LINE, ""]
        people = join([", ".join([name, *titles]) for name, titles in b.contacts], lang)
        lines += [b.name, "",
                  f"{LABELS['members'][i]}: {join(b.members, lang)}", "",
                  f"{LABELS['keywords'][i]}: {join(b.keywords, lang)}", "",
                  f"{phrases(lang)['contact']}: {people}, {b.contact_organisation}", ""]
    return "\n".join(lines)
