# A stated total whose count is below zero.
# expect: kopash:StatedTotal-count <claim/municipalities>
DELETE WHERE { <claim/municipalities> kopa:statedCount ?c }
;
INSERT DATA { <claim/municipalities> kopa:statedCount -1 }
