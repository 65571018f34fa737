# A post with no source line.
# expect: kopash:Post-source <pilot/beta/contact/1>
DELETE WHERE { <pilot/beta/contact/1> dct:source ?s }
