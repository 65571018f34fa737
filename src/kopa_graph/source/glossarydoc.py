"""``docs/glossary.md``: every translated term of the graph in one table per kind, with the file and line
where a translator corrects it (no Python to read). ``tests/test_glossary.py`` keeps the file in step with the
data (``pytest --update-golden`` rewrites it)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kopa_graph.languages import LANGUAGES
from kopa_graph.source.model import SourceData, Term

_HEAD = """# Glossary: every translated term

Generated from the data by `pytest --update-golden` (tests/test_glossary.py fails when it is out of step).
To correct a term, edit the file and line in its last column; the graph, the site and `kopa-graph render`
follow. "official" is a name from a national classification; "sourced" a form a cited public page gives;
"translated" kopa-graph's own translation (the graph says so on the resource); "curated" a label of
kopa-graph's own vocabularies, written in all three languages.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _where(loc: object, root: Path) -> str:
    path, line = getattr(loc, "path", None), getattr(loc, "line", None)
    if path is None:
        return ""
    try:
        rel = Path(path).resolve().relative_to(root.resolve())
    except ValueError:
        rel = Path(path)
    return f"`{rel.as_posix()}:{line}`" if line else f"`{rel.as_posix()}`"


def _status(term: Term, lang: str) -> str:
    if term.area is not None:
        return "official"
    if lang in term.translated:
        return "translated"
    return "sourced" if term.pages else "given"


def _table(title: str, rows: Sequence[tuple[str, ...]]) -> list[str]:
    out = [f"## {title}", "", "| sv | fi | en | fi/en | where to correct |", "|---|---|---|---|---|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def glossary_markdown(data: SourceData, root: Path) -> str:
    """The glossary of ``data`` as Markdown; paths relative to ``root`` (the repository)."""
    g = data.glossary
    lines = [_HEAD]
    terms: list[tuple[str, str, Term]] = []
    terms += [("Pilot names", p.name, g.pilots[p.id]) for p in data.pilots if p.id in g.pilots]  # the article's order
    terms += [("Contact titles", title, t) for title, t in sorted(g.titles.items())]
    claims = {c.id: c.text for c in data.claims}
    terms += [("Stated totals", claims.get(cid, cid), t) for cid, t in sorted(g.claims.items())]
    if g.article is not None:
        terms.append(("The article's title", data.article.title, g.article))
    orgs = data.organisations
    terms += [("Legal names of contact municipalities", oid if oid not in orgs else
               next(iter(orgs[oid].names.values()), oid), t) for oid, t in sorted(g.legal_names.items())]
    for kind in dict.fromkeys(k for k, _, _ in terms):
        rows = [(sv, t.names.get("fi", ""), t.names.get("en", ""),
                 "/".join(dict.fromkeys(_status(t, lang) for lang in ("fi", "en"))), _where(t.loc, root))
                for k, sv, t in terms if k == kind]
        lines += _table(kind, rows)
    rows = []
    for org in sorted(orgs.values(), key=lambda o: o.id):
        if org.translated:
            rows.append((org.names.get("sv", ""), org.names.get("fi", ""), org.names.get("en", ""),
                         "/".join("translated" if lang in org.translated else "given" for lang in ("fi", "en")),
                         _where(org.loc, root)))
    if rows:
        lines += _table("Organisation names kopa-graph translated", rows)
    for scheme in sorted(data.schemes.values(), key=lambda s: s.id):
        rows = [(c.labels.get("sv", ""), c.labels.get("fi", ""), c.labels.get("en", ""), "curated",
                 _where(c.loc, root)) for c in scheme.concepts.values()
                if all(c.labels.get(lang) for lang in LANGUAGES)]
        lines += _table(f"Vocabulary: {scheme.labels.get('en', scheme.id)}", rows)
    lines += ["## Words around the data", "",
              "The site's words are in `src/kopa_graph/publish/site/messages/{sv,fi,en}.json`; the words "
              "`kopa-graph render` writes around the data in `src/kopa_graph/article/phrases.json`.", ""]
    return "\n".join(lines)
