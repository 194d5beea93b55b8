"""Linear-algebra dfg ops: `matmul`, `batch_matmul` and `conv2d`.

Each is a contraction: its iteration space lists the parallel loops of the
result followed by the reduction loops, and every operand is read through an
affine map of that space (conv2d's input map has constant offsets for padding
and a floordiv for the group channel offset).
"""

from __future__ import annotations

from xdsl.dialects.builtin import (
    I64,
    BoolAttr,
    DenseArrayBase,
    IntegerAttr,
    IntegerType,
    TensorType,
    i32,
)
from xdsl.ir import Attribute, SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.irdl import (
    irdl_op_definition,
    operand_def,
    opt_attr_def,
    opt_operand_def,
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
    broadcast_shapes,
    element_type_of,
    format_shape,
    int_list,
    is_float,
    num_elements,
    operand_label,
    require_result_element_type,
    require_result_shape,
    shape_of,
)

_FORMAT = "operands attr-dict `:` functional-type(operands, results)"


def _dim(i: int) -> AffineExpr:
    return AffineExpr.dimension(i)


def _const(value: int) -> AffineExpr:
    return AffineExpr.constant(value)


def is_matmul_integer(element_type: Attribute) -> bool:
    """Integer element types a matmul accepts: i8, i32 and i64."""
    return isinstance(element_type, IntegerType) and element_type.width.data in (
        8,
        32,
        64,
    )


def matmul_result_element_ok(operand_element: Attribute, result: Attribute) -> bool:
    """A matmul's result element type is its operands', or i32 for i8 operands
    (the accumulating form of ONNX MatMulInteger)."""
    if result == operand_element:
        return True
    return (
        isinstance(operand_element, IntegerType)
        and operand_element.width.data == 8
        and result == i32
    )


class MatmulBase(DfgOp, StructuredOpInterface):
    """Shared verification of `matmul` and `batch_matmul`."""

    lhs = operand_def(TensorType)
    """Left operand `A`: `[..., M, K]`, or `[..., K, M]` with `transpose_a`."""
    rhs = operand_def(TensorType)
    """Right operand `B`: `[..., K, N]`, or `[..., N, K]` with `transpose_b`."""
    output = result_def(TensorType)
    """`[..., M, N]`."""
    transpose_a = opt_attr_def(BoolAttr)
    """`lhs` is stored transposed (its last two dims are `K, M`)."""
    transpose_b = opt_attr_def(BoolAttr)
    """`rhs` is stored transposed (its last two dims are `N, K`)."""

    traits = traits_def(Pure())
    assembly_format = _FORMAT

    def matrix_dims(self) -> tuple[int, int, int, int]:
        """`(M, K, K_rhs, N)` of the two operands after undoing transposes."""
        a, b = shape_of(self.lhs), shape_of(self.rhs)
        m, k = a[-2:]
        if bool_value(self.transpose_a):
            m, k = k, m
        k_rhs, n = b[-2:]
        if bool_value(self.transpose_b):
            k_rhs, n = n, k_rhs
        return m, k, k_rhs, n

    def verify_elements(self) -> None:
        element = element_type_of(self.lhs)
        if element_type_of(self.rhs) != element:
            raise VerifyException(
                f"{operand_label(self, self.rhs)} has element type "
                f"{element_type_of(self.rhs)}, expected {element} to match 'lhs'"
            )
        if not (is_float(element) or is_matmul_integer(element)):
            raise VerifyException(
                f"{operand_label(self, self.lhs)} has element type {element}; "
                f"'{self.name}' needs a float, i8, i32 or i64 tensor"
            )
        result = element_type_of(self.output)
        if not matmul_result_element_ok(element, result):
            allowed = f"{element} or i32" if element == IntegerType(8) else element
            raise VerifyException(
                f"result element type {result} does not match the expected {allowed}"
            )

    def verify_contraction(self) -> tuple[int, int, int]:
        m, k, k_rhs, n = self.matrix_dims()
        if k != k_rhs:
            raise VerifyException(
                f"{operand_label(self, self.rhs)} has contraction size {k_rhs}, "
                f"expected {k} to match 'lhs' (shapes "
                f"{format_shape(shape_of(self.lhs))} and "
                f"{format_shape(shape_of(self.rhs))})"
            )
        return m, k, n

    def operand_matrix_exprs(
        self, transposed: bool, row: AffineExpr, col: AffineExpr
    ) -> tuple[AffineExpr, AffineExpr]:
        return (col, row) if transposed else (row, col)


