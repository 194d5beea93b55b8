"""Pooling dfg ops: windowed `max_pool2d` / `avg_pool2d` and the global
`global_max_pool` / `global_avg_pool`, with ONNX MaxPool, AveragePool,
GlobalMaxPool and GlobalAveragePool semantics on NCHW tensors.

The windowed pools iterate `(N, C, OH, OW, KH, KW)` (the window loops are
reductions); the global pools iterate `(N, C, spatial...)` with every spatial
loop a reduction.
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import I64, BoolAttr, DenseArrayBase, TensorType
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.irdl import (
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
    StructuredOpInterface,
    bool_value,
    element_type_of,
    format_shape,
    int_list,
    is_float,
    is_integer,
    num_elements,
    operand_label,
    require_result_element_type,
    require_result_shape,
    shape_of,
)
from .linalg import verify_int_array, window_input_expr

_FORMAT = "operands attr-dict `:` functional-type(operands, results)"


def pool_output_size(
    size: int,
    kernel: int,
    stride: int,
    pad_begin: int,
    pad_end: int,
    dilation: int,
    ceil_mode: bool,
) -> int:
    """ONNX pooling output size. With `ceil_mode` the division rounds up, but a
    window that would start in the right padding is dropped."""
    span = size + pad_begin + pad_end - dilation * (kernel - 1) - 1
    if not ceil_mode:
        return span // stride + 1
    out = -(-span // stride) + 1
    if out > 0 and (out - 1) * stride >= size + pad_begin:
        out -= 1
    return out


def _dim(i: int) -> AffineExpr:
    return AffineExpr.dimension(i)


def _check_element(op: DfgOp, value, allow_integer: bool) -> None:
    element = element_type_of(value)
    if is_float(element) or (allow_integer and is_integer(element)):
        return
    needs = (
        "a floating-point or i8/i32/i64 tensor"
        if allow_integer
        else "a floating-point tensor"
    )
    raise VerifyException(
        f"{operand_label(op, value)} has element type {element}; '{op.name}' "
        f"needs {needs}"
    )


class Pool2dOp(DfgOp, StructuredOpInterface):
    """Common structure of `max_pool2d` and `avg_pool2d`."""

    input = operand_def(TensorType)
    """`[N, C, H, W]`."""
    output = result_def(TensorType)
    """`[N, C, OH, OW]`."""
    kernel = opt_attr_def(DenseArrayBase[I64])
    """`[KH, KW]` window size (required)."""
    strides = opt_attr_def(DenseArrayBase[I64])
    """`[stride_h, stride_w]`, default 1."""
    pads = opt_attr_def(DenseArrayBase[I64])
    """`[top, left, bottom, right]` (ONNX order), default 0."""
    ceil_mode = opt_attr_def(BoolAttr)
    """Round the output size up instead of down (default false)."""

    traits = traits_def(Pure())
    assembly_format = _FORMAT

    ALLOW_INTEGER: ClassVar[bool] = False
    FLOPS_PER_OUTPUT: ClassVar[int] = 0
    # Attributes of the sibling pool that this op would silently ignore.
    FOREIGN_ATTRIBUTES: ClassVar[tuple[str, ...]] = ()

    def kernel_values(self) -> tuple[int, ...]:
        return int_list(self.kernel)

    def stride_values(self) -> tuple[int, ...]:
        return int_list(self.strides) or (1, 1)

    def pad_values(self) -> tuple[int, ...]:
        return int_list(self.pads) or (0, 0, 0, 0)

    def dilation_values(self) -> tuple[int, ...]:
        return (1, 1)

    def output_spatial(self) -> tuple[int, int]:
        _, _, h, w = shape_of(self.input)
        kh, kw = self.kernel_values()
        sh, sw = self.stride_values()
        pt, pl, pb, pr = self.pad_values()
        dh, dw = self.dilation_values()
        ceil = bool_value(self.ceil_mode)
        return (
            pool_output_size(h, kh, sh, pt, pb, dh, ceil),
            pool_output_size(w, kw, sw, pl, pr, dw, ceil),
        )

    def verify_window_attributes(self) -> None:
        """Length and range checks of the window attributes."""
        if self.kernel is None:
            raise VerifyException("requires attribute 'kernel'")
        for name in self.FOREIGN_ATTRIBUTES:
            if name in self.attributes:
                raise VerifyException(
                    f"attribute '{name}' is not supported by '{self.name}'"
                )
        verify_int_array(self.kernel, "kernel", 2, 1, 1)
        verify_int_array(self.strides, "strides", 2, 1, 1)
        verify_int_array(self.pads, "pads", 4, 0, 0)

    def verify_semantics(self) -> None:
        rank = len(shape_of(self.input))
        if rank != 4:
            raise VerifyException(
                f"{operand_label(self, self.input)} has rank {rank}; "
                f"'{self.name}' needs rank 4 (NCHW)"
            )
        _check_element(self, self.input, self.ALLOW_INTEGER)
        self.verify_window_attributes()
        n, c, h, w = shape_of(self.input)
        oh, ow = self.output_spatial()
        if oh <= 0 or ow <= 0:
            kh, kw = self.kernel_values()
            raise VerifyException(
                f"attribute 'kernel' window {kh}x{kw} does not fit the padded "
                f"input {h}x{w} of {operand_label(self, self.input)} (output "
                f"would be {oh}x{ow})"
            )
        require_result_shape(self, (n, c, oh, ow))
        require_result_element_type(self, element_type_of(self.input))

    def iteration_space(self) -> IterationSpace:
        n, c, _, _ = shape_of(self.input)
        return IterationSpace(
            (n, c, *self.output_spatial(), *self.kernel_values()),
            ("parallel",) * 4 + ("reduction",) * 2,
        )

    def indexing_maps(self) -> tuple[AffineMap, ...]:
        n, c, oh, ow, kh, kw = (_dim(i) for i in range(6))
        sh, sw = self.stride_values()
        pt, pl, _, _ = self.pad_values()
        dh, dw = self.dilation_values()
        return (
            AffineMap(
                6,
                0,
                (
                    n,
                    c,
                    window_input_expr(oh, kh, sh, dh, pt),
                    window_input_expr(ow, kw, sw, dw, pl),
                ),
            ),
            AffineMap(6, 0, (n, c, oh, ow)),
        )

    def flop_count(self) -> int:
        """One operation per window element, plus `FLOPS_PER_OUTPUT` per output."""
        return self.iteration_space().num_points + self.FLOPS_PER_OUTPUT * (
            num_elements(shape_of(self.output))
        )


@irdl_op_definition
class MaxPool2dOp(Pool2dOp):
    """2-D max pooling (ONNX MaxPool): padding reads as -inf, NaN propagates.

    `%y = dfg.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32>`
    """

    name = "dfg.max_pool2d"
    dilations = opt_attr_def(DenseArrayBase[I64])
    """`[dilation_h, dilation_w]`, default 1."""

    ALLOW_INTEGER: ClassVar[bool] = True
    FOREIGN_ATTRIBUTES: ClassVar[tuple[str, ...]] = ("count_include_pad",)

    def dilation_values(self) -> tuple[int, ...]:
        return int_list(self.dilations) or (1, 1)

    def verify_window_attributes(self) -> None:
        super().verify_window_attributes()
        verify_int_array(self.dilations, "dilations", 2, 1, 1)


@irdl_op_definition
class AvgPool2dOp(Pool2dOp):
    """2-D average pooling (ONNX AveragePool).

    Padded positions are excluded from the divisor unless `count_include_pad`.

    `%y = dfg.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32>`
    """

    name = "dfg.avg_pool2d"
    count_include_pad = opt_attr_def(BoolAttr)
    """Divide by the full window (explicit padding included), default false."""

    FLOPS_PER_OUTPUT: ClassVar[int] = 1
    FOREIGN_ATTRIBUTES: ClassVar[tuple[str, ...]] = ("dilations",)


class GlobalPoolOp(DfgOp, StructuredOpInterface):
    """Common structure of the global pools.

    They reduce every spatial dim of an `[N, C, spatial...]` tensor to 1."""

    input = operand_def(TensorType)
    """`[N, C, D1, ..., Dk]`, k >= 1."""
    output = result_def(TensorType)
    """`[N, C, 1, ..., 1]`."""

    traits = traits_def(Pure())
    assembly_format = _FORMAT

    ALLOW_INTEGER: ClassVar[bool] = False
    FLOPS_PER_OUTPUT: ClassVar[int] = 0

    def verify_semantics(self) -> None:
        shape = shape_of(self.input)
        if len(shape) < 3:
            raise VerifyException(
                f"{operand_label(self, self.input)} has rank {len(shape)}; "
                f"'{self.name}' needs rank >= 3 (N, C and spatial dims), got "
                f"shape {format_shape(shape)}"
            )
        _check_element(self, self.input, self.ALLOW_INTEGER)
        require_result_shape(self, (*shape[:2], *(1 for _ in shape[2:])))
        require_result_element_type(self, element_type_of(self.input))

    def iteration_space(self) -> IterationSpace:
        shape = shape_of(self.input)
        return IterationSpace(
            shape, ("parallel",) * 2 + ("reduction",) * (len(shape) - 2)
        )

    def indexing_maps(self) -> tuple[AffineMap, ...]:
        rank = len(shape_of(self.input))
        out = (_dim(0), _dim(1), *(AffineExpr.constant(0) for _ in range(rank - 2)))
        return (AffineMap.identity(rank), AffineMap(rank, 0, out))

    def flop_count(self) -> int:
        return num_elements(shape_of(self.input)) + self.FLOPS_PER_OUTPUT * (
            num_elements(shape_of(self.output))
        )


@irdl_op_definition
class GlobalMaxPoolOp(GlobalPoolOp):
    """Maximum over all spatial dims (ONNX GlobalMaxPool); NaN propagates.

    `%y = dfg.global_max_pool %x : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>`
    """

    name = "dfg.global_max_pool"
    ALLOW_INTEGER: ClassVar[bool] = True


@irdl_op_definition
class GlobalAvgPoolOp(GlobalPoolOp):
    """Mean over all spatial dims (ONNX GlobalAveragePool).

    `%y = dfg.global_avg_pool %x : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>`
    """

    name = "dfg.global_avg_pool"
    FLOPS_PER_OUTPUT: ClassVar[int] = 1


OPS = (MaxPool2dOp, AvgPool2dOp, GlobalMaxPoolOp, GlobalAvgPoolOp)
