"""The published article: its layout, splitting its lists, ingesting it into the source data (and checking it
against them), and rendering the graph back in its layout.
"""
