# A release whose one version is a number, not a plain string (the datatype alone trips it).
# expect: kopash:ReleaseVersion-version <dataset/kopa>
DELETE WHERE { <dataset/kopa> dcat:version ?v }
;
INSERT DATA { <dataset/kopa> dcat:version 2 }
