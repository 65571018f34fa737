# The network project without a Swedish name.
# expect: kopash:NetworkProject-prefLabel-sv <project/kopa>
DELETE DATA { <project/kopa> skos:prefLabel "Utbildning som tjänst"@sv }
