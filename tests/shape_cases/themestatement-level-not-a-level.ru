# A keyword whose level is a theme.
# expect: kopash:ThemeStatement-level <pilot/alfa/theme/online-teaching>
INSERT DATA { <pilot/alfa/theme/online-teaching> schema:educationalLevel <theme/online-teaching> }
