"""dfc's dialects written as IRDL, for upstream MLIR (`dfc-opt --emit-irdl`).

`export_irdl()` turns the xDSL definitions of dfc's own dialects (`dfg`,
`su`: every dialect of `dfc.dialects.DIALECTS` that is not an upstream one)
into one IRDL text that `mlir-opt --irdl-file=...` or
`mlir.dialects.irdl.load_dialects` loads:

```mlir
irdl.dialect @dfg {
  irdl.attribute @tile {
    %0 = irdl.base "#builtin.array"
    %1 = irdl.base "#builtin.integer"
    irdl.parameters(sizes: %0, parallelism: %1)
  }
  irdl.operation @matmul {
    %0 = irdl.base "!builtin.tensor"
    %1 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %0, rhs: %1)
    ...
```

The export is *conservative*: every constraint it writes holds for every
valid dfc op, but IRDL cannot say everything xDSL checks. What it drops is
written as a `//` comment in the output and listed in `docs/mlir-interop.md`:
optional attributes (IRDL has none), the element and parameter constraints of
builtin attributes (`array<i64: ...>`, `ArrayAttr[X]`), the `verify()` methods
(shapes, ranks, chip limits) and the traits (IRDL has no traits). dfc's own
attribute parameters that are xDSL `IntAttr` travel as `i64` integer
attributes (see `dfc.interop.wire`).
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable
from dataclasses import dataclass, field

from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    ArrayOfConstraint,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    DictionaryAttr,
    FloatAttr,
    FunctionType,
    IndexType,
    IntAttr,
    IntegerAttr,
    IntegerType,
    StringAttr,
    SymbolNameConstraint,
    SymbolRefAttr,
    TensorType,
    UnitAttr,
)
from xdsl.ir import Attribute, Dialect, ParametrizedAttribute, TypeAttribute
from xdsl.irdl import (
    AllOf,
    AnyAttr,
    AnyOf,
    AttrConstraint,
    BaseAttr,
    EqAttrConstraint,
    IRDLOperation,
    OptionalDef,
    ParamAttrConstraint,
    RangeConstraint,
    RangeLengthConstraint,
    RangeOf,
    SingleOf,
    VarConstraint,
    VariadicDef,
)
from xdsl.irdl.constraints import MessageConstraint, TypeVarConstraint
from xdsl.irdl.operations import (
    OptSingleBlockRegionDef,
    SingleBlockRegionDef,
    VarSingleBlockRegionDef,
)

UPSTREAM_DIALECTS = frozenset(
    {
        "builtin", "func", "arith", "tensor", "math", "linalg", "memref", "scf",
        "affine", "cf", "index", "ml_program", "tosa", "vector", "bufferization",
        "complex", "llvm", "shape", "sparse_tensor", "gpu",
    }
)  # fmt: skip
"""Upstream MLIR dialects: those of `dfc.dialects.DIALECTS` (builtin, func,
arith, tensor today) are not exported; every other registered dialect is."""

# xDSL class -> the name upstream MLIR registers it under, as IRDL's
# `irdl.base` wants it (`!` types, `#` attributes). xDSL's `IntAttr` (a plain
# integer parameter) is written as an i64 IntegerAttr upstream.
BUILTIN_BASES: dict[type[Attribute], str] = {
    TensorType: "!builtin.tensor",
    IntegerType: "!builtin.integer",
    IndexType: "!builtin.index",
    FunctionType: "!builtin.function",
    StringAttr: "#builtin.string",
    IntegerAttr: "#builtin.integer",
    IntAttr: "#builtin.integer",
    FloatAttr: "#builtin.float",
    ArrayAttr: "#builtin.array",
    DictionaryAttr: "#builtin.dictionary",
    DenseArrayBase: "#builtin.dense_array",
    AffineMapAttr: "#builtin.affine_map",
    SymbolRefAttr: "#builtin.symbol_ref",
    DenseIntOrFPElementsAttr: "#builtin.dense_int_or_fp_elements",
    DenseResourceAttr: "#builtin.dense_resource_elements",
    UnitAttr: "#builtin.unit",
}


def dfc_dialects() -> list[Dialect]:
    """dfc's own dialects (those upstream MLIR does not have), in registry order."""
    from dfc.dialects import DIALECTS

    return [
        factory() for name, factory in DIALECTS.items() if name not in UPSTREAM_DIALECTS
    ]


@dataclass
class _Body:
    """The ops of one `irdl.operation` / `irdl.attribute` body being written."""

    dialect: str
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    count: int = 0

    def emit(self, text: str) -> str:
        name = f"%{self.count}"
        self.count += 1
        self.lines.append(f"{name} = {text}")
        return name


