# A municipality with two default geometries (its 2020 boundary as well as today's).
# expect: kopash:Feature-default <municipality/214>
INSERT DATA { <municipality/214> geo:hasDefaultGeometry <municipality/214/geometry/kunta_1_20200101> }
