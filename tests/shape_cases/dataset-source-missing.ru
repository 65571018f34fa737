# A reference dataset that does not say where it was read from.
# expect: kopash:ReferenceDataset-source <dataset/organisations>
DELETE WHERE { <dataset/organisations> dct:source ?s }
