# A concept's alternative label in German.
# expect: kopash:Concept-altLabel <theme/online-teaching>
INSERT DATA { <theme/online-teaching> skos:altLabel "Online-Unterricht"@de }
