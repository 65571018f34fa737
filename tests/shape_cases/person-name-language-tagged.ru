# A person's name with a language tag.
# expect: kopash:Person-name <person/p002>
DELETE WHERE { <person/p002> foaf:name ?n }
;
INSERT DATA { <person/p002> foaf:name "Anna Exempel"@sv }
