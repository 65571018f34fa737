# The dataset description: the SPARQL endpoint's data service has lost its endpoint URL, so neither
# kind of distribution describes it and no distribution leads to the endpoint the description names.
# expect: kopash:DatasetDescription-distribution <dataset/kopa>
# expect: kopash:SparqlEndpointServiceShape <dataset/kopa>
DELETE WHERE { <dataset/kopa/service/sparql> dcat:endpointURL ?u }
