# A stated total without its words.
# expect: kopash:StatedTotal-text <claim/municipalities>
DELETE WHERE { <claim/municipalities> schema:text ?t }
