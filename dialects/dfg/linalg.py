"""dfg ops of the 'linalg' family (being written)."""

OPS: tuple[type, ...] = ()
