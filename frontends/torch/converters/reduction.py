"""Reductions (`sum`, `mean`, `amax`, `amin`, `prod`, `any`, `all`, `var`)
and `cumsum`."""

from __future__ import annotations

from typing import Any

from xdsl.dialects.builtin import IntegerAttr, StringAttr, TensorType, i64
from xdsl.ir import SSAValue

from dfc.dialects.dfg import elementwise as ew
from dfc.dialects.dfg import reduction as red
from dfc.dialects.dfg.base import bool_attr, i64_array, shape_of

from . import converts
from .common import NodeContext, int_list, normalize_dim


def _reduce(ctx: NodeContext, op_class: type, dims: Any, keepdim: bool) -> SSAValue:
    t = ctx.result_type()
    x = ctx.tensor(ctx["self"])
    rank = len(shape_of(x))
    x = ctx.cast(x, t.get_element_type())  # `dtype`; any/all take non-bool input
    axes = sorted({normalize_dim(d, rank) for d in int_list(dims)}) if dims else []
    if rank == 0:
        return ctx.reshape(x, t.get_shape())
    attributes = {"keepdims": bool_attr(bool(keepdim))}
    if axes:
        attributes["axes"] = i64_array(axes)
    return ctx.emit(op_class, [x], t, attributes)


@converts("aten.sum.dim_IntList")
def sum_dim(ctx: NodeContext) -> SSAValue:
    return _reduce(ctx, red.ReduceSumOp, ctx["dim"], ctx["keepdim"])


@converts("aten.sum.default")
def sum_all(ctx: NodeContext) -> SSAValue:
    return _reduce(ctx, red.ReduceSumOp, None, False)


@converts("aten.mean.dim")
def mean_dim(ctx: NodeContext) -> SSAValue:
    return _reduce(ctx, red.ReduceMeanOp, ctx["dim"], ctx["keepdim"])


@converts("aten.mean.default")
def mean_all(ctx: NodeContext) -> SSAValue:
    return _reduce(ctx, red.ReduceMeanOp, None, False)


@converts("aten.amax.default")
def amax(ctx: NodeContext) -> SSAValue:
    return _reduce(ctx, red.ReduceMaxOp, ctx["dim"], ctx["keepdim"])


@converts("aten.amin.default")
def amin(ctx: NodeContext) -> SSAValue:
    return _reduce(ctx, red.ReduceMinOp, ctx["dim"], ctx["keepdim"])


@converts("aten.max.default")
def max_all(ctx: NodeContext) -> SSAValue:
    return _reduce(ctx, red.ReduceMaxOp, None, False)


@converts("aten.min.default")
def min_all(ctx: NodeContext) -> SSAValue:
    return _reduce(ctx, red.ReduceMinOp, None, False)


@converts("aten.prod.dim_int")
def prod_dim(ctx: NodeContext) -> SSAValue:
    return _reduce(ctx, red.ReduceProdOp, ctx["dim"], ctx["keepdim"])


@converts("aten.any.dim", "aten.any.dims")
def any_dim(ctx: NodeContext) -> SSAValue:
    return _reduce(ctx, red.ReduceMaxOp, ctx["dim"], ctx["keepdim"])


@converts("aten.all.dim", "aten.all.dims")
def all_dim(ctx: NodeContext) -> SSAValue:
    return _reduce(ctx, red.ReduceMinOp, ctx["dim"], ctx["keepdim"])


@converts("aten.var.correction")
def var(ctx: NodeContext) -> SSAValue:
    """`sum((x - mean)^2) / (N - correction)` over `dim`."""
    t = ctx.result_type()
    element = t.get_element_type()
    x = ctx.tensor(ctx["self"])
    shape = shape_of(x)
    rank = len(shape)
    dims = ctx["dim"]
    axes = (
        sorted({normalize_dim(d, rank) for d in int_list(dims)})
        if dims
        else list(range(rank))
    )
    count = 1
    for a in axes:
        count *= shape[a]
    kept = TensorType(element, [1 if i in axes else d for i, d in enumerate(shape)])
    attributes = {"axes": i64_array(axes), "keepdims": bool_attr(True)}
    mean = ctx.emit(red.ReduceMeanOp, [x], kept, attributes)
    centered = ctx.emit(ew.SubOp, [x, mean], x.type)
    squares = ctx.emit(ew.MulOp, [centered, centered], x.type)
    attributes = {"axes": i64_array(axes), "keepdims": bool_attr(bool(ctx["keepdim"]))}
    total = ctx.emit(red.ReduceSumOp, [squares], t, attributes)
    correction = ctx["correction"]
    correction = 1 if correction is None else correction
    return ctx.emit(
        ew.DivOp, [total, ctx.scalar(max(count - correction, 0), element)], t
    )


@converts("aten.cumsum.default")
def cumsum(ctx: NodeContext) -> SSAValue:
    t = ctx.result_type()
    x = ctx.cast(ctx.tensor(ctx["self"]), t.get_element_type())
    rank = len(shape_of(x))
    attributes = {
        "axis": IntegerAttr(normalize_dim(ctx["dim"], rank), i64),
        "kind": StringAttr("sum"),
    }
    return ctx.emit(red.ScanOp, [x], t, attributes)