class IrdlExporter:
    """Writes xDSL op and attribute definitions as IRDL text."""

    def __init__(self, dialects: Iterable[Dialect]) -> None:
        self.dialects = list(dialects)
        # dfc attribute classes -> `@dialect::@name`, for `irdl.base` references.
        self.dfc_names = {d.name for d in self.dialects}
        self.local: dict[type[Attribute], str] = {}
        for dialect in self.dialects:
            for attr in dialect.attributes:
                dialect_name, short = Dialect.split_name(attr.name)
                self.local[attr] = f"@{dialect_name}::@{short}"

    # -- constraints --------------------------------------------------------

    def _base(self, body: _Body, cls: type[Attribute], why: str) -> str:
        if cls in self.local:
            return body.emit(f"irdl.base {self.local[cls]}")
        for known, name in BUILTIN_BASES.items():
            if issubclass(cls, known):
                return body.emit(f'irdl.base "{name}"')
        body.notes.append(f"{why}: {cls.__name__} has no upstream name; any")
        return body.emit("irdl.any")

    def constraint(self, body: _Body, constr: AttrConstraint, why: str) -> str:
        """Emit the IRDL ops for `constr`; return the SSA name of the result."""
        if isinstance(constr, AnyAttr):
            return body.emit("irdl.any")
        if isinstance(constr, BaseAttr):
            return self._base(body, constr.attr, why)
        if isinstance(constr, VarConstraint | MessageConstraint):
            # Equal-to-another-value and message wrappers: keep the inner check.
            inner = (
                constr.constraint
                if isinstance(constr, VarConstraint)
                else constr.constr
            )
            return self.constraint(body, inner, why)
        if isinstance(constr, TypeVarConstraint):
            return self.constraint(body, constr.base_constraint, why)
        if isinstance(constr, SymbolNameConstraint):
            return body.emit('irdl.base "#builtin.string"')
        if isinstance(constr, ArrayOfConstraint):
            body.notes.append(f"{why}: array elements not checked")
            return body.emit('irdl.base "#builtin.array"')
        if isinstance(constr, EqAttrConstraint):
            return self._is(body, constr.attr, why)
        if isinstance(constr, ParamAttrConstraint):
            if _is_bool_constraint(constr):
                true, false = body.emit("irdl.is true"), body.emit("irdl.is false")
                return body.emit(f"irdl.any_of({true}, {false})")
            body.notes.append(
                f"{why}: parameters of {constr.base_attr.__name__} not checked"
            )
            return self._base(body, constr.base_attr, why)
        if isinstance(constr, AnyOf) and not all(
            isinstance(c, EqAttrConstraint) for c in constr.attr_constrs
        ):
            # LLVM 22.1's IRDL loader aborts (UNREACHABLE, IRDLLoading.cpp) on
            # an `irdl.any_of` with an `irdl.base` member: only unions of
            # `irdl.is` values are written; others are relaxed to `any`.
            members = " | ".join(
                c.attr.__name__ if isinstance(c, BaseAttr) else type(c).__name__
                for c in constr.attr_constrs
            )
            body.notes.append(f"{why}: union {members} relaxed to any")
            return body.emit("irdl.any")
        if isinstance(constr, AnyOf | AllOf):
            members = [self.constraint(body, c, why) for c in constr.attr_constrs]
            if len(members) == 1:  # IRDL rejects a one-member union
                return members[0]
            op = "irdl.any_of" if isinstance(constr, AnyOf) else "irdl.all_of"
            return body.emit(f"{op}({', '.join(members)})")
        body.notes.append(f"{why}: {type(constr).__name__} not expressible; any")
        return body.emit("irdl.any")

    def _is(self, body: _Body, attr: Attribute, why: str) -> str:
        from dfc.interop.wire import print_upstream_attribute

        if Dialect.split_name(attr.name)[0] in self.dfc_names:
            body.notes.append(f"{why}: equality to {attr} not expressible; any")
            return body.emit("irdl.any")
        return body.emit(f"irdl.is {print_upstream_attribute(attr)}")

    def range_constraint(
        self, body: _Body, constr: RangeConstraint, why: str, variadic: bool
    ) -> str:
        if isinstance(constr, RangeOf | SingleOf):
            return self.constraint(body, constr.constr, why)
        if isinstance(constr, RangeLengthConstraint):
            # A single operand is a range of length 1 in xDSL; IRDL's
            # `single` says the same. Only a variadic's length is lost.
            if variadic:
                body.notes.append(f"{why}: number of values not checked")
            return self.range_constraint(body, constr.constraint, why, variadic)
        inner = getattr(constr, "constraint", None)
        if isinstance(inner, RangeConstraint):
            return self.range_constraint(body, inner, why, variadic)
        body.notes.append(f"{why}: {type(constr).__name__} not expressible; any")
        return body.emit("irdl.any")

    # -- definitions --------------------------------------------------------

    def attribute(self, cls: type[ParametrizedAttribute]) -> list[str]:
        dialect_name, short = Dialect.split_name(cls.name)
        body = _Body(dialect_name)
        names: list[str] = []
        for name, param in cls.get_irdl_definition().parameters:
            value = self.constraint(body, param.constr, f"parameter '{name}'")
            names.append(f"{_irdl_name(name)}: {value}")
        body.lines.append(f"irdl.parameters({', '.join(names)})")
        keyword_ = "irdl.type" if issubclass(cls, TypeAttribute) else "irdl.attribute"
        return self._wrap(f"{keyword_} @{short}", body, cls.__doc__)

    def operation(self, op: type[IRDLOperation]) -> list[str]:
        op_def = op.get_irdl_definition()
        dialect_name, short = Dialect.split_name(op_def.name)
        body = _Body(dialect_name)
        for kind, defs in (("operands", op_def.operands), ("results", op_def.results)):
            if not defs:
                continue
            entries = []
            for name, value_def in defs:
                value = self.range_constraint(
                    body,
                    value_def.constr,
                    f"{kind[:-1]} '{name}'",
                    isinstance(value_def, VariadicDef),
                )
                entries.append(f"{_irdl_name(name)}: {_variadicity(value_def)}{value}")
            body.lines.append(f"irdl.{kind}({', '.join(entries)})")
        required: list[str] = []
        for name, attr_def in op_def.attributes.items():
            if isinstance(attr_def, OptionalDef):
                body.notes.append(
                    f"attribute '{name}' is optional: not checked (IRDL has no "
                    "optional attributes)"
                )
                continue
            value = self.constraint(body, attr_def.constr, f"attribute '{name}'")
            required.append(f'"{name}" = {value}')
        if required:
            body.lines.append(f"irdl.attributes {{{', '.join(required)}}}")
        if op_def.properties:
            # Not reachable for dfc (docs/decisions.md: attributes, not
            # properties), but say so rather than write a wrong definition.
            raise ValueError(
                f"'{op_def.name}' has properties, which IRDL-defined ops cannot have"
            )
        if op_def.regions:
            entries = []
            for name, region_def in op_def.regions:
                single = isinstance(
                    region_def,
                    SingleBlockRegionDef
                    | VarSingleBlockRegionDef
                    | OptSingleBlockRegionDef,
                )
                value = body.emit(
                    "irdl.region with size 1" if single else "irdl.region"
                )
                entries.append(f"{_irdl_name(name)}: {_variadicity(region_def)}{value}")
            body.lines.append(f"irdl.regions({', '.join(entries)})")
        if op_def.traits.traits:
            body.notes.append(
                "traits not exported (IRDL has none): "
                + ", ".join(sorted(type(t).__name__ for t in op_def.traits.traits))
            )
        return self._wrap(f"irdl.operation @{short}", body, op.__doc__)

    @staticmethod
    def _wrap(header: str, body: _Body, doc: str | None) -> list[str]:
        lines = []
        # The first sentence of the docstring's first paragraph.
        paragraph = " ".join((doc or "").strip().split("\n\n", 1)[0].split())
        summary = paragraph.split(". ", 1)[0].rstrip(".")
        if summary:
            lines.append(f"  // {summary}")
        lines += [f"  // not checked: {note}" for note in body.notes]
        lines.append(f"  {header} {{")
        lines += [f"    {line}" for line in body.lines]
        lines.append("  }")
        return lines

    def dialect(self, dialect: Dialect) -> str:
        lines = [f"irdl.dialect @{dialect.name} {{"]
        for attr in dialect.attributes:
            if not issubclass(attr, ParametrizedAttribute):
                raise ValueError(f"'{attr.name}' is not a ParametrizedAttribute")
            lines += self.attribute(attr)
        for op in dialect.operations:
            if not issubclass(op, IRDLOperation):
                raise ValueError(f"'{op.name}' is not an IRDL operation")
            lines += self.operation(op)
        lines.append("}")
        return "\n".join(lines) + "\n"


