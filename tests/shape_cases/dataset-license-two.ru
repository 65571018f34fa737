# A reference dataset with two licences.
# expect: kopash:ReferenceDataset-license <dataset/organisations>
INSERT DATA { <dataset/organisations> dct:license <https://creativecommons.org/licenses/by/4.0/> }
