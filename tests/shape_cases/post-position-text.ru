# A post whose place is text.
# expect: kopash:Post-position <post/p002/1>
DELETE WHERE { <post/p002/1> schema:position ?p }
;
INSERT DATA { <post/p002/1> schema:position "first" }
