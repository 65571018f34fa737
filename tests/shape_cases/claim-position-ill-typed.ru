# A stated total whose place is typed a whole number but is not one: rdflib cannot order it against the
# bound, which counts as out of range (the comparison's TypeError path), and its datatype is ill-typed.
# expect: kopash:StatedTotal-position <claim/municipalities>
DELETE WHERE { <claim/municipalities> schema:position ?p }
;
INSERT DATA { <claim/municipalities> schema:position "x"^^xsd:integer }
