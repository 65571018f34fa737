# A keyword whose text as written is lost.
# expect: kopash:ThemeStatement-asWritten <pilot/alfa/theme/online-teaching>
DELETE WHERE { <pilot/alfa/theme/online-teaching> kopa:asWritten ?t }
