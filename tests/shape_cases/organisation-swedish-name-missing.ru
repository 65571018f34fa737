# An organisation the article names, with no Swedish name.
# expect: kopash:SwedishNameShape <organisation/sasky>
DELETE DATA { <organisation/sasky> skos:prefLabel "SASKY"@sv }
