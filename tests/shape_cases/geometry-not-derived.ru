# A geometry that does not say how it was made.
# expect: kopash:Geometry-derived <municipality/099/centroid>
DELETE WHERE { <municipality/099/centroid> prov:wasGeneratedBy ?a }
