"""Converters for ONNX's elementwise ops, including the activations that dfg
expresses as short compositions (LeakyRelu, HardSigmoid, Softplus, ...)."""

from __future__ import annotations

from xdsl.dialects.builtin import StringAttr, i1

from dfc.dialects.dfg import elementwise as ew

from ..importer import Unsupported
from ..types import is_integer_type
from . import converter
from .common import (
    binary,
    cast,
    compare,
    computes_in_f32,
    element,
    f32_attr,
    scalar,
    unary,
)

_BINARY = {
    "Add": (ew.AddOp, (7, 13, 14)),
    "Sub": (ew.SubOp, (7, 13, 14)),
    "Mul": (ew.MulOp, (7, 13, 14)),
    "Div": (ew.DivOp, (7, 13, 14)),
    "And": (ew.AndOp, (7,)),
    "Or": (ew.OrOp, (7,)),
}


def _register_binary(op_type: str, op_cls, versions) -> None:
    @converter(op_type, versions)
    def convert(ctx):
        return binary(ctx, op_cls, ctx.input(0), ctx.input(1))


for _name, (_cls, _versions) in _BINARY.items():
    _register_binary(_name, _cls, _versions)


@converter("Pow", (7, 12, 13, 15))
def _pow(ctx):
    base, exponent = ctx.input(0), ctx.input(1)
    base_type, exponent_type = element(base), element(exponent)
    if is_integer_type(base_type) and not is_integer_type(exponent_type):
        # An integer base with a float exponent computes in float (numpy's and
        # onnxruntime's behaviour) and truncates back to the base's type.
        powered = binary(ctx, ew.PowOp, cast(ctx, base, exponent_type), exponent)
        return cast(ctx, powered, base_type)
    return binary(ctx, ew.PowOp, base, cast(ctx, exponent, base_type))


def _register_variadic(op_type: str, op_cls, versions) -> None:
    @converter(op_type, versions)
    def convert(ctx):
        result = ctx.input(0)
        for index in range(1, ctx.num_inputs):
            result = binary(ctx, op_cls, result, ctx.input(index))
        return result


_register_variadic("Max", ew.MaxOp, (8, 12, 13))
_register_variadic("Min", ew.MinOp, (8, 12, 13))
_register_variadic("Sum", ew.AddOp, (8, 13))


@converter("Mean", (8, 13))
@computes_in_f32
def _mean(ctx):
    total = ctx.input(0)
    for index in range(1, ctx.num_inputs):
        total = binary(ctx, ew.AddOp, total, ctx.input(index))
    return binary(ctx, ew.DivOp, total, scalar(ctx, ctx.num_inputs, total))


_UNARY = {
    "Neg": (ew.NegOp, (6, 13)),
    "Abs": (ew.AbsOp, (6, 13)),
    "Exp": (ew.ExpOp, (6, 13)),
    "Log": (ew.LogOp, (6, 13)),
    "Sqrt": (ew.SqrtOp, (6, 13)),
    "Reciprocal": (ew.ReciprocalOp, (6, 13)),
    "Tanh": (ew.TanhOp, (6, 13)),
    "Erf": (ew.ErfOp, (9, 13)),
    "Sigmoid": (ew.SigmoidOp, (6, 13)),
    "Relu": (ew.ReluOp, (6, 13, 14)),
    "Sin": (ew.SinOp, (7,)),
    "Cos": (ew.CosOp, (7,)),
    "Floor": (ew.FloorOp, (6, 13)),
    "Ceil": (ew.CeilOp, (6, 13)),
    "Not": (ew.NotOp, (1,)),
}


def _register_unary(op_type: str, op_cls, versions) -> None:
    @converter(op_type, versions)
    def convert(ctx):
        return unary(ctx, op_cls, ctx.input(0))


for _name, (_cls, _versions) in _UNARY.items():
    _register_unary(_name, _cls, _versions)


_COMPARISONS = {
    "Equal": ("eq", (7, 11, 13, 19)),
    "Less": ("lt", (7, 9, 13)),
    "LessOrEqual": ("le", (12, 16)),
    "Greater": ("gt", (7, 9, 13)),
    "GreaterOrEqual": ("ge", (12, 16)),
}


