"""Converters for ONNX's reductions (Reduce*, with ReduceSumSquare, ReduceL1,
ReduceL2, ReduceLogSum and ReduceLogSumExp as compositions), Softmax,
LogSoftmax and CumSum."""

from __future__ import annotations

import math

import numpy as np
from xdsl.dialects.builtin import IntegerAttr, StringAttr, i64
from xdsl.ir import SSAValue

from dfc.dialects.dfg import elementwise as ew
from dfc.dialects.dfg import normalization as norm
from dfc.dialects.dfg import reduction as red
from dfc.dialects.dfg.base import bool_attr, i64_array, is_float, normalize_axis

from ..importer import Unsupported
from . import converter
from .common import binary, element, scalar, shape, tensor, unary
from .linalg import reshape
from .narrow_float import is_narrow_float, stepwise_softmax

# ---------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------


def reduce(
    ctx, op_cls, x: SSAValue, axes: tuple[int, ...] | None, keepdims: bool
) -> SSAValue:
    """`op_cls` over normalized `axes` (None: every axis; (): no reduction)."""
    dims = shape(x)
    if axes == ():
        return x
    reduced = set(range(len(dims))) if axes is None else set(axes)
    if keepdims:
        out = tuple(1 if i in reduced else d for i, d in enumerate(dims))
    else:
        out = tuple(d for i, d in enumerate(dims) if i not in reduced)
    attributes = {"keepdims": bool_attr(keepdims)}
    if axes is not None:
        attributes["axes"] = i64_array(sorted(reduced))
    op = op_cls.build(
        operands=[x], result_types=[tensor(element(x), out)], attributes=attributes
    )
    return ctx.add(op).results[0]


def _axes_input_since(op_type: str) -> int:
    return 13 if op_type == "ReduceSum" else 18


def reduction_axes(ctx, op_type: str, rank: int) -> tuple[int, ...] | None:
    """The node's normalized axes; None = all, () = identity (noop)."""
    if ctx.opset >= _axes_input_since(op_type):
        raw = (
            ctx.require_const(1, "axes").reshape(-1).tolist()
            if ctx.has_input(1)
            else []
        )
        noop = bool(ctx.attrs.get("noop_with_empty_axes", 0))
    else:
        raw = list(ctx.attrs.get("axes", []))
        noop = False
    if not raw:
        return () if noop else None
    normalized = []
    for axis in raw:
        n = normalize_axis(int(axis), rank)
        if n is None:
            raise Unsupported(f"axis {axis} is out of range for rank {rank}")
        if n not in normalized:
            normalized.append(n)
    return tuple(sorted(normalized))


def _keepdims(ctx) -> bool:
    return bool(ctx.attrs.get("keepdims", 1))


def _float_only(ctx, x: SSAValue, op_type: str) -> None:
    if not is_float(element(x)):
        raise Unsupported(f"{op_type} on {element(x)} tensors is not supported")


_SIMPLE = {
    "ReduceSum": (red.ReduceSumOp, (1, 11, 13)),
    "ReduceMean": (red.ReduceMeanOp, (1, 11, 13, 18)),
    "ReduceMax": (red.ReduceMaxOp, (1, 11, 12, 13, 18, 20)),
    "ReduceMin": (red.ReduceMinOp, (1, 11, 12, 13, 18, 20)),
    "ReduceProd": (red.ReduceProdOp, (1, 11, 13, 18)),
}


def _register_simple(op_type: str, op_cls, versions) -> None:
    @converter(op_type, versions)
    def convert(ctx):
        x = ctx.input(0)
        axes = reduction_axes(ctx, op_type, len(shape(x)))
        if op_cls in (red.ReduceMaxOp, red.ReduceMinOp) and math.prod(shape(x)) == 0:
            return _empty_extreme(ctx, op_cls, x, axes)
        return reduce(ctx, op_cls, x, axes, _keepdims(ctx))


