# An identifier whose scheme is a theme.
# expect: kopash:Identifier-type <identifier/business-id/0204964-1>
DELETE WHERE { <identifier/business-id/0204964-1> dct:type ?t }
;
INSERT DATA { <identifier/business-id/0204964-1> dct:type <theme/online-teaching> }
