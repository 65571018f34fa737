# The dataset description: theme missing.
# expect: kopash:DatasetDescription-theme <dataset/kopa>
DELETE WHERE { <dataset/kopa> dcat:theme ?t }
