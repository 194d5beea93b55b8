"""2-D pooling: max, average and adaptive (global, or evenly dividing)."""

from __future__ import annotations

from typing import Any

from xdsl.ir import SSAValue

from dfc.dialects.dfg.base import bool_attr, i64_array, shape_of
from dfc.dialects.dfg.pooling import (
    AvgPool2dOp,
    GlobalAvgPoolOp,
    GlobalMaxPoolOp,
    MaxPool2dOp,
)

from ..importer import Unsupported
from . import converts
from .common import NodeContext, Unavailable, int_list


def _pair(value: Any, default: list[int]) -> list[int]:
    values = int_list(value) if value is not None else []
    if not values:
        return default
    return values * 2 if len(values) == 1 else values


def _window(ctx: NodeContext, *, dilation: bool) -> dict[str, Any]:
    if len(ctx.shape_of(ctx["self"])) != 4:
        raise Unsupported("pooling of a tensor that is not 4-D (NCHW)")
    kernel = _pair(ctx["kernel_size"], [])
    stride = _pair(ctx["stride"], kernel)
    ph, pw = _pair(ctx["padding"], [0, 0])
    attributes: dict[str, Any] = {
        "kernel": i64_array(kernel),
        "strides": i64_array(stride),
        "pads": i64_array([ph, pw, ph, pw]),
    }
    if ctx["ceil_mode"]:
        attributes["ceil_mode"] = bool_attr(True)
    if dilation:
        attributes["dilations"] = i64_array(_pair(ctx["dilation"], [1, 1]))
    return attributes


@converts("aten.max_pool2d_with_indices.default")
def max_pool2d_with_indices(ctx: NodeContext) -> tuple[Any, ...]:
    x = ctx.tensor(ctx["self"])
    out = ctx.emit(MaxPool2dOp, [x], ctx.result_type(0), _window(ctx, dilation=True))
    return out, Unavailable("the max-pool indices")


@converts("aten.max_pool2d.default")
def max_pool2d(ctx: NodeContext) -> SSAValue:
    x = ctx.tensor(ctx["self"])
    return ctx.emit(MaxPool2dOp, [x], ctx.result_type(), _window(ctx, dilation=True))


@converts("aten.avg_pool2d.default")
def avg_pool2d(ctx: NodeContext) -> SSAValue:
    if ctx["divisor_override"] is not None:
        raise Unsupported("avg_pool2d with divisor_override")
    x = ctx.tensor(ctx["self"])
    attributes = _window(ctx, dilation=False)
    if ctx["count_include_pad"]:
        attributes["count_include_pad"] = bool_attr(True)
    return ctx.emit(AvgPool2dOp, [x], ctx.result_type(), attributes)


def _adaptive(ctx: NodeContext, global_op: type, window_op: type, t: Any) -> SSAValue:
    x = ctx.tensor(ctx["self"])
    shape = shape_of(x)
    if len(shape) != 4:
        raise Unsupported("adaptive pooling of a tensor that is not 4-D (NCHW)")
    out = _pair(ctx["output_size"], [])
    if out == [1, 1]:
        return ctx.emit(global_op, [x], t)
    h, w = shape[2:]
    if h % out[0] or w % out[1]:
        raise Unsupported(
            f"adaptive pooling of {h}x{w} to {out[0]}x{out[1]} (uneven windows)"
        )
    kernel = [h // out[0], w // out[1]]
    attributes = {"kernel": i64_array(kernel), "strides": i64_array(kernel)}
    return ctx.emit(window_op, [x], t, attributes)


@converts("aten.adaptive_avg_pool2d.default", "aten._adaptive_avg_pool2d.default")
def adaptive_avg_pool2d(ctx: NodeContext) -> SSAValue:
    return _adaptive(ctx, GlobalAvgPoolOp, AvgPool2dOp, ctx.result_type())


@converts("aten.adaptive_max_pool2d.default")
def adaptive_max_pool2d(ctx: NodeContext) -> tuple[Any, ...]:
    out = _adaptive(ctx, GlobalMaxPoolOp, MaxPool2dOp, ctx.result_type(0))
    return out, Unavailable("the max-pool indices")
