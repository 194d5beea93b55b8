"""Reference semantics of dfg's 'movement' ops (being written)."""
