# A membership in two pilots at once.
# expect: kopash:Membership-organization <membership/beta/403>
INSERT DATA { <membership/beta/403> org:organization <pilot/alfa> }
