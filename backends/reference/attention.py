"""Reference semantics of dfg's 'attention' ops (being written)."""
