"""Data movement: views and reshapes, permutes, expand, slice/select, cat,
split, padding, and the lookups (`embedding`, `index_select`, single-tensor
`index`)."""

from __future__ import annotations

from typing import Any

from xdsl.dialects.builtin import IntegerAttr, StringAttr, TensorType, i1, i64
from xdsl.ir import SSAValue

from dfc.dialects.dfg.base import f64_attr, i64_array, is_float, shape_of
from dfc.dialects.dfg.movement import (
    BroadcastOp,
    ConcatOp,
    GatherOp,
    PadOp,
    SliceOp,
    TransposeOp,
)

from ..importer import Unsupported
from . import converts
from .common import NodeContext, int_list, normalize_dim

INT64_MAX = (1 << 63) - 1


@converts(
    "aten.view.default",
    "aten._unsafe_view.default",
    "aten.reshape.default",
    "aten.view_copy.default",
    "aten.unsqueeze.default",
    "aten.squeeze.default",
    "aten.squeeze.dim",
    "aten.squeeze.dims",
    "aten.flatten.using_ints",
    "aten.unflatten.int",
)
def reshape(ctx: NodeContext) -> SSAValue:
    """Every view that keeps the row-major order is a `dfg.reshape` to the
    node's result shape (identity when the shape does not change)."""
    x = ctx.tensor(ctx["self"])
    return ctx.reshape(x, ctx.result_shape())


def _transpose(ctx: NodeContext, x: SSAValue, perm: list[int]) -> SSAValue:
    if perm == sorted(perm):
        return x
    shape = shape_of(x)
    t = TensorType(ctx.element_of(x), [shape[p] for p in perm])
    return ctx.emit(TransposeOp, [x], t, {"perm": i64_array(perm)})


@converts("aten.permute.default", "aten.permute_copy.default")
def permute(ctx: NodeContext) -> SSAValue:
    x = ctx.tensor(ctx["self"])
    rank = len(shape_of(x))
    return _transpose(ctx, x, [normalize_dim(d, rank) for d in ctx["dims"]])


@converts("aten.transpose.int")
def transpose(ctx: NodeContext) -> SSAValue:
    x = ctx.tensor(ctx["self"])
    rank = len(shape_of(x))
    perm = list(range(rank))
    a, b = normalize_dim(ctx["dim0"], rank), normalize_dim(ctx["dim1"], rank)
    perm[a], perm[b] = perm[b], perm[a]
    return _transpose(ctx, x, perm)


@converts("aten.t.default", "aten.numpy_T.default")
def t(ctx: NodeContext) -> SSAValue:
    x = ctx.tensor(ctx["self"])
    return _transpose(ctx, x, list(reversed(range(len(shape_of(x))))))


@converts("aten.expand.default", "aten.expand_copy.default", "aten.expand_as.default")
def expand(ctx: NodeContext) -> SSAValue:
    x = ctx.tensor(ctx["self"])
    target = ctx.result_shape()
    if shape_of(x) == target:
        return x
    return ctx.emit(BroadcastOp, [x], ctx.result_type())


@converts("aten.repeat.default")
def repeat(ctx: NodeContext) -> SSAValue:
    """Tile `x`: broadcast to `[r0, d0, r1, d1, ...]`, then reshape."""
    x = ctx.tensor(ctx["self"])
    repeats = int_list(ctx["repeats"])
    shape = (1,) * (len(repeats) - len(shape_of(x))) + shape_of(x)
    x = ctx.reshape(x, [v for d in shape for v in (1, d)])
    tiled = [v for r, d in zip(repeats, shape, strict=True) for v in (r, d)]
    wide = ctx.emit(BroadcastOp, [x], TensorType(ctx.element_of(x), tiled))
    return ctx.reshape(wide, ctx.result_shape())


def _slice(
    ctx: NodeContext, x: SSAValue, dim: int, start: int, end: int, step: int
) -> SSAValue:
    shape = shape_of(x)
    size = shape[dim]
    start = max(-size, min(start, size))
    end = max(-size, min(end, size))
    count = len(range(size)[slice(start, end, step)])
    if count == size and step == 1:
        return x
    t = TensorType(ctx.element_of(x), [*shape[:dim], count, *shape[dim + 1 :]])
    attributes = {
        "starts": i64_array([start]),
        "ends": i64_array([end]),
        "axes": i64_array([dim]),
        "steps": i64_array([step]),
    }
    return ctx.emit(SliceOp, [x], t, attributes)


@converts("aten.slice.Tensor", "aten.slice_copy.Tensor")
def slice_(ctx: NodeContext) -> SSAValue:
    x = ctx.tensor(ctx["self"])
    rank = len(shape_of(x))
    start = ctx["start"] if ctx["start"] is not None else 0
    end = ctx["end"] if ctx["end"] is not None else INT64_MAX
    return _slice(ctx, x, normalize_dim(ctx["dim"], rank), start, end, ctx["step"] or 1)


