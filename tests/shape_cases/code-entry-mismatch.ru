# A classification entry whose code is not the one in its IRI.
# expect: kopash:CodeEntryShape <http://uri.suomi.fi/codelist/jhs/kunta_1_20200101/code/005>
DELETE WHERE { <http://uri.suomi.fi/codelist/jhs/kunta_1_20200101/code/005> skos:notation ?v }
;
INSERT DATA { <http://uri.suomi.fi/codelist/jhs/kunta_1_20200101/code/005> skos:notation "052" }
