"""dfg ops of the 'movement' family (being written)."""

OPS: tuple[type, ...] = ()
