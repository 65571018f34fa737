# A municipality without its centroid.
# expect: kopash:Feature-centroid <municipality/005>
DELETE WHERE { <municipality/005> geo:hasCentroid ?c }