@irdl_op_definition
class MatmulOp(MatmulBase):
    """2-D matrix product `A[M,K] x B[K,N]` (ONNX MatMul / Gemm without bias).

    `%c = dfg.matmul %a, %b {transpose_b = true} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>`

    Iteration space `(M, N, K)`, `K` a reduction.
    """

    name = "dfg.matmul"

    def verify_semantics(self) -> None:
        for value in (self.lhs, self.rhs):
            if len(shape_of(value)) != 2:
                raise VerifyException(
                    f"{operand_label(self, value)} has rank "
                    f"{len(shape_of(value))}; 'dfg.matmul' needs rank 2 "
                    "(use dfg.batch_matmul for batches)"
                )
        self.verify_elements()
        m, _, n = self.verify_contraction()
        require_result_shape(self, (m, n))

    def iteration_space(self) -> IterationSpace:
        m, k, _, n = self.matrix_dims()
        return IterationSpace((m, n, k), ("parallel", "parallel", "reduction"))

    def indexing_maps(self) -> tuple[AffineMap, ...]:
        m, n, k = _dim(0), _dim(1), _dim(2)
        a = self.operand_matrix_exprs(bool_value(self.transpose_a), m, k)
        b = self.operand_matrix_exprs(bool_value(self.transpose_b), k, n)
        return (AffineMap(3, 0, a), AffineMap(3, 0, b), AffineMap(3, 0, (m, n)))

    def flop_count(self) -> int:
        m, k, _, n = self.matrix_dims()
        return 2 * m * n * k


@irdl_op_definition
class BatchMatmulOp(MatmulBase):
    """Batched matrix product with numpy matmul semantics (ONNX MatMul).

    The leading (batch) dims broadcast numpy-style; the last two are multiplied.

    `%c = dfg.batch_matmul %a, %b : (tensor<8x1x2x3xf32>, tensor<4x3x5xf32>) -> tensor<8x4x2x5xf32>`

    Operands have rank >= 2 and at least one has rank >= 3 (a rank-2 operand
    is shared by every batch). Iteration space `(batch..., M, N, K)`.
    """

    name = "dfg.batch_matmul"

    def batch_shape(self) -> tuple[int, ...]:
        shape = broadcast_shapes(shape_of(self.lhs)[:-2], shape_of(self.rhs)[:-2])
        assert shape is not None
        return shape

    def verify_semantics(self) -> None:
        for value in (self.lhs, self.rhs):
            if len(shape_of(value)) < 2:
                raise VerifyException(
                    f"{operand_label(self, value)} has rank "
                    f"{len(shape_of(value))}; 'dfg.batch_matmul' needs rank >= 2"
                )
        if len(shape_of(self.lhs)) < 3 and len(shape_of(self.rhs)) < 3:
            raise VerifyException(
                "both operands have rank 2; 'dfg.batch_matmul' needs a batch "
                "dim on at least one (use dfg.matmul)"
            )
        self.verify_elements()
        m, _, n = self.verify_contraction()
        lhs_batch, rhs_batch = shape_of(self.lhs)[:-2], shape_of(self.rhs)[:-2]
        batch = broadcast_shapes(lhs_batch, rhs_batch)
        if batch is None:
            raise VerifyException(
                f"{operand_label(self, self.rhs)} has batch dims "
                f"{format_shape(rhs_batch)} that do not broadcast with 'lhs' "
                f"batch dims {format_shape(lhs_batch)}"
            )
        require_result_shape(self, (*batch, m, n))

    def iteration_space(self) -> IterationSpace:
        m, k, _, n = self.matrix_dims()
        batch = self.batch_shape()
        return IterationSpace(
            (*batch, m, n, k),
            ("parallel",) * (len(batch) + 2) + ("reduction",),
        )

    def _operand_map(
        self, value: SSAValue, transposed: bool, row: AffineExpr, col: AffineExpr
    ) -> AffineMap:
        batch = self.batch_shape()
        rank = len(batch) + 3
        own = shape_of(value)[:-2]
        offset = len(batch) - len(own)
        exprs: list[AffineExpr] = []
        for axis, size in enumerate(own):
            if size == 1 and batch[axis + offset] != 1:
                exprs.append(_const(0))
            else:
                exprs.append(_dim(axis + offset))
        exprs.extend(self.operand_matrix_exprs(transposed, row, col))
        return AffineMap(rank, 0, tuple(exprs))

    def indexing_maps(self) -> tuple[AffineMap, ...]:
        nb = len(self.batch_shape())
        m, n, k = _dim(nb), _dim(nb + 1), _dim(nb + 2)
        a = self._operand_map(self.lhs, bool_value(self.transpose_a), m, k)
        b = self._operand_map(self.rhs, bool_value(self.transpose_b), k, n)
        out = AffineMap(nb + 3, 0, (*(_dim(i) for i in range(nb)), m, n))
        return (a, b, out)

    def flop_count(self) -> int:
        m, k, _, n = self.matrix_dims()
        return 2 * num_elements(self.batch_shape()) * m * n * k


