"""Conversion between `su` IR and the bitstream model (`program.Program`).

Compiler side only: this module imports xDSL and the `su` dialect, so the pure
container modules (`program.py`, `format.py`) never import it and
`backends/bitstream/__init__.py` does not re-export it.

    program = module_to_program(module)     # su module -> Program (then format.encode)
    module = program_to_module(program)     # Program -> su module (after format.decode)

The mapping (docs/bitstream.md, "Mapping to su") is lossless for everything the
format stores. `program_to_module` writes the canonical spelling of each field:

- attributes in one fixed order per op; defaults left out (`double_buffer`,
  `gather`, `scatter`, `reduce_lanes` only when true, `constants`,
  `reduce_counters`, `retain` only when non-empty, `fifo_depths` / `routes` only
  when some port has one);
- an address map as `base + sum coeff_k * d_k`, terms by decreasing |coeff|;
- an initial image as `dense<v>` when every element is equal, else as a
  `dense_resource` blob (`BLOBS.add`);
- a PMU's `init` as a 1-D tensor of the PMU's element type (the format stores
  its bytes, not its shape).

Refused when encoding, with an error naming the op: maps with `floordiv`, `mod`
or `ceildiv`; an indexed (gather / scatter) map whose outermost counter also
appears in it (the index stands in for that counter in the bitstream); a
`cast.i1` stage (the format's cast targets are the unit types); a PMU `init`
whose element type is not the PMU's. Stage modifiers (`cmp.lt`, `cast.bf16`)
are the format 1.1 register `STAGE_MODIFIER`.

```mlir
%t = su.pmu @m1 (%i) {bytes = 64 : i64, banks = 4 : i64, dtype = f32, gather = true,
    read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>,
                    map = affine_map<(d0, d1)[s0] -> (s0 * 4 + d1)>>} : ...
// read = AddressGen(counters=((0, 4, 1), (0, 4, 4)), coefficients=(4, 1),
//                   base=0, indexed=True)
```
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    BFloat16Type,
    BytesAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    Float32Type,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    StringAttr,
    SymbolRefAttr,
    TensorType,
    f32,
    i8,
    i32,
    i64,
)
from xdsl.ir import Attribute, Block, Operation, OpResult, Region, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSymExpr,
)
from xdsl.utils.exceptions import VerifyException

if TYPE_CHECKING:
    from dfc.backends.chip import Chip

from dfc.dialects.resources import BLOBS
from dfc.dialects.su import (
    AgcuOp,
    AgenAttr,
    MemoryOp,
    PcuOp,
    PmuOp,
    SectionOp,
    StageAttr,
    StreamType,
    UnitOp,
    memories,
    sections,
)
from dfc.dialects.su.types import type_name

from .program import (
    DTYPE_BYTES,
    MODIFIERS_OF,
    AddressGen,
    Agcu,
    InputPort,
    Memory,
    Pcu,
    Pmu,
    Program,
    ProgramError,
    Section,
    Source,
    Stage,
    Stream,
    Unit,
    check_program,
)

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$.-]*$")
"""Unit symbols usable as SSA name hints."""

CHIP_ATTR = "su.chip"
FINGERPRINT_ATTR = "su.chip_fingerprint"


class SuCodecError(ValueError):
    """A module the bitstream cannot hold, or a program su cannot express; the
    message names the op or record."""


# ---------------------------------------------------------------------------
# Element types
# ---------------------------------------------------------------------------


def _element_type(name: str) -> Attribute:
    types: dict[str, Attribute] = {
        "f32": Float32Type(),
        "bf16": BFloat16Type(),
        "i32": IntegerType(32),
        "i8": IntegerType(8),
        "i1": IntegerType(1),
        "i64": IntegerType(64),
    }
    return types[name]


def _type_name(where: str, t: Attribute) -> str:
    name = type_name(t)
    if name is None:
        raise SuCodecError(f"{where}: element type {t} has no bitstream code")
    return name


# ---------------------------------------------------------------------------
# su -> Program
# ---------------------------------------------------------------------------


def module_to_program(module: ModuleOp, *, verify: bool = True) -> Program:
    """The bitstream model of a `su` module. Raises `SuCodecError` (with the op's
    name) for IR the format cannot hold, and for an invalid module when `verify`."""
    if verify:
        try:
            module.verify()
        except VerifyException as error:
            raise SuCodecError(f"the module is not valid su: {error}") from None
    chip_name, fingerprint = _module_chip(module)
    program = Program(
        chip_name=chip_name,
        chip_fingerprint=fingerprint,
        memories=tuple(_memory(m) for m in memories(module)),
        sections=tuple(_section(s) for s in sections(module)),
    )
    try:
        check_program(program)
    except ProgramError as error:
        raise SuCodecError(f"the program cannot be encoded: {error}") from None
    return program


def _module_chip(module: ModuleOp) -> tuple[str, str]:
    name = module.attributes.get(CHIP_ATTR)
    if not isinstance(name, StringAttr):
        raise SuCodecError(
            f'the module names no chip: a bitstream needs `{CHIP_ATTR} = "<preset>"` '
            "on the builtin.module"
        )
    pinned = module.attributes.get(FINGERPRINT_ATTR)
    if isinstance(pinned, StringAttr):
        return name.data, pinned.data
    from dfc.backends.chip import ChipModelError, load_chip

    try:
        return name.data, load_chip(name.data).short_fingerprint
    except ChipModelError as error:
        raise SuCodecError(f"{CHIP_ATTR} = '{name.data}': {error}") from None


def _image_bytes(where: str, attr: Attribute) -> bytes | memoryview:
    """The bytes of an `init`; a blob's are a read-only view, not a copy (a
    model's weights are not duplicated for the bitstream's program)."""
    if isinstance(attr, DenseIntOrFPElementsAttr):
        return bytes(attr.data.data)
    if isinstance(attr, DenseResourceAttr):
        handle = attr.resource_handle.data
        blob = BLOBS.get(handle)
        if blob is None:
            raise SuCodecError(
                f"{where}: dense_resource<{handle}> has no bytes (blob not loaded)"
            )
        return blob if isinstance(blob, bytes) else memoryview(blob).cast("B").toreadonly()
    raise SuCodecError(f"{where}: init {attr} is not a dense or dense_resource")


def _memory(op: MemoryOp) -> Memory:
    where = f"'su.memory' @{op.symbol}"
    init = None
    if op.init is not None:
        init = _image_bytes(where, op.init)
        if len(init) != op.num_bytes:
            raise SuCodecError(
                f"{where}: init holds {len(init)} bytes but the region has "
                f"{op.num_bytes}"
            )
    return Memory(
        name=op.symbol,
        tier=op.tier.data,
        offset=op.offset.value.data,
        shape=tuple(int(d) for d in op.memory_type.get_shape()),
        dtype=_type_name(where, op.element_type),
        role=op.role.data,
        init=init,
    )


def _section(op: SectionOp) -> Section:
    units = op.units()
    position = {id(u): i for i, u in enumerate(units)}
    streams: list[Stream] = []
    for stream in op.streams():
        producer = stream.producer
        assert isinstance(stream.value, OpResult)
        port = stream.value.index
        consumers = sorted(
            (
                (position[id(unit)], unit.symbol, index)
                for unit, index in stream.consumers
            ),
        )
        streams.append(
            Stream(
                id=len(streams),
                network=stream.network,
                dtype=_type_name(
                    f"{producer.label} output {port}", stream.type.element_type
                ),
                producer=(producer.symbol, port),
                consumers=tuple((name, index) for _, name, index in consumers),
            )
        )
    return Section(
        name=op.symbol,
        reads=tuple(op.read_names()),
        writes=tuple(op.write_names()),
        retain=tuple(op.retained()),
        units=tuple(_unit(op, u) for u in units),
        streams=tuple(streams),
    )


def _where(section: SectionOp, unit: UnitOp) -> str:
    return f"{unit.label} in section @{section.symbol}"


def _ports(unit: UnitOp) -> tuple[InputPort, ...]:
    depths = unit.configured_fifo_depths()
    routes = unit.input_routes()
    return tuple(
        InputPort(
            fifo_depth=None if depths is None else depths[i],
            route=tuple(routes[i]) if i < len(routes) else (),
        )
        for i in range(len(unit.inputs))
    )


def _unit(section: SectionOp, unit: UnitOp) -> Unit:
    where = _where(section, unit)
    common = {
        "at": unit.coordinate(),
        "inputs": _ports(unit),
        "outputs": len(unit.results),
    }
    if isinstance(unit, PcuOp):
        return _pcu(where, unit, common)
    if isinstance(unit, PmuOp):
        init = None
        if unit.init is not None:
            element = unit.init.type.get_element_type()  # pyright: ignore
            if type_name(element) != unit.dtype_name:
                raise SuCodecError(
                    f"{where}: init is {unit.init.type} but the unit holds "
                    f"{unit.dtype_name}; the bitstream stores the image as "
                    f"{unit.dtype_name} elements"
                )
            init = _image_bytes(where, unit.init)
        return Pmu(
            name=unit.symbol,
            bytes=unit.num_bytes,
            banks=unit.num_banks,
            dtype=unit.dtype_name,
            double_buffer=unit.is_double_buffered,
            write=None
            if unit.write is None
            else _agen(f"{where}: write map", unit.write, unit.scatters),
            read=None
            if unit.read is None
            else _agen(f"{where}: read map", unit.read, unit.gathers),
            init=init,
            **common,  # type: ignore[arg-type]
        )
    assert isinstance(unit, AgcuOp)
    agen = _address_gen(
        f"{where}: map", unit.counter_chain(), unit.affine_map, unit.indexed
    )
    return Agcu(
        name=unit.symbol,
        direction=unit.direction.data,
        memory=unit.memory_name,
        agen=agen,
        **common,  # type: ignore[arg-type]
    )


def _pcu(where: str, unit: PcuOp, common: dict[str, object]) -> Pcu:
    stages: list[Stage] = []
    for index, stage in enumerate(unit.stage_list()):
        if stage.modifier is not None and stage.modifier not in MODIFIERS_OF.get(
            stage.op, ()
        ):
            raise SuCodecError(
                f"{where}: stage {index} is '{stage.op}.{stage.modifier}'; the "
                f"bitstream format has no '{stage.op}' modifier '{stage.modifier}'"
            )
        stages.append(
            Stage(
                stage.op,
                tuple(Source(s.kind, s.index) for s in stage.sources),
                stage.modifier,
            )
        )
    constants: list[float | int] = []
    for value in unit.constant_values():
        constants.append(
            float(value) if unit.dtype_name in ("f32", "bf16") else int(value)
        )
    accumulate = None
    if unit.accumulate is not None:
        accumulate = _type_name(f"{where}: accumulate", unit.accumulate)
    template = unit.template_name
    return Pcu(
        name=unit.symbol,
        template=template,
        dtype=unit.dtype_name,
        counters=tuple(unit.counter_chain()),
        stages=tuple(stages),
        constants=tuple(constants),
        accumulate=accumulate,
        reduce_op=unit.reduce_op.data if unit.reduce_op is not None else None,
        reduce_counters=unit.reduce_counter_indices(),
        reduce_lanes=unit.reduces_lanes(),
        tile=unit.tile_shape(),
        scan_op=unit.scan_op.data if unit.scan_op is not None else None,
        scan_counter=(
            unit.scan_counter.value.data if unit.scan_counter is not None else None
        ),
        **common,  # type: ignore[arg-type]
    )


def _agen(where: str, agen: AgenAttr, indexed: bool) -> AddressGen:
    return _address_gen(where, agen.counter_chain(), agen.affine_map, indexed)


def linear_form(expr: AffineExpr, where: str) -> tuple[dict[tuple[str, int], int], int]:
    """`expr` as ({("d"|"s", position): coefficient}, constant); raises
    `SuCodecError` for floordiv, mod and ceildiv."""
    if isinstance(expr, AffineConstantExpr):
        return {}, expr.value
    if isinstance(expr, AffineDimExpr):
        return {("d", expr.position): 1}, 0
    if isinstance(expr, AffineSymExpr):
        return {("s", expr.position): 1}, 0
    assert isinstance(expr, AffineBinaryOpExpr)
    if expr.kind == AffineBinaryOpKind.Add:
        lhs, lc = linear_form(expr.lhs, where)
        rhs, rc = linear_form(expr.rhs, where)
        terms = dict(lhs)
        for key, value in rhs.items():
            terms[key] = terms.get(key, 0) + value
        return terms, lc + rc
    if expr.kind == AffineBinaryOpKind.Mul:
        lhs, lc = linear_form(expr.lhs, where)
        rhs, rc = linear_form(expr.rhs, where)
        if lhs and rhs:
            raise SuCodecError(f"{where}: {expr} is not affine")
        terms, scale = (rhs, lc) if not lhs else (lhs, rc)
        constant = lc * rc
        return {k: v * scale for k, v in terms.items()}, constant
    kind = {
        AffineBinaryOpKind.FloorDiv: "floordiv",
        AffineBinaryOpKind.CeilDiv: "ceildiv",
        AffineBinaryOpKind.Mod: "mod",
    }[expr.kind]
    raise SuCodecError(
        f"{where} uses {kind} ({expr}); the bitstream stores an address as "
        "base + sum(coeff_k * counter_k) only"
    )


def _address_gen(
    where: str, chain: Sequence[tuple[int, int, int]], map_: AffineMap, indexed: bool
) -> AddressGen:
    if len(map_.results) != 1:
        raise SuCodecError(f"{where}: {map_} must have one result")
    terms, base = linear_form(map_.results[0], where)
    terms = {k: v for k, v in terms.items() if v != 0}
    coefficients = [terms.get(("d", k), 0) for k in range(len(chain))]
    if indexed:
        if coefficients and coefficients[0] != 0:
            raise SuCodecError(
                f"{where}: {map_} is indexed and also uses d0; in the bitstream the "
                "index takes the place of the outermost counter (address = base + "
                "coeff_0 * index + sum_k>0 coeff_k * counter_k), so d0 must not "
                "appear in an indexed map"
            )
        coefficients[0] = terms.get(("s", 0), 0)
    return AddressGen(
        counters=tuple(chain),
        coefficients=tuple(coefficients),
        base=base,
        indexed=indexed,
    )


# ---------------------------------------------------------------------------
# Program -> su
# ---------------------------------------------------------------------------


def address_map(agen: AddressGen) -> AffineMap:
    """The canonical affine map of an address generator: terms by decreasing
    |coefficient| (the index `s0` first on a tie, then dims in order), the base
    last."""
    terms: list[tuple[int, int, int, AffineExpr]] = []
    for k, coeff in enumerate(agen.coefficients):
        if agen.indexed and k == 0:
            terms.append((-abs(coeff), 0, 0, AffineSymExpr(0) * coeff))
        else:
            terms.append((-abs(coeff), 1, k, AffineDimExpr(k) * coeff))
    expr: AffineExpr | None = None
    for _, _, _, term in sorted(
        (t for t in terms if t[0] != 0), key=lambda t: (t[0], t[1], t[2])
    ):
        expr = term if expr is None else expr + term
    if expr is None:
        expr = AffineConstantExpr(agen.base)
    elif agen.base != 0:
        expr = expr + agen.base
    return AffineMap(len(agen.counters), int(agen.indexed), (expr,))


def _flat(counters: Sequence[tuple[int, int, int]]) -> DenseArrayBase:
    return DenseArrayBase.from_list(i64, [v for c in counters for v in c])


def _image_attr(
    blob: bytes | memoryview, tensor: TensorType[Attribute], hint: str
) -> Attribute:
    size = DTYPE_BYTES[type_name(tensor.get_element_type()) or "f32"]
    first = blob[:size]
    if blob and all(blob[i : i + size] == first for i in range(0, len(blob), size)):
        return DenseIntOrFPElementsAttr(tensor, BytesAttr(bytes(blob)))
    handle = BLOBS.add(hint, blob)
    return DenseResourceAttr(StringAttr(handle), tensor)


def program_to_module(program: Program) -> ModuleOp:
    """The `su` module of a decoded program (not verified: call `verify()`).
    Raises `SuCodecError` for a program su cannot express."""
    ops: list[Operation] = []
    for memory in program.memories:
        if memory.dtype not in ("f32", "bf16", "i32", "i8"):
            raise SuCodecError(
                f"memory '{memory.name}' holds {memory.dtype}; su.memory has no such "
                "element type"
            )
        tensor = TensorType(_element_type(memory.dtype), memory.shape)
        init = None
        if memory.init is not None:
            init = _image_attr(memory.init, tensor, memory.name)
        ops.append(
            MemoryOp(memory.name, memory.tier, memory.offset, tensor, memory.role, init)
        )
    ops += [_section_op(s, program.chip_name) for s in program.sections]
    module = ModuleOp(ops)
    module.attributes[CHIP_ATTR] = StringAttr(program.chip_name)
    module.attributes[FINGERPRINT_ATTR] = StringAttr(program.chip_fingerprint)
    return module


def _section_op(section: Section, chip_name: str) -> SectionOp:
    where = f"section '{section.name}'"
    out_type: dict[tuple[str, int], StreamType] = {}
    feeds: dict[tuple[str, int], tuple[str, int]] = {}
    for stream in section.streams:
        out_type[stream.producer] = StreamType(
            stream.network, _element_type(stream.dtype)
        )
        for consumer in stream.consumers:
            feeds[consumer] = stream.producer
    ops: dict[str, UnitOp] = {}
    for unit in section.units:
        here = f"{where}: {unit.kind} '{unit.name}'"
        _check_outputs(here, unit)
        results = [out_type[(unit.name, p)] for p in range(unit.outputs)]
        op = _unit_op(here, unit, results)
        for result in op.results:
            # Name the stream after its producer (`%p0 = su.pcu @p0 ...`).
            if _NAME.match(unit.name):
                result.name_hint = unit.name
        ops[unit.name] = op
    for unit in section.units:
        op = ops[unit.name]
        values: list[SSAValue] = []
        for port in range(len(unit.inputs)):
            name, index = feeds[(unit.name, port)]
            values.append(ops[name].results[index])
        op.operands = values
        _port_attrs(f"{where}: {unit.kind} '{unit.name}'", op, unit, chip_name)
    body = Region(Block(list(ops.values())))
    return SectionOp(
        section.name,
        section.reads,
        section.writes,
        body,
        retain=section.retain or None,
    )


def _check_outputs(where: str, unit: Unit) -> None:
    if isinstance(unit, Pcu):
        expected, why = 1, "a su.pcu has one output"
    elif isinstance(unit, Pmu):
        expected = int(unit.read is not None)
        why = "a su.pmu has one output exactly when it has a read generator"
    else:
        expected = int(unit.direction == "load")
        why = "a su.agcu has one output exactly when it loads"
    if unit.outputs != expected:
        raise SuCodecError(f"{where} has {unit.outputs} outputs; {why}")


def _unit_op(where: str, unit: Unit, results: list[StreamType]) -> UnitOp:
    attrs: dict[str, Attribute] = {"sym_name": StringAttr(unit.name)}
    if unit.at is not None:
        attrs["at"] = DenseArrayBase.from_list(i64, list(unit.at))
    # fifo_depths / routes are filled in by _port_attrs, once operands exist;
    # placeholders keep the canonical attribute order.
    attrs["fifo_depths"] = attrs["routes"] = ArrayAttr([])
    if isinstance(unit, Pcu):
        attrs["template"] = StringAttr(unit.template)
        attrs["counters"] = _flat(unit.counters)
        attrs["dtype"] = _element_type(unit.dtype)
        if unit.accumulate is not None:
            attrs["accumulate"] = _element_type(unit.accumulate)
        attrs["stages"] = ArrayAttr(
            [
                StageAttr(
                    s.op if s.modifier is None else f"{s.op}.{s.modifier}",
                    [str(src) for src in s.sources],
                )
                for s in unit.stages
            ]
        )
        if unit.constants:
            element = {"f32": f32, "bf16": f32, "i32": i32, "i8": i8}[unit.dtype]
            attrs["constants"] = DenseArrayBase.from_list(element, list(unit.constants))
        if unit.reduce_op is not None:
            attrs["reduce_op"] = StringAttr(unit.reduce_op)
        if unit.reduce_counters:
            attrs["reduce_counters"] = DenseArrayBase.from_list(
                i64, list(unit.reduce_counters)
            )
        if unit.reduce_lanes:
            attrs["reduce_lanes"] = IntegerAttr.from_bool(True)
        if unit.tile is not None:
            attrs["tile"] = DenseArrayBase.from_list(i64, list(unit.tile))
        if unit.scan_op is not None:
            attrs["scan_op"] = StringAttr(unit.scan_op)
        if unit.scan_counter is not None:
            attrs["scan_counter"] = IntegerAttr(unit.scan_counter, i64)
        return PcuOp.create(result_types=results, attributes=attrs)
    if isinstance(unit, Pmu):
        dtype = _element_type(unit.dtype)
        attrs["bytes"] = IntegerAttr(unit.bytes, i64)
        attrs["banks"] = IntegerAttr(unit.banks, i64)
        if unit.double_buffer:
            attrs["double_buffer"] = IntegerAttr.from_bool(True)
        attrs["dtype"] = dtype
        if unit.read is not None and unit.read.indexed:
            attrs["gather"] = IntegerAttr.from_bool(True)
        if unit.write is not None and unit.write.indexed:
            attrs["scatter"] = IntegerAttr.from_bool(True)
        if unit.init is not None:
            size = DTYPE_BYTES[unit.dtype]
            if len(unit.init) % size:
                raise SuCodecError(
                    f"{where}: init of {len(unit.init)} bytes is not a whole number "
                    f"of {unit.dtype} elements"
                )
            tensor = TensorType(dtype, [len(unit.init) // size])
            attrs["init"] = _image_attr(unit.init, tensor, unit.name)
        for side, agen in (("write", unit.write), ("read", unit.read)):
            if agen is not None:
                attrs[side] = AgenAttr(_flat(agen.counters), address_map(agen))
        return PmuOp.create(result_types=results, attributes=attrs)
    attrs["direction"] = StringAttr(unit.direction)
    attrs["memory"] = SymbolRefAttr(unit.memory)
    attrs["counters"] = _flat(unit.agen.counters)
    attrs["map"] = AffineMapAttr(address_map(unit.agen))
    return AgcuOp.create(result_types=results, attributes=attrs)


def _port_attrs(where: str, op: UnitOp, unit: Unit, chip_name: str) -> None:
    depths = [port.fifo_depth for port in unit.inputs]
    if any(d is not None for d in depths):
        if any(d is None for d in depths):
            # su has one optional array per unit: write the defaults out in full.
            from dfc.dialects.su.chip_checks import fifo_capacity

            chip = _chip(chip_name, where)
            depths = [
                d if d is not None else fifo_capacity(op.inputs[i], chip)
                for i, d in enumerate(depths)
            ]
        op.attributes["fifo_depths"] = DenseArrayBase.from_list(i64, depths)  # type: ignore[arg-type]
    else:
        del op.attributes["fifo_depths"]
    routes = [port.route for port in unit.inputs]
    if any(routes):
        op.attributes["routes"] = ArrayAttr(
            [
                DenseArrayBase.from_list(i64, [v for hop in route for v in hop])
                for route in routes
            ]
        )
    else:
        del op.attributes["routes"]


def _chip(name: str, where: str) -> Chip:
    from dfc.backends.chip import ChipModelError, load_chip

    try:
        return load_chip(name)
    except ChipModelError as error:
        raise SuCodecError(
            f"{where}: some input ports have a FIFO depth and some do not; su needs "
            f"them all, and the chip's default cannot be read: {error}"
        ) from None