def _register_compare(op_type: str, predicate: str, versions) -> None:
    @converter(op_type, versions)
    def convert(ctx):
        return compare(ctx, predicate, ctx.input(0), ctx.input(1))


for _name, (_predicate, _versions) in _COMPARISONS.items():
    _register_compare(_name, _predicate, _versions)


@converter("Xor", (7,))
def _xor(ctx):
    return compare(ctx, "ne", ctx.input(0), ctx.input(1))


@converter("Where", (9, 16))
def _where(ctx):
    condition, on_true, on_false = ctx.input(0), ctx.input(1), ctx.input(2)
    op = ew.WhereOp.build(
        operands=[condition, on_true, on_false], result_types=[ctx.output_type()]
    )
    return ctx.add(op).results[0]


@converter("Cast", (6, 9, 13, 19, 21, 23, 24, 25))
def _cast(ctx):
    if ctx.attrs.get("saturate", 1) != 1 and ctx.opset >= 19:
        raise Unsupported("attribute 'saturate' = 0 is not supported")
    return cast(ctx, ctx.input(0), element(ctx.output_type()))


@converter("CastLike", (15, 19, 21, 23, 24, 25))
def _cast_like(ctx):
    return cast(ctx, ctx.input(0), element(ctx.input(1)))


@converter("Clip", (6, 11, 12, 13))
def _clip(ctx):
    x = ctx.input(0)
    attributes = {}
    if ctx.opset < 11:
        if "min" in ctx.attrs:
            attributes["min"] = f32_attr(ctx.attrs["min"])
        if "max" in ctx.attrs:
            attributes["max"] = f32_attr(ctx.attrs["max"])
    else:
        for index, name in ((1, "min"), (2, "max")):
            if ctx.has_input(index):
                bound = ctx.require_const(index, name)
                attributes[name] = f32_attr(float(bound.reshape(())))
    return unary(ctx, ew.ClipOp, x, attributes)


@converter("Gelu", (20,))
def _gelu(ctx):
    approximate = ctx.attrs.get("approximate", "none")
    return unary(ctx, ew.GeluOp, ctx.input(0), {"approximate": StringAttr(approximate)})


@converter("Identity", (1, 13, 14, 16, 19, 21, 23, 24, 25))
def _identity(ctx):
    return ctx.input(0)


@converter("Dropout", (7, 10, 12, 13, 22))
def _dropout(ctx):
    # Inference: the output is the input; the optional mask is all true.
    if ctx.has_input(2):
        training = ctx.const(2)
        if training is None or bool(training):
            raise Unsupported("training mode is not supported")
    outputs = [ctx.input(0)]
    if len(ctx.node.output) > 1 and ctx.node.output[1]:
        import numpy as np

        outputs.append(np.ones(ctx.importer.output_type(ctx.node.output[0]).get_shape(), dtype=np.bool_))
    return outputs


@converter("LeakyRelu", (6, 16))
@computes_in_f32
def _leaky_relu(ctx):
    x = ctx.input(0)
    alpha = ctx.attrs.get("alpha", 0.01)
    scaled = binary(ctx, ew.MulOp, x, scalar(ctx, alpha, x))
    positive = compare(ctx, "gt", x, scalar(ctx, 0, x))
    op = ew.WhereOp.build(operands=[positive, x, scaled], result_types=[x.type])
    return ctx.add(op).results[0]


@converter("Elu", (6, 22))
@computes_in_f32
def _elu(ctx):
    x = ctx.input(0)
    alpha = ctx.attrs.get("alpha", 1.0)
    expm1 = binary(ctx, ew.SubOp, unary(ctx, ew.ExpOp, x), scalar(ctx, 1, x))
    negative = binary(ctx, ew.MulOp, expm1, scalar(ctx, alpha, x))
    positive = compare(ctx, "gt", x, scalar(ctx, 0, x))
    op = ew.WhereOp.build(operands=[positive, x, negative], result_types=[x.type])
    return ctx.add(op).results[0]


