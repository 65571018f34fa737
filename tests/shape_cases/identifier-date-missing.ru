# An identifier that does not say when its source gave it.
# expect: kopash:Identifier-date <identifier/business-id/0204964-1>
DELETE WHERE { <identifier/business-id/0204964-1> dct:date ?d }
