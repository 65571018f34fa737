# A listed education level whose form as written is lost.
# expect: kopash:ListedLevel-asWritten <pilot/alfa/theme/cooperation-between-education-levels/level/1>
DELETE WHERE { <pilot/alfa/theme/cooperation-between-education-levels/level/1> kopa:asWritten ?t }
