# The dataset description: no property partitions.
# expect: kopash:DatasetDescription-propertyPartition <dataset/kopa>
DELETE WHERE { <dataset/kopa> void:propertyPartition ?p }
