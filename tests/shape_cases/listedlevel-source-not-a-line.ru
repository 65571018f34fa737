# A listed education level whose source is not an article line.
# expect: kopash:ListedLevel-source <pilot/alfa/theme/cooperation-between-education-levels/level/1>
DELETE WHERE { <pilot/alfa/theme/cooperation-between-education-levels/level/1> dct:source ?s }
;
INSERT DATA { <pilot/alfa/theme/cooperation-between-education-levels/level/1> dct:source <https://example.org/test-article> }
