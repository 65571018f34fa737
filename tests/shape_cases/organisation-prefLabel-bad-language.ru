# An organisation named in Sami (not a language of the graph).
# expect: kopash:Organisation-prefLabel <organisation/sasky>
INSERT DATA { <organisation/sasky> skos:prefLabel "Sastamala oahpahusovttastus"@se }
