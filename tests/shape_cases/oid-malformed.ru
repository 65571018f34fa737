# An organisation OID outside the organisations branch.
# expect: kopash:OidShape <identifier/opintopolku-organisation-oid/1.2.246.562.10.83391443328>
DELETE WHERE { <identifier/opintopolku-organisation-oid/1.2.246.562.10.83391443328> skos:notation ?v }
;
INSERT DATA { <identifier/opintopolku-organisation-oid/1.2.246.562.10.83391443328> skos:notation "1.2.246.562.24.83391443328"^^kopa:OpintopolkuOid }
