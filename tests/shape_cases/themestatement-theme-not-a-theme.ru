# A keyword that stands for an education level.
# expect: kopash:ThemeStatement-theme <pilot/alfa/theme/online-teaching>
# expect: kopash:ThemeSubjectShape <pilot/alfa/theme/online-teaching>
DELETE WHERE { <pilot/alfa/theme/online-teaching> kopa:theme ?t }
;
INSERT DATA { <pilot/alfa/theme/online-teaching> kopa:theme <education-level/basic-education> }
