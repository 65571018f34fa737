"""Reports for people: how the graph is linked to the registries, the article's totals beside the data, and the
CSV export.
"""
