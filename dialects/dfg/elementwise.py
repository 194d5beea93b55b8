"""Elementwise dfg ops: unary math, binary arithmetic with numpy broadcasting,
comparisons, logical ops, `clip`, `cast` and `where`.

All of them share one iteration space (the result shape, every loop parallel)
and read each operand through its broadcast map.
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import FloatAttr, StringAttr, TensorType, i1
from xdsl.ir import Attribute
from xdsl.ir.affine import AffineMap
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
    broadcast_access_map,
    broadcast_shapes,
    element_type_of,
    format_shape,
    is_bool,
    is_float,
    num_elements,
    operand_label,
    require_result_element_type,
    require_result_shape,
    shape_of,
)

_FORMAT = "operands attr-dict `:` functional-type(operands, results)"


class ElementwiseOp(DfgOp, StructuredOpInterface):
    """Common structure of every elementwise op."""

    traits = traits_def(Pure())
    assembly_format = _FORMAT

    FLOPS_PER_ELEMENT: ClassVar[int] = 1

    def iteration_space(self) -> IterationSpace:
        return IterationSpace.parallel(shape_of(self.results[0]))

    def indexing_maps(self) -> tuple[AffineMap, ...]:
        result_shape = shape_of(self.results[0])
        return tuple(
            broadcast_access_map(shape_of(v), result_shape) for v in self.operands
        ) + (AffineMap.identity(len(result_shape)),)

    def flop_count(self) -> int:
        return self.FLOPS_PER_ELEMENT * num_elements(shape_of(self.results[0]))

    def verify_broadcast(self) -> tuple[int, ...]:
        """Check that operands broadcast together and the result has their
        broadcast shape; name the first operand that does not fit."""
        shapes = [shape_of(v) for v in self.operands]
        combined: tuple[int, ...] = ()
        for value, shape in zip(self.operands, shapes, strict=True):
            merged = broadcast_shapes(combined, shape)
            if merged is None:
                raise VerifyException(
                    f"{operand_label(self, value)} of shape {format_shape(shape)} "
                    f"does not broadcast with shape {format_shape(combined)}"
                )
            combined = merged
        require_result_shape(self, combined)
        return combined


# ---------------------------------------------------------------------------
# Unary
# ---------------------------------------------------------------------------


class UnaryOp(ElementwiseOp):
    """`%r = dfg.<op> %x : (tensor<...>) -> tensor<...>`; result type = input type."""

    input = operand_def(TensorType)
    """The tensor the op is applied to, element by element."""
    output = result_def(TensorType)
    """Same shape and element type as `input`."""

    FLOAT_ONLY: ClassVar[bool] = True

    def verify_semantics(self) -> None:
        element = element_type_of(self.input)
        if self.FLOAT_ONLY and not is_float(element):
            raise VerifyException(
                f"{operand_label(self, self.input)} has element type {element}; "
                f"'{self.name}' needs a floating-point tensor"
            )
        if is_bool(element) and not isinstance(self, NotOp):
            raise VerifyException(
                f"{operand_label(self, self.input)} is i1; '{self.name}' needs "
                "a numeric tensor"
            )
        require_result_shape(self, shape_of(self.input))
        require_result_element_type(self, element)


def _unary(name: str, doc: str, *, float_only: bool = True, flops: int = 1):
    """Define a unary op class `name` (kept small: each op still gets its own
    class and docstring, so the dialect documentation lists it)."""

    cls = type(
        name.title().replace("_", "") + "Op",
        (UnaryOp,),
        {
            "name": f"dfg.{name}",
            "__doc__": doc,
            "FLOAT_ONLY": float_only,
            "FLOPS_PER_ELEMENT": flops,
            "__module__": __name__,
            "__annotations__": {
                "FLOAT_ONLY": ClassVar[bool],
                "FLOPS_PER_ELEMENT": ClassVar[int],
            },
        },
    )
    return irdl_op_definition(cls)


NegOp = _unary(
    "neg",
    "Negation, `-x`.\n\n    `%r = dfg.neg %x : (tensor<4xf32>) -> tensor<4xf32>`",
    float_only=False,
)
AbsOp = _unary(
    "abs",
    "Absolute value, `|x|`.\n\n    `%r = dfg.abs %x : (tensor<4xi32>) -> tensor<4xi32>`",
    float_only=False,
)
ExpOp = _unary(
    "exp",
    "Natural exponential, `e^x`.\n\n    `%r = dfg.exp %x : (tensor<4xf32>) -> tensor<4xf32>`",
    flops=4,
)
LogOp = _unary(
    "log",
    "Natural logarithm; `log(0) = -inf`, negative inputs give NaN.\n\n    `%r = dfg.log %x : (tensor<4xf32>) -> tensor<4xf32>`",
    flops=4,
)
SqrtOp = _unary(
    "sqrt",
    "Square root; negative inputs give NaN.\n\n    `%r = dfg.sqrt %x : (tensor<4xf32>) -> tensor<4xf32>`",
    flops=2,
)
RsqrtOp = _unary(
    "rsqrt",
    "Reciprocal square root, `1 / sqrt(x)`.\n\n    `%r = dfg.rsqrt %x : (tensor<4xf32>) -> tensor<4xf32>`",
    flops=2,
)
ReciprocalOp = _unary(
    "reciprocal",
    "Reciprocal, `1 / x`.\n\n    `%r = dfg.reciprocal %x : (tensor<4xf32>) -> tensor<4xf32>`",
)
TanhOp = _unary(
    "tanh",
    "Hyperbolic tangent.\n\n    `%r = dfg.tanh %x : (tensor<4xf32>) -> tensor<4xf32>`",
    flops=4,
)
ErfOp = _unary(
    "erf",
    "Gauss error function.\n\n    `%r = dfg.erf %x : (tensor<4xf32>) -> tensor<4xf32>`",
    flops=4,
)
SigmoidOp = _unary(
    "sigmoid",
    "Logistic sigmoid, `1 / (1 + e^-x)`.\n\n    `%r = dfg.sigmoid %x : (tensor<4xf32>) -> tensor<4xf32>`",
    flops=4,
)
ReluOp = _unary(
    "relu",
    "Rectified linear unit, `max(x, 0)`; NaN propagates.\n\n    `%r = dfg.relu %x : (tensor<4xf32>) -> tensor<4xf32>`",
    float_only=False,
)
SinOp = _unary(
    "sin",
    "Sine (rotary position embeddings).\n\n    `%r = dfg.sin %x : (tensor<4xf32>) -> tensor<4xf32>`",
    flops=4,
)
CosOp = _unary(
    "cos",
    "Cosine (rotary position embeddings).\n\n    `%r = dfg.cos %x : (tensor<4xf32>) -> tensor<4xf32>`",
    flops=4,
)
FloorOp = _unary(
    "floor",
    "Round toward negative infinity.\n\n    `%r = dfg.floor %x : (tensor<4xf32>) -> tensor<4xf32>`",
)
CeilOp = _unary(
    "ceil",
    "Round toward positive infinity.\n\n    `%r = dfg.ceil %x : (tensor<4xf32>) -> tensor<4xf32>`",
)


@irdl_op_definition
class NotOp(UnaryOp):
    """Logical negation of an i1 tensor.

    `%r = dfg.not %m : (tensor<4xi1>) -> tensor<4xi1>`
    """

    name = "dfg.not"
    FLOAT_ONLY: ClassVar[bool] = False

    def verify_semantics(self) -> None:
        if not is_bool(element_type_of(self.input)):
            raise VerifyException(
                f"{operand_label(self, self.input)} has element type "
                f"{element_type_of(self.input)}; 'dfg.not' needs i1"
            )
        require_result_shape(self, shape_of(self.input))
        require_result_element_type(self, i1)


GELU_APPROXIMATIONS = ("none", "tanh")


@irdl_op_definition
class GeluOp(UnaryOp):
    """Gaussian error linear unit, exact (`x * (1 + erf(x / sqrt 2)) / 2`) or with
    the tanh approximation (`approximate = "tanh"`), as in ONNX Gelu-20.

    `%r = dfg.gelu %x {approximate = "tanh"} : (tensor<4xf32>) -> tensor<4xf32>`
    """

    name = "dfg.gelu"
    approximate = opt_attr_def(StringAttr)
    """`"none"` (default) or `"tanh"`."""
    FLOPS_PER_ELEMENT: ClassVar[int] = 8

    def verify_semantics(self) -> None:
        super().verify_semantics()
        if self.approximate and self.approximate.data not in GELU_APPROXIMATIONS:
            raise VerifyException(
                f"attribute 'approximate' is \"{self.approximate.data}\"; expected "
                '"none" or "tanh"'
            )


@irdl_op_definition
class ClipOp(UnaryOp):
    """Clamp into `[min, max]`; either bound may be absent. Bounds are attributes
    (ONNX Clip's bound operands must be constants at import). On integer tensors
    the bounds act as `ceil(min)` and `floor(max)`, saturated to the type's range.

    `%r = dfg.clip %x {min = 0.0 : f32, max = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>`
    """

    name = "dfg.clip"
    min = opt_attr_def(FloatAttr)
    """Lower bound, or none."""
    max = opt_attr_def(FloatAttr)
    """Upper bound, or none."""
    FLOAT_ONLY: ClassVar[bool] = False
    FLOPS_PER_ELEMENT: ClassVar[int] = 2

    def verify_semantics(self) -> None:
        super().verify_semantics()
        if (
            self.min is not None
            and self.max is not None
            and self.min.value.data > self.max.value.data
        ):
            raise VerifyException(
                f"attribute 'min' ({self.min.value.data}) is greater than 'max' "
                f"({self.max.value.data})"
            )


@irdl_op_definition
class CastOp(ElementwiseOp):
    """Element type conversion with ONNX Cast semantics: float to int truncates
    toward zero, to i1 tests `!= 0`, float to float rounds to nearest even.

    `%r = dfg.cast %x : (tensor<4xf32>) -> tensor<4xbf16>`
    """

    name = "dfg.cast"
    input = operand_def(TensorType)
    """The tensor to convert."""
    output = result_def(TensorType)
    """Same shape as `input`, any supported element type."""

    def verify_semantics(self) -> None:
        require_result_shape(self, shape_of(self.input))


# ---------------------------------------------------------------------------
# Binary
# ---------------------------------------------------------------------------


class BinaryOp(ElementwiseOp):
    """`%r = dfg.<op> %a, %b : (tensor<..>, tensor<..>) -> tensor<..>` with numpy
    broadcasting; both operands and the result share one element type."""

    lhs = operand_def(TensorType)
    """Left operand."""
    rhs = operand_def(TensorType)
    """Right operand; broadcast against `lhs`."""
    output = result_def(TensorType)
    """The broadcast shape of `lhs` and `rhs`."""

    ALLOW_BOOL: ClassVar[bool] = False
    FLOAT_ONLY: ClassVar[bool] = False

    def verify_semantics(self) -> None:
        element = element_type_of(self.lhs)
        if element_type_of(self.rhs) != element:
            raise VerifyException(
                f"{operand_label(self, self.rhs)} has element type "
                f"{element_type_of(self.rhs)}, expected {element} to match 'lhs'"
            )
        if is_bool(element) and not self.ALLOW_BOOL:
            raise VerifyException(
                f"{operand_label(self, self.lhs)} is i1; '{self.name}' needs a "
                "numeric tensor"
            )
        if self.FLOAT_ONLY and not is_float(element):
            raise VerifyException(
                f"{operand_label(self, self.lhs)} has element type {element}; "
                f"'{self.name}' needs a floating-point tensor"
            )
        self.verify_broadcast()
        require_result_element_type(self, self.result_element_type(element))

    def result_element_type(self, operand_element: Attribute) -> Attribute:
        return operand_element


class LogicalOp(BinaryOp):
    """A binary op on i1 tensors."""

    ALLOW_BOOL: ClassVar[bool] = True

    def verify_semantics(self) -> None:
        if not is_bool(element_type_of(self.lhs)):
            raise VerifyException(
                f"{operand_label(self, self.lhs)} has element type "
                f"{element_type_of(self.lhs)}; '{self.name}' needs i1"
            )
        super().verify_semantics()


def _binary(name: str, doc: str, base: type[BinaryOp] = BinaryOp, **fields: object):
    cls = type(
        name.title().replace("_", "") + "Op",
        (base,),
        {
            "name": f"dfg.{name}",
            "__doc__": doc,
            "__module__": __name__,
            "__annotations__": {key: ClassVar[object] for key in fields},
            **fields,
        },
    )
    return irdl_op_definition(cls)


AddOp = _binary(
    "add",
    "Elementwise sum with broadcasting.\n\n    `%r = dfg.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>`",
)
SubOp = _binary(
    "sub",
    "Elementwise difference with broadcasting.\n\n    `%r = dfg.sub %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>`",
)
MulOp = _binary(
    "mul",
    "Elementwise product with broadcasting.\n\n    `%r = dfg.mul %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>`",
)
DivOp = _binary(
    "div",
    "Elementwise quotient with broadcasting; integer division truncates toward zero (ONNX Div).\n\n    `%r = dfg.div %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>`",
)
MaxOp = _binary(
    "max",
    "Elementwise maximum; NaN propagates.\n\n    `%r = dfg.max %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>`",
)
MinOp = _binary(
    "min",
    "Elementwise minimum; NaN propagates.\n\n    `%r = dfg.min %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>`",
)
PowOp = _binary(
    "pow",
    "Elementwise power `a ** b` (same element type for base and exponent). Integer powers are exact with wrap-around; a negative integer exponent gives `trunc(a ** b)` (1, -1 or 0).\n\n    `%r = dfg.pow %a, %b : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>`",
    FLOPS_PER_ELEMENT=8,
)
AndOp = _binary(
    "and",
    "Logical and of i1 tensors.\n\n    `%r = dfg.and %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>`",
    LogicalOp,
)
OrOp = _binary(
    "or",
    "Logical or of i1 tensors.\n\n    `%r = dfg.or %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>`",
    LogicalOp,
)


COMPARE_PREDICATES = ("eq", "ne", "lt", "le", "gt", "ge")


@irdl_op_definition
class CompareOp(BinaryOp):
    """Elementwise comparison with broadcasting; the result is i1.

    `%r = dfg.compare %a, %b {predicate = "lt"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>`
    """

    name = "dfg.compare"
    predicate = opt_attr_def(StringAttr)
    """One of eq, ne, lt, le, gt, ge (required)."""
    ALLOW_BOOL: ClassVar[bool] = True

    def verify_semantics(self) -> None:
        if self.predicate is None:
            raise VerifyException("requires attribute 'predicate'")
        if self.predicate.data not in COMPARE_PREDICATES:
            raise VerifyException(
                f"attribute 'predicate' is \"{self.predicate.data}\"; expected one "
                f"of {', '.join(COMPARE_PREDICATES)}"
            )
        super().verify_semantics()

    def result_element_type(self, operand_element: Attribute) -> Attribute:
        return i1


@irdl_op_definition
class WhereOp(ElementwiseOp):
    """Select `on_true` where `condition` holds, else `on_false`; all three
    broadcast together (ONNX Where).

    `%r = dfg.where %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>`
    """

    name = "dfg.where"
    condition = operand_def(TensorType)
    """i1 selector."""
    on_true = operand_def(TensorType)
    """Values taken where `condition` is true."""
    on_false = operand_def(TensorType)
    """Values taken elsewhere; same element type as `on_true`."""
    output = result_def(TensorType)
    """The broadcast shape of all three operands."""

    def verify_semantics(self) -> None:
        if not is_bool(element_type_of(self.condition)):
            raise VerifyException(
                f"{operand_label(self, self.condition)} has element type "
                f"{element_type_of(self.condition)}; expected i1"
            )
        element = element_type_of(self.on_true)
        if element_type_of(self.on_false) != element:
            raise VerifyException(
                f"{operand_label(self, self.on_false)} has element type "
                f"{element_type_of(self.on_false)}, expected {element} to match "
                "'on_true'"
            )
        self.verify_broadcast()
        require_result_element_type(self, element)


UNARY_OPS = (
    NegOp, AbsOp, ExpOp, LogOp, SqrtOp, RsqrtOp, ReciprocalOp, TanhOp, ErfOp,
    SigmoidOp, ReluOp, SinOp, CosOp, FloorOp, CeilOp, NotOp, GeluOp, ClipOp,
)  # fmt: skip
BINARY_OPS = (AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, PowOp, AndOp, OrOp, CompareOp)

OPS = (*UNARY_OPS, CastOp, *BINARY_OPS, WhereOp)
