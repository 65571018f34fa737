# A membership whose member is a person.
# expect: kopash:Membership-member <membership/beta/403>
DELETE WHERE { <membership/beta/403> org:member ?m }
;
INSERT DATA { <membership/beta/403> org:member <person/p002> }
