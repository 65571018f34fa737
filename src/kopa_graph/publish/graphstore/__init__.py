"""The Graph Store client behind :mod:`kopa_graph.publish.triplestore`: authentication (:mod:`.auth`), requests
with retries (:mod:`.client`), what stores change on read-back (:mod:`.dialects`), uploads in pieces through a
staging graph (:mod:`.staged`) and Virtuoso bulk-load bundles (:mod:`.bundle`)."""
