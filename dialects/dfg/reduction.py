"""dfg ops of the 'reduction' family (being written)."""

OPS: tuple[type, ...] = ()
