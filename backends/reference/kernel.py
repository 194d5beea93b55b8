"""Reference semantics of `dfg.kernel`: run the body with the operands bound to
the block arguments; `dfg.yield` (`IS_TERMINATOR_YIELD`) ends the block and its
operands are the results (see `run_block`)."""

from __future__ import annotations

import numpy as np
from xdsl.ir import SSAValue

from dfc.dialects.dfg.kernel import KernelOp

from .interpreter import implements, run_block


@implements(KernelOp)
def _kernel(op: KernelOp, operands: list[np.ndarray]) -> list[np.ndarray]:
    values: dict[SSAValue, np.ndarray] = dict(zip(op.block.args, operands, strict=True))
    return run_block(op.block.ops, values)
