# The dataset description: spatial missing.
# expect: kopash:DatasetDescription-spatial <dataset/kopa>
DELETE WHERE { <dataset/kopa> dct:spatial ?s }
