# The dataset description: no day of the last change.
# expect: kopash:DatasetDescription-modified <dataset/kopa>
DELETE WHERE { <dataset/kopa> dct:modified ?d }
