# A membership at place 0 of its list.
# expect: kopash:Membership-position <membership/beta/403>
DELETE WHERE { <membership/beta/403> schema:position ?p }
;
INSERT DATA { <membership/beta/403> schema:position 0 }
