# A release with two versions, one of them a number.
# expect: kopash:ReleaseVersion-version <dataset/kopa>
INSERT DATA { <dataset/kopa> dcat:version "2" , 2 }
