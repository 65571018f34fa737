"""The RDF graph: building it from the source data (the one place IRIs are minted: ``iris``), the registry links
and derived facts, labels, and the dataset's own description.
"""
