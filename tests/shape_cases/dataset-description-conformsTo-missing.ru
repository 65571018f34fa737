# The dataset description: conformsTo missing.
# expect: kopash:DatasetDescription-conformsTo <dataset/kopa>
DELETE WHERE { <dataset/kopa> dct:conformsTo ?c }
