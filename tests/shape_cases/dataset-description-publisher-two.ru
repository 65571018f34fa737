# The dataset description: publisher two.
# expect: kopash:DatasetDescription-publisher <dataset/kopa>
INSERT DATA { <dataset/kopa> dct:publisher <agent/other> }
