# A theme narrower than a role.
# expect: kopash:BroaderInSchemeShape <theme/online-teaching>
INSERT DATA { <theme/online-teaching> skos:broader <role/participant> }
