# The dataset description: a file's format given as its IANA media type, not as an EU file type.
# expect: kopash:DatasetDescription-distribution <dataset/kopa>
DELETE WHERE { <dataset/kopa/distribution/kopa.ttl> dct:format ?f }
;
INSERT DATA { <dataset/kopa/distribution/kopa.ttl> dct:format <https://www.iana.org/assignments/media-types/text/turtle> }
