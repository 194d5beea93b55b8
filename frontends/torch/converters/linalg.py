"""Contractions: `mm`, `addmm`, `bmm`, `baddbmm` and `convolution` (1-D as a
2-D convolution over a unit height, 2-D directly).

A matmul operand produced by a `dfg.transpose` of its last two dims (the
`permute` that `nn.Linear` decomposes into) is read in place with
`transpose_a`/`transpose_b`; the dead transpose is erased at the end."""

from __future__ import annotations

from typing import Any

from xdsl.dialects.builtin import IntegerAttr, TensorType, i64
from xdsl.ir import SSAValue

from dfc.dialects.dfg import elementwise as ew
from dfc.dialects.dfg.base import bool_attr, i64_array, shape_of
from dfc.dialects.dfg.linalg import BatchMatmulOp, Conv2dOp, MatmulOp
from dfc.dialects.dfg.movement import TransposeOp

from ..importer import Unsupported
from . import converts
from .common import NodeContext


def _swaps_last_two(op: TransposeOp) -> bool:
    perm = list(op.permutation())
    rank = len(perm)
    return rank >= 2 and perm == [*range(rank - 2), rank - 1, rank - 2]


def _operand(ctx: NodeContext, value: Any) -> tuple[SSAValue, bool]:
    """The SSA value to read and whether it is read transposed."""
    x = ctx.tensor(value)
    owner = x.owner
    if isinstance(owner, TransposeOp) and _swaps_last_two(owner):
        return owner.input, True
    return x, False


def _matmul(ctx: NodeContext, lhs: Any, rhs: Any, t: TensorType[Any]) -> SSAValue:
    a, transpose_a = _operand(ctx, lhs)
    b, transpose_b = _operand(ctx, rhs)
    attributes = {}
    if transpose_a:
        attributes["transpose_a"] = bool_attr(True)
    if transpose_b:
        attributes["transpose_b"] = bool_attr(True)
    batched = len(shape_of(a)) > 2 or len(shape_of(b)) > 2
    op_class = BatchMatmulOp if batched else MatmulOp
    return ctx.emit(op_class, [a, b], t, attributes)


def _scale(ctx: NodeContext, x: SSAValue, factor: Any) -> SSAValue:
    if factor is None or factor == 1:
        return x
    return ctx.emit(ew.MulOp, [x, ctx.scalar(factor, ctx.element_of(x))], x.type)


@converts("aten.mm.default", "aten.bmm.default")
def mm(ctx: NodeContext) -> SSAValue:
    return _matmul(ctx, ctx["self"], ctx["mat2"], ctx.result_type())


@converts("aten.addmm.default", "aten.baddbmm.default")
def addmm(ctx: NodeContext) -> SSAValue:
    """`beta * self + alpha * (mat1 @ mat2)` (`batch1`/`batch2` for baddbmm)."""
    t = ctx.result_type()
    lhs = ctx.params.get("mat1", ctx.params.get("batch1"))
    rhs = ctx.params.get("mat2", ctx.params.get("batch2"))
    product = _scale(ctx, _matmul(ctx, lhs, rhs, t), ctx["alpha"])
    if ctx["beta"] == 0:
        return product
    bias = _scale(ctx, ctx.tensor(ctx["self"]), ctx["beta"])
    return ctx.emit(ew.AddOp, [product, bias], t)


@converts("aten.convolution.default")
def convolution(ctx: NodeContext) -> SSAValue:
    if ctx["transposed"]:
        raise Unsupported("transposed convolution")
    x = ctx.tensor(ctx["input"])
    w = ctx.tensor(ctx["weight"])
    bias = ctx["bias"]
    b = ctx.tensor(bias) if bias is not None else None
    t = ctx.result_type()
    rank = len(shape_of(x))
    stride, padding, dilation = (
        int_list_of(ctx[k]) for k in ("stride", "padding", "dilation")
    )
    if rank == 3:  # 1-D: run as 2-D over a unit height
        n, c, length = shape_of(x)
        o, cg, k = shape_of(w)
        x = ctx.reshape(x, (n, c, 1, length))
        w = ctx.reshape(w, (o, cg, 1, k))
        stride, padding, dilation = [1, *stride], [0, *padding], [1, *dilation]
        out = tuple(t.get_shape())
        t2 = TensorType(t.get_element_type(), [out[0], out[1], 1, out[2]])
        y = _conv2d(ctx, x, w, b, t2, stride, padding, dilation)
        return ctx.reshape(y, out)
    if rank != 4:
        raise Unsupported(f"{rank - 2}-D convolution (dfg has conv2d)")
    return _conv2d(ctx, x, w, b, t, stride, padding, dilation)


def int_list_of(value: Any) -> list[int]:
    return [int(v) for v in value]


def _conv2d(
    ctx: NodeContext,
    x: SSAValue,
    w: SSAValue,
    b: SSAValue | None,
    t: TensorType[Any],
    stride: list[int],
    padding: list[int],
    dilation: list[int],
) -> SSAValue:
    ph, pw = padding
    attributes = {
        "strides": i64_array(stride),
        "pads": i64_array([ph, pw, ph, pw]),
        "dilations": i64_array(dilation),
    }
    groups = int(ctx["groups"])
    if groups != 1:
        attributes["groups"] = IntegerAttr(groups, i64)
    return ctx.emit(Conv2dOp, [x, w, b], t, attributes)
