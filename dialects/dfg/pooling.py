"""dfg ops of the 'pooling' family (being written)."""

OPS: tuple[type, ...] = ()
