# A pilot whose keywords as written are lost.
# expect: kopash:Pilot-themeStatement <pilot/beta>
# expect: kopash:ThemeStatement-pilot <pilot/beta/theme/cooperation-between-upper-secondary-schools>
DELETE WHERE { <pilot/beta> kopa:themeStatement ?t }
