# The network project with a German name.
# expect: kopash:NetworkProject-prefLabel <project/kopa>
INSERT DATA { <project/kopa> skos:prefLabel "Bildung als Dienstleistung"@de }
