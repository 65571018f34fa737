# A boundary whose WKT is a plain string, not a geo:wktLiteral.
# expect: kopash:Geometry-wkt <municipality/005/geometry/kunta_1_20200101>
DELETE { <municipality/005/geometry/kunta_1_20200101> geo:asWKT ?w }
INSERT { <municipality/005/geometry/kunta_1_20200101> geo:asWKT ?s }
WHERE { <municipality/005/geometry/kunta_1_20200101> geo:asWKT ?w BIND (STR(?w) AS ?s) }
