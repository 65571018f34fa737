# A pilot area that names no classification.
# expect: kopash:PilotArea-classification <pilot/beta/area/maakunta_1_20200101>
DELETE WHERE { <pilot/beta/area/maakunta_1_20200101> dct:conformsTo ?c }
