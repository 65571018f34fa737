# A pilot with two Swedish names.
# expect: kopash:Pilot-prefLabel <pilot/alfa>
INSERT DATA { <pilot/alfa> skos:prefLabel "Alfa igen"@sv }
