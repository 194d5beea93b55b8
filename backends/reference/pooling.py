"""Reference semantics of dfg's pooling ops (ONNX MaxPool, AveragePool,
GlobalMaxPool, GlobalAveragePool), vectorized with sliding-window views."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from dfc.dialects.dfg import pooling
from dfc.dialects.dfg.base import bool_value

from .interpreter import implements, widen


def pool_windows(
    x: np.ndarray,
    kernel: tuple[int, ...],
    strides: tuple[int, ...],
    pads: tuple[int, ...],
    dilations: tuple[int, ...],
    out_size: tuple[int, int],
    fill: float | int,
) -> np.ndarray:
    """The `[N, C, OH, OW, KH, KW]` windows of `x`; positions outside the
    input (explicit padding or the ceil-mode overhang) read `fill`."""
    _, _, h, w = x.shape
    pt, pl, _, _ = pads
    spans = [
        (out - 1) * stride + dilation * (k - 1) + 1
        for out, stride, dilation, k in zip(out_size, strides, dilations, kernel)
    ]
    end_h, end_w = spans[0] - pt - h, spans[1] - pl - w
    padded = np.pad(
        x,
        ((0, 0), (0, 0), (pt, max(end_h, 0)), (pl, max(end_w, 0))),
        constant_values=fill,
    )[:, :, : spans[0], : spans[1]]
    effective = tuple(d * (k - 1) + 1 for d, k in zip(dilations, kernel))
    windows = sliding_window_view(padded, effective, axis=(2, 3))
    return windows[:, :, :: strides[0], :: strides[1], :: dilations[0], :: dilations[1]]


def _lowest(dtype: np.dtype) -> float | int:
    return -np.inf if dtype.kind == "f" else int(np.iinfo(dtype).min)


@implements(pooling.MaxPool2dOp)
def _max_pool(op: pooling.MaxPool2dOp, operands: list[np.ndarray]) -> np.ndarray:
    x = widen(operands[0])
    windows = pool_windows(
        x,
        op.kernel_values(),
        op.stride_values(),
        op.pad_values(),
        op.dilation_values(),
        op.output_spatial(),
        _lowest(x.dtype),
    )
    # np.max propagates NaN, as ONNX MaxPool does.
    return windows.max(axis=(-2, -1))


def _window_counts(
    out: int, kernel: int, stride: int, pad_begin: int, low: int, high: int
) -> np.ndarray:
    """How many of each output's window positions fall in `[low, high)`."""
    positions = (
        np.arange(out)[:, None] * stride + np.arange(kernel)[None, :] - pad_begin
    )
    return ((positions >= low) & (positions < high)).sum(axis=1)


@implements(pooling.AvgPool2dOp)
def _avg_pool(op: pooling.AvgPool2dOp, operands: list[np.ndarray]) -> np.ndarray:
    x = widen(operands[0])
    _, _, h, w = x.shape
    kh, kw = op.kernel_values()
    sh, sw = op.stride_values()
    pt, pl, pb, pr = op.pad_values()
    oh, ow = op.output_spatial()
    windows = pool_windows(x, (kh, kw), (sh, sw), (pt, pl, pb, pr), (1, 1), (oh, ow), 0)
    sums = windows.sum(axis=(-2, -1))
    if bool_value(op.count_include_pad):
        # Explicit padding counts; the ceil-mode overhang beyond it does not.
        rows = _window_counts(oh, kh, sh, pt, -pt, h + pb)
        cols = _window_counts(ow, kw, sw, pl, -pl, w + pr)
    else:
        rows = _window_counts(oh, kh, sh, pt, 0, h)
        cols = _window_counts(ow, kw, sw, pl, 0, w)
    counts = (rows[:, None] * cols[None, :]).astype(x.dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts


@implements(pooling.GlobalMaxPoolOp)
def _global_max(op: pooling.GlobalMaxPoolOp, operands: list[np.ndarray]):
    x = widen(operands[0])
    return x.max(axis=tuple(range(2, x.ndim)), keepdims=True)


@implements(pooling.GlobalAvgPoolOp)
def _global_avg(op: pooling.GlobalAvgPoolOp, operands: list[np.ndarray]):
    x = widen(operands[0])
    return x.mean(axis=tuple(range(2, x.ndim)), keepdims=True)
