"""What changed between two releases: the triples removed and added, grouped by resource, with labels.

A release is a build output folder (``manifest.json`` and ``kopa.nt``) or its ``manifest.json``. The graph is
read from ``kopa.nt`` after its SHA-256 is checked against the manifest, so the comparison is of exactly what
was released.

Triples without blank nodes compare as their N-Triples lines. Blank nodes have no name across releases, so
the triples around them are compared whole: each connected piece of blank nodes (with every triple that
touches it) is put in RDFC-1.0 canonical form (:func:`~kopa_graph.rdfio.manifest.canonical_nquads`), and a
piece that differs in any triple shows as the old piece removed and the new one added.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from kopa_graph.errors import InputError
from kopa_graph.graph.labels import label
from kopa_graph.rdfio.engine import parse_bytes
from kopa_graph.rdfio.files import STEM
from kopa_graph.rdfio.formats import FORMATS
from kopa_graph.rdfio.manifest import canonical_nquads
from kopa_graph.rdfio.namespaces import DCTERMS, FOAF, RDFS, SCHEMA, SKOS
from kopa_graph.rdfio.ntriples import nt_term

MANIFEST = "manifest.json"
NTRIPLES = STEM + FORMATS["n-triples"].extension
#: The properties that give a resource its label in a diff, the first first.
LABELS = (SKOS.prefLabel, RDFS.label, SCHEMA.name, DCTERMS.title, FOAF.name)
#: The key a piece of blank nodes without an IRI subject is grouped under.
BLANK_GROUP = "_:"


@dataclass(frozen=True)
class Snapshot:
    """One release as compared: where it is, its manifest's graph hash and version, and its graph."""

    where: str
    sha256: str
    triples: int
    version: str | None
    graph: Graph = field(repr=False, compare=False)


@dataclass(frozen=True)
class Piece:
    """Blank nodes connected to each other, with every triple touching them, in canonical N-Triples lines."""

    lines: tuple[str, ...]
    anchor: str  # the first IRI subject among the lines (what it hangs from), else BLANK_GROUP


@dataclass(frozen=True)
class Group:
    """The changes of one resource (an IRI subject, or :data:`BLANK_GROUP`)."""

    subject: str
    label: str | None
    removed: tuple[str, ...]
    added: tuple[str, ...]


@dataclass(frozen=True)
class Diff:
    old: Snapshot
    new: Snapshot
    removed: tuple[str, ...]  # N-Triples lines without blank nodes, sorted
    added: tuple[str, ...]
    removed_pieces: tuple[Piece, ...]  # pieces with blank nodes, sorted
    added_pieces: tuple[Piece, ...]
    refill: tuple[Piece, ...]  # the copies in new of a removed piece that also stays (DELETE WHERE takes all)
    groups: tuple[Group, ...]

    @property
    def same(self) -> bool:
        return not (self.removed or self.added or self.removed_pieces or self.added_pieces)


def load_snapshot(path: Path) -> Snapshot:
    """The release at ``path`` (a folder holding ``manifest.json`` and ``kopa.nt``, or the manifest itself)."""
    manifest_path = path if path.is_file() else path / MANIFEST
    if not manifest_path.is_file():
        raise InputError(f"{path}: no {MANIFEST} here; give a build output folder (kopa-graph build --out OUT) or "
                         f"its {MANIFEST}")
    try:
        doc = json.loads(manifest_path.read_text(encoding="utf-8"))
        sha256, triples = doc["graph"]["sha256"], int(doc["graph"]["triples"])
        expected = doc["files"][NTRIPLES]["sha256"]
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{manifest_path}: not a kopa-graph release manifest ({type(exc).__name__}: {exc}); "
                         "give the manifest.json a build wrote") from None
    nt_path = manifest_path.parent / NTRIPLES
    try:
        data = nt_path.read_bytes()
    except OSError as exc:
        raise InputError(f"{nt_path}: cannot read the release's graph ({exc.strerror}); the manifest lists "
                         f"{NTRIPLES} beside it") from None
    if hashlib.sha256(data).hexdigest() != expected:
        raise InputError(f"{nt_path}: the file is not the one {manifest_path} describes (its SHA-256 differs); "
                         "the release was changed after it was written: build it again")
    version = doc.get("version")
    version = version if isinstance(version, str) else None
    return Snapshot(str(path), sha256, triples, version, parse_bytes(data, FORMATS["n-triples"], str(nt_path)))


