"""The source data: typed, checked values read from ``data/`` (YAML and CSV with their lines), the checks across
files, and the national registry data the graph links to.
"""
