"""``kopa-graph serve``: the application and its bounded HTTP connection layer."""
