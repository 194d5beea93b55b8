"""Reference semantics of dfg's elementwise ops (ONNX operator semantics)."""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np

from dfc.dialects.dfg import elementwise as ew
from dfc.dialects.dfg.base import float_value, str_value

from .interpreter import implements as _register
from .interpreter import result_dtype, widen


def implements(op_type):
    """Register `fn` as the semantics of `op_type`, always returning an array:
    numpy ufuncs turn 0-d arrays into scalars (`tensor<f32>` operands)."""

    def register(fn):
        def run(op, operands):
            return np.asarray(fn(op, operands))

        _register(op_type)(run)
        return fn

    return register


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
# ONNX Relu is max(x, 0): NaN propagates (as in the ONNX reference, np.maximum).
implements(ew.ReluOp)(_unary(lambda x: np.where(x < 0, np.zeros_like(x), x)))
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


def _integer_bounds(op: ew.ClipOp, dtype: np.dtype) -> tuple[int | None, int | None]:
    """The clip bounds as integers of `dtype`: the integers in [min, max] are
    those in [ceil(min), floor(max)]; bounds outside the type's range saturate."""
    info = np.iinfo(dtype)
    lo = hi = None
    if op.min is not None:
        lo = min(max(math.ceil(float_value(op.min, 0.0)), info.min), info.max)
    if op.max is not None:
        hi = min(max(math.floor(float_value(op.max, 0.0)), info.min), info.max)
    return lo, hi


@implements(ew.ClipOp)
def _clip(op: ew.ClipOp, operands):
    x = widen(operands[0])
    if x.dtype.kind in "iu":
        lo, hi = _integer_bounds(op, x.dtype)
    else:
        lo = None if op.min is None else float_value(op.min, 0.0)
        hi = None if op.max is None else float_value(op.max, 0.0)
    result = x
    # Comparisons keep NaN (neither `<` nor `>` holds), as ONNX Clip does.
    if lo is not None:
        bound = np.asarray(lo).astype(x.dtype)
        result = np.where(result < bound, bound, result)
    if hi is not None:
        bound = np.asarray(hi).astype(x.dtype)
        result = np.where(result > bound, bound, result)
    return result


_BFLOAT16 = np.dtype(ml_dtypes.bfloat16)
_BFLOAT16_DIGITS = 8
"""Significant bits of bf16 (7 stored + the implicit one)."""


def _integers_to_bfloat16(x: np.ndarray) -> np.ndarray:
    """Integers rounded once, to nearest even, to bf16.

    ml_dtypes converts integers (and f64) to bf16 through f32, which rounds twice
    (2**24 + 2**16 + 1 would become 2**24 instead of 2**24 + 2**17); here the
    rounding to 8 significant bits is done exactly in integer arithmetic and the
    rounded value, exact in f32 and bf16, is converted afterwards."""
    v = x.astype(np.int64)
    negative = v < 0
    magnitude = np.abs(v).astype(np.uint64)  # |INT64_MIN| wraps to 2**63: correct
    bit_length = np.zeros(v.shape, dtype=np.int64)
    rest = magnitude.copy()
    while np.any(rest):
        bit_length += rest != 0
        rest >>= np.uint64(1)
    shift = np.maximum(bit_length - _BFLOAT16_DIGITS, 0).astype(np.uint64)
    quotient = magnitude >> shift
    remainder = magnitude - (quotient << shift)
    half = (np.uint64(1) << shift) >> np.uint64(1)
    round_up = (remainder > half) | (
        (remainder == half) & (shift > 0) & (quotient & np.uint64(1) == 1)
    )
    quotient = quotient + round_up.astype(np.uint64)
    value = quotient.astype(np.float64) * np.exp2(shift.astype(np.float64))
    return np.where(negative, -value, value).astype(np.float32).astype(_BFLOAT16)


@implements(ew.CastOp)
def _cast(op: ew.CastOp, operands):
    (x,) = operands
    target = result_dtype(op)
    if target == np.bool_:
        # ONNX Cast to bool: nonzero (NaN included) is true.
        return x != 0
    if target == _BFLOAT16 and x.dtype.kind in "iu":
        return _integers_to_bfloat16(x)
    source = widen(x)
    if target.kind in "iu" and source.dtype.kind == "f":
        # ONNX Cast float -> int truncates toward zero.
        with np.errstate(invalid="ignore"):
            return np.trunc(source).astype(target)
    # float -> float rounds to nearest even, once (narrow floats are exact in f32).
    return source.astype(target)


def _binary(fn):
    def run(op, operands):
        a, b = (widen(v) for v in operands)
        with np.errstate(all="ignore"):
            return fn(a, b)

    return run


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind in "iu":
        # ONNX Div on integers truncates toward zero (C semantics): floor
        # division, moved up by one where the division is inexact and the signs
        # differ. Division by zero gives 0 (undefined in ONNX).
        quotient = np.floor_divide(a, b)
        inexact = np.remainder(a, b) != 0
        return np.where(inexact & ((a < 0) ^ (b < 0)), quotient + 1, quotient).astype(
            a.dtype
        )
    return a / b


def _pow(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind in "iu":
        # Integer Pow: exact powers (wrapping like every integer op) for
        # exponents >= 0; a negative exponent gives trunc(a ** b), which is 1
        # for a base of 1, +-1 for -1 and 0 otherwise (0 ** -n included).
        a, b = np.broadcast_arrays(a, b)
        power = np.power(a, np.where(b < 0, 0, b))
        inverse = np.where(
            a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0)
        ).astype(a.dtype)
        return np.where(b < 0, inverse, power)
    return np.power(a, b)


implements(ew.AddOp)(_binary(np.add))
implements(ew.SubOp)(_binary(np.subtract))
implements(ew.MulOp)(_binary(np.multiply))
implements(ew.DivOp)(_binary(_div))
implements(ew.MaxOp)(_binary(np.maximum))
implements(ew.MinOp)(_binary(np.minimum))
implements(ew.PowOp)(_binary(_pow))
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
