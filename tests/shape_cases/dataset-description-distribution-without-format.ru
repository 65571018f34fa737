# The dataset description: a file without its format (dct:format, an EU file type).
# expect: kopash:DatasetDescription-distribution <dataset/kopa>
DELETE WHERE { <dataset/kopa/distribution/kopa.ttl> dct:format ?f }
