# A pilot with no theme at all.
# expect: kopash:Pilot-subject <pilot/beta>
# expect: kopash:ThemeSubjectShape <pilot/beta/theme/cooperation-between-upper-secondary-schools>
DELETE WHERE { <pilot/beta> dct:subject ?t }
