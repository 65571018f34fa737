# A pilot area with two regions, not marked cross-regional.
# expect: kopash:CrossRegionalShape <pilot/beta/area/maakunta_1_20200101>
DELETE DATA { <pilot/beta/area/maakunta_1_20200101> a kopa:CrossRegionalArea }
