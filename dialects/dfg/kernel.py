"""`dfg.kernel` and its terminator `dfg.yield`: a fused subgraph that runs as one
streaming section on the chip.

`dfg.kernel` is not a structured op itself; the ops in its body are, and the
cost model and the mapper look inside.
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import StringAttr, TensorType
from xdsl.ir import Attribute, Block, Region, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    opt_attr_def,
    region_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.printer import Printer
from xdsl.traits import HasParent, IsolatedFromAbove, IsTerminator
from xdsl.utils.exceptions import VerifyException

from .base import DfgOp


@irdl_op_definition
class KernelOp(DfgOp):
    """A fused subgraph that runs as one streaming section on the chip.

    The operands become the arguments of the body's single block, which is
    isolated from above and ends with `dfg.yield` returning the results.
    Passes such as `dfg-fuse` create kernels from groups of dfg ops; the
    optional symbol name identifies the kernel in reports and in the mapper.

    ```mlir
    %r = dfg.kernel @k0 ins(%a, %b : tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%x: tensor<4xf32>, %y: tensor<4xf32>):
      %s = dfg.add %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      %t = dfg.relu %s : (tensor<4xf32>) -> tensor<4xf32>
      dfg.yield %t : tensor<4xf32>
    }
    ```

    Several results print as `-> (tensor<..>, tensor<..>)`; other attributes
    follow the result types as `attributes {...}`.
    """

    name = "dfg.kernel"
    inputs = var_operand_def(TensorType)
    """The tensors the kernel reads; one block argument each."""
    sym_name = opt_attr_def(StringAttr)
    """Optional name of the kernel, printed `@name`."""
    outputs = var_result_def(TensorType)
    """The values `dfg.yield` returns."""
    body = region_def()
    """One block: arguments = `inputs`, terminator = `dfg.yield`."""

    traits = traits_def(IsolatedFromAbove())

    def __init__(
        self,
        inputs: list[SSAValue],
        result_types: list[Attribute],
        body: Region,
        sym_name: str | StringAttr | None = None,
    ) -> None:
        if isinstance(sym_name, str):
            sym_name = StringAttr(sym_name)
        super().__init__(
            operands=[inputs],
            result_types=[result_types],
            regions=[body],
            attributes={"sym_name": sym_name} if sym_name is not None else {},
        )

    @property
    def block(self) -> Block:
        block = self.body.blocks.first
        assert block is not None
        return block

    def yield_op(self) -> YieldOp:
        last = self.block.last_op
        assert isinstance(last, YieldOp)
        return last

    def verify_semantics(self) -> None:
        blocks = list(self.body.blocks)
        if len(blocks) != 1:
            raise VerifyException(
                f"the body must have exactly one block, it has {len(blocks)}"
            )
        args = blocks[0].args
        if len(args) != len(self.inputs):
            raise VerifyException(
                f"the body has {len(args)} block arguments but the kernel has "
                f"{len(self.inputs)} operands"
            )
        for index, (arg, value) in enumerate(zip(args, self.inputs, strict=True)):
            if arg.type != value.type:
                raise VerifyException(
                    f"block argument #{index} has type {arg.type} but operand "
                    f"#{index} ('inputs') has type {value.type}"
                )
        last = blocks[0].last_op
        if not isinstance(last, YieldOp):
            raise VerifyException("the body must end with 'dfg.yield'")
        if len(last.values) != len(self.outputs):
            raise VerifyException(
                f"'dfg.yield' returns {len(last.values)} values but the kernel "
                f"has {len(self.outputs)} results"
            )
        for index, (value, result) in enumerate(
            zip(last.values, self.outputs, strict=True)
        ):
            if value.type != result.type:
                raise VerifyException(
                    f"'dfg.yield' operand #{index} has type {value.type} but "
                    f"result #{index} has type {result.type}"
                )

    # -- custom syntax -------------------------------------------------------
    # dfg.kernel (@name)? ins(%a, %b : T, U) -> R | (R, S) (attributes {..})? {body}

    @classmethod
    def parse(cls, parser: Parser) -> KernelOp:
        sym_name = parser.parse_optional_symbol_name()
        parser.parse_keyword("ins")
        parser.parse_punctuation("(")
        operands: list[UnresolvedOperand] = []
        types: list[Attribute] = []
        if parser.parse_optional_punctuation(")") is None:
            operands.append(parser.parse_unresolved_operand())
            while parser.parse_optional_punctuation(",") is not None:
                operands.append(parser.parse_unresolved_operand())
            parser.parse_punctuation(":")
            types.append(parser.parse_type())
            while parser.parse_optional_punctuation(",") is not None:
                types.append(parser.parse_type())
            parser.parse_punctuation(")")
        pos = parser.pos
        inputs = parser.resolve_operands(operands, types, pos)
        parser.parse_punctuation("->")
        if parser.parse_optional_punctuation("(") is not None:
            result_types: list[Attribute] = []
            if parser.parse_optional_punctuation(")") is None:
                result_types = parser.parse_comma_separated_list(
                    parser.Delimiter.NONE, parser.parse_type
                )
                parser.parse_punctuation(")")
        else:
            result_types = [parser.parse_type()]
        extra = parser.parse_optional_attr_dict_with_keyword(("sym_name",))
        body = parser.parse_region()
        op = cls(list(inputs), result_types, body, sym_name)
        if extra is not None:
            op.attributes.update(extra.data)
        return op

    def print(self, printer: Printer) -> None:
        if self.sym_name is not None:
            printer.print_string(" ")
            printer.print_symbol_name(self.sym_name.data)
        printer.print_string(" ins(")
        if self.inputs:
            printer.print_list(self.inputs, printer.print_operand)
            printer.print_string(" : ")
            printer.print_list([v.type for v in self.inputs], printer.print_attribute)
        printer.print_string(") -> ")
        types = [r.type for r in self.outputs]
        if len(types) == 1:
            printer.print_attribute(types[0])
        else:
            printer.print_string("(")
            printer.print_list(types, printer.print_attribute)
            printer.print_string(")")
        printer.print_op_attributes(
            self.attributes, reserved_attr_names=("sym_name",), print_keyword=True
        )
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=True)


@irdl_op_definition
class YieldOp(IRDLOperation):
    """Return the results of the enclosing `dfg.kernel`.

    `dfg.yield %t : tensor<4xf32>`
    """

    name = "dfg.yield"
    values = var_operand_def(TensorType)
    """One value per result of the kernel, of the same types."""

    traits = traits_def(IsTerminator(), HasParent(KernelOp))
    assembly_format = "attr-dict ($values^ `:` type($values))?"

    # The reference interpreter's `run_block` stops here and returns `values`.
    IS_TERMINATOR_YIELD: ClassVar[bool] = True

    def __init__(self, values: list[SSAValue]) -> None:
        super().__init__(operands=[values])


OPS = (KernelOp, YieldOp)
