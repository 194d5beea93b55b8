"""dfg ops of the 'kernel' family (being written)."""

OPS: tuple[type, ...] = ()
