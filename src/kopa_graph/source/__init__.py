"""The source data: typed, checked values read from ``data/`` (YAML and CSV, each value with its line), the
checks across files, name resolution (a name as an article writes it, to an identifier), and the national
registry data the graph links to.
"""
