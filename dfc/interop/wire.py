"""The upstream form of dfc IR: what upstream MLIR reads once the IRDL is loaded.

dfc's own text is MLIR, but two things in it need the dfc dialects' C++-less
definitions to be read differently by upstream MLIR, whose dialects built
from IRDL have a fixed syntax and no traits:

1. **Attribute and type parameters.** `#dfg.tile<[16, 64], par = 2>`,
   `!su.stream<vector, f32>`, `#su.stage<mul(in0, c0)>` use custom syntax. An
   IRDL attribute is written `#dialect.name<param, param, ...>` with every
   parameter an attribute, so the upstream form is
   `#dfg.tile<[16 : i64, 64 : i64], 2 : i64>`, `!su.stream<"vector", f32>`,
   `#su.stage<"mul", ["in0", "c0"]>` (xDSL `IntAttr` parameters become i64
   integer attributes).
2. **Block ends.** Upstream requires every block of a registered op to end in
   an op with the `IsTerminator` trait unless the op has `NoTerminator`, and
   IRDL ops have neither. So every block of a dfc region op (`dfg.kernel`,
   `su.section`) gets one unregistered `"dfc_upstream.block_end"() : () -> ()`
   op at its end; `from_upstream` removes them. `dfc.interop.mlir` checks
   that no other unregistered op reached upstream.

Ops are printed in generic form; `dense_resource` blobs travel in the
`dialect_resources` section as usual.

```mlir
"dfg.kernel"(%x) ({
^bb0(%a: tensor<4xf32>):
  %y = "dfg.relu"(%a) {tile = #dfg.tile<[4 : i64], 1 : i64>} : (tensor<4xf32>) -> tensor<4xf32>
  "dfg.yield"(%y) : (tensor<4xf32>) -> ()
  "dfc_upstream.block_end"() : () -> ()
}) {sym_name = "k0"} : (tensor<4xf32>) -> tensor<4xf32>
```
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from xdsl.context import Context
from xdsl.dialects.builtin import (
    ArrayAttr,
    IntAttr,
    IntegerAttr,
    ModuleOp,
    UnregisteredOp,
    i64,
)
from xdsl.ir import Attribute, Dialect, Operation, ParametrizedAttribute, TypeAttribute
from xdsl.irdl import IRDLOperation, OptionalDef, VariadicDef
from xdsl.irdl.constraints import VerificationContext
from xdsl.parser import AttrParser, Parser
from xdsl.printer import Printer
from xdsl.rewriter import Rewriter
from xdsl.utils.exceptions import ParseError, VerifyException

from .irdl import UPSTREAM_DIALECTS

BLOCK_END = "dfc_upstream.block_end"
"""The unregistered op that ends every block of a dfc region op upstream."""
UNCHECKED_PREFIX = "dfc_upstream."
"""`dfg.concat` with operands of different types travels as the unregistered
`dfc_upstream.dfg.concat` (see `mixed_variadic_groups`)."""


def _is_dfc(attr_or_op_name: str) -> bool:
    """Whether a name belongs to one of dfc's own dialects (builtin attributes
    have undotted names such as `fun`)."""
    dialect, dot, _ = attr_or_op_name.partition(".")
    return bool(dot) and dialect not in UPSTREAM_DIALECTS


def op_name(op: Operation) -> str:
    """The name an op is printed with (an unregistered op's own name)."""
    return op.op_name.data if isinstance(op, UnregisteredOp) else op.name


def to_builtin_parameter(value: Attribute) -> Attribute:
    """A dfc attribute parameter as an upstream attribute (`IntAttr` -> i64)."""
    if isinstance(value, IntAttr):
        return IntegerAttr(value.data, i64)
    if isinstance(value, ArrayAttr):
        return ArrayAttr([to_builtin_parameter(v) for v in value.data])
    return value


def from_builtin_parameter(value: Attribute) -> Attribute:
    """The inverse of `to_builtin_parameter` (integer attributes -> `IntAttr`)."""
    if isinstance(value, IntegerAttr):
        return IntAttr(value.value.data)
    if isinstance(value, ArrayAttr):
        return ArrayAttr([from_builtin_parameter(v) for v in value.data])
    return value


class UpstreamPrinter(Printer):
    """Prints dfc's dialect attributes and types with IRDL parameter syntax."""

    def print_attribute(self, attribute: Attribute) -> None:
        if isinstance(attribute, ParametrizedAttribute) and _is_dfc(attribute.name):
            self.print_string("!" if isinstance(attribute, TypeAttribute) else "#")
            self.print_string(attribute.name)
            params = [to_builtin_parameter(p) for p in attribute.parameters]
            if params:
                self.print_string("<")
                self.print_list(params, self.print_attribute)
                self.print_string(">")
            return
        super().print_attribute(attribute)


def print_upstream_attribute(attribute: Attribute) -> str:
    stream = io.StringIO()
    UpstreamPrinter(stream=stream).print_attribute(attribute)
    return stream.getvalue()


def _add_block_ends(module: ModuleOp) -> None:
    end = UnregisteredOp.with_name(BLOCK_END)
    for op in module.walk():
        if not _is_dfc(op_name(op)):
            continue
        for region in op.regions:
            for block in region.blocks:
                block.add_op(end.create())


def mixed_variadic_groups(op: Operation) -> list[str]:
    """The variadic operand/result groups of `op` whose values have different
    types: IRDL checks every value of a group against one constraint
    variable, so upstream would reject them (docs/mlir-interop.md)."""
    if not isinstance(op, IRDLOperation):
        return []
    op_def = op.get_irdl_definition()
    mixed: list[str] = []
    for name, value_def in [*op_def.operands, *op_def.results]:
        if not isinstance(value_def, VariadicDef) or isinstance(value_def, OptionalDef):
            continue
        values = getattr(op, name)
        if len({v.type for v in values}) > 1:
            mixed.append(name)
    return mixed


def uses_before_definition(op: Operation) -> bool:
    """Whether a block of `op` uses a value before the op that defines it (a
    stream feedback loop in `su.section`). Upstream verifies the regions of
    IRDL ops as SSA CFG regions (IRDL has no RegionKindInterface), so such an
    op can only travel unregistered."""
    for region in op.regions:
        for block in region.blocks:
            position = {o: i for i, o in enumerate(block.ops)}
            for index, inner in enumerate(block.ops):
                for nested in inner.walk():
                    for operand in nested.operands:
                        owner = operand.owner
                        if (
                            isinstance(owner, Operation)
                            and position.get(owner, -1) >= index
                        ):
                            return True
    return False


def _rename_unchecked(module: ModuleOp) -> list[str]:
    """Send ops that IRDL cannot describe as unregistered `dfc_upstream.<name>`
    ops (upstream parses them without verifying them)."""
    renamed: list[str] = []
    for op in list(module.walk()):
        if (
            isinstance(op, UnregisteredOp)
            or not _is_dfc(op.name)
            or not (mixed_variadic_groups(op) or uses_before_definition(op))
        ):
            continue
        new = UnregisteredOp.with_name(UNCHECKED_PREFIX + op.name).create(
            operands=list(op.operands),
            result_types=[r.type for r in op.results],
            attributes=dict(op.attributes),
            regions=[op.detach_region(r) for r in list(op.regions)],
        )
        Rewriter.replace_op(op, new)
        renamed.append(op.name)
    return renamed


def to_upstream(
    ctx: Context, module: ModuleOp, unchecked: list[str] | None = None
) -> str:
    """The upstream form of `module` (a copy is changed, not `module`). The
    names of ops sent unchecked are appended to `unchecked` if given."""
    copy = module.clone()
    _add_block_ends(copy)
    renamed = _rename_unchecked(copy)
    if unchecked is not None:
        unchecked += renamed
    stream = io.StringIO()
    printer = UpstreamPrinter(stream=stream, print_generic_format=True)
    printer.print_op(copy)
    printer.print_metadata(ctx.loaded_dialects)
    stream.write("\n")
    return stream.getvalue()


class UpstreamFormError(Exception):
    """Text from upstream MLIR that is not a valid upstream form of dfc IR."""


def _wire_attribute(real: type[ParametrizedAttribute]) -> type[ParametrizedAttribute]:
    """A stand-in for `real` that parses the IRDL parameter syntax and builds
    a `real` instance (xDSL's parser asks the class it finds by name)."""
    definition = real.get_irdl_definition()

    # Not a subclass of `real` (xDSL attribute classes are final): the
    # parser only needs `name`, `parse_parameters` and `new` from it.
    bases = (
        (ParametrizedAttribute, TypeAttribute)
        if issubclass(real, TypeAttribute)
        else (ParametrizedAttribute,)
    )

    class Wire(*bases):  # type: ignore[misc]
        name = real.name

        @classmethod
        def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
            start = parser.pos
            values: list[Attribute] = []
            if parser.parse_optional_punctuation("<") is not None:
                values = parser.parse_comma_separated_list(
                    parser.Delimiter.NONE, parser.parse_attribute
                )
                parser.parse_punctuation(">")
            if len(values) != len(definition.parameters):
                parser.raise_error(
                    f"{real.name} takes {len(definition.parameters)} parameters, "
                    f"got {len(values)}",
                    start,
                    parser.pos,
                )
            params: list[Attribute] = []
            for (name, param), value in zip(definition.parameters, values):
                for candidate in (value, from_builtin_parameter(value)):
                    try:
                        param.constr.verify(candidate, VerificationContext())
                    except VerifyException:
                        continue
                    params.append(candidate)
                    break
                else:
                    parser.raise_error(
                        f"parameter '{name}' of {real.name}: {value} does not fit "
                        f"{param.constr}",
                        start,
                        parser.pos,
                    )
            return params

        @classmethod
        def new(cls, params: Sequence[Attribute]):  # type: ignore[override]
            return real.new(params)

    Wire.__name__ = f"Upstream{real.__name__}"
    return Wire


def _wire_dialect(dialect: Dialect) -> Dialect:
    return Dialect(
        dialect.name,
        list(dialect.operations),
        [_wire_attribute(a) for a in dialect.attributes],  # type: ignore[arg-type]
    )


def upstream_context() -> Context:
    """A dfc context that reads the upstream form (and unregistered ops, for
    the block ends)."""
    from dfc.dialects import DIALECTS

    ctx = Context(allow_unregistered=True)
    for name, factory in DIALECTS.items():
        if name == "builtin":
            ctx.load_dialect(factory())
        elif name in UPSTREAM_DIALECTS:
            ctx.register_dialect(name, factory)
        else:
            ctx.register_dialect(name, lambda f=factory: _wire_dialect(f()))
    return ctx


def _strip_block_ends(module: ModuleOp) -> None:
    for op in list(module.walk()):
        if op.name == BLOCK_END or (
            isinstance(op, UnregisteredOp) and op.op_name.data == BLOCK_END
        ):
            parent = op.parent_op()
            block = op.parent_block()
            if parent is None or not _is_dfc(op_name(parent)) or block is None:
                raise UpstreamFormError(f"'{BLOCK_END}' outside a dfc region op")
            if block.last_op is not op or op.operands or op.results:
                raise UpstreamFormError(
                    f"'{BLOCK_END}' must be the last op of its block, with no "
                    "operands or results"
                )
            op.detach()
            op.erase()


def _restore_unchecked(ctx: Context, module: ModuleOp) -> None:
    for op in list(module.walk()):
        if not isinstance(op, UnregisteredOp):
            continue
        name = op.op_name.data
        if not name.startswith(UNCHECKED_PREFIX) or name == BLOCK_END:
            continue
        real = ctx.get_optional_op(name[len(UNCHECKED_PREFIX) :])
        if real is None or issubclass(real, UnregisteredOp):
            raise UpstreamFormError(f"'{name}' names no dfc op")
        attributes = {k: v for k, v in op.attributes.items() if k != "op_name__"}
        new = real.create(
            operands=list(op.operands),
            result_types=[r.type for r in op.results],
            attributes=attributes,
            regions=[op.detach_region(r) for r in list(op.regions)],
        )
        Rewriter.replace_op(op, new)


def from_upstream(
    text: str, filename: str = "<upstream>", allowed: frozenset[str] = frozenset()
) -> ModuleOp:
    """Parse upstream-form text back into dfc IR (not verified; blobs adopted
    into dfc's store). `allowed`: names of ops that may stay unregistered."""
    from dfc.dialects import resource_interface
    from dfc.dialects.resources import adopt_parsed_resources

    ctx = upstream_context()
    try:
        module = Parser(ctx, text, filename).parse_module()
    except ParseError:
        resource_interface(ctx).take_parsed()
        raise
    adopt_parsed_resources(module, resource_interface(ctx))
    _restore_unchecked(ctx, module)
    _strip_block_ends(module)
    for op in module.walk():
        if isinstance(op, UnregisteredOp) and op.op_name.data not in allowed:
            raise UpstreamFormError(
                f"unregistered op '{op.op_name.data}' in the upstream form"
            )
    return module


def walk_dfc_ops(module: ModuleOp) -> list[Operation]:
    return [op for op in module.walk() if _is_dfc(op.name)]
