# A reference dataset without a title.
# expect: kopash:ReferenceDataset-title <dataset/organisations>
DELETE WHERE { <dataset/organisations> dct:title ?t }
