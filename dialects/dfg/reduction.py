"""Reduction dfg ops: `reduce_{sum,mean,max,min,prod}` over a set of axes (ONNX
ReduceSum/ReduceMean/ReduceMax/ReduceMin/ReduceProd, opset 18+) and `scan`, an
associative prefix along one axis (ONNX CumSum, generalized to prod/max/min).

A reduction's iteration space is its input shape, the reduced axes being
'reduction' loops; the result is read through a map that drops (or, with
`keepdims`, pins to 0) the reduced dimensions.
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import (
    BoolAttr,
    DenseArrayBase,
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
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from .base import (
    DfgOp,
    IterationSpace,
    LoopKind,
    StructuredOpInterface,
    bool_value,
    element_type_of,
    int_list,
    is_bool,
    normalize_axis,
    num_elements,
    operand_label,
    require_axes,
    require_result_element_type,
    require_result_shape,
    shape_of,
)

_FORMAT = "operands attr-dict `:` functional-type(operands, results)"


def reduced_shape(
    shape: tuple[int, ...], axes: tuple[int, ...], keepdims: bool
) -> tuple[int, ...]:
    """The shape left after reducing normalized `axes` of `shape` (all axes when
    `axes` is empty)."""
    reduced = set(axes) if axes else set(range(len(shape)))
    if keepdims:
        return tuple(1 if i in reduced else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in reduced)


class ReduceOp(DfgOp, StructuredOpInterface):
    """Common structure of the `reduce_*` ops.

    `axes` may hold negative entries; empty or absent means every axis (ONNX's
    `noop_with_empty_axes = 0`). `keepdims` (default true, as in ONNX) keeps the
    reduced axes as size-1 dimensions. The result has the input's element type.
    """

    traits = traits_def(Pure())
    assembly_format = _FORMAT

    input = operand_def(TensorType)
    """The tensor to reduce."""
    output = result_def(TensorType)
    """The reduced tensor; same element type as `input`."""
    axes = opt_attr_def(DenseArrayBase)
    """Axes to reduce (i64, may be negative); empty or absent = all axes."""
    keepdims = opt_attr_def(BoolAttr)
    """Keep reduced axes as size-1 dimensions (default true)."""

    ALLOW_BOOL: ClassVar[bool] = False
    EXTRA_FLOPS_PER_OUTPUT: ClassVar[int] = 0

    def normalized_axes(self) -> tuple[int, ...]:
        """The reduced axes, normalized and sorted (every axis when empty)."""
        rank = len(shape_of(self.input))
        axes = tuple(
            a % rank if rank else 0 for a in int_list(self.axes)
        )  # verified in range
        return tuple(sorted(axes)) if axes else tuple(range(rank))

    def keep_dims(self) -> bool:
        return bool_value(self.keepdims, True)

    def verify_semantics(self) -> None:
        element = element_type_of(self.input)
        if is_bool(element) and not self.ALLOW_BOOL:
            raise VerifyException(
                f"{operand_label(self, self.input)} is i1; '{self.name}' needs a "
                "numeric tensor"
            )
        shape = shape_of(self.input)
        if self.axes is not None:
            elt = self.axes.elt_type
            if not (isinstance(elt, IntegerType) and elt.width.data == 64):
                raise VerifyException(
                    f"attribute 'axes' has element type {elt}; expected i64"
                )
        axes = require_axes(int_list(self.axes), len(shape), "attribute 'axes'")
        require_result_shape(self, reduced_shape(shape, axes, self.keep_dims()))
        require_result_element_type(self, element)

    def iteration_space(self) -> IterationSpace:
        shape = shape_of(self.input)
        reduced = set(self.normalized_axes())
        kinds: tuple[LoopKind, ...] = tuple(
            "reduction" if i in reduced else "parallel" for i in range(len(shape))
        )
        return IterationSpace(shape, kinds)

    def indexing_maps(self) -> tuple[AffineMap, ...]:
        rank = len(shape_of(self.input))
        reduced = set(self.normalized_axes())
        exprs: list[AffineExpr] = []
        for i in range(rank):
            if i not in reduced:
                exprs.append(AffineExpr.dimension(i))
            elif self.keep_dims():
                exprs.append(AffineExpr.constant(0))
        return (AffineMap.identity(rank), AffineMap(rank, 0, tuple(exprs)))

    def flop_count(self) -> int:
        """One combine per input element (plus one divide per output for mean)."""
        return num_elements(shape_of(self.input)) + (
            self.EXTRA_FLOPS_PER_OUTPUT * num_elements(shape_of(self.output))
        )


@irdl_op_definition
class ReduceSumOp(ReduceOp):
    """Sum over `axes` (ONNX ReduceSum). Integer sums wrap in the element type.

    `%r = dfg.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>`
    """

    name = "dfg.reduce_sum"


@irdl_op_definition
class ReduceMeanOp(ReduceOp):
    """Arithmetic mean over `axes` (ONNX ReduceMean). On integer tensors the
    mean is computed exactly (in f64) and truncated toward zero, as the ONNX
    reference (`np.mean(...).astype(dtype)`) does.

    `%r = dfg.reduce_mean %x {axes = array<i64: -1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>`
    """

    name = "dfg.reduce_mean"
    EXTRA_FLOPS_PER_OUTPUT: ClassVar[int] = 1


@irdl_op_definition
class ReduceMaxOp(ReduceOp):
    """Maximum over `axes` (ONNX ReduceMax); NaN propagates, i1 is allowed (any).

    `%r = dfg.reduce_max %x {axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<1x3xf32>`
    """

    name = "dfg.reduce_max"
    ALLOW_BOOL: ClassVar[bool] = True


@irdl_op_definition
class ReduceMinOp(ReduceOp):
    """Minimum over `axes` (ONNX ReduceMin); NaN propagates, i1 is allowed (all).

    `%r = dfg.reduce_min %x : (tensor<2x3xi32>) -> tensor<1x1xi32>`
    """

    name = "dfg.reduce_min"
    ALLOW_BOOL: ClassVar[bool] = True


@irdl_op_definition
class ReduceProdOp(ReduceOp):
    """Product over `axes` (ONNX ReduceProd). Integer products wrap.

    `%r = dfg.reduce_prod %x {axes = array<i64: 0, 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<f32>`
    """

    name = "dfg.reduce_prod"


SCAN_KINDS = ("sum", "prod", "max", "min")


@irdl_op_definition
class ScanOp(DfgOp, StructuredOpInterface):
    """Inclusive (or `exclusive`) prefix combine along `axis`, optionally from
    the end (`reverse`); `kind = "sum"` is ONNX CumSum. Exclusive scans start
    from the identity of `kind` (0, 1, the lowest or the highest value).

    `%r = dfg.scan %x {axis = 1 : i64, kind = "sum", exclusive = true} : (tensor<2x3xf32>) -> tensor<2x3xf32>`
    """

    name = "dfg.scan"
    traits = traits_def(Pure())
    assembly_format = _FORMAT

    input = operand_def(TensorType)
    """The tensor to scan."""
    output = result_def(TensorType)
    """Same shape and element type as `input`."""
    axis = attr_def(IntegerAttr)
    """The scanned axis (may be negative)."""
    kind = attr_def(StringAttr)
    """The combine: "sum", "prod", "max" or "min"."""
    exclusive = opt_attr_def(BoolAttr)
    """Exclude the current element (default false)."""
    reverse = opt_attr_def(BoolAttr)
    """Scan from the last element toward the first (default false)."""

    def normalized_axis(self) -> int:
        rank = len(shape_of(self.input))
        axis = normalize_axis(self.axis.value.data, rank)
        assert axis is not None
        return axis

    def verify_semantics(self) -> None:
        element = element_type_of(self.input)
        if is_bool(element):
            raise VerifyException(
                f"{operand_label(self, self.input)} is i1; 'dfg.scan' needs a "
                "numeric tensor"
            )
        if self.kind.data not in SCAN_KINDS:
            raise VerifyException(
                f"attribute 'kind' is \"{self.kind.data}\"; expected one of "
                f"{', '.join(SCAN_KINDS)}"
            )
        rank = len(shape_of(self.input))
        axis = self.axis.value.data
        if normalize_axis(axis, rank) is None or rank == 0:
            raise VerifyException(
                f"attribute 'axis' is {axis}, out of range for rank {rank}"
            )
        require_result_shape(self, shape_of(self.input))
        require_result_element_type(self, element)

    def iteration_space(self) -> IterationSpace:
        shape = shape_of(self.input)
        axis = self.normalized_axis()
        kinds: tuple[LoopKind, ...] = tuple(
            "reduction" if i == axis else "parallel" for i in range(len(shape))
        )
        return IterationSpace(shape, kinds)

    def indexing_maps(self) -> tuple[AffineMap, ...]:
        rank = len(shape_of(self.input))
        return (AffineMap.identity(rank), AffineMap.identity(rank))

    def flop_count(self) -> int:
        """One combine per element."""
        return num_elements(shape_of(self.input))


REDUCE_OPS = (ReduceSumOp, ReduceMeanOp, ReduceMaxOp, ReduceMinOp, ReduceProdOp)

OPS = (*REDUCE_OPS, ScanOp)
