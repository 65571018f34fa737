# A concept without a definition (a warning, not a violation).
# expect: kopash:Concept-definition <theme/online-teaching>
DELETE WHERE { <theme/online-teaching> skos:definition ?d }
