# An identifier that says not where it was read.
# expect: kopash:Identifier-source <identifier/business-id/0204964-1>
DELETE WHERE { <identifier/business-id/0204964-1> dct:source ?s }
