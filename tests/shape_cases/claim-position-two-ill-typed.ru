# A stated total with two places typed whole numbers, neither of them one: one too small, one not a number at
# all. rdflib cannot compare the two (the validator stopped with "validation could not finish" until issue 18's
# third round): each is reported, and the total has one place too many.
# expect: kopash:StatedTotal-position <claim/municipalities>
DELETE WHERE { <claim/municipalities> schema:position ?p }
;
INSERT DATA { <claim/municipalities> schema:position "x"^^xsd:integer, "-1"^^xsd:integer }
