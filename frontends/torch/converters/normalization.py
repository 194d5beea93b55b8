"""Softmax, layer/RMS normalization and eval-mode batch normalization."""

from __future__ import annotations

from typing import Any

import torch
from xdsl.dialects.builtin import IntegerAttr, TensorType, i64
from xdsl.ir import SSAValue

from dfc.dialects.dfg import elementwise as ew
from dfc.dialects.dfg.base import f64_attr, shape_of
from dfc.dialects.dfg.normalization import (
    LayerNormOp,
    LogSoftmaxOp,
    RmsNormOp,
    SoftmaxOp,
)

from ..importer import Unsupported
from . import converts
from .common import NodeContext, Unavailable, int_list, normalize_dim


def _softmax(ctx: NodeContext, op_class: type) -> SSAValue:
    t = ctx.result_type()
    x = ctx.cast(ctx.tensor(ctx["self"]), t.get_element_type())
    axis = normalize_dim(ctx["dim"], len(shape_of(x)))
    return ctx.emit(op_class, [x], t, {"axis": IntegerAttr(axis, i64)})


@converts("aten._softmax.default", "aten.softmax.int", "aten._safe_softmax.default")
def softmax(ctx: NodeContext) -> SSAValue:
    return _softmax(ctx, SoftmaxOp)


@converts("aten._log_softmax.default", "aten.log_softmax.int")
def log_softmax(ctx: NodeContext) -> SSAValue:
    return _softmax(ctx, LogSoftmaxOp)


def _layer_norm(ctx: NodeContext, t: TensorType[Any]) -> SSAValue:
    x = ctx.tensor(ctx["input"])
    rank = len(shape_of(x))
    axis = rank - len(int_list(ctx["normalized_shape"]))
    weight, bias = ctx["weight"], ctx["bias"]
    operands = [
        x,
        ctx.tensor(weight) if weight is not None else None,
        ctx.tensor(bias) if bias is not None else None,
    ]
    attributes = {
        "axis": IntegerAttr(axis, i64),
        "epsilon": f64_attr(float(ctx["eps"])),
    }
    return ctx.emit(LayerNormOp, operands, t, attributes)


@converts("aten.layer_norm.default")
def layer_norm(ctx: NodeContext) -> SSAValue:
    return _layer_norm(ctx, ctx.result_type())


@converts("aten.native_layer_norm.default")
def native_layer_norm(ctx: NodeContext) -> tuple[Any, ...]:
    out = _layer_norm(ctx, ctx.result_type(0))
    return out, Unavailable("the layer-norm mean"), Unavailable("the layer-norm rstd")


@converts("aten.rms_norm.default")
def rms_norm(ctx: NodeContext) -> SSAValue:
    t = ctx.result_type()
    x = ctx.tensor(ctx["input"])
    axis = len(shape_of(x)) - len(int_list(ctx["normalized_shape"]))
    eps = ctx["eps"]
    if eps is None:  # PyTorch's default: the machine epsilon of the dtype
        eps = torch.finfo(ctx.val().dtype).eps
    weight = ctx["weight"]
    operands = [x, ctx.tensor(weight) if weight is not None else None]
    attributes = {"axis": IntegerAttr(axis, i64), "epsilon": f64_attr(float(eps))}
    return ctx.emit(RmsNormOp, operands, t, attributes)


@converts("aten._native_batch_norm_legit_no_training.default")
def batch_norm(ctx: NodeContext) -> tuple[Any, ...]:
    """Eval-mode batch norm with known statistics: `x * scale + shift` with
    `scale = weight / sqrt(var + eps)` and `shift = bias - mean * scale`
    computed at import, broadcast over `[C, 1, ...]`."""
    t = ctx.result_type(0)
    x = ctx.tensor(ctx["input"])
    mean, var = ctx.const(ctx["running_mean"]), ctx.const(ctx["running_var"])
    if mean is None or var is None:
        raise Unsupported("batch norm with running statistics computed at run time")
    weight = (
        ctx.const(ctx["weight"]) if ctx["weight"] is not None else torch.ones_like(mean)
    )
    bias = ctx.const(ctx["bias"]) if ctx["bias"] is not None else torch.zeros_like(mean)
    if weight is None or bias is None:
        raise Unsupported("batch norm with a weight or bias computed at run time")
    dtype = ctx.val(0).dtype
    with torch.no_grad():
        scale = (weight.double() / torch.sqrt(var.double() + float(ctx["eps"]))).to(
            dtype
        )
        shift = (bias.double() - mean.double() * scale.double()).to(dtype)
    rank = len(shape_of(x))
    channels = shape_of(x)[1]
    view = (channels,) + (1,) * (rank - 2)
    name = ctx.node.name
    scaled = ctx.emit(
        ew.MulOp,
        [x, ctx.constant(scale.reshape(view).contiguous(), f"{name}.scale")],
        t,
    )
    out = ctx.emit(
        ew.AddOp,
        [scaled, ctx.constant(shift.reshape(view).contiguous(), f"{name}.shift")],
        t,
    )
    return out, Unavailable("the batch-norm mean"), Unavailable("the batch-norm rstd")
