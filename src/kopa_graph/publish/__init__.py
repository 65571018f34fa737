"""Publishing a validated graph: the release files and the dataset description, the static linked-data site, the
SPARQL and linked-data server, content negotiation, and pushing to a triplestore.
"""
