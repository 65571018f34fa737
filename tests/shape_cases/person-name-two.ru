# A person with two names.
# expect: kopash:Person-name <person/p002>
INSERT DATA { <person/p002> foaf:name "A. Exempel" }
