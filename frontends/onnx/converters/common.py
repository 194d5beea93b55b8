"""Building blocks shared by the converters."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import FloatAttr, StringAttr, TensorType, f32, i1
from xdsl.ir import Attribute, SSAValue

from dfc.dialects.dfg import elementwise as ew
from dfc.dialects.dfg.base import broadcast_shapes


def _type_of(value: SSAValue | Attribute) -> TensorType[Attribute]:
    t = value.type if isinstance(value, SSAValue) else value
    assert isinstance(t, TensorType)
    return t  # pyright: ignore[reportUnknownVariableType]


def shape(value: SSAValue | Attribute) -> tuple[int, ...]:
    return tuple(_type_of(value).get_shape())


def element(value: SSAValue | Attribute) -> Attribute:
    return _type_of(value).get_element_type()


def tensor(element_type: Attribute, dims: Sequence[int]) -> TensorType[Attribute]:
    return TensorType(element_type, list(dims))


def binary(ctx, op_cls, lhs: SSAValue, rhs: SSAValue, attributes=None) -> SSAValue:
    """A broadcasting binary dfg op; the result type follows numpy rules."""
    out_shape = broadcast_shapes(shape(lhs), shape(rhs))
    assert out_shape is not None
    result_element = i1 if op_cls is ew.CompareOp else element(lhs)
    op = op_cls.build(
        operands=[lhs, rhs],
        result_types=[tensor(result_element, out_shape)],
        attributes=attributes or {},
    )
    return ctx.add(op).results[0]


def unary(ctx, op_cls, x: SSAValue, attributes=None) -> SSAValue:
    op = op_cls.build(operands=[x], result_types=[x.type], attributes=attributes or {})
    return ctx.add(op).results[0]


def compare(ctx, predicate: str, lhs: SSAValue, rhs: SSAValue) -> SSAValue:
    return binary(ctx, ew.CompareOp, lhs, rhs, {"predicate": StringAttr(predicate)})


def cast(ctx, x: SSAValue, element_type: Attribute) -> SSAValue:
    if element(x) == element_type:
        return x
    op = ew.CastOp.build(operands=[x], result_types=[tensor(element_type, shape(x))])
    return ctx.add(op).results[0]


def scalar(ctx, value: float | int, like: SSAValue) -> SSAValue:
    """A rank-0 constant of `like`'s element type."""
    import onnx

    from dfc.frontends.onnx.types import element_type_to_onnx

    dtype = onnx.helper.tensor_dtype_to_np_dtype(element_type_to_onnx(element(like)))
    return ctx.constant(np.array(value, dtype=dtype), hint="scalar")


def f32_attr(value: float) -> FloatAttr:
    return FloatAttr(float(value), f32)


_NARROW_FLOATS = ("bf16", "f16")


def _is_narrow_float(element_type: Attribute) -> bool:
    return str(element_type) in _NARROW_FLOATS


class _F32View:
    """A NodeContext whose float inputs read as f32 (see `computes_in_f32`)."""

    def __init__(self, ctx) -> None:
        self._ctx = ctx

    def __getattr__(self, name: str):
        return getattr(self._ctx, name)

    def input(self, index: int) -> SSAValue:
        value = self._ctx.input(index)
        if _is_narrow_float(element(value)):
            return cast(self._ctx, value, f32)
        return value

    def output_type(self, index: int = 0) -> TensorType[Attribute]:
        t = self._ctx.output_type(index)
        if _is_narrow_float(t.get_element_type()):
            return tensor(f32, t.get_shape())
        return t


def computes_in_f32(fn):
    """Run a converter that expands one ONNX op into several dfg ops in f32 when
    its tensors are bf16/f16, and round once at the end: the ONNX op then
    rounds once, like every single dfg op does, instead of once per step."""

    def convert(ctx):
        result = fn(_F32View(ctx))
        values = result if isinstance(result, list) else [result]
        rounded = []
        for index, value in enumerate(values):
            if isinstance(value, SSAValue):
                target = element(ctx.output_type(index))
                value = cast(ctx, value, target)
            rounded.append(value)
        return rounded if isinstance(result, list) else rounded[0]

    convert.__name__ = fn.__name__
    convert.__doc__ = fn.__doc__
    return convert
