"""Reference semantics of dfg's data-movement ops (ONNX Transpose, Reshape,
Expand, Concat, Slice, Pad and Gather)."""

from __future__ import annotations

import numpy as np

from dfc.dialects.dfg import movement as mv
from dfc.dialects.dfg.base import float_value, shape_of
from dfc.dialects.diagnostics import diagnostic_for

from .interpreter import InterpreterError, implements, result_dtype


@implements(mv.TransposeOp)
def _transpose(op: mv.TransposeOp, operands):
    return np.transpose(operands[0], op.permutation())


@implements(mv.ReshapeOp)
def _reshape(op: mv.ReshapeOp, operands):
    return np.reshape(operands[0], shape_of(op.output))


@implements(mv.BroadcastOp)
def _broadcast(op: mv.BroadcastOp, operands):
    return np.broadcast_to(operands[0], shape_of(op.output)).copy()


@implements(mv.ConcatOp)
def _concat(op: mv.ConcatOp, operands):
    return np.concatenate(operands, axis=op.normalized_axis())


@implements(mv.SliceOp)
def _slice(op: mv.SliceOp, operands):
    index: list[slice] = []
    for start, step, count in op.windows():
        stop = start + step * count
        # A backward slice that runs past index 0 has no non-negative stop.
        index.append(slice(start, stop if stop >= 0 else None, step))
    return np.asarray(operands[0][tuple(index)])


@implements(mv.PadOp)
def _pad(op: mv.PadOp, operands):
    (x,) = operands
    begins, ends = op.begins_ends()
    # Negative pads crop first, positive ones pad the cropped tensor.
    crop = tuple(
        slice(max(-b, 0), dim - max(-e, 0))
        for dim, b, e in zip(x.shape, begins, ends, strict=True)
    )
    x = x[crop]
    width = [(max(b, 0), max(e, 0)) for b, e in zip(begins, ends, strict=True)]
    mode = op.pad_mode()
    if mode == "constant":
        fill = np.asarray(float_value(op.value, 0.0)).astype(result_dtype(op))
        return np.pad(x, width, mode="constant", constant_values=fill)
    return np.pad(x, width, mode=mode)


@implements(mv.GatherOp)
def _gather(op: mv.GatherOp, operands):
    data, indices = operands
    axis = op.normalized_axis()
    n = data.shape[axis]
    idx = indices.astype(np.int64)
    bad = (idx < -n) | (idx >= n)
    if bad.any():
        first = int(idx[bad].flat[0])
        raise InterpreterError(
            diagnostic_for(
                op,
                f"'dfg.gather' index {first} is out of range [-{n}, {n}) for "
                f"axis {axis} of operand #0 ('data')",
            ).format()
        )
    return np.asarray(np.take(data, np.where(idx < 0, idx + n, idx), axis=axis))
