# The dataset description: distribution without size.
# expect: kopash:DatasetDescription-distribution <dataset/kopa>
DELETE WHERE { ?d dcat:byteSize ?s }
