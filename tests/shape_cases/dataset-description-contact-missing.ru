# The dataset description: contact missing.
# expect: kopash:DatasetDescription-contactPoint <dataset/kopa>
DELETE WHERE { <dataset/kopa> dcat:contactPoint ?c }