def release_version(path: Path) -> str:
    """The version a release's manifest states (``build --release-version``): what ``--previous OUT`` links."""
    manifest_path = path if path.is_file() else path / MANIFEST
    try:
        version = json.loads(manifest_path.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError) as exc:
        raise InputError(f"--previous {path}: cannot read its {MANIFEST} ({exc}); give the previous release's build "
                         "output folder (kopa-graph build --out OUT) or its manifest.json") from None
    if not isinstance(version, str):
        raise InputError(f"--previous {path}: its {MANIFEST} states no version; build the previous release with "
                         "--release-version, or give the one that has it")
    return version


def split(graph: Graph) -> tuple[set[str], Counter[Piece]]:
    """The graph's triples without blank nodes (as N-Triples lines) and its pieces of blank nodes."""
    ground: set[str] = set()
    parent: dict[BNode, BNode] = {}

    def find(b: BNode) -> BNode:
        while parent.setdefault(b, b) != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        return b

    touching = []
    for s, p, o in graph:
        blanks = [t for t in (s, o) if isinstance(t, BNode)]
        if not blanks:
            ground.add(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .")
            continue
        touching.append((s, p, o))
        if len(blanks) == 2:
            parent[find(blanks[0])] = find(blanks[1])
        else:
            find(blanks[0])
    pieces: dict[BNode, Graph] = {}
    for s, p, o in touching:
        root = find(s if isinstance(s, BNode) else o)  # type: ignore[arg-type]
        pieces.setdefault(root, Graph()).add((s, p, o))
    return ground, Counter(_piece(g) for g in pieces.values())


def _piece(g: Graph) -> Piece:
    lines = tuple(canonical_nquads(g).decode("utf-8").splitlines())
    anchors = sorted(str(s) for s in g.subjects() if isinstance(s, URIRef))
    return Piece(lines, anchors[0] if anchors else BLANK_GROUP)


def compare(old: Snapshot, new: Snapshot, lang: str = "en") -> Diff:
    """The triples removed from ``old`` and added in ``new``, grouped by resource in a stable order."""
    old_ground, old_pieces = split(old.graph)
    new_ground, new_pieces = split(new.graph)
    removed, added = sorted(old_ground - new_ground), sorted(new_ground - old_ground)
    gone = sorted((old_pieces - new_pieces).elements(), key=lambda p: (p.anchor, p.lines))
    come = sorted((new_pieces - old_pieces).elements(), key=lambda p: (p.anchor, p.lines))
    by_subject: dict[str, tuple[list[str], list[str]]] = {}
    for lines, side in ((removed, 0), (added, 1)):
        for line in lines:
            by_subject.setdefault(line[1:line.index(">")], ([], []))[side].append(line)
    for pieces, side in ((gone, 0), (come, 1)):
        for piece in pieces:
            by_subject.setdefault(piece.anchor, ([], []))[side].extend(piece.lines)
    groups = tuple(Group(subject, _label(subject, new.graph, old.graph, lang), tuple(r), tuple(a))
                   for subject, (r, a) in sorted(by_subject.items()))
    refill = tuple(piece for piece in sorted(set(gone), key=lambda p: (p.anchor, p.lines))
                   for _ in range(new_pieces[piece]))
    return Diff(old, new, tuple(removed), tuple(added), tuple(gone), tuple(come), refill, groups)


def relabel(diff: Diff, lang: str) -> Diff:
    """``diff`` with its resources' labels in ``lang``."""
    groups = tuple(Group(g.subject, _label(g.subject, diff.new.graph, diff.old.graph, lang), g.removed, g.added)
                   for g in diff.groups)
    return Diff(diff.old, diff.new, diff.removed, diff.added, diff.removed_pieces, diff.added_pieces, diff.refill,
                groups)


def _label(subject: str, new: Graph, old: Graph, lang: str) -> str | None:
    if subject == BLANK_GROUP:
        return None
    node: Node = URIRef(subject)
    found = label(new, node, lang, LABELS) or label(old, node, lang, LABELS)
    return found[0] if found else None
