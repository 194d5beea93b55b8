"""Data-movement dfg ops: `transpose`, `reshape`, `broadcast`, `concat`,
`slice`, `pad` and `gather` (ONNX Transpose, Reshape, Expand, Concat, Slice, Pad
and Gather).

None of them computes anything: each iterates over its result (every loop
parallel) and reads its operand(s) through an access map that says where each
result element comes from. Maps that are not plain permutations use what the
interface allows: `floordiv`/`mod` (reshape), offsets valid on a sub-range of a
loop (concat, constant pad) and symbols for indices not known statically
(gather's data-dependent index, the mirrored/clamped index of reflect/edge pad).
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import (
    DenseArrayBase,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    StringAttr,
    TensorType,
)
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.irdl import (
    attr_def,
    irdl_op_definition,
    operand_def,
    opt_attr_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from .base import (
    DfgOp,
    IterationSpace,
    StructuredOpInterface,
    broadcast_access_map,
    broadcast_shapes,
    element_type_of,
    format_shape,
    int_list,
    normalize_axis,
    num_elements,
    operand_label,
    require_result_element_type,
    require_result_shape,
    shape_of,
    str_value,
)

_FORMAT = "operands attr-dict `:` functional-type(operands, results)"


class MovementOp(DfgOp, StructuredOpInterface):
    """Common structure of the movement ops: the iteration space is the result,
    every loop parallel, the result is written through the identity map and no
    arithmetic is done."""

    traits = traits_def(Pure())
    assembly_format = _FORMAT

    def iteration_space(self) -> IterationSpace:
        return IterationSpace.parallel(shape_of(self.results[0]))

    def indexing_maps(self) -> tuple[AffineMap, ...]:
        rank = len(shape_of(self.results[0]))
        return (*self.operand_maps(), AffineMap.identity(rank))

    def operand_maps(self) -> tuple[AffineMap, ...]:
        """One map per operand from the result index to the operand index."""
        raise NotImplementedError

    def flop_count(self) -> int:
        return 0


# ---------------------------------------------------------------------------
# Transpose
# ---------------------------------------------------------------------------


def _is_permutation(values: Sequence[int]) -> bool:
    return sorted(values) == list(range(len(values)))


@irdl_op_definition
class TransposeOp(MovementOp):
    """Permute the dimensions: result dim `i` is input dim `perm[i]` (ONNX
    Transpose; without `perm` the dimensions are reversed).

    `%r = dfg.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>`
    """

    name = "dfg.transpose"
    input = operand_def(TensorType)
    """The tensor to permute."""
    perm = opt_attr_def(DenseArrayBase)
    """A permutation of `0..rank-1`; default: reversed order."""
    output = result_def(TensorType)
    """`input` with its dimensions permuted; same element type."""

    def permutation(self) -> tuple[int, ...]:
        rank = len(shape_of(self.input))
        if self.perm is None:
            return tuple(reversed(range(rank)))
        return int_list(self.perm)

    def verify_semantics(self) -> None:
        shape = shape_of(self.input)
        perm = self.permutation()
        if len(perm) != len(shape) or not _is_permutation(perm):
            raise VerifyException(
                f"attribute 'perm' [{', '.join(map(str, perm))}] is not a "
                f"permutation of the {len(shape)} dimensions of "
                f"{operand_label(self, self.input)}"
            )
        require_result_shape(self, [shape[p] for p in perm])
        require_result_element_type(self, element_type_of(self.input))

    def operand_maps(self) -> tuple[AffineMap, ...]:
        # Input dim perm[i] is read at result index d_i: the inverse permutation.
        perm = self.permutation()
        inverse = [0] * len(perm)
        for result_dim, input_dim in enumerate(perm):
            inverse[input_dim] = result_dim
        exprs = tuple(AffineExpr.dimension(i) for i in inverse)
        return (AffineMap(len(perm), 0, exprs),)


# ---------------------------------------------------------------------------
# Reshape
# ---------------------------------------------------------------------------


def _strides(shape: Sequence[int]) -> list[int]:
    strides = [1] * len(shape)
    for axis in range(len(shape) - 2, -1, -1):
        strides[axis] = strides[axis + 1] * shape[axis + 1]
    return strides


def delinearize_map(
    source_shape: Sequence[int], target_shape: Sequence[int]
) -> AffineMap:
    """The map from an index into `target_shape` to the index into
    `source_shape` with the same row-major linear position (quasi-affine)."""
    rank = len(target_shape)
    linear: AffineExpr = AffineExpr.constant(0)
    for axis, stride in enumerate(_strides(target_shape)):
        if target_shape[axis] != 1:
            linear = linear + AffineExpr.dimension(axis) * stride
    exprs: list[AffineExpr] = []
    for axis, stride in enumerate(_strides(source_shape)):
        size = source_shape[axis]
        if size == 1:
            exprs.append(AffineExpr.constant(0))
            continue
        expr = linear if stride == 1 else linear // stride
        if axis > 0:  # the leading index never exceeds its extent
            expr = expr % size
        exprs.append(expr)
    return AffineMap(rank, 0, tuple(exprs))


@irdl_op_definition
class ReshapeOp(MovementOp):
    """Reinterpret the elements in row-major order with a new shape (ONNX
    Reshape). The shape is the result type: importers resolve `0` and `-1`.

    `%r = dfg.reshape %x : (tensor<2x6xf32>) -> tensor<3x4xf32>`
    """

    name = "dfg.reshape"
    input = operand_def(TensorType)
    """The tensor to reshape."""
    output = result_def(TensorType)
    """Same element count and element type as `input`."""

    def verify_semantics(self) -> None:
        source = shape_of(self.input)
        target = shape_of(self.output)
        if num_elements(source) != num_elements(target):
            raise VerifyException(
                f"result shape {format_shape(target)} has {num_elements(target)} "
                f"elements but {operand_label(self, self.input)} of shape "
                f"{format_shape(source)} has {num_elements(source)}"
            )
        require_result_element_type(self, element_type_of(self.input))

    def operand_maps(self) -> tuple[AffineMap, ...]:
        return (delinearize_map(shape_of(self.input), shape_of(self.output)),)


# ---------------------------------------------------------------------------
# Broadcast
# ---------------------------------------------------------------------------


@irdl_op_definition
class BroadcastOp(MovementOp):
    """Broadcast to the result shape with numpy rules (ONNX Expand, with the
    target shape already combined with the input's).

    `%r = dfg.broadcast %x : (tensor<3x1xf32>) -> tensor<2x3x4xf32>`
    """

    name = "dfg.broadcast"
    input = operand_def(TensorType)
    """The tensor to broadcast."""
    output = result_def(TensorType)
    """A shape `input` broadcasts to; same element type."""

    def verify_semantics(self) -> None:
        source = shape_of(self.input)
        target = shape_of(self.output)
        if broadcast_shapes(source, target) != target:
            raise VerifyException(
                f"{operand_label(self, self.input)} of shape {format_shape(source)} "
                f"does not broadcast to the result shape {format_shape(target)}"
            )
        require_result_element_type(self, element_type_of(self.input))

    def operand_maps(self) -> tuple[AffineMap, ...]:
        return (broadcast_access_map(shape_of(self.input), shape_of(self.output)),)


# ---------------------------------------------------------------------------
# Concat
# ---------------------------------------------------------------------------


def _int_attr(attr: IntegerAttr | None, default: int) -> int:
    return default if attr is None else int(attr.value.data)


@irdl_op_definition
class ConcatOp(MovementOp):
    """Join tensors along `axis` (ONNX Concat; a negative axis counts from the
    end). Every other dimension and the element type must agree.

    `%r = dfg.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>`

    Access maps: operand `k` is read at `d_axis - offset_k`, where `offset_k`
    is the summed `axis` extent of the operands before it. Each map is valid
    only on its sub-range `offset_k <= d_axis < offset_k + size_k` of the
    result's axis loop; together the operands cover the loop exactly once.
    """

    name = "dfg.concat"
    inputs = var_operand_def(TensorType)
    """The tensors to join, at least one, all of one rank and element type."""
    axis = attr_def(IntegerAttr)
    """The dimension to join along, in `[-rank, rank)`."""
    output = result_def(TensorType)
    """Sum of the `axis` extents, the shared extent elsewhere."""

    def normalized_axis(self) -> int:
        rank = len(shape_of(self.output))
        axis = normalize_axis(_int_attr(self.axis, 0), rank)
        assert axis is not None
        return axis

    def verify_semantics(self) -> None:
        if not self.inputs:
            raise VerifyException("'dfg.concat' needs at least one operand")
        first = self.inputs[0]
        rank = len(shape_of(first))
        if rank == 0:
            raise VerifyException(
                f"{operand_label(self, first)} is a scalar; 'dfg.concat' needs "
                "tensors of rank >= 1"
            )
        axis_value = _int_attr(self.axis, 0)
        axis = normalize_axis(axis_value, rank)
        if axis is None:
            raise VerifyException(
                f"attribute 'axis' ({axis_value}) is out of range for rank {rank}"
            )
        element = element_type_of(first)
        expected = list(shape_of(first))
        expected[axis] = 0
        for value in self.inputs:
            shape = shape_of(value)
            if element_type_of(value) != element:
                raise VerifyException(
                    f"{operand_label(self, value)} has element type "
                    f"{element_type_of(value)}, expected {element} to match "
                    "operand #0"
                )
            if len(shape) != rank or any(
                shape[i] != expected[i] for i in range(rank) if i != axis
            ):
                raise VerifyException(
                    f"{operand_label(self, value)} of shape {format_shape(shape)} "
                    f"does not match operand #0 of shape "
                    f"{format_shape(shape_of(first))} outside axis {axis}"
                )
            expected[axis] += shape[axis]
        require_result_shape(self, expected)
        require_result_element_type(self, element)

    def offsets(self) -> tuple[int, ...]:
        """Where each operand starts along the axis of the result."""
        axis = self.normalized_axis()
        offsets: list[int] = []
        position = 0
        for value in self.inputs:
            offsets.append(position)
            position += shape_of(value)[axis]
        return tuple(offsets)

    def operand_maps(self) -> tuple[AffineMap, ...]:
        rank = len(shape_of(self.output))
        axis = self.normalized_axis()
        maps: list[AffineMap] = []
        for offset in self.offsets():
            exprs = [AffineExpr.dimension(i) for i in range(rank)]
            exprs[axis] = exprs[axis] - offset
            maps.append(AffineMap(rank, 0, tuple(exprs)))
        return tuple(maps)


# ---------------------------------------------------------------------------
# Slice
# ---------------------------------------------------------------------------


def slice_bounds(dim: int, start: int, end: int, step: int) -> tuple[int, int]:
    """ONNX Slice's clamping: the first index read and the element count.

    Negative `start`/`end` count from the end; then for a positive step both
    clamp to `[0, dim]`, for a negative step `start` clamps to `[0, dim-1]` and
    `end` to `[-1, dim-1]` (so `end = -1` after clamping means "past index 0")."""
    if start < 0:
        start += dim
    if end < 0:
        end += dim
    if step > 0:
        start = min(max(start, 0), dim)
        end = min(max(end, 0), dim)
        count = max(0, -(-(end - start) // step))
    else:
        start = min(max(start, 0), dim - 1)
        end = min(max(end, -1), dim - 1)
        count = max(0, -(-(start - end) // -step))
    return start, count


@irdl_op_definition
class SliceOp(MovementOp):
    """Take a strided window along some axes (ONNX Slice).

    For each listed axis, indices `start, start + step, ...` up to `end`
    (exclusive) are kept. Out-of-range `starts`/`ends` clamp as in ONNX
    (`ends = 9223372036854775807` means "to the end"), negative values count
    from the end, and a negative step walks backwards. Unlisted axes are kept
    whole.

    `%r = dfg.slice %x {starts = array<i64: 1>, ends = array<i64: 4>, axes = array<i64: 1>, steps = array<i64: 2>} : (tensor<2x5xf32>) -> tensor<2x2xf32>`
    """

    name = "dfg.slice"
    input = operand_def(TensorType)
    """The tensor to slice."""
    starts = attr_def(DenseArrayBase)
    """First index per listed axis."""
    ends = attr_def(DenseArrayBase)
    """Exclusive end per listed axis."""
    axes = opt_attr_def(DenseArrayBase)
    """The axes `starts`/`ends` refer to; default: `0..len(starts)-1`."""
    steps = opt_attr_def(DenseArrayBase)
    """Non-zero stride per listed axis; default: all 1."""
    output = result_def(TensorType)
    """The window; same element type as `input`."""

    def windows(self) -> tuple[tuple[int, int, int], ...]:
        """`(start, step, count)` for every input axis, after clamping."""
        shape = shape_of(self.input)
        starts = int_list(self.starts)
        ends = int_list(self.ends)
        axes = int_list(self.axes) if self.axes is not None else range(len(starts))
        steps = int_list(self.steps) if self.steps is not None else (1,) * len(starts)
        windows = [(0, 1, dim) for dim in shape]
        for start, end, axis, step in zip(starts, ends, axes, steps, strict=True):
            a = normalize_axis(axis, len(shape))
            assert a is not None
            first, count = slice_bounds(shape[a], start, end, step)
            windows[a] = (first, step, count)
        return tuple(windows)

    def verify_semantics(self) -> None:
        rank = len(shape_of(self.input))
        count = len(int_list(self.starts))
        for name, attr in (
            ("ends", self.ends),
            ("axes", self.axes),
            ("steps", self.steps),
        ):
            if attr is not None and len(int_list(attr)) != count:
                raise VerifyException(
                    f"attribute '{name}' has {len(int_list(attr))} entries, "
                    f"expected {count} (one per entry of 'starts')"
                )
        axes = int_list(self.axes) if self.axes is not None else tuple(range(count))
        if self.axes is None and count > rank:
            raise VerifyException(
                f"attribute 'starts' has {count} entries but "
                f"{operand_label(self, self.input)} has rank {rank}; pass 'axes'"
            )
        seen: list[int] = []
        for axis in axes:
            a = normalize_axis(axis, rank)
            if a is None:
                raise VerifyException(
                    f"attribute 'axes' entry {axis} is out of range for rank {rank}"
                )
            if a in seen:
                raise VerifyException(f"attribute 'axes' entry {axis} is repeated")
            seen.append(a)
        if 0 in int_list(self.steps):
            raise VerifyException("attribute 'steps' has a zero entry")
        require_result_shape(self, [count for _, _, count in self.windows()])
        require_result_element_type(self, element_type_of(self.input))

    def operand_maps(self) -> tuple[AffineMap, ...]:
        exprs = tuple(
            AffineExpr.dimension(i) * step + start
            for i, (start, step, _) in enumerate(self.windows())
        )
        return (AffineMap(len(exprs), 0, exprs),)


# ---------------------------------------------------------------------------
# Pad
# ---------------------------------------------------------------------------

PAD_MODES = ("constant", "reflect", "edge")


@irdl_op_definition
class PadOp(MovementOp):
    """Pad (or, with negative pads, crop) every dimension (ONNX Pad).

    `pads` lists the amounts added before each dimension, then after each:
    `[b_0, ..., b_{r-1}, e_0, ..., e_{r-1}]`. Negative entries remove that many
    elements from that side first; the positive ones then pad the cropped
    tensor. `mode` `"constant"` fills with `value` (default 0, converted to the
    element type), `"reflect"` mirrors without repeating the edge (each pad
    must be smaller than the cropped extent), `"edge"` repeats the border
    element.

    `%r = dfg.pad %x {pads = array<i64: 1, 0, 1, 2>, mode = "constant", value = 0.0 : f32} : (tensor<2x3xf32>) -> tensor<4x5xf32>`

    Access maps: in constant mode the input is read at `d - b` (valid on the
    sub-range that is not padding). In reflect and edge modes, a padded axis is
    read at a symbol: the mirrored/clamped position, which is not affine.
    """

    name = "dfg.pad"
    input = operand_def(TensorType)
    """The tensor to pad."""
    pads = attr_def(DenseArrayBase)
    """`2 * rank` amounts, all begins then all ends; negative entries crop."""
    mode = opt_attr_def(StringAttr)
    """`"constant"` (default), `"reflect"` or `"edge"`."""
    value = opt_attr_def(FloatAttr)
    """The fill of constant mode (default 0.0)."""
    output = result_def(TensorType)
    """`input` extents plus both pads; same element type."""

    def pad_mode(self) -> str:
        return str_value(self.mode, "constant")

    def begins_ends(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        pads = int_list(self.pads)
        rank = len(pads) // 2
        return pads[:rank], pads[rank:]

    def verify_semantics(self) -> None:
        shape = shape_of(self.input)
        rank = len(shape)
        pads = int_list(self.pads)
        if len(pads) != 2 * rank:
            raise VerifyException(
                f"attribute 'pads' has {len(pads)} entries, expected {2 * rank} "
                f"(begin and end for each of the {rank} dimensions)"
            )
        mode = self.pad_mode()
        if mode not in PAD_MODES:
            raise VerifyException(
                f"attribute 'mode' is \"{mode}\"; expected one of "
                f"{', '.join(PAD_MODES)}"
            )
        if self.value is not None and mode != "constant":
            raise VerifyException(
                f"attribute 'value' is only used in constant mode, not \"{mode}\""
            )
        begins, ends = self.begins_ends()
        expected: list[int] = []
        for axis, dim in enumerate(shape):
            begin, end = begins[axis], ends[axis]
            cropped = dim + min(begin, 0) + min(end, 0)
            if cropped < 0:
                raise VerifyException(
                    f"attribute 'pads' crops dimension {axis} of "
                    f"{operand_label(self, self.input)} (extent {dim}) below zero"
                )
            grow = max(begin, 0), max(end, 0)
            if mode == "reflect" and max(grow) > 0 and max(grow) >= cropped:
                raise VerifyException(
                    f"attribute 'pads' reflects dimension {axis} by {max(grow)}, "
                    f"which needs an extent above {max(grow)} but it is {cropped}"
                )
            if mode == "edge" and max(grow) > 0 and cropped == 0:
                raise VerifyException(
                    f"attribute 'pads' edge-pads dimension {axis}, which is empty"
                )
            expected.append(cropped + grow[0] + grow[1])
        require_result_shape(self, expected)
        require_result_element_type(self, element_type_of(self.input))

    def operand_maps(self) -> tuple[AffineMap, ...]:
        begins, ends = self.begins_ends()
        mode = self.pad_mode()
        exprs: list[AffineExpr] = []
        symbols = 0
        for axis, (begin, end) in enumerate(zip(begins, ends, strict=True)):
            if mode != "constant" and (begin > 0 or end > 0):
                exprs.append(AffineExpr.symbol(symbols))
                symbols += 1
            else:
                exprs.append(AffineExpr.dimension(axis) - begin)
        return (AffineMap(len(begins), symbols, tuple(exprs)),)


# ---------------------------------------------------------------------------
# Gather
# ---------------------------------------------------------------------------


@irdl_op_definition
class GatherOp(MovementOp):
    """Pick entries of `data` along `axis` by index (ONNX Gather; the embedding
    lookup). Negative indices count from the end; an index outside
    `[-n, n)` is an error at run time. The result shape is
    `data.shape[:axis] + indices.shape + data.shape[axis+1:]`.

    `%r = dfg.gather %table, %ids {axis = 0 : i64} : (tensor<100x16xf32>, tensor<2x8xi64>) -> tensor<2x8x16xf32>`

    Access maps: `data` is read at symbol `s0` (the index value, known only
    at run time) on `axis`; `indices` at the loops of its own dimensions.
    """

    name = "dfg.gather"
    data = operand_def(TensorType)
    """The tensor to pick from (rank >= 1)."""
    indices = operand_def(TensorType)
    """i32 or i64 positions along `axis`."""
    axis = opt_attr_def(IntegerAttr)
    """The dimension of `data` to index, in `[-rank, rank)`; default 0."""
    output = result_def(TensorType)
    """The gathered tensor; element type of `data`."""

    def normalized_axis(self) -> int:
        axis = normalize_axis(_int_attr(self.axis, 0), len(shape_of(self.data)))
        assert axis is not None
        return axis

    def verify_semantics(self) -> None:
        data = shape_of(self.data)
        element = element_type_of(self.indices)
        if not (isinstance(element, IntegerType) and element.width.data in (32, 64)):
            raise VerifyException(
                f"{operand_label(self, self.indices)} has element type {element}; "
                "expected i32 or i64"
            )
        if not data:
            raise VerifyException(
                f"{operand_label(self, self.data)} is a scalar; 'dfg.gather' needs "
                "rank >= 1"
            )
        axis_value = _int_attr(self.axis, 0)
        axis = normalize_axis(axis_value, len(data))
        if axis is None:
            raise VerifyException(
                f"attribute 'axis' ({axis_value}) is out of range for rank {len(data)}"
            )
        require_result_shape(
            self, data[:axis] + shape_of(self.indices) + data[axis + 1 :]
        )
        require_result_element_type(self, element_type_of(self.data))

    def operand_maps(self) -> tuple[AffineMap, ...]:
        axis = self.normalized_axis()
        q = len(shape_of(self.indices))
        r = len(shape_of(self.data))
        rank = r + q - 1
        data_exprs = (
            [AffineExpr.dimension(i) for i in range(axis)]
            + [AffineExpr.symbol(0)]
            + [AffineExpr.dimension(i + q - 1) for i in range(axis + 1, r)]
        )
        index_exprs = [AffineExpr.dimension(axis + i) for i in range(q)]
        return (
            AffineMap(rank, 1, tuple(data_exprs)),
            AffineMap(rank, 0, tuple(index_exprs)),
        )


OPS = (TransposeOp, ReshapeOp, BroadcastOp, ConcatOp, SliceOp, PadOp, GatherOp)
