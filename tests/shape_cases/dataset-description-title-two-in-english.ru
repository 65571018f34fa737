# The dataset description: a second English title instead of the Finnish one.
# expect: kopash:DatasetDescription-title <dataset/kopa>
DELETE { <dataset/kopa> dct:title ?t } WHERE { <dataset/kopa> dct:title ?t . FILTER (LANG(?t) = "fi") }
;
INSERT DATA { <dataset/kopa> dct:title "Another title"@en }
