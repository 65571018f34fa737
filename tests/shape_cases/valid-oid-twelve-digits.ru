# A 12-digit organisation OID (Loppi's, Sipoo's and Sonkajärvi's have that form): the published generator
# makes 11 digits with a Luhn check digit, so no check digit is asked of this one.
# conforms: kopash:OidShape
DELETE WHERE { <identifier/opintopolku-organisation-oid/1.2.246.562.10.83391443328> skos:notation ?v }
;
INSERT DATA { <identifier/opintopolku-organisation-oid/1.2.246.562.10.83391443328> skos:notation "1.2.246.562.10.895479029510"^^kopa:OpintopolkuOid }
