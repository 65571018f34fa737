# A person with no source line.
# expect: kopash:Person-source <person/p003>
DELETE WHERE { <person/p003> dct:source ?s }
