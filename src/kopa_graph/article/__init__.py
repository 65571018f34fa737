"""The published article: its layout, splitting its lists, resolving its names, ingesting it into the source
data, comparing it with the data, and rendering the graph back in its layout.
"""
