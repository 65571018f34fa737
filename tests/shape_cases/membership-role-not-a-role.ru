# A membership whose role is an organisation type.
# expect: kopash:Membership-role <membership/beta/403>
INSERT DATA { <membership/beta/403> org:role <organisation-type/municipality> }
