# Sub-region code 998.
# expect: kopash:Codes-seutukunta_1_20260101-in <seutukunta_1_20260101>
INSERT DATA { <seutukunta_1_20260101/998> a skos:Concept ; skos:notation "998" ; skos:prefLabel "x"@fi ; skos:inScheme <seutukunta_1_20260101> }
