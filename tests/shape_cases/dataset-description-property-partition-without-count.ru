# The dataset description: a property partition without its number of triples.
# expect: kopash:DatasetDescription-propertyPartition <dataset/kopa>
DELETE WHERE { <dataset/kopa/property/rdf-type> void:triples ?n }
