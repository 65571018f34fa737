# A municipality code of two digits (the leading zero lost).
# expect: kopash:IdentifierDatatypeShape <identifier/kuntanumero/005>
DELETE WHERE { <identifier/kuntanumero/005> skos:notation ?v }
;
INSERT DATA { <identifier/kuntanumero/005> skos:notation "05"^^kopa:MunicipalityCode }
