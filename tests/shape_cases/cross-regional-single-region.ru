# A pilot area with one region, marked cross-regional.
# expect: kopash:CrossRegionalShape <pilot/alfa/area/maakunta_1_20200101>
INSERT DATA { <pilot/alfa/area/maakunta_1_20200101> a kopa:CrossRegionalArea }
