# A Business ID whose check digit is wrong.
# expect: kopash:BusinessIdShape <identifier/business-id/0204964-1>
DELETE WHERE { <identifier/business-id/0204964-1> skos:notation ?v }
;
INSERT DATA { <identifier/business-id/0204964-1> skos:notation "0204964-2"^^kopa:BusinessId }
