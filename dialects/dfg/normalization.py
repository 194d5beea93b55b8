"""Normalization dfg ops: `softmax` and `log_softmax` along one axis (ONNX
opset 13), `layer_norm` (ONNX LayerNormalization, the `Y` output only) and
`rms_norm` (ONNX RMSNormalization-23).

All are float-only and keep the input's shape and element type. Their
iteration space is the input shape with the normalized axes as 'reduction'
loops (the statistics are reductions, the output is written at every point).
"""

from __future__ import annotations

from typing import ClassVar, Self

from xdsl.dialects.builtin import FloatAttr, IntegerAttr, TensorType
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.irdl import (
    AttrSizedOperandSegments,
    irdl_op_definition,
    operand_def,
    opt_attr_def,
    opt_operand_def,
    result_def,
    traits_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from .base import (
    DfgOp,
    IterationSpace,
    LoopKind,
    StructuredOpInterface,
    broadcast_shapes,
    element_type_of,
    format_shape,
    is_float,
    normalize_axis,
    num_elements,
    operand_label,
    require_result_element_type,
    require_result_shape,
    shape_of,
)

DEFAULT_EPSILON = 1e-5
"""Default `epsilon` of `layer_norm` and `rms_norm` (ONNX's default for both)."""


class NormalizationOp(DfgOp, StructuredOpInterface):
    """Common structure: a float `input`, an `axis` attribute and a result of
    the input's type. Subclasses say which axes are normalized."""

    traits = traits_def(Pure())

    input = operand_def(TensorType)
    """The tensor to normalize."""
    output = result_def(TensorType)
    """Same shape and element type as `input`."""
    axis = opt_attr_def(IntegerAttr)
    """The (first) normalized axis, may be negative; default -1."""

    FLOPS_PER_ELEMENT: ClassVar[int] = 1
    FLOPS_PER_ROW: ClassVar[int] = 0

    def axis_value(self) -> int:
        return -1 if self.axis is None else self.axis.value.data

    def normalized_axis(self) -> int:
        axis = normalize_axis(self.axis_value(), len(shape_of(self.input)))
        assert axis is not None
        return axis

    def reduced_axes(self) -> tuple[int, ...]:
        """The normalized axes (a suffix [axis, rank) unless overridden)."""
        return tuple(range(self.normalized_axis(), len(shape_of(self.input))))

    def verify_semantics(self) -> None:
        element = element_type_of(self.input)
        if not is_float(element):
            raise VerifyException(
                f"{operand_label(self, self.input)} has element type {element}; "
                f"'{self.name}' needs a floating-point tensor"
            )
        rank = len(shape_of(self.input))
        if rank == 0 or normalize_axis(self.axis_value(), rank) is None:
            raise VerifyException(
                f"attribute 'axis' is {self.axis_value()}, out of range for rank {rank}"
            )
        require_result_shape(self, shape_of(self.input))
        require_result_element_type(self, element)

    def iteration_space(self) -> IterationSpace:
        shape = shape_of(self.input)
        reduced = set(self.reduced_axes())
        kinds: tuple[LoopKind, ...] = tuple(
            "reduction" if i in reduced else "parallel" for i in range(len(shape))
        )
        return IterationSpace(shape, kinds)

    def indexing_maps(self) -> tuple[AffineMap, ...]:
        rank = len(shape_of(self.input))
        identity = AffineMap.identity(rank)
        return (
            identity,
            *(self.suffix_map(v) for v in self.operands[1:]),
            identity,
        )

    def suffix_map(self, value: SSAValue) -> AffineMap:
        """The map reading a parameter broadcast onto the normalized suffix."""
        shape = shape_of(self.input)
        rank = len(shape)
        operand_shape = shape_of(value)
        offset = rank - len(operand_shape)
        exprs = tuple(
            AffineExpr.constant(0)
            if dim == 1 and shape[i + offset] != 1
            else AffineExpr.dimension(i + offset)
            for i, dim in enumerate(operand_shape)
        )
        return AffineMap(rank, 0, exprs)

    def flop_count(self) -> int:
        shape = shape_of(self.input)
        rows = num_elements(shape) // max(
            1, num_elements([shape[a] for a in self.reduced_axes()])
        )
        return self.FLOPS_PER_ELEMENT * num_elements(shape) + self.FLOPS_PER_ROW * rows

    def verify_parameter(self, value: SSAValue | None) -> None:
        """`value` (scale or bias) must share the input's element type and
        broadcast to the normalized suffix shape."""
        if value is None:
            return
        element = element_type_of(self.input)
        if element_type_of(value) != element:
            raise VerifyException(
                f"{operand_label(self, value)} has element type "
                f"{element_type_of(value)}, expected {element} to match 'input'"
            )
        suffix = shape_of(self.input)[self.normalized_axis() :]
        shape = shape_of(value)
        if len(shape) > len(suffix) or broadcast_shapes(shape, suffix) != suffix:
            raise VerifyException(
                f"{operand_label(self, value)} of shape {format_shape(shape)} does "
                f"not broadcast to the normalized shape {format_shape(suffix)}"
            )

    def verify_epsilon(self, epsilon: FloatAttr | None) -> None:
        if epsilon is not None and not epsilon.value.data >= 0:
            raise VerifyException(
                f"attribute 'epsilon' is {epsilon.value.data}; expected a "
                "non-negative value"
            )


