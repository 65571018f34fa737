# One keyword statement shared by two pilots.
# expect: kopash:ThemeStatement-pilot <pilot/alfa/theme/online-teaching>
# expect: kopash:ThemeSubjectShape <pilot/alfa/theme/online-teaching>
INSERT DATA { <pilot/beta> kopa:themeStatement <pilot/alfa/theme/online-teaching> }
