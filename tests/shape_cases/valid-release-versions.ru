# The description of a first release: a version, no previous one (kopa-graph site --release-version 1).
# conforms: kopash:ReleaseVersion-version
# conforms: kopash:ReleaseVersion-previousVersion
DELETE WHERE { ?release dcat:previousVersion ?previous }
