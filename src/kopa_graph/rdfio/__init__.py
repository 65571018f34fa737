"""Reading and writing RDF: the format table, the engine seam (rdflib and pyoxigraph), the deterministic
N-Triples, Turtle and JSON-LD writers, the release manifest and staged outputs.
"""
