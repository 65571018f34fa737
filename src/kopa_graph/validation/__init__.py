"""SHACL validation: the entry point, the fast core-constraint path, SHACL-SPARQL constraints, the pySHACL
reference path, and the generated classification shapes.
"""
