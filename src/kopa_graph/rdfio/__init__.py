"""Reading and writing RDF, the bottom layer: namespaces and prefixes, the format table, the engine seam (rdflib
and pyoxigraph), the deterministic N-Triples, Turtle and JSON-LD writers, the published files and their
manifest, staged files and output folders (releases).
"""
