"""Reference semantics of dfg's 'normalization' ops (being written)."""
