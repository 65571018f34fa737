"""The release manifest: what was published, and a hash of the graph that no serialisation changes.

``manifest.json`` lists each file with its SHA-256 and size, and the SHA-256 of
the graph's canonical N-Quads (W3C RDF Dataset Canonicalization, RDFC-1.0): the
same graph gives the same hash whatever the format, order or blank-node labels
it is read from, so a user can check that ``kopa.ttl``, ``kopa.jsonld`` and
``kopa.nt`` say the same thing, and that two releases do or do not differ.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from rdflib import BNode, Graph

from kopa_graph.rdfio.ntriples import nt_term, ntriples_lines

CANONICALIZATION = "RDFC-1.0 (https://www.w3.org/TR/rdf-canon/), SHA-256 of the canonical N-Quads"


def canonical_nquads(graph: Graph) -> bytes:
    """The canonical N-Quads of ``graph`` (as the default graph of a dataset), RDFC-1.0.

    Without blank nodes this is the graph's sorted N-Triples, which kopa-graph writes in canonical
    form already; with blank nodes, Oxigraph's RDFC-1.0 implementation labels them first.
    """
    lines, blanks = ntriples_lines(graph)
    if not blanks:
        return b"".join(lines)
    import pyoxigraph as ox

    from kopa_graph.rdfio.oxbridge import from_ox, to_ox, triples

    dataset = ox.Dataset()
    for s, p, o in triples(graph):
        dataset.add(ox.Quad(to_ox(s), to_ox(p), to_ox(o)))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    out = sorted(f"{_term(from_ox(q.subject))} {_term(from_ox(q.predicate))} {_term(from_ox(q.object))} .\n"
                 .encode() for q in dataset)
    return b"".join(out)


def _term(term: Any) -> str:
    return "_:" + str(term) if isinstance(term, BNode) else nt_term(term)


def graph_hash(graph: Graph) -> str:
    return hashlib.sha256(canonical_nquads(graph)).hexdigest()


def manifest(graph_sha256: str, triples: int, files: Mapping[str, tuple[str, int]], dataset: str,
             personal_data: bool, version: str | None = None, previous_version: str | None = None) -> bytes:
    """``manifest.json``: deterministic (no dates), keys sorted; ``version`` and ``previous_version`` only when
    the release has them (``build --release-version V --previous OUT``)."""
    from kopa_graph import __version__

    doc = {
        "dataset": dataset,
        "generator": f"kopa-graph {__version__}",
        "profile": "full" if personal_data else "no-personal-data",
        "graph": {"triples": triples, "canonicalization": CANONICALIZATION, "sha256": graph_sha256},
        "files": {name: {"sha256": digest, "bytes": size} for name, (digest, size) in sorted(files.items())},
    }
    if version is not None:
        doc["version"] = version
    if previous_version is not None:
        doc["previous_version"] = previous_version
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
