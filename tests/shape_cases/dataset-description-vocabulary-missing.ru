# The dataset description: no vocabularies named.
# expect: kopash:DatasetDescription-vocabulary <dataset/kopa>
DELETE WHERE { <dataset/kopa> void:vocabulary ?v }
