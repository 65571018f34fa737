# The dataset description: classPartition missing.
# expect: kopash:DatasetDescription-classPartition <dataset/kopa>
DELETE WHERE { <dataset/kopa> void:classPartition ?p }
