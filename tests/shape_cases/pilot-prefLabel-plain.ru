# A pilot whose name has no language tag.
# expect: kopash:Pilot-prefLabel <pilot/alfa>
INSERT DATA { <pilot/alfa> skos:prefLabel "Alfa" }
