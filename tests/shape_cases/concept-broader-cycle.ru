# A hierarchy that loops.
# expect: kopash:BroaderCycleShape <theme/distance-teaching>
# expect: kopash:BroaderCycleShape <theme/distance-teaching-in-basic-education>
INSERT DATA { <theme/distance-teaching> skos:broader <theme/distance-teaching-in-basic-education> }
