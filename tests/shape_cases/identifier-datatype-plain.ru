# A Business ID whose value is plain text, not typed with its scheme's datatype (kopa:BusinessId).
# expect: kopash:IdentifierDatatypeShape <identifier/business-id/0204964-1>
DELETE WHERE { <identifier/business-id/0204964-1> skos:notation ?v }
;
INSERT DATA { <identifier/business-id/0204964-1> skos:notation "0204964-1" }
