"""A release's "changes" pages (``changes.html``, ``changes.fi.html``, ``changes.en.html``): what changed since the
previous release (``site --release-version V --previous OUT``), by resource, each linked to its page."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef

from kopa_graph.languages import LANGUAGES
from kopa_graph.publish.diff import BLANK_GROUP, Diff, Snapshot, compare, relabel
from kopa_graph.publish.site import pages as site_pages
from kopa_graph.publish.site.messages import messages
from kopa_graph.publish.templating import fragment
from kopa_graph.rdfio.manifest import graph_hash
from kopa_graph.settings import Settings


@dataclass(frozen=True)
class _Shown:
    subject: str
    label: str
    href: str | None
    removed: tuple[str, ...]
    added: tuple[str, ...]


def changes_pages(previous: Snapshot, g: Graph, settings: Settings) -> dict[str, str]:
    """The changes page in each language, by its path in the site, comparing ``previous`` with graph ``g``."""
    this = Snapshot(settings.version or "this release", graph_hash(g), len(g), settings.version, g)
    diff = compare(previous, this)
    switch = {code: f"changes{site_pages.lang_suffix(code)}.html" for code in LANGUAGES}
    out = {}
    for lang in LANGUAGES:
        here = switch[lang]
        words = messages(lang)["changes"]
        title = words["title"].format(version=settings.version)
        out[here] = site_pages.page(title, None, lang, here, _body(relabel(diff, lang), settings, lang, here, words),
                                    [], None, switch)
    return out


def _body(diff: Diff, settings: Settings, lang: str, here: str, words: dict[str, str]) -> str:
    previous = diff.old.version or diff.old.where
    removed = sum(len(g.removed) for g in diff.groups)
    added = sum(len(g.added) for g in diff.groups)
    summary = (words["none"].format(previous=previous) if diff.same else
               words["summary"].format(removed=removed, added=added, resources=len(diff.groups)))
    shown = [_Shown(g.subject, words["blank"] if g.subject == BLANK_GROUP else g.label or g.subject,
                    _href(g.subject, diff.new.graph, settings, here), g.removed, g.added) for g in diff.groups]
    return fragment("changes.html.j2", title=words["title"].format(version=settings.version),
                    intro=words["intro"].format(previous=previous), summary=summary, groups=shown,
                    removed=words["removed"], added=words["added"])


def _href(subject: str, g: Graph, settings: Settings, here: str) -> str | None:
    """The page of ``subject`` in the site (``doc/...``), for a resource under the data's namespace that this
    release still describes (a removed resource has no page to link)."""
    if not subject.startswith(settings.id_base) or (URIRef(subject), None, None) not in g:
        return None
    return site_pages.rel(here, "doc/" + subject[len(settings.id_base):])
