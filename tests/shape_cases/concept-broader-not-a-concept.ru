# A concept whose broader is a pilot.
# expect: kopash:Concept-broader <theme/online-teaching>
# expect: kopash:BroaderInSchemeShape <theme/online-teaching>
INSERT DATA { <theme/online-teaching> skos:broader <pilot/alfa> }
