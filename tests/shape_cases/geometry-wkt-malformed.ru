# A centroid whose WKT is not a POINT or MULTIPOLYGON text.
# expect: kopash:Geometry-wkt <municipality/403/centroid>
DELETE WHERE { <municipality/403/centroid> geo:asWKT ?w }
;
INSERT DATA { <municipality/403/centroid> geo:asWKT "near Lappajärvi"^^geo:wktLiteral }
