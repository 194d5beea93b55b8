"""A whole configured chip program as plain, frozen dataclasses.

This is the model that the `.dfcb` container (`format.py`) stores byte for byte and
the simulator runs. It mirrors the `su` dialect (`docs/su-dialect.md`) exactly:

    Program(chip_name, chip_fingerprint, memories, sections)
      Memory(name, tier, offset, shape, dtype, role, init)     -- su.memory
      Section(name, reads, writes, retain, units, streams)     -- su.section
        Pcu | Pmu | Agcu                                       -- su.pcu / su.pmu / su.agcu
        Stream(id, network, dtype, producer, consumers)        -- an SSA stream value

Everything is a tuple, an int, a float, a str, bytes or None, so programs compare
with `==`, hash, and print readably. An initial image may also be a read-only byte
`memoryview` (compares and hashes like bytes): a model's weights then stay the one
copy the compiler or the decoded file already holds. `Program.validate()` checks the structural
rules that hold without a chip (names unique, references in range, enums known,
template fields consistent); the chip limits are the `su` verifiers' business.

This module imports only the standard library (numpy is not needed here).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, Union

Coord = tuple[int, int]
Image = Union[bytes, memoryview]  # noqa: UP007 (a runtime alias)
"""An initial image: bytes, or a read-only, contiguous memoryview of bytes."""
Counter = tuple[int, int, int]
"""One counter of a counter chain: (start, stop, stride); trip count =
ceil((stop - start) / stride)."""

# Enumerations. The position of a name in its tuple is its code in the bitstream;
# append only (docs/bitstream.md lists the codes).
TIERS = ("hbm", "ddr")
ROLES = ("input", "output", "weight", "scratch")
DTYPES = ("f32", "bf16", "i32", "i8", "i1", "i64")
DTYPE_BYTES = {"f32": 4, "bf16": 2, "i32": 4, "i8": 1, "i1": 1, "i64": 8}
MEMORY_DTYPES = ("f32", "bf16", "i32", "i8", "i64")
UNIT_DTYPES = ("f32", "bf16", "i32", "i8")
ACCUMULATE_DTYPES = ("f32", "i32")
NETWORKS = ("vector", "scalar", "control")
UNIT_KINDS = ("pcu", "pmu", "agcu")
TEMPLATES = ("map", "reduce", "matmul", "scan")
STAGE_OPS = (
    "add",
    "sub",
    "mul",
    "fma",
    "div",
    "neg",
    "abs",
    "max",
    "min",
    "exp",
    "log",
    "sqrt",
    "rsqrt",
    "recip",
    "tanh",
    "erf",
    "sigmoid",
    "cmp",
    "select",
    "cast",
    "and",
    "or",
    "xor",
    "not",
    "shl",
    "shr",
    "floor",
    "ceil",
    "sin",
    "cos",
)
"""Same names and order as `dfc.backends.chip.STAGE_OPS` (a test checks)."""
FORMAT_1_0_STAGE_OPS = 26
"""Stage op codes below this exist in format 1.0; `floor`, `ceil`, `sin` and
`cos` (26-29) are format 1.1."""
CMP_PREDICATES = ("lt", "le", "gt", "ge", "eq", "ne")
STAGE_MODIFIERS = (*CMP_PREDICATES, "f32", "bf16", "i32", "i8")
"""Stage modifiers (format 1.1, register `STAGE_MODIFIER`): the predicate of a
`cmp` stage, the target type of a `cast` stage."""
MODIFIERS_OF: dict[str, tuple[str, ...]] = {
    "cmp": CMP_PREDICATES,
    "cast": ("f32", "bf16", "i32", "i8"),
}
"""Which stage ops take which modifiers; every other op takes none."""
SOURCE_KINDS = ("in", "s", "c", "ctr")
REDUCE_OPS = ("add", "max", "min")
SCAN_OPS = ("add", "max", "min", "mul")
DIRECTIONS = ("load", "store")

FINGERPRINT_LENGTHS = (16, 64)
"""Hex digits of a chip fingerprint: `Chip.short_fingerprint` or `Chip.fingerprint`."""

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
UINT32_MAX = 2**32 - 1


class ProgramError(ValueError):
    """A program that breaks a structural rule; the message says where."""


# -- pieces ------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """An operand of a pipeline stage: input port `in<i>`, earlier stage `s<j>`,
    constant `c<k>` or counter value `ctr<k>`."""

    kind: str
    index: int

    def __str__(self) -> str:
        return f"{self.kind}{self.index}"

    @classmethod
    def parse(cls, text: str) -> Source:
        """`"in0"`, `"s1"`, `"c2"`, `"ctr0"` -> Source."""
        for kind in ("ctr", "in", "s", "c"):
            rest = text[len(kind) :]
            if text.startswith(kind) and rest.isdigit() and rest.isascii():
                return cls(kind, int(rest))
        raise ProgramError(
            f"bad stage source '{text}': expected in<i>, s<j>, c<k> or ctr<k>"
        )


@dataclass(frozen=True)
class Stage:
    """One pipeline stage: a vector op on its sources. `modifier` is a `cmp`
    stage's predicate or a `cast` stage's target type (format 1.1); a `cmp`
    without one is `lt` and a `cast` without one rounds to the unit's type
    (format 1.0)."""

    op: str
    sources: tuple[Source, ...]
    modifier: str | None = None

    def __str__(self) -> str:
        name = self.op if self.modifier is None else f"{self.op}.{self.modifier}"
        return f"{name}({', '.join(map(str, self.sources))})"


@dataclass(frozen=True)
class AddressGen:
    """An affine address generator over its own counter chain.

    address = base + sum(coefficients[k] * counter_k), in elements of the unit's
    (PMU) or memory's (AGCU) data type. This is exactly an `affine_map` with one
    result and no `floordiv` / `mod` / `ceildiv`; such maps are refused by the
    su <-> bitstream conversion. `indexed` is `gather` on a read generator and
    `scatter` on a write generator (an index stream selects rows).
    """

    counters: tuple[Counter, ...]
    coefficients: tuple[int, ...]
    base: int = 0
    indexed: bool = False


@dataclass(frozen=True)
class InputPort:
    """Per input port: FIFO depth (None = the chip's default) and the route, the
    switch coordinates from the producer's tile to this unit's (empty = unrouted)."""

    fifo_depth: int | None = None
    route: tuple[Coord, ...] = ()


# -- units ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Pcu:
    """`su.pcu`: a compute unit running one template."""

    kind: ClassVar[str] = "pcu"
    name: str
    template: str
    dtype: str
    counters: tuple[Counter, ...] = ()
    stages: tuple[Stage, ...] = ()
    constants: tuple[float | int, ...] = ()
    accumulate: str | None = None
    reduce_op: str | None = None
    reduce_counters: tuple[int, ...] = ()
    reduce_lanes: bool = False
    tile: tuple[int, int, int] | None = None
    """matmul: (M, N, K)."""
    scan_op: str | None = None
    scan_counter: int | None = None
    at: Coord | None = None
    inputs: tuple[InputPort, ...] = ()
    outputs: int = 1


@dataclass(frozen=True)
class Pmu:
    """`su.pmu`: a scratchpad with write and read address generators."""

    kind: ClassVar[str] = "pmu"
    name: str
    bytes: int
    banks: int
    dtype: str
    double_buffer: bool = False
    write: AddressGen | None = None
    read: AddressGen | None = None
    init: Image | None = None
    at: Coord | None = None
    inputs: tuple[InputPort, ...] = ()
    outputs: int = 1


@dataclass(frozen=True)
class Agcu:
    """`su.agcu`: DMA between an off-chip memory region and a stream."""

    kind: ClassVar[str] = "agcu"
    name: str
    direction: str
    memory: str
    agen: AddressGen
    at: Coord | None = None
    inputs: tuple[InputPort, ...] = ()
    outputs: int = 1


Unit = Union[Pcu, Pmu, Agcu]  # noqa: UP007 (a runtime alias; `|` of classes also works)


@dataclass(frozen=True)
class Stream:
    """A typed link from one output port to input ports (fan-out when several)."""

    id: int
    network: str
    dtype: str
    producer: tuple[str, int]
    """(unit name, output port)."""
    consumers: tuple[tuple[str, int], ...] = ()
    """(unit name, input port) for each use, in use order."""


@dataclass(frozen=True)
class Memory:
    """`su.memory`: an off-chip region."""

    name: str
    tier: str
    offset: int
    shape: tuple[int, ...]
    dtype: str
    role: str
    init: Image | None = None

    @property
    def elements(self) -> int:
        return math.prod(self.shape)

    @property
    def nbytes(self) -> int:
        return self.elements * DTYPE_BYTES[self.dtype]


@dataclass(frozen=True)
class Section:
    """`su.section`: one configuration of the whole chip."""

    name: str
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    retain: tuple[str, ...] = ()
    units: tuple[Unit, ...] = ()
    streams: tuple[Stream, ...] = ()

    def unit(self, name: str) -> Unit:
        for unit in self.units:
            if unit.name == name:
                return unit
        raise KeyError(name)


@dataclass(frozen=True)
class Program:
    """A whole chip program: memories (with initial images) and sections in order."""

    chip_name: str
    chip_fingerprint: str
    memories: tuple[Memory, ...] = ()
    sections: tuple[Section, ...] = ()

    def memory(self, name: str) -> Memory:
        for memory in self.memories:
            if memory.name == name:
                return memory
        raise KeyError(name)

    def validate(self) -> Program:
        """Check the structural rules; raise `ProgramError` naming the place."""
        check_program(self)
        return self


# -- structural checks ---------------------------------------------------------------


def _fail(where: str, problem: str) -> None:
    raise ProgramError(f"{where}: {problem}")


def _image(where: str, value: object) -> None:
    if isinstance(value, bytes):
        return
    if not isinstance(value, memoryview):
        _fail(where, "expected bytes")
    view: memoryview = value  # type: ignore[assignment]
    if not (view.readonly and view.c_contiguous and view.format in ("B", "b", "c")):
        _fail(where, "expected bytes or a read-only, contiguous byte memoryview")


def _int(where: str, value: object, lo: int = INT64_MIN, hi: int = INT64_MAX) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        _fail(where, f"expected an integer, got {type(value).__name__}")
    if not lo <= value <= hi:  # type: ignore[operator]
        _fail(where, f"{value} is outside [{lo}, {hi}]")


def _choice(where: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        _fail(where, f"{value!r} is not one of {', '.join(choices)}")


def _tuple(where: str, value: object) -> None:
    if not isinstance(value, tuple):
        _fail(where, f"expected a tuple, got {type(value).__name__}")


def _name(where: str, value: object) -> None:
    if not isinstance(value, str) or not value:
        _fail(where, "expected a non-empty string")
    try:
        value.encode("utf-8")  # type: ignore[union-attr]
    except UnicodeEncodeError:
        _fail(where, "not encodable as UTF-8")


def _unique(where: str, names: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            _fail(where, f"duplicate {what} '{name}'")
        seen.add(name)


def _counters(where: str, counters: object) -> None:
    _tuple(where, counters)
    _items(where, counters)  # type: ignore[arg-type]
    for k, counter in enumerate(counters):  # type: ignore[arg-type]
        if not isinstance(counter, tuple) or len(counter) != 3:
            _fail(f"{where}[{k}]", "a counter is a (start, stop, stride) tuple")
        for part, value in zip(("start", "stop", "stride"), counter):
            _int(f"{where}[{k}].{part}", value)
        if counter[2] == 0:
            _fail(f"{where}[{k}]", "stride must not be 0")


def constant_fits(dtype: str, value: object) -> bool:
    """Whether `value` is exactly representable as a `dtype` stage constant."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if dtype in ("i32", "i8"):
        bits = 32 if dtype == "i32" else 8
        return isinstance(value, int) and -(2 ** (bits - 1)) <= value < 2 ** (bits - 1)
    if math.isnan(value):
        return False  # NaN != NaN: the program could never compare equal to itself
    try:
        bits = struct.unpack("<I", struct.pack("<f", value))[0]
    except OverflowError:
        return False
    if struct.unpack("<f", struct.pack("<I", bits))[0] != value:
        return False
    return dtype == "f32" or bits & 0xFFFF == 0


def _agen(where: str, agen: object) -> None:
    if not isinstance(agen, AddressGen):
        _fail(where, "expected an AddressGen")
    _counters(f"{where}.counters", agen.counters)  # type: ignore[union-attr]
    _tuple(f"{where}.coefficients", agen.coefficients)  # type: ignore[union-attr]
    if len(agen.coefficients) != len(agen.counters):  # type: ignore[union-attr]
        _fail(where, "needs one coefficient per counter")
    for k, c in enumerate(agen.coefficients):  # type: ignore[union-attr]
        _int(f"{where}.coefficients[{k}]", c)
    _int(f"{where}.base", agen.base)  # type: ignore[union-attr]
    if not isinstance(agen.indexed, bool):  # type: ignore[union-attr]
        _fail(f"{where}.indexed", "expected a bool")


MAX_ITEMS = 65536
"""Most items of one kind per unit (input ports, counters, constants, ...): a
register id has 16 bits for the item number (docs/bitstream.md)."""


def _items(where: str, items: tuple) -> None:
    if len(items) > MAX_ITEMS:
        _fail(where, f"{len(items)} items; at most {MAX_ITEMS} can be encoded")


def _ports(where: str, unit: Unit) -> None:
    _tuple(f"{where}.inputs", unit.inputs)
    _items(f"{where}.inputs", unit.inputs)
    _int(f"{where}.outputs", unit.outputs, 0, UINT32_MAX)
    if unit.at is not None:
        if not isinstance(unit.at, tuple) or len(unit.at) != 2:
            _fail(f"{where}.at", "expected a (row, col) tuple")
        for part, value in zip(("row", "col"), unit.at):
            _int(f"{where}.at.{part}", value, 0, UINT32_MAX)
    for i, port in enumerate(unit.inputs):
        here = f"{where}.inputs[{i}]"
        if not isinstance(port, InputPort):
            _fail(here, "expected an InputPort")
        if port.fifo_depth is not None:
            _int(f"{here}.fifo_depth", port.fifo_depth, 1, INT64_MAX)
        _tuple(f"{here}.route", port.route)
        for h, hop in enumerate(port.route):
            if not isinstance(hop, tuple) or len(hop) != 2:
                _fail(f"{here}.route[{h}]", "expected a (row, col) tuple")
            for value in hop:
                _int(f"{here}.route[{h}]", value, 0, UINT32_MAX)


def _pcu(where: str, unit: Pcu) -> None:
    _choice(f"{where}.template", unit.template, TEMPLATES)
    _choice(f"{where}.dtype", unit.dtype, UNIT_DTYPES)
    if unit.accumulate is not None:
        _choice(f"{where}.accumulate", unit.accumulate, ACCUMULATE_DTYPES)
    _counters(f"{where}.counters", unit.counters)
    _tuple(f"{where}.stages", unit.stages)
    _tuple(f"{where}.constants", unit.constants)
    _items(f"{where}.constants", unit.constants)
    for k, value in enumerate(unit.constants):
        if not constant_fits(unit.dtype, value):
            _fail(f"{where}.constants[{k}]", f"{value!r} is not exactly a {unit.dtype}")
    limits = {
        "in": len(unit.inputs),
        "c": len(unit.constants),
        "ctr": len(unit.counters),
    }
    for j, stage in enumerate(unit.stages):
        here = f"{where}.stages[{j}]"
        if not isinstance(stage, Stage):
            _fail(here, "expected a Stage")
        _choice(f"{here}.op", stage.op, STAGE_OPS)
        if stage.modifier is not None:
            allowed = MODIFIERS_OF.get(stage.op)
            if allowed is None:
                _fail(f"{here}.modifier", f"'{stage.op}' takes no modifier")
            _choice(f"{here}.modifier", stage.modifier, allowed)
        _tuple(f"{here}.sources", stage.sources)
        if len(stage.sources) > 16:
            _fail(here, f"{len(stage.sources)} sources; at most 16")
        for s, source in enumerate(stage.sources):
            if not isinstance(source, Source):
                _fail(f"{here}.sources[{s}]", "expected a Source")
            _choice(f"{here}.sources[{s}].kind", source.kind, SOURCE_KINDS)
            limit = j if source.kind == "s" else limits[source.kind]
            _int(f"{here}.sources[{s}].index", source.index, 0, UINT32_MAX)
            if source.index >= limit:
                _fail(
                    f"{here}.sources[{s}]",
                    f"'{source}' does not exist (only {limit} available)",
                )
    if len(unit.stages) > 4096:
        _fail(where, f"{len(unit.stages)} stages; at most 4096 can be encoded")
    reduce = unit.template == "reduce"
    if reduce != (unit.reduce_op is not None):
        _fail(where, "reduce_op is required by, and only allowed with, 'reduce'")
    if not reduce and (unit.reduce_counters or unit.reduce_lanes):
        _fail(where, "reduce_counters/reduce_lanes are only allowed with 'reduce'")
    if reduce:
        _choice(f"{where}.reduce_op", unit.reduce_op, REDUCE_OPS)
        _tuple(f"{where}.reduce_counters", unit.reduce_counters)
        _items(f"{where}.reduce_counters", unit.reduce_counters)
        for i, index in enumerate(unit.reduce_counters):
            _int(f"{where}.reduce_counters[{i}]", index, 0, len(unit.counters) - 1)
        if not isinstance(unit.reduce_lanes, bool):
            _fail(f"{where}.reduce_lanes", "expected a bool")
    if (unit.template == "matmul") != (unit.tile is not None):
        _fail(where, "tile is required by, and only allowed with, 'matmul'")
    if unit.tile is not None:
        if not isinstance(unit.tile, tuple) or len(unit.tile) != 3:
            _fail(f"{where}.tile", "expected (M, N, K)")
        for part, value in zip("MNK", unit.tile):
            _int(f"{where}.tile.{part}", value, 1, INT64_MAX)
    scan = unit.template == "scan"
    if scan != (unit.scan_op is not None) or scan != (unit.scan_counter is not None):
        _fail(
            where,
            "scan_op and scan_counter are required by, and only allowed with, 'scan'",
        )
    if scan:
        _choice(f"{where}.scan_op", unit.scan_op, SCAN_OPS)
        _int(f"{where}.scan_counter", unit.scan_counter, 0, len(unit.counters) - 1)


def _pmu(where: str, unit: Pmu) -> None:
    _int(f"{where}.bytes", unit.bytes, 1, INT64_MAX)
    _int(f"{where}.banks", unit.banks, 1, INT64_MAX)
    _choice(f"{where}.dtype", unit.dtype, UNIT_DTYPES)
    if not isinstance(unit.double_buffer, bool):
        _fail(f"{where}.double_buffer", "expected a bool")
    for side in ("write", "read"):
        agen = getattr(unit, side)
        if agen is not None:
            _agen(f"{where}.{side}", agen)
    if unit.init is not None:
        _image(f"{where}.init", unit.init)
        if len(unit.init) > unit.bytes:
            _fail(
                f"{where}.init",
                f"{len(unit.init)} bytes exceed the buffer's {unit.bytes}",
            )


def check_program(program: Program) -> None:
    """Raise `ProgramError` if `program` breaks a structural rule."""
    if not isinstance(program, Program):
        raise ProgramError(f"expected a Program, got {type(program).__name__}")
    _name("chip_name", program.chip_name)
    fp = program.chip_fingerprint
    if (
        not isinstance(fp, str)
        or len(fp) not in FINGERPRINT_LENGTHS
        or any(ch not in "0123456789abcdef" for ch in fp)
    ):
        _fail("chip_fingerprint", f"{fp!r} is not 16 or 64 lowercase hex digits")
    _tuple("memories", program.memories)
    _tuple("sections", program.sections)
    memories: dict[str, Memory] = {}
    for m, memory in enumerate(program.memories):
        where = f"memory #{m}"
        if not isinstance(memory, Memory):
            _fail(where, "expected a Memory")
        _name(f"{where}.name", memory.name)
        where = f"memory '{memory.name}'"
        if memory.name in memories:
            _fail(where, "duplicate memory name")
        memories[memory.name] = memory
        _choice(f"{where}.tier", memory.tier, TIERS)
        _choice(f"{where}.role", memory.role, ROLES)
        _choice(f"{where}.dtype", memory.dtype, MEMORY_DTYPES)
        _int(f"{where}.offset", memory.offset, 0, INT64_MAX)
        _tuple(f"{where}.shape", memory.shape)
        if len(memory.shape) > 255:
            _fail(f"{where}.shape", "rank above 255")
        for d, dim in enumerate(memory.shape):
            _int(f"{where}.shape[{d}]", dim, 0, INT64_MAX)
        if memory.nbytes > INT64_MAX:
            _fail(where, "larger than 2^63 bytes")
        if memory.init is not None:
            _image(f"{where}.init", memory.init)
            if len(memory.init) != memory.nbytes:
                _fail(
                    f"{where}.init",
                    f"{len(memory.init)} bytes but the region holds {memory.nbytes}",
                )
        if memory.role == "weight" and memory.init is None:
            _fail(where, "a weight needs an initial image")
        if memory.role == "input" and memory.init is not None:
            _fail(where, "an input may not have an initial image")
    _unique("sections", (s.name for s in program.sections), "section name")
    for s, section in enumerate(program.sections):
        if not isinstance(section, Section):
            _fail(f"section #{s}", "expected a Section")
        _name(f"section #{s}.name", section.name)
        _check_section(f"section '{section.name}'", section, memories)


def _check_section(where: str, section: Section, memories: dict[str, Memory]) -> None:
    for field in ("reads", "writes", "retain", "units", "streams"):
        _tuple(f"{where}.{field}", getattr(section, field))
    for field in ("reads", "writes"):
        names = getattr(section, field)
        _unique(f"{where}.{field}", names, "memory")
        for name in names:
            if name not in memories:
                _fail(f"{where}.{field}", f"unknown memory '{name}'")
    units: dict[str, Unit] = {}
    for u, unit in enumerate(section.units):
        if not isinstance(unit, (Pcu, Pmu, Agcu)):
            _fail(f"{where}.units[{u}]", "expected a Pcu, Pmu or Agcu")
        _name(f"{where}.units[{u}].name", unit.name)
        here = f"{where}: {unit.kind} '{unit.name}'"
        if unit.name in units:
            _fail(here, "duplicate unit name")
        units[unit.name] = unit
        _ports(here, unit)
        if isinstance(unit, Pcu):
            _pcu(here, unit)
        elif isinstance(unit, Pmu):
            _pmu(here, unit)
        else:
            _choice(f"{here}.direction", unit.direction, DIRECTIONS)
            if unit.memory not in memories:
                _fail(f"{here}.memory", f"unknown memory '{unit.memory}'")
            listed = section.reads if unit.direction == "load" else section.writes
            if unit.memory not in listed:
                field = "reads" if unit.direction == "load" else "writes"
                _fail(
                    here,
                    f"{unit.direction}s '{unit.memory}' but the section's {field} do not list it",
                )
            _agen(f"{here}.agen", unit.agen)
    _unique(f"{where}.retain", section.retain, "retained unit")
    for name in section.retain:
        if not isinstance(units.get(name), Pmu):
            _fail(f"{where}.retain", f"'{name}' is not a pmu of this section")
    ids: set[int] = set()
    produced: set[tuple[str, int]] = set()
    consumed: set[tuple[str, int]] = set()
    for t, stream in enumerate(section.streams):
        here = f"{where}: stream #{t}"
        if not isinstance(stream, Stream):
            _fail(here, "expected a Stream")
        _int(f"{here}.id", stream.id, 0, UINT32_MAX)
        here = f"{where}: stream {stream.id}"
        if stream.id in ids:
            _fail(here, "duplicate stream id")
        ids.add(stream.id)
        _choice(f"{here}.network", stream.network, NETWORKS)
        _choice(f"{here}.dtype", stream.dtype, DTYPES)
        if (stream.network == "control") != (stream.dtype == "i1"):
            _fail(here, "control streams carry i1 and only control streams do")
        if stream.dtype == "i64":
            _fail(f"{here}.dtype", "i64 is not a stream element type")
        ends = [("producer", stream.producer, "outputs")]
        _tuple(f"{here}.consumers", stream.consumers)
        ends += [
            (f"consumers[{c}]", end, "inputs") for c, end in enumerate(stream.consumers)
        ]
        for label, end, ports in ends:
            if not isinstance(end, tuple) or len(end) != 2:
                _fail(f"{here}.{label}", "expected a (unit name, port) tuple")
            name, port = end
            if name not in units:
                _fail(f"{here}.{label}", f"unknown unit '{name}'")
            unit = units[name]
            count = unit.outputs if ports == "outputs" else len(unit.inputs)
            _int(f"{here}.{label}", port, 0, UINT32_MAX)
            if port >= count:
                _fail(
                    f"{here}.{label}", f"'{name}' has {count} {ports}, no port {port}"
                )
            seen = produced if ports == "outputs" else consumed
            if end in seen:
                _fail(
                    f"{here}.{label}", f"port {port} of '{name}' is already connected"
                )
            seen.add(end)
    # Every port is connected exactly once. Count first: `outputs` may be any u32,
    # and a loop over it must not run for a corrupt value.
    in_count: dict[str, int] = {}
    out_count: dict[str, int] = {}
    for name, _ in consumed:
        in_count[name] = in_count.get(name, 0) + 1
    for name, _ in produced:
        out_count[name] = out_count.get(name, 0) + 1
    for name, unit in units.items():
        here = f"{where}: {unit.kind} '{name}'"
        if in_count.get(name, 0) != len(unit.inputs):
            port = next(p for p in range(len(unit.inputs)) if (name, p) not in consumed)
            _fail(here, f"input {port} has no stream")
        if out_count.get(name, 0) != unit.outputs:
            port = next(p for p in range(unit.outputs) if (name, p) not in produced)
            _fail(here, f"output {port} has no stream")


# -- examples ------------------------------------------------------------------------


def example_program(
    chip_fingerprint: str = "0" * 16, *, small: bool = False
) -> Program:
    """A hand-written program for the `tiny` chip (4 lanes), used by the docs'
    worked example, the tests and the corruption benchmark.

    `small`: one section, y = 2 * x over 4 x 4 f32 (load, map, store). Otherwise
    two sections that read the same weight (stored once): s0 computes
    t = x * w + 1 through a pmu, s1 computes y = sum over rows of t * w.
    """
    row = AddressGen(counters=((0, 4, 1), (0, 4, 4)), coefficients=(4, 1))
    chain = ((0, 4, 1), (0, 4, 4))
    if small:
        return Program(
            chip_name="tiny",
            chip_fingerprint=chip_fingerprint,
            memories=(
                Memory("x", "hbm", 0, (4, 4), "f32", "input"),
                Memory("y", "hbm", 64, (4, 4), "f32", "output"),
            ),
            sections=(
                Section(
                    name="s0",
                    reads=("x",),
                    writes=("y",),
                    units=(
                        Agcu("a0", "load", "x", row, at=(2, 0)),
                        Pcu(
                            "p0",
                            "map",
                            "f32",
                            counters=chain,
                            stages=(Stage("mul", (Source("in", 0), Source("c", 0))),),
                            constants=(2.0,),
                            at=(2, 1),
                            inputs=(InputPort(route=((2, 0), (2, 1))),),
                        ),
                        Agcu(
                            "a1",
                            "store",
                            "y",
                            row,
                            at=(2, 3),
                            inputs=(InputPort(route=((2, 1), (2, 2), (2, 3))),),
                            outputs=0,
                        ),
                    ),
                    streams=(
                        Stream(0, "vector", "f32", ("a0", 0), (("p0", 0),)),
                        Stream(1, "vector", "f32", ("p0", 0), (("a1", 0),)),
                    ),
                ),
            ),
        )
    weight = bytes(range(64))
    transpose = AddressGen(counters=((0, 4, 1), (0, 4, 4)), coefficients=(1, 4))
    s0 = Section(
        name="s0",
        reads=("x", "w"),
        writes=("t",),
        retain=("m0",),
        units=(
            Agcu("a0", "load", "x", row, at=(2, 0)),
            Agcu("a1", "load", "w", row, at=(2, 3)),
            Pcu(
                "p0",
                "map",
                "f32",
                counters=chain,
                stages=(
                    Stage("mul", (Source("in", 0), Source("in", 1))),
                    Stage("add", (Source("s", 0), Source("c", 0))),
                ),
                constants=(1.0,),
                at=(2, 1),
                inputs=(
                    InputPort(route=((2, 0), (2, 1))),
                    InputPort(fifo_depth=4, route=((2, 3), (2, 2), (2, 1))),
                ),
            ),
            Pmu(
                "m0",
                bytes=64,
                banks=4,
                dtype="f32",
                double_buffer=True,
                write=row,
                read=transpose,
                at=(1, 1),
                inputs=(InputPort(route=((2, 1), (1, 1))),),
                outputs=2,
            ),
            Agcu("a2", "store", "t", row, at=(2, 3), inputs=(InputPort(),), outputs=0),
        ),
        streams=(
            Stream(0, "vector", "f32", ("a0", 0), (("p0", 0),)),
            Stream(1, "vector", "f32", ("a1", 0), (("p0", 1),)),
            Stream(2, "vector", "f32", ("p0", 0), (("m0", 0),)),
            Stream(3, "vector", "f32", ("m0", 0), (("a2", 0),)),
            Stream(4, "control", "i1", ("m0", 1)),
        ),
    )
    s1 = Section(
        name="s1",
        reads=("t", "w"),
        writes=("y",),
        units=(
            Agcu("a0", "load", "t", row),
            Agcu("a1", "load", "w", row),
            Pcu(
                "p0",
                "reduce",
                "bf16",
                counters=chain,
                stages=(
                    Stage("fma", (Source("in", 0), Source("in", 1), Source("c", 0))),
                ),
                constants=(-0.5,),
                accumulate="f32",
                reduce_op="add",
                reduce_counters=(0,),
                reduce_lanes=False,
                inputs=(InputPort(), InputPort()),
            ),
            Pcu(
                "p1",
                "scan",
                "i32",
                counters=((0, 4, 4),),
                stages=(Stage("max", (Source("in", 0), Source("ctr", 0))),),
                constants=(-7,),
                scan_op="add",
                scan_counter=0,
                inputs=(InputPort(),),
            ),
            Pcu(
                "p2",
                "matmul",
                "bf16",
                accumulate="f32",
                tile=(4, 3, 4),
                inputs=(InputPort(), InputPort()),
                outputs=1,
            ),
            Pmu("m1", bytes=16, banks=1, dtype="i32", init=weight[:16], read=row),
            Agcu(
                "a3",
                "store",
                "y",
                AddressGen(((0, 4, 4),), (1,), base=0),
                inputs=(InputPort(),),
                outputs=0,
            ),
        ),
        streams=(
            Stream(10, "vector", "f32", ("a0", 0), (("p0", 0), ("p2", 0))),
            Stream(11, "vector", "f32", ("a1", 0), (("p0", 1), ("p2", 1))),
            Stream(12, "vector", "f32", ("p0", 0), (("a3", 0),)),
            Stream(13, "scalar", "i32", ("m1", 0), (("p1", 0),)),
            Stream(14, "vector", "i32", ("p1", 0)),
            Stream(15, "vector", "bf16", ("p2", 0)),
        ),
    )
    return Program(
        chip_name="tiny",
        chip_fingerprint=chip_fingerprint,
        memories=(
            Memory("x", "hbm", 0, (4, 4), "f32", "input"),
            Memory("w", "hbm", 64, (4, 4), "f32", "weight", init=weight),
            Memory("t", "ddr", 0, (4, 4), "f32", "scratch"),
            Memory("y", "hbm", 128, (4,), "f32", "output"),
        ),
        sections=(s0, s1),
    )
