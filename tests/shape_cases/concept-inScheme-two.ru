# A concept in two schemes.
# expect: kopash:Concept-inScheme <theme/online-teaching>
INSERT DATA { <theme/online-teaching> skos:inScheme <role> }
