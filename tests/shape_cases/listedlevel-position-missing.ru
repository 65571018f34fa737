# A listed education level with no place in the article's list.
# expect: kopash:ListedLevel-position <pilot/alfa/theme/cooperation-between-education-levels/level/1>
DELETE WHERE { <pilot/alfa/theme/cooperation-between-education-levels/level/1> schema:position ?p }
