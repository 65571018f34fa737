# An identifier without its value.
# expect: kopash:Identifier-notation <identifier/business-id/0204964-1>
DELETE WHERE { <identifier/business-id/0204964-1> skos:notation ?v }
