# A stated total whose count is text.
# expect: kopash:StatedTotal-count <claim/municipalities>
DELETE WHERE { <claim/municipalities> kopa:statedCount ?c }
;
INSERT DATA { <claim/municipalities> kopa:statedCount "tre" }
