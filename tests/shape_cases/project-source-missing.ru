# The network project without its pages.
# expect: kopash:NetworkProject-source <project/kopa>
DELETE WHERE { <project/kopa> dct:source ?s }
