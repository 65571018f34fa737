# A concept with two English labels.
# expect: kopash:Concept-prefLabel <theme/online-teaching>
INSERT DATA { <theme/online-teaching> skos:prefLabel "web teaching"@en }
