# A dataset description without a SPARQL endpoint (kopa-graph site without --sparql-endpoint): files only.
# conforms: kopash:SparqlEndpointServiceShape
# conforms: kopash:DatasetDescription-distribution
DELETE WHERE { <dataset/kopa> void:sparqlEndpoint ?e }
;
DELETE WHERE { <dataset/kopa> dcat:distribution <dataset/kopa/distribution/sparql> . <dataset/kopa/distribution/sparql> ?p ?o }
;
DELETE WHERE { <dataset/kopa/service/sparql> ?p ?o }
