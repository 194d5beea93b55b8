"""Converters for ONNX's shape and data-movement ops.

Most of them map onto the dfg movement ops (`transpose`, `reshape`,
`broadcast`, `concat`, `slice`, `pad`, `gather`); the rest are short
compositions of those (Split, Squeeze/Unsqueeze/Flatten as reshapes, Tile as
broadcast + reshape, DepthToSpace/SpaceToDepth as reshape + transpose +
reshape, Trilu as a `where` with an import-time mask). Shape-like operands
(Reshape's shape, Slice's bounds, Pad's pads, ...) must be known at import
time: dfg shapes are static.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from onnx import numpy_helper
from xdsl.dialects.builtin import FloatAttr, IntegerAttr, StringAttr, f32, f64, i64
from xdsl.ir import SSAValue

from dfc.dialects.dfg import elementwise as ew
from dfc.dialects.dfg import movement as mv
from dfc.dialects.dfg.base import broadcast_shapes, i64_array, is_float

from ..importer import Unsupported
from . import converter
from .common import element, scalar, shape, tensor

# ---------------------------------------------------------------------------
# building blocks
# ---------------------------------------------------------------------------


def _axis(axis: int, rank: int, what: str = "axis") -> int:
    if not -rank <= axis < rank:
        raise Unsupported(f"{what} {axis} is out of range for rank {rank}")
    return axis + rank if axis < 0 else axis


def _ints(values) -> list[int]:
    return [int(v) for v in np.asarray(values).reshape(-1)]


def reshape(ctx, x: SSAValue, dims: Sequence[int]) -> SSAValue:
    if shape(x) == tuple(dims):
        return x
    op = mv.ReshapeOp.build(operands=[x], result_types=[tensor(element(x), dims)])
    return ctx.add(op).results[0]


def transpose(ctx, x: SSAValue, perm: Sequence[int]) -> SSAValue:
    if list(perm) == list(range(len(perm))):
        return x
    dims = [shape(x)[p] for p in perm]
    op = mv.TransposeOp.build(
        operands=[x],
        result_types=[tensor(element(x), dims)],
        attributes={"perm": i64_array(perm)},
    )
    return ctx.add(op).results[0]


def broadcast(ctx, x: SSAValue, dims: Sequence[int]) -> SSAValue:
    if shape(x) == tuple(dims):
        return x
    op = mv.BroadcastOp.build(operands=[x], result_types=[tensor(element(x), dims)])
    return ctx.add(op).results[0]


def concat(ctx, values: Sequence[SSAValue], axis: int) -> SSAValue:
    if len(values) == 1:
        return values[0]
    dims = list(shape(values[0]))
    dims[axis] = sum(shape(v)[axis] for v in values)
    op = mv.ConcatOp.build(
        operands=[list(values)],
        result_types=[tensor(element(values[0]), dims)],
        attributes={"axis": IntegerAttr(axis, i64)},
    )
    return ctx.add(op).results[0]


def slice_(
    ctx,
    x: SSAValue,
    starts: Sequence[int],
    ends: Sequence[int],
    axes: Sequence[int],
    steps: Sequence[int],
) -> SSAValue:
    dims = list(shape(x))
    rank = len(dims)
    seen: set[int] = set()
    for start, end, axis, step in zip(starts, ends, axes, steps, strict=True):
        a = _axis(axis, rank, "Slice axis")
        if a in seen:
            raise Unsupported(f"axis {axis} is repeated")
        seen.add(a)
        if step == 0:
            raise Unsupported("a step is 0")
        dims[a] = mv.slice_bounds(dims[a], start, end, step)[1]
    if (
        tuple(dims) == shape(x)
        and all(s == 1 for s in steps)
        and all(
            mv.slice_bounds(shape(x)[_axis(a, rank)], s, e, 1)[0] == 0
            for s, e, a in zip(starts, ends, axes, strict=True)
        )
    ):
        return x
    op = mv.SliceOp.build(
        operands=[x],
        result_types=[tensor(element(x), dims)],
        attributes={
            "starts": i64_array(starts),
            "ends": i64_array(ends),
            "axes": i64_array(axes),
            "steps": i64_array(steps),
        },
    )
    return ctx.add(op).results[0]


def _range_slice(ctx, x: SSAValue, axis: int, start: int, end: int) -> SSAValue:
    return slice_(ctx, x, [start], [end], [axis], [1])


# ---------------------------------------------------------------------------
# reshapes
# ---------------------------------------------------------------------------


@converter("Reshape", (5, 13, 14, 19, 21, 23, 24, 25))
def _reshape(ctx):
    x = ctx.input(0)
    requested = _ints(ctx.require_const(1, "shape"))
    allowzero = ctx.opset >= 14 and ctx.attrs.get("allowzero", 0) == 1
    source = shape(x)
    dims: list[int] = []
    infer = None
    for index, size in enumerate(requested):
        if size == 0 and not allowzero:
            if index >= len(source):
                raise Unsupported(
                    f"shape entry #{index} is 0 but the input has rank {len(source)}"
                )
            size = source[index]
        elif size == -1:
            if infer is not None:
                raise Unsupported("the shape has more than one -1")
            infer = index
        elif size < 0:
            raise Unsupported(f"shape entry #{index} is {size}")
        dims.append(size)
    total = int(np.prod(source, dtype=np.int64))
    if infer is not None:
        known = int(
            np.prod([d for i, d in enumerate(dims) if i != infer], dtype=np.int64)
        )
        if known == 0 or total % known:
            raise Unsupported(
                f"cannot infer the -1 of shape {requested} for an input of shape {list(source)}"
            )
        dims[infer] = total // known
    if int(np.prod(dims, dtype=np.int64)) != total:
        raise Unsupported(
            f"shape {requested} does not fit an input of shape {list(source)}"
        )
    return reshape(ctx, x, dims)


def _axes_operand(ctx, index: int, attr_before: int) -> list[int] | None:
    """Axes from the attribute (opset < attr_before) or the optional input."""
    if ctx.opset < attr_before:
        axes = ctx.attrs.get("axes")
        return None if axes is None else [int(a) for a in axes]
    if not ctx.has_input(index):
        return None
    return _ints(ctx.require_const(index, "axes"))


@converter("Squeeze", (1, 11, 13, 21, 23, 24, 25))
def _squeeze(ctx):
    x = ctx.input(0)
    source = shape(x)
    axes = _axes_operand(ctx, 1, 13)
    if axes is None:
        dims = [d for d in source if d != 1]
    else:
        drop = {_axis(a, len(source)) for a in axes}
        for a in drop:
            if source[a] != 1:
                raise Unsupported(f"axis {a} has extent {source[a]}, not 1")
        dims = [d for i, d in enumerate(source) if i not in drop]
    return reshape(ctx, x, dims)


@converter("Unsqueeze", (1, 11, 13, 21, 23, 24, 25))
def _unsqueeze(ctx):
    x = ctx.input(0)
    source = shape(x)
    axes = _axes_operand(ctx, 1, 13)
    if axes is None:
        raise Unsupported("no axes given")
    rank = len(source) + len(axes)
    inserted = {_axis(a, rank) for a in axes}
    if len(inserted) != len(axes):
        raise Unsupported("an axis is repeated")
    rest = iter(source)
    dims = [1 if i in inserted else next(rest) for i in range(rank)]
    return reshape(ctx, x, dims)


@converter("Flatten", (1, 9, 11, 13, 21, 23, 24, 25))
def _flatten(ctx):
    x = ctx.input(0)
    source = shape(x)
    axis = int(ctx.attrs.get("axis", 1))
    if axis < 0:
        axis += len(source)
    if not 0 <= axis <= len(source):
        raise Unsupported(
            f"axis {ctx.attrs.get('axis')} is out of range for rank {len(source)}"
        )
    outer = int(np.prod(source[:axis], dtype=np.int64))
    inner = int(np.prod(source[axis:], dtype=np.int64))
    return reshape(ctx, x, [outer, inner])


# ---------------------------------------------------------------------------
# permutations, joins and windows
# ---------------------------------------------------------------------------


@converter("Transpose", (1, 13, 21, 23, 24, 25))
def _transpose(ctx):
    x = ctx.input(0)
    rank = len(shape(x))
    perm = ctx.attrs.get("perm")
    perm = list(reversed(range(rank))) if perm is None else [int(p) for p in perm]
    if sorted(perm) != list(range(rank)):
        raise Unsupported(f"perm {perm} is not a permutation of {rank} dimensions")
    return transpose(ctx, x, perm)


@converter("Concat", (4, 11, 13))
def _concat(ctx):
    values = [ctx.input(i) for i in range(ctx.num_inputs) if ctx.has_input(i)]
    rank = len(shape(values[0]))
    if rank == 0:
        raise Unsupported("the inputs are scalars")
    axis = _axis(int(ctx.attrs.get("axis", 1)), rank)
    return concat(ctx, values, axis)


@converter("Slice", (1, 10, 11, 13))
def _slice(ctx):
    x = ctx.input(0)
    rank = len(shape(x))
    if ctx.opset < 10:
        starts = [int(v) for v in ctx.attrs["starts"]]
        ends = [int(v) for v in ctx.attrs["ends"]]
        axes = [int(v) for v in ctx.attrs.get("axes", range(len(starts)))]
        steps = [1] * len(starts)
    else:
        starts = _ints(ctx.require_const(1, "starts"))
        ends = _ints(ctx.require_const(2, "ends"))
        axes = (
            _ints(ctx.require_const(3, "axes"))
            if ctx.has_input(3)
            else list(range(len(starts)))
        )
        steps = (
            _ints(ctx.require_const(4, "steps"))
            if ctx.has_input(4)
            else [1] * len(starts)
        )
    if not len(starts) == len(ends) == len(axes) == len(steps):
        raise Unsupported("starts, ends, axes and steps differ in length")
    axes = [_axis(a, rank) for a in axes]
    return slice_(ctx, x, starts, ends, axes, steps)


@converter("Gather", (1, 11, 13))
def _gather(ctx):
    data, indices = ctx.input(0), ctx.input(1)
    data_shape = shape(data)
    if not data_shape:
        raise Unsupported("the data is a scalar")
    axis = _axis(int(ctx.attrs.get("axis", 0)), len(data_shape))
    dims = data_shape[:axis] + shape(indices) + data_shape[axis + 1 :]
    op = mv.GatherOp.build(
        operands=[data, indices],
        result_types=[tensor(element(data), dims)],
        attributes={"axis": IntegerAttr(axis, i64)},
    )
    return ctx.add(op).results[0]


@converter("Split", (2, 11, 13, 18))
def _split(ctx):
    x = ctx.input(0)
    source = shape(x)
    axis = _axis(int(ctx.attrs.get("axis", 0)), len(source))
    extent = source[axis]
    outputs = len(ctx.node.output)
    if ctx.opset < 13:
        sizes = ctx.attrs.get("split")
        sizes = None if sizes is None else [int(s) for s in sizes]
    else:
        sizes = _ints(ctx.require_const(1, "split")) if ctx.has_input(1) else None
    if sizes is None:
        if ctx.opset >= 18 and "num_outputs" in ctx.attrs:
            count = int(ctx.attrs["num_outputs"])
            chunk = -(-extent // count)
            sizes = [min(chunk, max(extent - chunk * i, 0)) for i in range(count)]
        else:
            if extent % outputs:
                raise Unsupported(
                    f"extent {extent} does not split evenly into {outputs} outputs"
                )
            sizes = [extent // outputs] * outputs
    if sum(sizes) != extent or len(sizes) != outputs:
        raise Unsupported(
            f"split sizes {sizes} do not cover extent {extent} in {outputs} outputs"
        )
    results = []
    start = 0
    for size in sizes:
        results.append(_range_slice(ctx, x, axis, start, start + size))
        start += size
    return results


# ---------------------------------------------------------------------------
# Expand, Tile, Pad
# ---------------------------------------------------------------------------


@converter("Expand", (8, 13))
def _expand(ctx):
    x = ctx.input(0)
    requested = _ints(ctx.require_const(1, "shape"))
    dims = broadcast_shapes(shape(x), requested)
    if dims is None:
        raise Unsupported(
            f"input of shape {list(shape(x))} does not broadcast to {requested}"
        )
    return broadcast(ctx, x, dims)


@converter("Tile", (6, 13))
def _tile(ctx):
    x = ctx.input(0)
    source = shape(x)
    repeats = _ints(ctx.require_const(1, "repeats"))
    if len(repeats) != len(source):
        raise Unsupported(f"repeats has {len(repeats)} entries for rank {len(source)}")
    if any(r < 0 for r in repeats):
        raise Unsupported(f"repeats {repeats} has a negative entry")
    # x[d0, d1] -> reshape [1, d0, 1, d1] -> broadcast [r0, d0, r1, d1] -> reshape.
    expanded: list[int] = []
    target: list[int] = []
    for r, d in zip(repeats, source, strict=True):
        if r != 1:
            expanded.append(1)
            target.append(r)
        expanded.append(d)
        target.append(d)
    if expanded == list(source):
        return x
    spread = broadcast(ctx, reshape(ctx, x, expanded), target)
    return reshape(ctx, spread, [r * d for r, d in zip(repeats, source, strict=True)])


def _wrap_axis(ctx, x: SSAValue, axis: int, before: int, after: int) -> SSAValue:
    """Wrap-pad one axis by concatenating copies of the (cropped) input."""
    extent = shape(x)[axis]
    if extent == 0:
        raise Unsupported(f"wrap-pads axis {axis}, which is empty")
    pieces: list[SSAValue] = []
    remaining = before
    while remaining > 0:  # a partial copy (farthest out), then whole copies
        take = remaining % extent or extent
        pieces.append(_range_slice(ctx, x, axis, extent - take, extent))
        remaining -= take
    pieces.append(x)
    remaining = after
    while remaining > 0:
        take = min(remaining, extent)
        pieces.append(_range_slice(ctx, x, axis, 0, take))
        remaining -= take
    return concat(ctx, pieces, axis)


@converter("Pad", (2, 11, 13, 18, 19, 21, 23, 24, 25))
def _pad(ctx):
    x = ctx.input(0)
    source = shape(x)
    rank = len(source)
    mode = ctx.attrs.get("mode", "constant")
    if ctx.opset < 11:
        pads = [int(p) for p in ctx.attrs["pads"]]
        value = float(ctx.attrs.get("value", 0.0))
        axes = list(range(rank))
    else:
        pads = _ints(ctx.require_const(1, "pads"))
        value = 0.0
        if ctx.has_input(2):
            fill = ctx.require_const(2, "constant_value")
            if fill.size != 1:
                raise Unsupported("constant_value is not a scalar")
            value = fill.reshape(-1)[0].item()
        if ctx.has_input(3):
            axes = [_axis(a, rank) for a in _ints(ctx.require_const(3, "axes"))]
        else:
            axes = list(range(rank))
    if len(pads) != 2 * len(axes):
        raise Unsupported(f"pads has {len(pads)} entries for {len(axes)} axes")
    begins, ends = [0] * rank, [0] * rank
    for i, a in enumerate(axes):
        begins[a] = pads[i]
        ends[a] = pads[i + len(axes)]
    if mode not in ("constant", "reflect", "edge", "wrap"):
        raise Unsupported(f"mode '{mode}' is not supported")
    if mode == "wrap":
        # Crop first (negative pads), then wrap each padded axis.
        crop = [max(-b, 0) for b in begins], [max(-e, 0) for e in ends]
        if any(crop[0]) or any(crop[1]):
            x = slice_(
                ctx,
                x,
                crop[0],
                [d - e for d, e in zip(source, crop[1], strict=True)],
                list(range(rank)),
                [1] * rank,
            )
        for a in range(rank):
            if begins[a] > 0 or ends[a] > 0:
                x = _wrap_axis(ctx, x, a, max(begins[a], 0), max(ends[a], 0))
        return x
    dims: list[int] = []
    for a, d in enumerate(source):
        cropped = d + min(begins[a], 0) + min(ends[a], 0)
        grow = max(begins[a], 0), max(ends[a], 0)
        if cropped < 0:
            raise Unsupported(f"pads crop axis {a} (extent {d}) below zero")
        if mode == "reflect" and max(grow) > 0 and max(grow) >= cropped:
            raise Unsupported(
                f"reflect-pads axis {a} by {max(grow)}, not less than its extent {cropped}"
            )
        if mode == "edge" and max(grow) > 0 and cropped == 0:
            raise Unsupported(f"edge-pads axis {a}, which is empty")
        dims.append(cropped + grow[0] + grow[1])
    if not any(begins) and not any(ends):
        return x
    attributes = {"pads": i64_array(begins + ends), "mode": StringAttr(mode)}
    if mode == "constant" and value != 0:
        attributes["value"] = FloatAttr(
            float(value), f32 if is_float(element(x)) else f64
        )
    op = mv.PadOp.build(
        operands=[x], result_types=[tensor(element(x), dims)], attributes=attributes
    )
    return ctx.add(op).results[0]


# ---------------------------------------------------------------------------
# Trilu, DepthToSpace, SpaceToDepth
# ---------------------------------------------------------------------------


@converter("Trilu", (14,))
def _trilu(ctx):
    x = ctx.input(0)
    source = shape(x)
    if len(source) < 2:
        raise Unsupported("the input has rank < 2")
    k = int(ctx.require_const(1, "k").reshape(-1)[0]) if ctx.has_input(1) else 0
    rows, cols = source[-2], source[-1]
    ones = np.ones((rows, cols), dtype=np.bool_)
    upper = int(ctx.attrs.get("upper", 1)) == 1
    mask = np.triu(ones, k) if upper else np.tril(ones, k)
    if mask.all():
        return x
    op = ew.WhereOp.build(
        operands=[ctx.constant(mask, hint="trilu_mask"), x, scalar(ctx, 0, x)],
        result_types=[x.type],
    )
    return ctx.add(op).results[0]


def _block_args(ctx, x: SSAValue) -> tuple[int, int, int, int, int, str]:
    source = shape(x)
    if len(source) != 4:
        raise Unsupported(f"the input has rank {len(source)}, expected 4")
    block = int(ctx.attrs.get("blocksize", 0))
    if block <= 0:
        raise Unsupported(f"blocksize {block} is not positive")
    mode = ctx.attrs.get("mode", "DCR")
    if mode not in ("DCR", "CRD"):
        raise Unsupported(f"mode '{mode}' is not supported")
    return (*source, block, mode)  # type: ignore[return-value]


@converter("DepthToSpace", (1, 11, 13, 28))
def _depth_to_space(ctx):
    x = ctx.input(0)
    b, c, h, w, bs, mode = _block_args(ctx, x)
    if c % (bs * bs):
        raise Unsupported(f"channels {c} are not divisible by blocksize^2 = {bs * bs}")
    depth = c // (bs * bs)
    if mode == "DCR":
        t = reshape(ctx, x, [b, bs, bs, depth, h, w])
        t = transpose(ctx, t, [0, 3, 4, 1, 5, 2])
    else:
        t = reshape(ctx, x, [b, depth, bs, bs, h, w])
        t = transpose(ctx, t, [0, 1, 4, 2, 5, 3])
    return reshape(ctx, t, [b, depth, h * bs, w * bs])


@converter("SpaceToDepth", (1, 13, 28))
def _space_to_depth(ctx):
    x = ctx.input(0)
    b, c, h, w, bs, mode = _block_args(ctx, x)
    if h % bs or w % bs:
        raise Unsupported(
            f"spatial extents {h}x{w} are not divisible by blocksize {bs}"
        )
    t = reshape(ctx, x, [b, c, h // bs, bs, w // bs, bs])
    perm = [0, 3, 5, 1, 2, 4] if mode == "DCR" else [0, 1, 3, 5, 2, 4]
    t = transpose(ctx, t, perm)
    return reshape(ctx, t, [b, c * bs * bs, h // bs, w // bs])


# ---------------------------------------------------------------------------
# generators (their operands are runtime tensors only when shapes are dynamic)
# ---------------------------------------------------------------------------


@converter("ConstantOfShape", (9, 20, 21, 23, 24, 25))
def _constant_of_shape(ctx):
    dims = _ints(ctx.require_const(0, "shape"))
    value = ctx.attrs.get("value")
    if value is None:
        fill = np.zeros(1, dtype=np.float32)
    else:
        fill = numpy_helper.to_array(value).reshape(-1)
    return np.full(dims, fill[0], dtype=fill.dtype)


@converter("Range", (11, 27))
def _range(ctx):
    start, limit, delta = (
        ctx.require_const(i, what) for i, what in enumerate(("start", "limit", "delta"))
    )
    return np.arange(start.item(), limit.item(), delta.item()).astype(start.dtype)
