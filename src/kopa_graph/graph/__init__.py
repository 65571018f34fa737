"""The RDF graph: its namespaces, the one place IRIs are minted, building it from the source data, the registry
links and derived facts, and the dataset's own description.
"""
