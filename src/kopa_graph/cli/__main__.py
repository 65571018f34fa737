"""``python -m kopa_graph.cli``: the command."""

from kopa_graph.cli import main

main()
