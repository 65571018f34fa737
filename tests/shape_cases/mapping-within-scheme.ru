# A mapping property between two concepts of one scheme.
# expect: kopash:MappingAcrossSchemesShape <theme/online-teaching>
INSERT DATA { <theme/online-teaching> skos:closeMatch <theme/distance-teaching> }
