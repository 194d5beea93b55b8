"""`dfg.constant`: a tensor literal, inline (`dense<...>`) or a `dense_resource`
blob for weights."""

from __future__ import annotations

from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    TensorType,
)
from xdsl.ir import Attribute
from xdsl.ir.affine import AffineMap
from xdsl.irdl import attr_def, irdl_op_definition, result_def, traits_def
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import ConstantLike, Pure
from xdsl.utils.exceptions import VerifyException

from .base import DfgOp, IterationSpace, StructuredOpInterface, shape_of


@irdl_op_definition
class ConstantOp(DfgOp, StructuredOpInterface):
    """A constant tensor. Large weights are `dense_resource` blobs whose bytes sit
    in the file's `dialect_resources` section.

    ```mlir
    %b = dfg.constant dense<[1.0, 2.0]> : tensor<2xf32>
    %w = dfg.constant dense_resource<fc1.weight> : tensor<512x256xbf16>
    ```
    """

    name = "dfg.constant"
    value = attr_def(DenseIntOrFPElementsAttr | DenseResourceAttr)
    """The literal; its type is the result type."""
    output = result_def(TensorType)
    """The constant tensor."""

    traits = traits_def(Pure(), ConstantLike())

    def __init__(self, value: DenseIntOrFPElementsAttr | DenseResourceAttr) -> None:
        super().__init__(attributes={"value": value}, result_types=[value.type])

    def verify_semantics(self) -> None:
        if self.value.type != self.output.type:
            raise VerifyException(
                f"attribute 'value' has type {self.value.type}, but the result "
                f"type is {self.output.type}"
            )

    @classmethod
    def parse(cls, parser: Parser) -> ConstantOp:
        attributes = parser.parse_optional_attr_dict()
        value = parser.parse_attribute()
        if not isinstance(value, DenseIntOrFPElementsAttr | DenseResourceAttr):
            parser.raise_error(
                "dfg.constant expects a dense<...> or dense_resource<...> tensor "
                "literal"
            )
        op = cls(value)
        op.attributes.update(attributes)
        return op

    def print(self, printer: Printer) -> None:
        extra = {k: v for k, v in self.attributes.items() if k != "value"}
        if extra:
            printer.print_string(" ")
            printer.print_attr_dict(extra)
        printer.print_string(" ")
        printer.print_attribute(self.value)

    # A constant is a zero-loop structured op that writes its tensor once.
    def iteration_space(self) -> IterationSpace:
        return IterationSpace.parallel(shape_of(self.output))

    def indexing_maps(self) -> tuple[AffineMap, ...]:
        return (AffineMap.identity(len(shape_of(self.output))),)

    def flop_count(self) -> int:
        return 0


def constant_type(attr: Attribute) -> TensorType[Attribute]:
    assert isinstance(attr, DenseIntOrFPElementsAttr | DenseResourceAttr)
    t = attr.type
    assert isinstance(t, TensorType)
    return t  # pyright: ignore[reportUnknownVariableType]


OPS = (ConstantOp,)
