"""Reference semantics of `dfg.constant`."""

from __future__ import annotations

from dfc.dialects.dfg.constant import ConstantOp

from .interpreter import attribute_array, implements


@implements(ConstantOp)
def _constant(op: ConstantOp, operands):
    return attribute_array(op.value)
