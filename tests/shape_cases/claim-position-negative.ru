# A stated total at place -1.
# expect: kopash:StatedTotal-position <claim/municipalities>
DELETE WHERE { <claim/municipalities> schema:position ?p }
;
INSERT DATA { <claim/municipalities> schema:position -1 }
