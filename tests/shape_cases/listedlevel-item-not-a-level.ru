# A listed education level that is not a level of the education-level scheme.
# expect: kopash:ListedLevel-item <pilot/alfa/theme/cooperation-between-education-levels/level/1>
DELETE WHERE { <pilot/alfa/theme/cooperation-between-education-levels/level/1> schema:item ?l }
;
INSERT DATA { <pilot/alfa/theme/cooperation-between-education-levels/level/1> schema:item <pilot/alfa> }
