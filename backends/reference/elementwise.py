"""Reference semantics of dfg's elementwise ops (ONNX operator semantics)."""

from __future__ import annotations

import math

import numpy as np

from dfc.dialects.dfg import elementwise as ew
from dfc.dialects.dfg.base import float_value, str_value

from .interpreter import implements, result_dtype, widen

_erf = np.vectorize(math.erf, otypes=[np.float64])


def erf(x: np.ndarray) -> np.ndarray:
    """Gauss error function, elementwise (math.erf is correctly rounded in f64)."""
    return _erf(x.astype(np.float64)).astype(x.dtype) if x.size else x.copy()


def _unary(fn):
    def run(op, operands):
        (x,) = operands
        with np.errstate(all="ignore"):
            return fn(widen(x))

    return run


implements(ew.NegOp)(_unary(np.negative))
implements(ew.AbsOp)(_unary(np.abs))
implements(ew.ExpOp)(_unary(np.exp))
implements(ew.LogOp)(_unary(np.log))
implements(ew.SqrtOp)(_unary(np.sqrt))
implements(ew.RsqrtOp)(_unary(lambda x: 1 / np.sqrt(x)))
implements(ew.ReciprocalOp)(_unary(lambda x: 1 / x))
implements(ew.TanhOp)(_unary(np.tanh))
implements(ew.ErfOp)(_unary(erf))
implements(ew.SigmoidOp)(_unary(lambda x: 1 / (1 + np.exp(-x))))
implements(ew.ReluOp)(_unary(lambda x: np.where(x > 0, x, np.zeros_like(x))))
implements(ew.SinOp)(_unary(np.sin))
implements(ew.CosOp)(_unary(np.cos))
implements(ew.FloorOp)(_unary(np.floor))
implements(ew.CeilOp)(_unary(np.ceil))
implements(ew.NotOp)(_unary(np.logical_not))


@implements(ew.GeluOp)
def _gelu(op: ew.GeluOp, operands):
    x = widen(operands[0])
    if str_value(op.approximate, "none") == "tanh":
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)
        return 0.5 * x * (1 + np.tanh(inner))
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


@implements(ew.ClipOp)
def _clip(op: ew.ClipOp, operands):
    x = widen(operands[0])
    result = x
    if op.min is not None:
        lo = np.asarray(float_value(op.min, 0.0)).astype(x.dtype)
        result = np.where(result < lo, lo, result)
    if op.max is not None:
        hi = np.asarray(float_value(op.max, 0.0)).astype(x.dtype)
        result = np.where(result > hi, hi, result)
    return result


@implements(ew.CastOp)
def _cast(op: ew.CastOp, operands):
    (x,) = operands
    target = result_dtype(op)
    if target == np.bool_:
        return x != 0
    source = widen(x)
    if target.kind in "iu" and source.dtype.kind == "f":
        # ONNX Cast float -> int truncates toward zero.
        with np.errstate(invalid="ignore"):
            return np.trunc(source).astype(target)
    return source.astype(target)


def _binary(fn):
    def run(op, operands):
        a, b = (widen(v) for v in operands)
        with np.errstate(all="ignore"):
            return fn(a, b)

    return run


def _int_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind in "iu":
        # ONNX Div on integers truncates toward zero (C semantics).
        quotient = np.abs(a) // np.where(b == 0, 1, np.abs(b))
        return np.where((a < 0) ^ (b < 0), -quotient, quotient).astype(a.dtype)
    return a / b


implements(ew.AddOp)(_binary(np.add))
implements(ew.SubOp)(_binary(np.subtract))
implements(ew.MulOp)(_binary(np.multiply))
implements(ew.DivOp)(_binary(_int_div))
implements(ew.MaxOp)(_binary(np.maximum))
implements(ew.MinOp)(_binary(np.minimum))
implements(ew.PowOp)(_binary(np.power))
implements(ew.AndOp)(_binary(np.logical_and))
implements(ew.OrOp)(_binary(np.logical_or))

_COMPARE = {
    "eq": np.equal,
    "ne": np.not_equal,
    "lt": np.less,
    "le": np.less_equal,
    "gt": np.greater,
    "ge": np.greater_equal,
}


@implements(ew.CompareOp)
def _compare(op: ew.CompareOp, operands):
    a, b = (widen(v) for v in operands)
    assert op.predicate is not None
    return _COMPARE[op.predicate.data](a, b)


@implements(ew.WhereOp)
def _where(op: ew.WhereOp, operands):
    condition, on_true, on_false = operands
    return np.where(condition, on_true, on_false)
