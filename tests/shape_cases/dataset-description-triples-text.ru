# The dataset description: triples text.
# expect: kopash:DatasetDescription-triples <dataset/kopa>
DELETE WHERE { <dataset/kopa> void:triples ?n }
;
INSERT DATA { <dataset/kopa> void:triples "many" }
