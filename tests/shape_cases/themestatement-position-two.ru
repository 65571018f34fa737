# A keyword at two places.
# expect: kopash:ThemeStatement-position <pilot/alfa/theme/online-teaching>
INSERT DATA { <pilot/alfa/theme/online-teaching> schema:position 7 }
