# A pilot area with a pilot as a part.
# expect: kopash:PilotArea-parts <pilot/beta/area/maakunta_1_20200101>
INSERT DATA { <pilot/beta/area/maakunta_1_20200101> dct:hasPart <pilot/alfa> }
