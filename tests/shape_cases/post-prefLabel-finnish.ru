# A post whose title is in Finnish, not as the article writes it.
# expect: kopash:Post-prefLabel <pilot/beta/contact/1>
DELETE WHERE { <pilot/beta/contact/1> skos:prefLabel ?t }
;
INSERT DATA { <pilot/beta/contact/1> skos:prefLabel "kehittämispäällikkö"@fi }
