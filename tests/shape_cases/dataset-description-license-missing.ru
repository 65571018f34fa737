# The dataset description: license missing.
# expect: kopash:DatasetDescription-license <dataset/kopa>
# expect: kopash:ReferenceDataset-license <dataset/kopa>
DELETE WHERE { <dataset/kopa> dct:license ?l }