def _empty_extreme(ctx, op_cls, x: SSAValue, axes):
    """Max/Min over an empty set: ONNX gives the lowest/highest value."""
    dims = shape(x)
    reduced = set(range(len(dims))) if axes is None else set(axes)
    if axes == ():
        return x
    if _keepdims(ctx):
        out = tuple(1 if i in reduced else d for i, d in enumerate(dims))
    else:
        out = tuple(d for i, d in enumerate(dims) if i not in reduced)
    from .linalg import np_dtype

    dtype = np_dtype(x)
    if dtype.kind == "f":
        fill = -np.inf if op_cls is red.ReduceMaxOp else np.inf
    elif dtype == np.bool_:
        fill = op_cls is not red.ReduceMaxOp
    else:
        info = np.iinfo(dtype)
        fill = info.min if op_cls is red.ReduceMaxOp else info.max
    # A list: the importer would iterate a bare array as several outputs.
    return [np.full(out, fill, dtype=dtype)]


for _name, (_cls, _versions) in _SIMPLE.items():
    _register_simple(_name, _cls, _versions)


@converter("ReduceSumSquare", (1, 11, 13, 18))
def _reduce_sum_square(ctx):
    x = ctx.input(0)
    axes = reduction_axes(ctx, "ReduceSumSquare", len(shape(x)))
    return reduce(
        ctx, red.ReduceSumOp, binary(ctx, ew.MulOp, x, x), axes, _keepdims(ctx)
    )


@converter("ReduceL1", (1, 11, 13, 18))
def _reduce_l1(ctx):
    x = ctx.input(0)
    axes = reduction_axes(ctx, "ReduceL1", len(shape(x)))
    return reduce(ctx, red.ReduceSumOp, unary(ctx, ew.AbsOp, x), axes, _keepdims(ctx))


@converter("ReduceL2", (1, 11, 13, 18))
def _reduce_l2(ctx):
    x = ctx.input(0)
    _float_only(ctx, x, "ReduceL2")
    axes = reduction_axes(ctx, "ReduceL2", len(shape(x)))
    total = reduce(
        ctx, red.ReduceSumOp, binary(ctx, ew.MulOp, x, x), axes, _keepdims(ctx)
    )
    return unary(ctx, ew.SqrtOp, total)


@converter("ReduceLogSum", (1, 11, 13, 18, 28))
def _reduce_log_sum(ctx):
    x = ctx.input(0)
    _float_only(ctx, x, "ReduceLogSum")
    axes = reduction_axes(ctx, "ReduceLogSum", len(shape(x)))
    return unary(ctx, ew.LogOp, reduce(ctx, red.ReduceSumOp, x, axes, _keepdims(ctx)))


@converter("ReduceLogSumExp", (1, 11, 13, 18, 28))
def _reduce_log_sum_exp(ctx):
    x = ctx.input(0)
    _float_only(ctx, x, "ReduceLogSumExp")
    axes = reduction_axes(ctx, "ReduceLogSumExp", len(shape(x)))
    keepdims = _keepdims(ctx)
    if axes == ():
        return x
    if math.prod(shape(x)) == 0:
        total = reduce(ctx, red.ReduceSumOp, x, axes, keepdims)
        return unary(ctx, ew.LogOp, total)  # log(0) = -inf
    # Stable form: max + log(sum(exp(x - max))); an infinite max is replaced
    # by 0 so that rows of -inf (or +inf) do not produce NaN.
    peak = reduce(ctx, red.ReduceMaxOp, x, axes, True)
    finite = binary(
        ctx,
        ew.CompareOp,
        peak,
        scalar(ctx, np.inf, peak),
        {"predicate": StringAttr("ne")},
    )
    finite = binary(
        ctx,
        ew.AndOp,
        finite,
        binary(
            ctx,
            ew.CompareOp,
            peak,
            scalar(ctx, -np.inf, peak),
            {"predicate": StringAttr("ne")},
        ),
    )
    zero = scalar(ctx, 0, peak)
    op = ew.WhereOp.build(operands=[finite, peak, zero], result_types=[peak.type])
    peak = ctx.add(op).results[0]
    shifted = unary(ctx, ew.ExpOp, binary(ctx, ew.SubOp, x, peak))
    logs = unary(ctx, ew.LogOp, reduce(ctx, red.ReduceSumOp, shifted, axes, True))
    result = binary(ctx, ew.AddOp, logs, peak)
    if not keepdims:
        result = reshape(ctx, result, ctx.output_type().get_shape())
    return result


