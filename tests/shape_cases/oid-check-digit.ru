# An 11-digit organisation OID whose last digit is not the Luhn check digit of the ten before it
# (Pieksämäki's 1.2.246.562.10.91246271840 as a reference file gave it).
# expect: kopash:OidShape <identifier/opintopolku-organisation-oid/1.2.246.562.10.83391443328>
DELETE WHERE { <identifier/opintopolku-organisation-oid/1.2.246.562.10.83391443328> skos:notation ?v }
;
INSERT DATA { <identifier/opintopolku-organisation-oid/1.2.246.562.10.83391443328> skos:notation "1.2.246.562.10.83391443327"^^kopa:OpintopolkuOid }
