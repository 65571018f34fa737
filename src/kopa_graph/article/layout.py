"""The published article's layout: title, introduction, one block per pilot.

A block is four lines: the area name, the participating organisations, the
keywords, the contact person(s). Blocks are separated by a line holding only a
no-break space; only the first block labels its lines. This module finds the
blocks and their lines, tolerating CRLF or LF, a UTF-8 BOM, no-break spaces,
trailing blanks and extra blank lines; what the lines say is read by
:mod:`kopa_graph.article.ingest`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kopa_graph.errors import InputError

#: Labels of the three labelled lines, by field, in the languages render writes.
LABELS = {
    "members": ("Organisationer som deltar", "Osallistuvat organisaatiot", "Participating organisations"),
    "keywords": ("Nyckelord för utvecklingsarbetet", "Kehittämistyön avainsanat",
                 "Keywords for the development work"),
    "contacts": ("Kontaktperson", "Kontaktpersoner", "Yhteyshenkilö", "Yhteyshenkilöt", "Contact person",
                 "Contact persons"),
}
FIELDS = ("name", "members", "keywords", "contacts")
_EXPECT = {
    "name": "the area name of a pilot",
    "members": "the participating organisations ('A, B och C')",
    "keywords": "the keywords of the development work ('a, b och c')",
    "contacts": "the contact person(s) ('Name, title, organisation')",
}
#: Lines that end the list of pilots (the article's links after the last block).
FOOTER_STARTS = ("Läs ", "Kommunförbundets sakkunniga", "Lue ", "Read ")
_LABEL_RE = re.compile(r"^([A-ZÅÄÖ][\w åäöÅÄÖ-]{2,40}):\s")


class ArticleError(InputError):
    """The article does not have the expected layout; names the line and what was expected."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        self.path, self.line = path, line
        super().__init__(f"{path}:{line}: {message}")


@dataclass(frozen=True)
class Line:
    n: int  # 1-based line number in the file
    text: str  # normalised: no-break spaces as spaces, blanks collapsed, trimmed; label removed


@dataclass(frozen=True)
class Block:
    name: Line
    members: Line
    keywords: Line
    contacts: Line
    labelled: bool


@dataclass(frozen=True)
class Layout:
    path: Path
    title: Line
    intro: tuple[Line, ...]
    header: Line
    blocks: tuple[Block, ...]
    footer: tuple[Line, ...]


def normalise(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\ufeff", "").split())


def read_lines(path: Path) -> list[str]:
    """The raw lines of the article (no line ends), after checking it is text."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the article: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ArticleError(path, line, "this is not UTF-8 text (is it the article?); save it as UTF-8") from None
    bad = [c for c in text if (ord(c) < 32 and c not in "\t\r\n\f\v") or c == "\x7f"]
    if bad:
        line = text[: text.index(bad[0])].count("\n") + 1
        raise ArticleError(path, line, f"control character U+{ord(bad[0]):04X}: this looks like a binary file, "
                                       "not the article's text")
    return text.splitlines()


def parse_layout(path: Path) -> Layout:
    """Find title, introduction, list header, blocks and footer; raise ArticleError on any surprise."""
    raw = read_lines(path)
    lines = [Line(i, normalise(t)) for i, t in enumerate(raw, start=1)]
    content = [ln for ln in lines if ln.text]
    if not content:
        raise ArticleError(path, 1, "the article is empty; expected a title line, an introduction and "
                                    "one block per pilot")
    title = content[0]
    header_at = next((i for i, ln in enumerate(content[1:], start=1) if ln.text.endswith(":")
                      and not _field_of_label(_label_of(ln.text) or "")), None)
    if header_at is None:
        raise ArticleError(path, title.n, "no line introduces the list of pilots; expected a line ending in ':' "
                                          "(as 'Utbildning som tjänst -pilotförsöken:') after the introduction")
    header = content[header_at]
    intro = tuple(content[1:header_at])
    separators = {i for i, t in enumerate(raw, start=1) if "\u00a0" in t and not normalise(t)}
    body = [ln for ln in lines if ln.n > header.n]
    groups, footer = _groups(body, separators)
    blocks = tuple(_block(path, g) for g in groups)
    if not blocks:
        raise ArticleError(path, header.n, "no pilot block follows the list header; expected "
                                           + _EXPECT["name"])
    return Layout(path, title, intro, header, blocks, tuple(footer))


def _groups(body: list[Line], separators: set[int]) -> tuple[list[list[Line]], list[Line]]:
    """Content lines grouped into blocks; the footer (the links after the list) apart."""
    groups: list[list[Line]] = [[]]
    footer: list[Line] = []
    for ln in body:
        if footer or (ln.text and ln.text.startswith(FOOTER_STARTS) and not groups[-1]):
            if ln.text:
                footer.append(ln)
            continue
        if ln.n in separators:
            if groups[-1]:
                groups.append([])
        elif ln.text:
            groups[-1].append(ln)
    groups = [g for g in groups if g]
    if not separators:  # no separator lines at all: blocks are runs of four lines
        flat = [ln for g in groups for ln in g]
        groups = [flat[i:i + 4] for i in range(0, len(flat), 4)]
    return groups, footer


def _label_of(text: str) -> str | None:
    m = _LABEL_RE.match(text + " ")
    return m.group(1) if m else None


def _field_of_label(label: str) -> str | None:
    return next((field for field, names in LABELS.items() if label in names), None)


def _block(path: Path, group: list[Line]) -> Block:
    first = group[0]
    if len(group) == 1:
        if first.text.endswith((".", "!", "?")) or len(first.text.split()) > 8:
            raise ArticleError(path, first.n, f"a stray paragraph between pilot blocks: {first.text!r}; expected "
                                              "a pilot block (area name, organisations, keywords, contact "
                                              "person) or the end of the list")
        raise ArticleError(path, first.n, f"the block of {first.text!r} has only an area name; expected "
                                          f"{_EXPECT['members']} on the next line")
    if len(group) > 4:
        extra = group[4]
        raise ArticleError(path, extra.n, f"a fifth line in the block that starts on line {first.n}: "
                                          f"{extra.text!r}; blocks have four lines and are separated by a line "
                                          "holding only a no-break space")
    fields: dict[str, Line] = {}
    labelled = False
    for field, ln in zip(FIELDS, group, strict=False):
        label = _label_of(ln.text)
        text = ln.text
        if label is not None and field != "name":
            where = _field_of_label(label)
            if where is None:
                known = ", ".join(f"'{n}:'" for names in LABELS.values() for n in names[:1])
                raise ArticleError(path, ln.n, f"unknown label '{label}:'; expected {_EXPECT[field]}, "
                                               f"labelled {known} or unlabelled")
            if where != field:
                raise ArticleError(path, ln.n, f"found '{label}:' where {_EXPECT[field]} were expected; "
                                               "the lines of a block come in the order area, organisations, "
                                               "keywords, contact")
            text, labelled = text[len(label) + 1:].strip(), True
        elif label is not None and _field_of_label(label):
            raise ArticleError(path, ln.n, f"found '{label}:' where {_EXPECT['name']} was expected")
        if not text:
            raise ArticleError(path, ln.n, f"the label has no text; expected {_EXPECT[field]}")
        fields[field] = Line(ln.n, text)
    if len(group) < 4:
        missing = FIELDS[len(group)]
        raise ArticleError(path, group[-1].n, f"the block of {first.text!r} ends here; expected "
                                              f"{_EXPECT[missing]} on the next line"
                                              + (" (the contact line is missing)" if missing == "contacts" else ""))
    return Block(fields["name"], fields["members"], fields["keywords"], fields["contacts"], labelled)
