"""Reference semantics of dfg's 'pooling' ops (being written)."""
