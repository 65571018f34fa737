# A municipality code that kunta_1_20200101 does not have (999).
# expect: kopash:Codes-kunta_1_20200101-in <http://uri.suomi.fi/codelist/jhs/kunta_1_20200101>
INSERT DATA { <http://uri.suomi.fi/codelist/jhs/kunta_1_20200101/code/999> a skos:Concept ; skos:notation "999" ; skos:prefLabel "x"@fi ; skos:inScheme <http://uri.suomi.fi/codelist/jhs/kunta_1_20200101> }
