"""Reference semantics of dfg's 'linalg' ops (being written)."""
