"""A diff as a patch a store can apply: SPARQL 1.1 Update, or RDF Patch (https://afs.github.io/rdf-patch/).

SPARQL Update: ``DELETE DATA`` with the removed triples, one ``DELETE WHERE`` per removed piece of blank nodes
(``DELETE DATA`` cannot name a blank node already in a store: its blank nodes become variables), then
``INSERT DATA`` with the added triples, each piece's blank nodes labelled apart from the others'. A
``DELETE WHERE`` removes every match of the piece's shape, so a piece repeated in the new release is inserted
again as many times as it is there; a store whose graph is not the old release (``publish --incremental``
checks its hash first) may lose more than the diff says.

RDF Patch: a header naming the new and the previous graph by their RDFC-1.0 hashes (``H id``, ``H prev``),
then one transaction (``TX``, ``D`` lines, ``A`` lines, ``TC``). RDF Patch deletes a blank node by the label
the store gave it, which a release cannot know: a diff that removes blank nodes is refused as RDF Patch
(:class:`~kopa_graph.errors.InputError`); write SPARQL Update instead.
"""

from __future__ import annotations

import re
from pathlib import Path

from kopa_graph.errors import InputError
from kopa_graph.publish.diff import Diff, Piece
from kopa_graph.rdfio.ntriples import graph_iri_in_sparql

#: The forms --patch writes, by file extension.
SPARQL_UPDATE = "sparql-update"
RDF_PATCH = "rdf-patch"
PATCH_EXTENSIONS = {".ru": SPARQL_UPDATE, ".rdfp": RDF_PATCH}

#: A blank node as subject (at the start of a line) or object (before the final `` .``); never inside a literal.
_BLANK = re.compile(r"^_:([A-Za-z0-9]+)|(?<= )_:([A-Za-z0-9]+)(?= \.$)")


def patch_kind(path: Path) -> str:
    try:
        return PATCH_EXTENSIONS[path.suffix]
    except KeyError:
        raise InputError(f"--patch {path}: say the form by the file's extension: .ru for SPARQL Update, .rdfp "
                         "for RDF Patch") from None


def graph_id(sha256: str) -> str:
    """A release's graph, named by its RDFC-1.0 SHA-256 (the manifest's ``graph.sha256``)."""
    return f"urn:sha256:{sha256}"


def _relabel(lines: tuple[str, ...], prefix: str) -> list[str]:
    return [_BLANK.sub(lambda m: f"_:{prefix}{m.group(1) or m.group(2)}", line) for line in lines]


def _variables(lines: tuple[str, ...]) -> list[str]:
    return [_BLANK.sub(lambda m: f"?{m.group(1) or m.group(2)}", line) for line in lines]


def _block(lines: list[str], graph: str | None) -> str:
    body = "".join(f"    {line}\n" for line in lines)
    return f"  GRAPH <{graph}> {{\n{body}  }}\n" if graph else body


def sparql_update(diff: Diff, graph: str | None = None) -> str:
    """The SPARQL 1.1 Update that turns the old release into the new one (in ``graph``, else the default
    graph); empty operations are left out, and no difference is an empty request (a comment). A ``graph`` that
    cannot be written as an IRI in SPARQL is an :class:`~kopa_graph.errors.InputError`."""
    if graph is not None:
        graph_iri_in_sparql(graph)
    ops = []
    if diff.removed:
        ops.append("DELETE DATA {\n" + _block(list(diff.removed), graph) + "}")
    for piece in sorted(set(diff.removed_pieces), key=lambda p: (p.anchor, p.lines)):
        ops.append("DELETE WHERE {\n" + _block(_variables(piece.lines), graph) + "}")
    inserted: list[str] = list(diff.added)
    for n, piece in enumerate(_inserted_pieces(diff)):
        inserted.extend(_relabel(piece.lines, f"p{n}"))
    if inserted:
        ops.append("INSERT DATA {\n" + _block(inserted, graph) + "}")
    head = f"# kopa-graph diff: {graph_id(diff.old.sha256)} -> {graph_id(diff.new.sha256)}\n"
    return head + " ;\n".join(ops) + ("\n" if ops else "")


def _inserted_pieces(diff: Diff) -> list[Piece]:
    """The added pieces, and each copy in the new release of a piece a ``DELETE WHERE`` takes away whole."""
    return list(diff.added_pieces) + list(diff.refill)


def rdf_patch(diff: Diff, graph: str | None = None) -> str:
    """The RDF Patch that turns the old release into the new one (quads in ``graph`` when given)."""
    if diff.removed_pieces:
        raise InputError(f"the change from {diff.old.where} to {diff.new.where} removes "
                         f"{len(diff.removed_pieces)} piece(s) of blank nodes, which RDF Patch can delete only by "
                         "the labels the store gave them; write the patch as SPARQL Update (--patch FILE.ru), "
                         "which deletes them by their shape")
    suffix = f" <{graph}> ." if graph else " ."
    out = [f"H id <{graph_id(diff.new.sha256)}> .", f"H prev <{graph_id(diff.old.sha256)}> .", "TX ."]
    out += ["D " + line[:-2] + suffix for line in diff.removed]
    out += ["A " + line[:-2] + suffix for line in diff.added]
    for n, piece in enumerate(diff.added_pieces):
        out += ["A " + line[:-2] + suffix for line in _relabel(piece.lines, f"p{n}")]
    out.append("TC .")
    return "\n".join(out) + "\n"


def write_patch(diff: Diff, path: Path, graph: str | None = None) -> str:
    """Write the patch ``path``'s extension names; the form written."""
    kind = patch_kind(path)
    text = sparql_update(diff, graph) if kind == SPARQL_UPDATE else rdf_patch(diff, graph)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"--patch {path}: cannot write it ({exc.strerror}); choose a writable place") from None
    return kind
