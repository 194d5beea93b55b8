"""Reference semantics of dfg's 'kernel' ops (being written)."""
