# A release that links a previous release but states no version of its own.
# expect: kopash:ReleaseVersion-version <dataset/kopa>
DELETE WHERE { <dataset/kopa> dcat:version ?v }
