# A stated total that counts a theme.
# expect: kopash:StatedTotal-countOf <claim/municipalities>
DELETE WHERE { <claim/municipalities> kopa:countOf ?c }
;
INSERT DATA { <claim/municipalities> kopa:countOf <theme/online-teaching> }
