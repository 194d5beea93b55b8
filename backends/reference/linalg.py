"""Reference semantics of dfg's linear-algebra ops: `matmul` and
`batch_matmul` (numpy matmul semantics, ONNX MatMul / MatMulInteger) and
`conv2d` (ONNX Conv, computed as an im2col matrix product per group)."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from dfc.dialects.dfg import linalg
from dfc.dialects.dfg.base import bool_value

from .interpreter import implements, widen


def _matmul_inputs(
    op: linalg.MatmulBase, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    if bool_value(op.transpose_a):
        a = np.swapaxes(a, -1, -2)
    if bool_value(op.transpose_b):
        b = np.swapaxes(b, -1, -2)
    if a.dtype.kind in "iu":
        # Accumulate integers in i64; the interpreter casts to the result type
        # (i32 for i8 operands, otherwise the operand type, wrapping on overflow).
        return a.astype(np.int64), b.astype(np.int64)
    return widen(a), widen(b)


@implements(linalg.MatmulOp, linalg.BatchMatmulOp)
def _matmul(op: linalg.MatmulBase, operands: list[np.ndarray]) -> np.ndarray:
    a, b = _matmul_inputs(op, *operands)
    return np.matmul(a, b)


def conv2d(
    x: np.ndarray,
    w: np.ndarray,
    bias: np.ndarray | None,
    strides: tuple[int, ...],
    pads: tuple[int, ...],
    dilations: tuple[int, ...],
    groups: int,
) -> np.ndarray:
    """NCHW x OIHW grouped convolution: one batched matrix product of the
    weights `[G, O/G, C/G*KH*KW]` with the im2col patches
    `[G, C/G*KH*KW, N*OH*OW]`."""
    n, c, _, _ = x.shape
    o, cg, kh, kw = w.shape
    sh, sw = strides
    pt, pl, pb, pr = pads
    dh, dw = dilations
    padded = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    windows = sliding_window_view(
        padded, (dh * (kh - 1) + 1, dw * (kw - 1) + 1), axis=(2, 3)
    )[:, :, ::sh, ::sw, ::dh, ::dw]
    oh, ow = windows.shape[2:4]
    cols = (
        windows.reshape(n, groups, cg, oh, ow, kh, kw)
        .transpose(1, 2, 5, 6, 0, 3, 4)
        .reshape(groups, cg * kh * kw, n * oh * ow)
    )
    kernels = w.reshape(groups, o // groups, cg * kh * kw)
    out = np.matmul(kernels, cols)
    out = out.reshape(groups, o // groups, n, oh, ow).transpose(2, 0, 1, 3, 4)
    out = out.reshape(n, o, oh, ow)
    if bias is not None:
        out = out + bias.reshape(1, o, 1, 1)
    return out


@implements(linalg.Conv2dOp)
def _conv2d(op: linalg.Conv2dOp, operands: list[np.ndarray]) -> np.ndarray:
    x, w = widen(operands[0]), widen(operands[1])
    bias = widen(operands[2]) if len(operands) > 2 else None
    return conv2d(
        x,
        w,
        bias,
        op.stride_values(),
        op.pad_values(),
        op.dilation_values(),
        op.group_count(),
    )