@converter("Selu", (6, 22))
@computes_in_f32
def _selu(ctx):
    x = ctx.input(0)
    alpha = ctx.attrs.get("alpha", 1.67326319217681884765625)
    gamma = ctx.attrs.get("gamma", 1.05070102214813232421875)
    expm1 = binary(ctx, ew.SubOp, unary(ctx, ew.ExpOp, x), scalar(ctx, 1, x))
    negative = binary(ctx, ew.MulOp, expm1, scalar(ctx, alpha, x))
    positive = compare(ctx, "gt", x, scalar(ctx, 0, x))
    op = ew.WhereOp.build(operands=[positive, x, negative], result_types=[x.type])
    selected = ctx.add(op).results[0]
    return binary(ctx, ew.MulOp, selected, scalar(ctx, gamma, x))


@converter("HardSigmoid", (6, 22))
@computes_in_f32
def _hard_sigmoid(ctx):
    x = ctx.input(0)
    alpha, beta = ctx.attrs.get("alpha", 0.2), ctx.attrs.get("beta", 0.5)
    linear = binary(ctx, ew.AddOp, binary(ctx, ew.MulOp, x, scalar(ctx, alpha, x)), scalar(ctx, beta, x))
    return unary(ctx, ew.ClipOp, linear, {"min": f32_attr(0.0), "max": f32_attr(1.0)})


@converter("HardSwish", (14, 22))
@computes_in_f32
def _hard_swish(ctx):
    x = ctx.input(0)
    linear = binary(ctx, ew.AddOp, binary(ctx, ew.MulOp, x, scalar(ctx, 1 / 6, x)), scalar(ctx, 0.5, x))
    gate = unary(ctx, ew.ClipOp, linear, {"min": f32_attr(0.0), "max": f32_attr(1.0)})
    return binary(ctx, ew.MulOp, x, gate)


@converter("Softplus", (1, 22))
@computes_in_f32
def _softplus(ctx):
    x = ctx.input(0)
    return unary(ctx, ew.LogOp, binary(ctx, ew.AddOp, unary(ctx, ew.ExpOp, x), scalar(ctx, 1, x)))


@converter("Softsign", (1, 22))
@computes_in_f32
def _softsign(ctx):
    x = ctx.input(0)
    return binary(ctx, ew.DivOp, x, binary(ctx, ew.AddOp, unary(ctx, ew.AbsOp, x), scalar(ctx, 1, x)))


@converter("Mish", (18, 22))
@computes_in_f32
def _mish(ctx):
    x = ctx.input(0)
    softplus = unary(ctx, ew.LogOp, binary(ctx, ew.AddOp, unary(ctx, ew.ExpOp, x), scalar(ctx, 1, x)))
    return binary(ctx, ew.MulOp, x, unary(ctx, ew.TanhOp, softplus))


@converter("ThresholdedRelu", (10, 22))
def _thresholded_relu(ctx):
    x = ctx.input(0)
    alpha = ctx.attrs.get("alpha", 1.0)
    keep = compare(ctx, "gt", x, scalar(ctx, alpha, x))
    op = ew.WhereOp.build(operands=[keep, x, scalar(ctx, 0, x)], result_types=[x.type])
    return ctx.add(op).results[0]


@converter("PRelu", (7, 9, 16))
@computes_in_f32
def _prelu(ctx):
    x, slope = ctx.input(0), ctx.input(1)
    scaled = binary(ctx, ew.MulOp, x, slope)
    positive = compare(ctx, "gt", x, scalar(ctx, 0, x))
    op = ew.WhereOp.build(operands=[positive, x, scaled], result_types=[ctx.output_type()])
    return ctx.add(op).results[0]


@converter("IsNaN", (9, 13, 20))
def _isnan(ctx):
    x = ctx.input(0)
    return compare(ctx, "ne", x, x)


@converter("Sign", (9, 13))
def _sign(ctx):
    x = ctx.input(0)
    zero, one, minus_one = scalar(ctx, 0, x), scalar(ctx, 1, x), scalar(ctx, -1, x)
    positive = compare(ctx, "gt", x, zero)
    negative = compare(ctx, "lt", x, zero)
    inner = ctx.add(ew.WhereOp.build(operands=[negative, minus_one, zero], result_types=[x.type])).results[0]
    return ctx.add(ew.WhereOp.build(operands=[positive, one, inner], result_types=[x.type])).results[0]


@converter("BitwiseNot", (18,))
def _bitwise_not(ctx):
    if element(ctx.input(0)) != i1:
        raise Unsupported("only boolean tensors are supported")
    return unary(ctx, ew.NotOp, ctx.input(0))
