# A pilot with no source.
# expect: kopash:Pilot-source <pilot/alfa>
DELETE WHERE { <pilot/alfa> dct:source ?s }
