# The dataset description: it does not say what it was read from (and so, as a dcat:Dataset, names no source).
# expect: kopash:DatasetDescription-wasDerivedFrom <dataset/kopa>
# expect: kopash:ReferenceDataset-source <dataset/kopa>
DELETE WHERE { <dataset/kopa> prov:wasDerivedFrom ?s }
