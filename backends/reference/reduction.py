"""Reference semantics of dfg's 'reduction' ops (being written)."""
