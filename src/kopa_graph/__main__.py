"""``python -m kopa_graph``: the ``kopa-graph`` command, the same in every way (it runs :func:`kopa_graph.cli.run`)."""

from kopa_graph.cli import run

run()
