# A classification that does not say when it is in force.
# expect: kopash:ClassificationValidityShape <http://uri.suomi.fi/codelist/jhs/kunta_1_20200101>
DELETE WHERE { <http://uri.suomi.fi/codelist/jhs/kunta_1_20200101> dct:temporal ?t }
