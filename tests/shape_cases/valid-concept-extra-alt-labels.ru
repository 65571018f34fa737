# A concept with several alternative labels per language.
# conforms: kopash:Concept-altLabel
# conforms: kopash:BroaderCycleShape
# conforms: kopash:BroaderInSchemeShape
INSERT DATA { <theme/online-teaching> skos:altLabel "webbundervisning"@sv, "distansundervisning på nätet"@sv }
