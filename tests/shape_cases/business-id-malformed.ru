# A Business ID with six digits.
# expect: kopash:BusinessIdShape <identifier/business-id/0204964-1>
DELETE WHERE { <identifier/business-id/0204964-1> skos:notation ?v }
;
INSERT DATA { <identifier/business-id/0204964-1> skos:notation "204964-1"^^kopa:BusinessId }
