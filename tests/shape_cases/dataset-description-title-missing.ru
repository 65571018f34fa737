# The dataset description: title missing.
# expect: kopash:DatasetDescription-title <dataset/kopa>
# expect: kopash:ReferenceDataset-title <dataset/kopa>
DELETE WHERE { <dataset/kopa> dct:title ?t }