@converts("aten.select.int", "aten.select_copy.int")
def select(ctx: NodeContext) -> SSAValue:
    x = ctx.tensor(ctx["self"])
    shape = shape_of(x)
    dim = normalize_dim(ctx["dim"], len(shape))
    index = ctx["index"] % shape[dim]
    window = _slice(ctx, x, dim, index, index + 1, 1)
    return ctx.reshape(window, ctx.result_shape())


@converts("aten.unbind.int")
def unbind(ctx: NodeContext) -> list[SSAValue]:
    x = ctx.tensor(ctx["self"])
    shape = shape_of(x)
    dim = normalize_dim(ctx["dim"], len(shape))
    rest = [*shape[:dim], *shape[dim + 1 :]]
    return [
        ctx.reshape(_slice(ctx, x, dim, i, i + 1, 1), rest) for i in range(shape[dim])
    ]


@converts(
    "aten.split_with_sizes.default",
    "aten.split.Tensor",
    "aten.split_with_sizes_copy.default",
)
def split(ctx: NodeContext) -> list[SSAValue]:
    x = ctx.tensor(ctx["self"])
    shape = shape_of(x)
    dim = normalize_dim(ctx["dim"], len(shape))
    sizes = ctx.params.get("split_sizes")
    if sizes is None:
        size = ctx["split_size"]
        sizes = [min(size, shape[dim] - s) for s in range(0, shape[dim], size)]
    pieces: list[SSAValue] = []
    offset = 0
    for size in int_list(sizes):
        pieces.append(_slice(ctx, x, dim, offset, offset + size, 1))
        offset += size
    return pieces


@converts("aten.cat.default", "aten.concat.default")
def cat(ctx: NodeContext) -> SSAValue:
    t = ctx.result_type()
    element = t.get_element_type()
    inputs = [ctx.operand(v, element) for v in ctx["tensors"]]
    rank = len(t.get_shape())
    inputs = [v for v in inputs if len(shape_of(v)) == rank]  # legacy empty 1-D
    if len(inputs) == 1:
        return inputs[0]
    dim = normalize_dim(ctx["dim"], rank)
    return ctx.emit(ConcatOp, [inputs], t, {"axis": IntegerAttr(dim, i64)})


@converts("aten.stack.default")
def stack(ctx: NodeContext) -> SSAValue:
    t = ctx.result_type()
    shape = list(t.get_shape())
    dim = normalize_dim(ctx["dim"], len(shape))
    element = t.get_element_type()
    piece = [*shape[:dim], 1, *shape[dim + 1 :]]
    inputs = [ctx.reshape(ctx.operand(v, element), piece) for v in ctx["tensors"]]
    if len(inputs) == 1:
        return inputs[0]
    return ctx.emit(ConcatOp, [inputs], t, {"axis": IntegerAttr(dim, i64)})


@converts("aten.constant_pad_nd.default")
def constant_pad(ctx: NodeContext) -> SSAValue:
    x = ctx.tensor(ctx["self"])
    rank = len(shape_of(x))
    pad = int_list(ctx["pad"])  # (begin, end) pairs from the last dim backwards
    begins, ends = [0] * rank, [0] * rank
    for i in range(len(pad) // 2):
        begins[rank - 1 - i] = pad[2 * i]
        ends[rank - 1 - i] = pad[2 * i + 1]
    value = float(ctx["value"] or 0.0)
    attributes: dict[str, Any] = {
        "pads": i64_array(begins + ends),
        "mode": StringAttr("constant"),
    }
    if value:
        if not is_float(ctx.element_of(x)) and value != int(value):
            raise Unsupported("a fractional pad value on an integer tensor")
        attributes["value"] = f64_attr(value)
    return ctx.emit(PadOp, [x], ctx.result_type(), attributes)


def _gather(ctx: NodeContext, data: Any, indices: Any, axis: int) -> SSAValue:
    d = ctx.tensor(data)
    idx = ctx.tensor(indices)
    if str(ctx.element_of(idx)) not in ("i64", "i32"):
        raise Unsupported(
            f"indices of element type {ctx.element_of(idx)} (expected i32/i64)"
        )
    return ctx.emit(
        GatherOp, [d, idx], ctx.result_type(), {"axis": IntegerAttr(axis, i64)}
    )


@converts("aten.embedding.default")
def embedding(ctx: NodeContext) -> SSAValue:
    return _gather(ctx, ctx["weight"], ctx["indices"], 0)


@converts("aten.index_select.default")
def index_select(ctx: NodeContext) -> SSAValue:
    rank = len(ctx.shape_of(ctx["self"]))
    return _gather(ctx, ctx["self"], ctx["index"], normalize_dim(ctx["dim"], rank))


@converts("aten.index.Tensor")
def index(ctx: NodeContext) -> SSAValue:
    """`x[:, ..., idx]` with one index tensor: a gather along its axis."""
    indices = list(ctx["indices"])
    present = [i for i, v in enumerate(indices) if v is not None]
    if len(present) != 1:
        raise Unsupported(
            f"advanced indexing with {len(present)} index tensors (dfc takes one)"
        )
    axis = present[0]
    idx = indices[axis]
    if ctx.element_of(idx) == i1:
        raise Unsupported("boolean-mask indexing (data-dependent shape)")
    return _gather(ctx, ctx["self"], idx, axis)
