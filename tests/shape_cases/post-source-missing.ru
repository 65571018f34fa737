# A post with no source line.
# expect: kopash:Post-source <post/p002/1>
DELETE WHERE { <post/p002/1> dct:source ?s }
