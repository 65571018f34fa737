# Region code 20, which no classification has.
# expect: kopash:Codes-maakunta_1_20260101-in <maakunta_1_20260101>
INSERT DATA { <maakunta_1_20260101/20> a skos:Concept ; skos:notation "20" ; skos:prefLabel "x"@fi ; skos:inScheme <maakunta_1_20260101> }
