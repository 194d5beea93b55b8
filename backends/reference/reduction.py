"""Reference semantics of dfg's reduction ops (ONNX Reduce* and CumSum)."""

from __future__ import annotations

import numpy as np

from dfc.dialects.dfg import reduction as red
from dfc.dialects.dfg.base import bool_value

from .interpreter import implements, widen


def _lowest(dtype: np.dtype) -> np.generic:
    """The identity of max: -inf for floats, the minimum integer, False."""
    if dtype == np.bool_:
        return np.bool_(False)
    if dtype.kind == "f":
        return dtype.type(-np.inf)
    return np.iinfo(dtype).min


def _highest(dtype: np.dtype) -> np.generic:
    """The identity of min: +inf for floats, the maximum integer, True."""
    if dtype == np.bool_:
        return np.bool_(True)
    if dtype.kind == "f":
        return dtype.type(np.inf)
    return np.iinfo(dtype).max


def _reduce(kind: str):
    def run(op: red.ReduceOp, operands: list[np.ndarray]) -> np.ndarray:
        # Full reductions give numpy scalars; the interpreter wants arrays.
        return np.asarray(_reduce_array(kind, op, widen(operands[0])))

    return run


def _reduce_array(kind: str, op: red.ReduceOp, x: np.ndarray) -> np.ndarray:
    axes = op.normalized_axes()
    keepdims = op.keep_dims()
    with np.errstate(all="ignore"):
        if kind == "sum":
            # Integer sums wrap in the element type (modular arithmetic).
            return np.sum(x, axis=axes, keepdims=keepdims, dtype=x.dtype)
        if kind == "prod":
            return np.prod(x, axis=axes, keepdims=keepdims, dtype=x.dtype)
        if kind == "max":
            # `initial` gives empty reductions the identity; NaN propagates.
            return np.max(x, axis=axes, keepdims=keepdims, initial=_lowest(x.dtype))
        if kind == "min":
            return np.min(x, axis=axes, keepdims=keepdims, initial=_highest(x.dtype))
        assert kind == "mean"
        count = int(np.prod([x.shape[a] for a in axes]))
        if x.dtype.kind == "f":
            total = np.sum(x, axis=axes, keepdims=keepdims, dtype=x.dtype)
            return total / x.dtype.type(count)
        # Integers: exact mean in f64, truncated toward zero (the ONNX reference
        # `np.mean(x).astype(dtype)`; onnxruntime's integer sum / count agrees).
        total = np.sum(x.astype(np.float64), axis=axes, keepdims=keepdims)
        mean = np.trunc(total / count) if count else np.zeros_like(total)
        return mean.astype(x.dtype)


implements(red.ReduceSumOp)(_reduce("sum"))
implements(red.ReduceMeanOp)(_reduce("mean"))
implements(red.ReduceMaxOp)(_reduce("max"))
implements(red.ReduceMinOp)(_reduce("min"))
implements(red.ReduceProdOp)(_reduce("prod"))

_SCAN = {
    "sum": (np.add, lambda dt: dt.type(0)),
    "prod": (np.multiply, lambda dt: dt.type(1)),
    # fmax/fmin would drop NaN; maximum/minimum propagate it like ONNX Max/Min.
    "max": (np.maximum, _lowest),
    "min": (np.minimum, _highest),
}


@implements(red.ScanOp)
def _scan(op: red.ScanOp, operands: list[np.ndarray]) -> np.ndarray:
    x = widen(operands[0])
    if x.size == 0:
        return x
    axis = op.normalized_axis()
    ufunc, identity = _SCAN[op.kind.data]
    reverse = bool_value(op.reverse, False)
    exclusive = bool_value(op.exclusive, False)
    if reverse:
        x = np.flip(x, axis)
    if exclusive:
        # Shift by one along the axis, filling the first slot with the identity.
        pad = np.full_like(np.take(x, [0], axis=axis), identity(x.dtype))
        x = np.concatenate([pad, np.take(x, range(x.shape[axis] - 1), axis=axis)], axis)
    with np.errstate(all="ignore"):
        result = ufunc.accumulate(x, axis=axis, dtype=x.dtype)
    if reverse:
        result = np.flip(result, axis)
    return result
