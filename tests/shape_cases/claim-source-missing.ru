# A stated total with no source line.
# expect: kopash:StatedTotal-source <claim/municipalities>
DELETE WHERE { <claim/municipalities> dct:source ?s }
