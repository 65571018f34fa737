# A municipality (a geo:Feature) without any boundary.
# expect: kopash:Feature-geometry <municipality/052>
# expect: kopash:Feature-default <municipality/052>
DELETE WHERE { <municipality/052> geo:hasGeometry ?g }
;
DELETE WHERE { <municipality/052> geo:hasDefaultGeometry ?g }
