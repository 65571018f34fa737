# A release whose previous release is named by text, not by its IRI.
# expect: kopash:ReleaseVersion-previousVersion <dataset/kopa>
DELETE WHERE { <dataset/kopa> dcat:previousVersion ?p }
;
INSERT DATA { <dataset/kopa> dcat:previousVersion "1" }
