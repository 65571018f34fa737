# A release that links two previous releases (both IRIs: the count alone trips it).
# expect: kopash:ReleaseVersion-previousVersion <dataset/kopa>
DELETE WHERE { <dataset/kopa> dcat:previousVersion ?p }
;
INSERT DATA { <dataset/kopa> dcat:previousVersion <dataset/kopa/1> , <dataset/kopa/2> }
