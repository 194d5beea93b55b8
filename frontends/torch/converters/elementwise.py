"""Elementwise ATen ops: unary math, arithmetic with scalars and broadcasting,
comparisons, logic, `where`/`masked_fill`, clamps, casts and the identities
(`clone`, `alias`, eval-mode `dropout`)."""

from __future__ import annotations

from typing import Any

from xdsl.dialects.builtin import StringAttr, TensorType, i1
from xdsl.ir import SSAValue

from dfc.dialects.dfg import elementwise as ew
from dfc.dialects.dfg.base import f64_attr, is_float, shape_of

from ..importer import Unsupported
from . import converts
from .common import NodeContext, promoted_element

_UNARY = {
    "aten.neg.default": ew.NegOp,
    "aten.abs.default": ew.AbsOp,
    "aten.exp.default": ew.ExpOp,
    "aten.log.default": ew.LogOp,
    "aten.sqrt.default": ew.SqrtOp,
    "aten.rsqrt.default": ew.RsqrtOp,
    "aten.reciprocal.default": ew.ReciprocalOp,
    "aten.tanh.default": ew.TanhOp,
    "aten.erf.default": ew.ErfOp,
    "aten.sigmoid.default": ew.SigmoidOp,
    "aten.relu.default": ew.ReluOp,
    "aten.sin.default": ew.SinOp,
    "aten.cos.default": ew.CosOp,
    "aten.floor.default": ew.FloorOp,
    "aten.ceil.default": ew.CeilOp,
}


def _unary(ctx: NodeContext) -> SSAValue:
    op_class = _UNARY[str(ctx.node.target)]
    t = ctx.result_type()
    x = ctx.operand(ctx["self"], t.get_element_type())
    return ctx.emit(op_class, [x], t)


converts(*_UNARY)(_unary)


@converts("aten.gelu.default")
def gelu(ctx: NodeContext) -> SSAValue:
    t = ctx.result_type()
    approximate = ctx["approximate"] or "none"
    attributes = (
        {"approximate": StringAttr(approximate)} if approximate != "none" else {}
    )
    return ctx.emit(ew.GeluOp, [ctx.tensor(ctx["self"])], t, attributes)


@converts("aten.silu.default")
def silu(ctx: NodeContext) -> SSAValue:
    """`x * sigmoid(x)`."""
    t = ctx.result_type()
    x = ctx.tensor(ctx["self"])
    return ctx.emit(ew.MulOp, [x, ctx.emit(ew.SigmoidOp, [x], t)], t)


@converts("aten.hardsigmoid.default")
def hardsigmoid(ctx: NodeContext) -> SSAValue:
    """`clip(x / 6 + 1/2, 0, 1)`."""
    t = ctx.result_type()
    return _hardsigmoid(ctx, ctx.tensor(ctx["self"]), t)


def _hardsigmoid(ctx: NodeContext, x: SSAValue, t: TensorType[Any]) -> SSAValue:
    element = t.get_element_type()
    scaled = ctx.emit(ew.MulOp, [x, ctx.scalar(1 / 6, element)], t)
    shifted = ctx.emit(ew.AddOp, [scaled, ctx.scalar(0.5, element)], t)
    attributes = {"min": f64_attr(0.0), "max": f64_attr(1.0)}
    return ctx.emit(ew.ClipOp, [shifted], t, attributes)


@converts("aten.hardswish.default")
def hardswish(ctx: NodeContext) -> SSAValue:
    t = ctx.result_type()
    x = ctx.tensor(ctx["self"])
    return ctx.emit(ew.MulOp, [x, _hardsigmoid(ctx, x, t)], t)


@converts("aten.leaky_relu.default")
def leaky_relu(ctx: NodeContext) -> SSAValue:
    """`where(x > 0, x, x * slope)`."""
    t = ctx.result_type()
    element = t.get_element_type()
    x = ctx.tensor(ctx["self"])
    positive = ctx.emit(
        ew.CompareOp,
        [x, ctx.scalar(0, element)],
        TensorType(i1, list(shape_of(x))),
        {"predicate": StringAttr("gt")},
    )
    scaled = ctx.emit(ew.MulOp, [x, ctx.scalar(ctx["negative_slope"], element)], t)
    return ctx.emit(ew.WhereOp, [positive, x, scaled], t)


# ---------------------------------------------------------------------------
# Binary arithmetic
# ---------------------------------------------------------------------------


def _binary(ctx: NodeContext, op_class: type, lhs: Any, rhs: Any) -> SSAValue:
    t = ctx.result_type()
    element = t.get_element_type()
    return ctx.emit(op_class, [ctx.operand(lhs, element), ctx.operand(rhs, element)], t)


def _scaled(ctx: NodeContext, value: Any, alpha: Any) -> Any:
    """`value * alpha` (the `alpha` of add/sub), folded for scalars."""
    if alpha is None or alpha == 1:
        return value
    if isinstance(value, bool | int | float):
        return value * alpha
    element = ctx.result_element()
    x = ctx.operand(value, element)
    return ctx.emit(ew.MulOp, [x, ctx.scalar(alpha, element)], x.type)


