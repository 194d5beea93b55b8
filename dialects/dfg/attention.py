"""dfg ops of the 'attention' family (being written)."""

OPS: tuple[type, ...] = ()
