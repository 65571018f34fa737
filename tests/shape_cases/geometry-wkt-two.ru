# A boundary with two WKT texts.
# expect: kopash:Geometry-wkt <municipality/052/geometry/kunta_1_20200101>
INSERT DATA { <municipality/052/geometry/kunta_1_20200101> geo:asWKT "POINT (23.5 63.1)"^^geo:wktLiteral }
