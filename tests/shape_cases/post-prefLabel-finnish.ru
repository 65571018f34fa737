# A post whose title is in Finnish, not as the article writes it.
# expect: kopash:Post-prefLabel <post/p002/1>
DELETE WHERE { <post/p002/1> skos:prefLabel ?t }
;
INSERT DATA { <post/p002/1> skos:prefLabel "kehittämispäällikkö"@fi }
