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
