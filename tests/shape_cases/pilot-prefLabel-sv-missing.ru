# A pilot with a Finnish name only.
# expect: kopash:Pilot-prefLabel-sv <pilot/alfa>
DELETE DATA { <pilot/alfa> skos:prefLabel "Alfa"@sv }
;
INSERT DATA { <pilot/alfa> skos:prefLabel "Alfa"@fi }
