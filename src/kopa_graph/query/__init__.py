"""Querying the graph: the named helpers and their ``.rq`` files, the lexer that refuses what must never run, the
sandboxed worker pool, and the W3C results writers.
"""
