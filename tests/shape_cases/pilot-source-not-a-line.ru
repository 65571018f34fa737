# A pilot whose only source is not an article line.
# expect: kopash:Pilot-source <pilot/alfa>
DELETE WHERE { <pilot/alfa> dct:source ?s }
;
INSERT DATA { <pilot/alfa> dct:source <https://example.org/test-article> }
