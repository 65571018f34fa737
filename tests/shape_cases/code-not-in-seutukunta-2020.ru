# Sub-region code 999.
# expect: kopash:Codes-seutukunta_1_20200101-in <seutukunta_1_20200101>
INSERT DATA { <seutukunta_1_20200101/999> a skos:Concept ; skos:notation "999" ; skos:prefLabel "x"@fi ; skos:inScheme <seutukunta_1_20200101> }