# ---------------------------------------------------------------------------
# Convolution
# ---------------------------------------------------------------------------


def conv_output_size(
    size: int, kernel: int, stride: int, pad_begin: int, pad_end: int, dilation: int
) -> int:
    """`floor((size + pads - dilation * (kernel - 1) - 1) / stride) + 1` (may be
    <= 0 when the window does not fit)."""
    return (size + pad_begin + pad_end - dilation * (kernel - 1) - 1) // stride + 1


def verify_int_array(
    attr: DenseArrayBase | None,
    name: str,
    length: int,
    default: int,
    minimum: int,
) -> tuple[int, ...]:
    """The values of an optional i64 array attribute, checked for length and a
    lower bound; `(default,) * length` when absent."""
    if attr is None:
        return (default,) * length
    values = int_list(attr)
    if len(values) != length:
        raise VerifyException(
            f"attribute '{name}' has {len(values)} entries; expected {length}"
        )
    for value in values:
        if value < minimum:
            raise VerifyException(
                f"attribute '{name}' entry {value} must be >= {minimum}"
            )
    return values


def window_input_expr(
    out: AffineExpr, window: AffineExpr, stride: int, dilation: int, pad: int
) -> AffineExpr:
    """`out * stride + window * dilation - pad`: the input index a sliding
    window reads."""
    expr = out * stride + window * dilation
    return expr - pad if pad else expr


