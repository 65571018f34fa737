# A listed education level that two keywords list.
# expect: kopash:ListedLevel-statement <pilot/alfa/theme/cooperation-between-education-levels/level/1>
INSERT DATA { <pilot/alfa/theme/online-teaching> schema:itemListElement <pilot/alfa/theme/cooperation-between-education-levels/level/1> }
