# A pilot whose subject is a role, not a theme.
# expect: kopash:Pilot-subject <pilot/alfa>
INSERT DATA { <pilot/alfa> dct:subject <role/participant> }