@converter("ArgMax", (1, 11, 12, 13))
def _argmax(ctx):
    raise Unsupported(
        "ArgMax has no dfg op (index-producing reductions are not supported)"
    )


@converter("ArgMin", (1, 11, 12, 13))
def _argmin(ctx):
    raise Unsupported(
        "ArgMin has no dfg op (index-producing reductions are not supported)"
    )


# ---------------------------------------------------------------------------
# Softmax / LogSoftmax
# ---------------------------------------------------------------------------


def _register_softmax(op_type: str, op_cls) -> None:
    @converter(op_type, (1, 11, 13))
    def convert(ctx):
        x = ctx.input(0)
        _float_only(ctx, x, op_type)
        dims = shape(x)
        rank = len(dims)
        if rank == 0:
            raise Unsupported(f"{op_type} of a rank-0 tensor is not supported")
        # bf16/f16 Softmax rounds after each numpy step, as onnx.reference
        # does (narrow_float.py); LogSoftmax keeps its single rounding.
        stepwise = op_cls is norm.SoftmaxOp and is_narrow_float(element(x))
        if ctx.opset >= 13:
            axis = normalize_axis(int(ctx.attrs.get("axis", -1)), rank)
            if axis is None:
                raise Unsupported(f"axis {ctx.attrs.get('axis')} is out of range")
            if stepwise:
                return stepwise_softmax(ctx, x, axis, guard_masked_rows=False)
            op = op_cls.build(
                operands=[x],
                result_types=[x.type],
                attributes={"axis": IntegerAttr(axis, i64)},
            )
            return ctx.add(op).results[0]
        # Opset < 13: coerce to 2-D [prod(dims[:axis]), prod(dims[axis:])].
        raw = int(ctx.attrs.get("axis", 1))
        axis = raw + rank if raw < 0 else raw
        if not 0 <= axis <= rank:
            raise Unsupported(f"axis {raw} is out of range")
        flat = (math.prod(dims[:axis]), math.prod(dims[axis:]))
        viewed = reshape(ctx, x, flat)
        if stepwise:
            return reshape(
                ctx, stepwise_softmax(ctx, viewed, 1, guard_masked_rows=False), dims
            )
        op = op_cls.build(
            operands=[viewed],
            result_types=[tensor(element(x), flat)],
            attributes={"axis": IntegerAttr(1, i64)},
        )
        return reshape(ctx, ctx.add(op).results[0], dims)


_register_softmax("Softmax", norm.SoftmaxOp)
_register_softmax("LogSoftmax", norm.LogSoftmaxOp)


# ---------------------------------------------------------------------------
# CumSum
# ---------------------------------------------------------------------------


@converter("CumSum", (11, 14))
def _cumsum(ctx):
    x = ctx.input(0)
    axis_value = ctx.require_const(1, "axis")
    rank = len(shape(x))
    axis = normalize_axis(int(axis_value.reshape(-1)[0]), rank)
    if axis is None:
        raise Unsupported(
            f"axis {int(axis_value.reshape(-1)[0])} is out of range for rank {rank}"
        )
    attributes = {"axis": IntegerAttr(axis, i64), "kind": StringAttr("sum")}
    if ctx.attrs.get("exclusive", 0):
        attributes["exclusive"] = bool_attr(True)
    if ctx.attrs.get("reverse", 0):
        attributes["reverse"] = bool_attr(True)
    op = red.ScanOp.build(operands=[x], result_types=[x.type], attributes=attributes)
    return ctx.add(op).results[0]
