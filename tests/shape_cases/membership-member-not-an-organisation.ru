# A membership whose member is a person.
# expect: kopash:Membership-member <membership/beta/403>
DELETE WHERE { <membership/beta/403> org:member ?m }
;
DELETE WHERE { ?o org:hasMembership <membership/beta/403> }
;
INSERT DATA { <membership/beta/403> org:member <person/p002> . <person/p002> org:hasMembership <membership/beta/403> }
