# Region code 03, which no classification has.
# expect: kopash:Codes-maakunta_1_20200101-in <maakunta_1_20200101>
INSERT DATA { <maakunta_1_20200101/03> a skos:Concept ; skos:notation "03" ; skos:prefLabel "x"@fi ; skos:inScheme <maakunta_1_20200101> }
