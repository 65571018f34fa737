"""``python -m kopa_graph.cli``: the ``kopa-graph`` command, the same in every way (it runs :func:`kopa_graph.cli.run`,
as ``python -m kopa_graph`` does)."""

from kopa_graph.cli import run

run()
