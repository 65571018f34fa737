"""Municipal boundaries: TopoJSON decoding, the ETRS-TM35FIN projection, simplification on shared arcs,
mergers, WKT. Pure computation on numbers: it imports nothing of kopa-graph's but the core modules, so the
source loader, the graph builder and the site can all use it (docs/architecture.md)."""
