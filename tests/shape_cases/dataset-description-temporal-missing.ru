# The dataset description: temporal missing.
# expect: kopash:DatasetDescription-temporal <dataset/kopa>
DELETE WHERE { <dataset/kopa> dct:temporal ?t }
