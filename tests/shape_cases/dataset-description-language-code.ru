# The dataset description: a language as an ISO 639-1 IRI, not from the EU's table of languages.
# expect: kopash:DatasetDescription-language <dataset/kopa>
INSERT DATA { <dataset/kopa> dct:language <http://id.loc.gov/vocabulary/iso639-1/sv> }
