# Honkajoki (099) in the 2026 classification: it merged into Kankaanpää in 2021.
# expect: kopash:Codes-kunta_1_20260101-in <http://uri.suomi.fi/codelist/jhs/kunta_1_20260101>
INSERT DATA { <http://uri.suomi.fi/codelist/jhs/kunta_1_20260101/code/099> a skos:Concept ; skos:notation "099" ; skos:prefLabel "x"@fi ; skos:inScheme <http://uri.suomi.fi/codelist/jhs/kunta_1_20260101> }
