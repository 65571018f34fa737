# A post whose place is text.
# expect: kopash:Post-position <pilot/beta/contact/1>
DELETE WHERE { <pilot/beta/contact/1> schema:position ?p }
;
INSERT DATA { <pilot/beta/contact/1> schema:position "first" }
