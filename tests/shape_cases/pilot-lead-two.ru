# A pilot with two lead organisations.
# expect: kopash:Pilot-lead <pilot/alfa>
INSERT DATA { <membership/alfa/052> org:role <role/lead-organisation> }
