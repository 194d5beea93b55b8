"""dfg ops of the 'normalization' family (being written)."""

OPS: tuple[type, ...] = ()