@irdl_op_definition
class Conv2dOp(DfgOp, StructuredOpInterface):
    """2-D convolution (cross-correlation) of an NCHW input with an OIHW weight.

    Optional bias, strides, pads, dilations and groups, as in ONNX Conv.

    ```mlir
    %y = dfg.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
    ```

    Iteration space `(N, O, OH, OW, C/groups, KH, KW)`, the last three reductions.
    """

    name = "dfg.conv2d"
    input = operand_def(TensorType)
    """`[N, C, H, W]`."""
    weight = operand_def(TensorType)
    """`[O, C/groups, KH, KW]`."""
    bias = opt_operand_def(TensorType)
    """Optional `[O]`, added to every output pixel."""
    output = result_def(TensorType)
    """`[N, O, OH, OW]`."""
    strides = opt_attr_def(DenseArrayBase[I64])
    """`[stride_h, stride_w]`, default 1."""
    pads = opt_attr_def(DenseArrayBase[I64])
    """`[top, left, bottom, right]` zero padding (ONNX order), default 0."""
    dilations = opt_attr_def(DenseArrayBase[I64])
    """`[dilation_h, dilation_w]`, default 1."""
    groups = opt_attr_def(IntegerAttr[I64])
    """Channel groups (i64), default 1; `groups == C` is a depthwise conv."""

    traits = traits_def(Pure())
    assembly_format = (
        "$input `,` $weight (`,` $bias^)? attr-dict `:` "
        "functional-type(operands, results)"
    )

    # -- attribute accessors (defaults applied) ------------------------------

    def stride_values(self) -> tuple[int, ...]:
        return int_list(self.strides) or (1, 1)

    def pad_values(self) -> tuple[int, ...]:
        return int_list(self.pads) or (0, 0, 0, 0)

    def dilation_values(self) -> tuple[int, ...]:
        return int_list(self.dilations) or (1, 1)

    def group_count(self) -> int:
        return 1 if self.groups is None else int(self.groups.value.data)

    def output_spatial(self) -> tuple[int, int]:
        _, _, h, w = shape_of(self.input)
        _, _, kh, kw = shape_of(self.weight)
        sh, sw = self.stride_values()
        pt, pl, pb, pr = self.pad_values()
        dh, dw = self.dilation_values()
        return (
            conv_output_size(h, kh, sh, pt, pb, dh),
            conv_output_size(w, kw, sw, pl, pr, dw),
        )

    def verify_semantics(self) -> None:
        for value in (self.input, self.weight):
            if len(shape_of(value)) != 4:
                raise VerifyException(
                    f"{operand_label(self, value)} has rank "
                    f"{len(shape_of(value))}; 'dfg.conv2d' needs rank 4"
                )
        element = element_type_of(self.input)
        if not is_float(element):
            raise VerifyException(
                f"{operand_label(self, self.input)} has element type {element}; "
                "'dfg.conv2d' needs a floating-point tensor"
            )
        others = [self.weight] + ([self.bias] if self.bias is not None else [])
        for value in others:
            if element_type_of(value) != element:
                raise VerifyException(
                    f"{operand_label(self, value)} has element type "
                    f"{element_type_of(value)}, expected {element} to match "
                    "'input'"
                )
        verify_int_array(self.strides, "strides", 2, 1, 1)
        verify_int_array(self.pads, "pads", 4, 0, 0)
        verify_int_array(self.dilations, "dilations", 2, 1, 1)
        groups = self.group_count()
        if groups < 1:
            raise VerifyException(f"attribute 'groups' is {groups}; must be >= 1")
        n, c, h, w = shape_of(self.input)
        o, cg, kh, kw = shape_of(self.weight)
        if c % groups:
            raise VerifyException(
                f"{operand_label(self, self.input)} has {c} channels, not "
                f"divisible by attribute 'groups' ({groups})"
            )
        if o % groups:
            raise VerifyException(
                f"{operand_label(self, self.weight)} has {o} output channels, "
                f"not divisible by attribute 'groups' ({groups})"
            )
        if cg != c // groups:
            raise VerifyException(
                f"{operand_label(self, self.weight)} has {cg} input channels per "
                f"group; expected {c // groups} (C={c} / groups={groups})"
            )
        if self.bias is not None and shape_of(self.bias) != (o,):
            raise VerifyException(
                f"{operand_label(self, self.bias)} has shape "
                f"{format_shape(shape_of(self.bias))}; expected {o} (one per "
                "output channel)"
            )
        oh, ow = self.output_spatial()
        if oh <= 0 or ow <= 0:
            raise VerifyException(
                f"{operand_label(self, self.weight)} window {kh}x{kw} does not fit "
                f"the padded input {h}x{w} (output would be {oh}x{ow})"
            )
        require_result_shape(self, (n, o, oh, ow))
        require_result_element_type(self, element)

    def iteration_space(self) -> IterationSpace:
        n, _, _, _ = shape_of(self.input)
        o, cg, kh, kw = shape_of(self.weight)
        oh, ow = self.output_spatial()
        return IterationSpace(
            (n, o, oh, ow, cg, kh, kw),
            ("parallel",) * 4 + ("reduction",) * 3,
        )

    def indexing_maps(self) -> tuple[AffineMap, ...]:
        n, o, oh, ow, c, kh, kw = (_dim(i) for i in range(7))
        out_channels, cg, _, _ = shape_of(self.weight)
        groups = self.group_count()
        sh, sw = self.stride_values()
        pt, pl, _, _ = self.pad_values()
        dh, dw = self.dilation_values()
        channel = c if groups == 1 else (o // (out_channels // groups)) * cg + c
        maps = [
            AffineMap(
                7,
                0,
                (
                    n,
                    channel,
                    window_input_expr(oh, kh, sh, dh, pt),
                    window_input_expr(ow, kw, sw, dw, pl),
                ),
            ),
            AffineMap(7, 0, (o, c, kh, kw)),
        ]
        if self.bias is not None:
            maps.append(AffineMap(7, 0, (o,)))
        maps.append(AffineMap(7, 0, (n, o, oh, ow)))
        return tuple(maps)

    def flop_count(self) -> int:
        space = self.iteration_space()
        flops = 2 * space.num_points
        if self.bias is not None:
            flops += num_elements(shape_of(self.output))
        return flops


OPS = (MatmulOp, BatchMatmulOp, Conv2dOp)
