# A pilot whose source is not an article line.
# expect: kopash:Pilot-source <pilot/alfa>
INSERT DATA { <pilot/alfa> dct:source <https://example.org/test-article> }
