# The dataset description names a SPARQL endpoint (void:sparqlEndpoint) no distribution gives access through.
# expect: kopash:SparqlEndpointServiceShape <dataset/kopa>
INSERT DATA { <dataset/kopa> void:sparqlEndpoint <https://example.org/another/sparql> }
