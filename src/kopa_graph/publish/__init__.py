"""Publishing: output releases, the static linked-data site, the SPARQL and linked-data server, content
negotiation, and pushing to a triplestore.
"""