@converts("aten.add.Tensor", "aten.add.Scalar")
def add(ctx: NodeContext) -> SSAValue:
    return _binary(ctx, ew.AddOp, ctx["self"], _scaled(ctx, ctx["other"], ctx["alpha"]))


@converts("aten.sub.Tensor", "aten.sub.Scalar")
def sub(ctx: NodeContext) -> SSAValue:
    return _binary(ctx, ew.SubOp, ctx["self"], _scaled(ctx, ctx["other"], ctx["alpha"]))


@converts("aten.rsub.Scalar", "aten.rsub.Tensor")
def rsub(ctx: NodeContext) -> SSAValue:
    return _binary(
        ctx,
        ew.SubOp,
        _scaled(ctx, ctx["other"], 1),
        _scaled(ctx, ctx["self"], ctx["alpha"]),
    )


@converts("aten.mul.Tensor", "aten.mul.Scalar")
def mul(ctx: NodeContext) -> SSAValue:
    return _binary(ctx, ew.MulOp, ctx["self"], ctx["other"])


@converts("aten.div.Tensor", "aten.div.Scalar")
def div(ctx: NodeContext) -> SSAValue:
    return _binary(ctx, ew.DivOp, ctx["self"], ctx["other"])


@converts("aten.div.Tensor_mode", "aten.div.Scalar_mode")
def div_mode(ctx: NodeContext) -> SSAValue:
    mode = ctx["rounding_mode"]
    t = ctx.result_type()
    if mode is None:
        return _binary(ctx, ew.DivOp, ctx["self"], ctx["other"])
    if not is_float(t.get_element_type()):
        if mode == "trunc":
            return _binary(ctx, ew.DivOp, ctx["self"], ctx["other"])
        raise Unsupported(f"rounding_mode '{mode}' on integer tensors")
    quotient = _binary(ctx, ew.DivOp, ctx["self"], ctx["other"])
    if mode == "floor":
        return ctx.emit(ew.FloorOp, [quotient], t)
    # trunc: floor for positive quotients, ceil for negative ones
    element = t.get_element_type()
    negative = ctx.emit(
        ew.CompareOp,
        [quotient, ctx.scalar(0, element)],
        TensorType(i1, list(t.get_shape())),
        {"predicate": StringAttr("lt")},
    )
    return ctx.emit(
        ew.WhereOp,
        [
            negative,
            ctx.emit(ew.CeilOp, [quotient], t),
            ctx.emit(ew.FloorOp, [quotient], t),
        ],
        t,
    )


@converts("aten.maximum.default")
def maximum(ctx: NodeContext) -> SSAValue:
    return _binary(ctx, ew.MaxOp, ctx["self"], ctx["other"])


@converts("aten.minimum.default")
def minimum(ctx: NodeContext) -> SSAValue:
    return _binary(ctx, ew.MinOp, ctx["self"], ctx["other"])


@converts("aten.pow.Tensor_Scalar", "aten.pow.Tensor_Tensor", "aten.pow.Scalar")
def power(ctx: NodeContext) -> SSAValue:
    base, exponent = ctx["self"], ctx["exponent"]
    if isinstance(exponent, int | float) and exponent == 2:
        t = ctx.result_type()
        x = ctx.operand(base, t.get_element_type())
        return ctx.emit(ew.MulOp, [x, x], t)
    if isinstance(exponent, int | float) and exponent == 0.5:
        t = ctx.result_type()
        return ctx.emit(ew.SqrtOp, [ctx.operand(base, t.get_element_type())], t)
    return _binary(ctx, ew.PowOp, base, exponent)


# ---------------------------------------------------------------------------
# Comparisons and logic
# ---------------------------------------------------------------------------

_PREDICATES = ("eq", "ne", "lt", "le", "gt", "ge")


def _compare(ctx: NodeContext) -> SSAValue:
    predicate = str(ctx.node.target).split(".")[1]
    lhs, rhs = ctx["self"], ctx["other"]
    element = promoted_element(ctx, lhs, rhs)
    return ctx.emit(
        ew.CompareOp,
        [ctx.operand(lhs, element), ctx.operand(rhs, element)],
        ctx.result_type(),
        {"predicate": StringAttr(predicate)},
    )


converts(*(f"aten.{p}.{kind}" for p in _PREDICATES for kind in ("Tensor", "Scalar")))(
    _compare
)


def _logical(op_class: type, ctx: NodeContext) -> SSAValue:
    t = ctx.result_type()
    if t.get_element_type() != i1:
        raise Unsupported("bitwise ops on integer tensors (only bool is supported)")
    lhs = _as_bool(ctx, ctx["self"])
    rhs = _as_bool(ctx, ctx["other"])
    return ctx.emit(op_class, [lhs, rhs], t)


def _as_bool(ctx: NodeContext, value: Any) -> SSAValue:
    """`value != 0` unless it already is bool."""
    if isinstance(value, bool | int | float):
        return ctx.scalar(bool(value), i1)
    x = ctx.tensor(value)
    if ctx.element_of(x) == i1:
        return x
    return ctx.emit(
        ew.CompareOp,
        [x, ctx.scalar(0, ctx.element_of(x))],
        TensorType(i1, list(shape_of(x))),
        {"predicate": StringAttr("ne")},
    )