def _is_bool_constraint(constr: ParamAttrConstraint) -> bool:
    """`BoolAttr`'s constraint: an IntegerAttr whose type is i1."""
    if constr.base_attr is not IntegerAttr or len(constr.param_constrs) != 2:
        return False
    type_constr = constr.param_constrs[1]
    members = (
        type_constr.attr_constrs if isinstance(type_constr, AllOf) else (type_constr,)
    )
    return any(
        isinstance(m, EqAttrConstraint) and m.attr == IntegerType(1) for m in members
    )


def _irdl_name(name: str) -> str:
    if name.endswith("_") and keyword.iskeyword(name[:-1]):
        return name[:-1]
    return name


def _variadicity(definition: object) -> str:
    if isinstance(definition, OptionalDef):
        return "optional "
    if isinstance(definition, VariadicDef):
        return "variadic "
    return ""


def export_irdl(dialects: Iterable[Dialect] | None = None) -> str:
    """The IRDL text of `dialects` (default: all of dfc's own dialects)."""
    chosen = dfc_dialects() if dialects is None else list(dialects)
    exporter = IrdlExporter(chosen)
    header = (
        "// dfc's dialects as IRDL, written by `dfc-opt --emit-irdl`.\n"
        "// Load with `mlir-opt --irdl-file=<this file>`. Conservative: the\n"
        "// '// not checked' lines say what dfc verifies and IRDL cannot.\n"
        "// dfc IR is read by upstream MLIR in its upstream form\n"
        "// (dfc.interop.wire; docs/mlir-interop.md).\n"
    )
    return header + "\n".join(exporter.dialect(d) for d in chosen)
