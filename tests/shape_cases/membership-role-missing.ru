# A membership without a role.
# expect: kopash:Membership-role <membership/beta/403>
DELETE WHERE { <membership/beta/403> org:role ?r }