class KeywordOperandsOp(NormalizationOp):
    """Printed `dfg.<op> %x scale %g bias %b {attrs} : (types) -> type`: each
    optional operand after `input` is introduced by its name, so any subset of
    them is unambiguous (the declarative format cannot express
    `functional-type(operands, ...)` with several optional operands)."""

    OPTIONAL_OPERANDS: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        unresolved = [parser.parse_unresolved_operand()]
        present: dict[str, bool] = {}
        for keyword in cls.OPTIONAL_OPERANDS:
            present[keyword] = parser.parse_optional_keyword(keyword) is not None
            if present[keyword]:
                unresolved.append(parser.parse_unresolved_operand())
        attributes = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        pos = parser.pos
        function_type = parser.parse_function_type()
        values = list(
            parser.resolve_operands(unresolved, function_type.inputs.data, pos)
        )
        operands: list[SSAValue | None] = [values.pop(0)]
        for keyword in cls.OPTIONAL_OPERANDS:
            operands.append(values.pop(0) if present[keyword] else None)
        return cls.build(
            operands=operands,
            result_types=list(function_type.outputs.data),
            attributes=attributes,
        )

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_operand(self.input)
        for keyword in self.OPTIONAL_OPERANDS:
            value = getattr(self, keyword)
            if value is not None:
                printer.print_string(f" {keyword} ")
                printer.print_operand(value)
        printer.print_op_attributes(
            self.attributes, reserved_attr_names=("operandSegmentSizes",)
        )
        printer.print_string(" : ")
        printer.print_function_type(
            (v.type for v in self.operands), (r.type for r in self.results)
        )


class SoftmaxBase(NormalizationOp):
    """`softmax`/`log_softmax`: one normalized axis (ONNX opset 13)."""

    assembly_format = "operands attr-dict `:` functional-type(operands, results)"

    def reduced_axes(self) -> tuple[int, ...]:
        return (self.normalized_axis(),)


@irdl_op_definition
class SoftmaxOp(SoftmaxBase):
    """`exp(x - max) / sum(exp(x - max))` along `axis` (ONNX Softmax-13).

    `%r = dfg.softmax %x {axis = -1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>`
    """

    name = "dfg.softmax"
    # max, subtract, exp (4), sum, divide
    FLOPS_PER_ELEMENT: ClassVar[int] = 8


@irdl_op_definition
class LogSoftmaxOp(SoftmaxBase):
    """`x - max - log(sum(exp(x - max)))` along `axis` (ONNX LogSoftmax-13).

    `%r = dfg.log_softmax %x {axis = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>`
    """

    name = "dfg.log_softmax"
    # max, subtract, exp (4), sum, subtract; one log (4) per row
    FLOPS_PER_ELEMENT: ClassVar[int] = 8
    FLOPS_PER_ROW: ClassVar[int] = 4


@irdl_op_definition
class LayerNormOp(KeywordOperandsOp):
    """Layer normalization over axes `[axis, rank)` (ONNX LayerNormalization,
    output `Y` only): `(x - mean) / sqrt(var + epsilon) * scale + bias`, with the
    biased variance. `scale` and `bias` are optional and broadcast to the
    normalized shape `input.shape[axis:]`.

    `%r = dfg.layer_norm %x scale %g bias %b {axis = -1 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8xf32>`
    """

    name = "dfg.layer_norm"
    irdl_options = (AttrSizedOperandSegments(),)
    OPTIONAL_OPERANDS: ClassVar[tuple[str, ...]] = ("scale", "bias")

    input = operand_def(TensorType)
    """The tensor to normalize."""
    scale = opt_operand_def(TensorType)
    """Multiplier (gamma), broadcast to `input.shape[axis:]`; default 1."""
    bias = opt_operand_def(TensorType)
    """Offset (beta), broadcast to `input.shape[axis:]`; default 0."""
    output = result_def(TensorType)
    """Same shape and element type as `input`."""
    epsilon = opt_attr_def(FloatAttr)
    """Added to the variance (f32, default 1e-5)."""

    # mean (1), subtract (1), square + sum (2), multiply by rstd (1), scale, bias;
    # per row: divide mean, divide var, add epsilon, rsqrt (2)
    FLOPS_PER_ELEMENT: ClassVar[int] = 7
    FLOPS_PER_ROW: ClassVar[int] = 5

    def verify_semantics(self) -> None:
        super().verify_semantics()
        self.verify_parameter(self.scale)
        self.verify_parameter(self.bias)
        self.verify_epsilon(self.epsilon)


@irdl_op_definition
class RmsNormOp(KeywordOperandsOp):
    """Root-mean-square normalization over axes `[axis, rank)` (ONNX
    RMSNormalization-23): `x / sqrt(mean(x^2) + epsilon) * scale`. `scale` is
    optional and broadcasts to `input.shape[axis:]`; `epsilon` defaults to 1e-5
    like ONNX.

    `%r = dfg.rms_norm %x scale %g {epsilon = 1.0e-06 : f32} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>`
    """

    name = "dfg.rms_norm"
    OPTIONAL_OPERANDS: ClassVar[tuple[str, ...]] = ("scale",)

    input = operand_def(TensorType)
    """The tensor to normalize."""
    scale = opt_operand_def(TensorType)
    """Multiplier (gamma), broadcast to `input.shape[axis:]`; default 1."""
    output = result_def(TensorType)
    """Same shape and element type as `input`."""
    epsilon = opt_attr_def(FloatAttr)
    """Added to the mean square (f32, default 1e-5)."""

    # square + sum (2), multiply by rrms (1), scale (1); per row: divide, add
    # epsilon, rsqrt (2)
    FLOPS_PER_ELEMENT: ClassVar[int] = 4
    FLOPS_PER_ROW: ClassVar[int] = 4

    def verify_semantics(self) -> None:
        super().verify_semantics()
        self.verify_parameter(self.scale)
        self.verify_epsilon(self.epsilon)


OPS = (SoftmaxOp, LogSoftmaxOp, LayerNormOp, RmsNormOp)
