# A membership without a member.
# expect: kopash:Membership-member <membership/beta/403>
DELETE WHERE { <membership/beta/403> org:member ?m }
;
DELETE WHERE { ?o org:hasMembership <membership/beta/403> }