@converts(
    "aten.bitwise_and.Tensor", "aten.logical_and.default", "aten.bitwise_and.Scalar"
)
def logical_and(ctx: NodeContext) -> SSAValue:
    return _logical(ew.AndOp, ctx)


@converts("aten.bitwise_or.Tensor", "aten.logical_or.default", "aten.bitwise_or.Scalar")
def logical_or(ctx: NodeContext) -> SSAValue:
    return _logical(ew.OrOp, ctx)


@converts("aten.logical_not.default", "aten.bitwise_not.default")
def logical_not(ctx: NodeContext) -> SSAValue:
    t = ctx.result_type()
    if t.get_element_type() != i1:
        raise Unsupported("bitwise_not on integer tensors (only bool is supported)")
    return ctx.emit(ew.NotOp, [_as_bool(ctx, ctx["self"])], t)


@converts(
    "aten.where.self",
    "aten.where.ScalarOther",
    "aten.where.ScalarSelf",
    "aten.where.Scalar",
)
def where(ctx: NodeContext) -> SSAValue:
    t = ctx.result_type()
    element = t.get_element_type()
    condition = _as_bool(ctx, ctx["condition"])
    on_true = ctx.operand(ctx["self"], element)
    on_false = ctx.operand(ctx["other"], element)
    return ctx.emit(ew.WhereOp, [condition, on_true, on_false], t)


@converts("aten.masked_fill.Scalar", "aten.masked_fill.Tensor")
def masked_fill(ctx: NodeContext) -> SSAValue:
    t = ctx.result_type()
    element = t.get_element_type()
    value = ctx["value"]
    fill = ctx.operand(value, element)
    mask = _as_bool(ctx, ctx["mask"])
    return ctx.emit(ew.WhereOp, [mask, fill, ctx.operand(ctx["self"], element)], t)


# ---------------------------------------------------------------------------
# Clamps
# ---------------------------------------------------------------------------


def _clip(ctx: NodeContext, low: Any, high: Any) -> SSAValue:
    t = ctx.result_type()
    x = ctx.operand(ctx["self"], t.get_element_type())
    if (
        isinstance(low, SSAValue)
        or isinstance(high, SSAValue)
        or not (low is None or isinstance(low, int | float))
        or not (high is None or isinstance(high, int | float))
    ):
        result = x
        if low is not None:
            result = _binary_values(ctx, ew.MaxOp, result, low, t)
        if high is not None:
            result = _binary_values(ctx, ew.MinOp, result, high, t)
        return result
    attributes = {}
    if low is not None:
        attributes["min"] = f64_attr(float(low))
    if high is not None:
        attributes["max"] = f64_attr(float(high))
    return ctx.emit(ew.ClipOp, [x], t, attributes)


def _binary_values(
    ctx: NodeContext, op_class: type, x: SSAValue, other: Any, t: Any
) -> SSAValue:
    return ctx.emit(op_class, [x, ctx.operand(other, t.get_element_type())], t)


@converts("aten.clamp.default", "aten.clamp.Tensor")
def clamp(ctx: NodeContext) -> SSAValue:
    return _clip(ctx, ctx["min"], ctx["max"])


@converts("aten.clamp_min.default", "aten.clamp_min.Tensor")
def clamp_min(ctx: NodeContext) -> SSAValue:
    return _clip(ctx, ctx["min"], None)


@converts("aten.clamp_max.default", "aten.clamp_max.Tensor")
def clamp_max(ctx: NodeContext) -> SSAValue:
    return _clip(ctx, None, ctx["max"])


@converts("aten.hardtanh.default")
def hardtanh(ctx: NodeContext) -> SSAValue:
    return _clip(ctx, ctx["min_val"], ctx["max_val"])


# ---------------------------------------------------------------------------
# Casts and identities
# ---------------------------------------------------------------------------


@converts(
    "aten._to_copy.default",
    "aten.to.dtype",
    "aten.to.dtype_layout",
    "aten.to.device",
    "aten.type_as.default",
)
def to_copy(ctx: NodeContext) -> SSAValue:
    t = ctx.result_type()
    return ctx.cast(ctx.tensor(ctx["self"]), t.get_element_type())


@converts(
    "aten.clone.default",
    "aten.alias.default",
    "aten.detach.default",
    "aten.lift_fresh_copy.default",
    "aten.contiguous.default",
)
def identity(ctx: NodeContext) -> SSAValue:
    return ctx.tensor(ctx["self"])


@converts("aten.dropout.default", "aten.feature_dropout.default")
def dropout(ctx: NodeContext) -> SSAValue:
    if ctx["train"]:
        raise Unsupported("dropout in training mode (call model.eval())")
    return ctx.tensor(ctx["input"])


@converts("aten._assert_tensor_metadata.default", "aten._assert_scalar.default")
def assertion(ctx: NodeContext) -> None:
    return None
