# An identifier whose as-of date is text, not a day or a year.
# expect: kopash:Identifier-date <identifier/business-id/0204964-1>
DELETE WHERE { <identifier/business-id/0204964-1> dct:date ?d }
;
INSERT DATA { <identifier/business-id/0204964-1> dct:date "2018-2020" }
