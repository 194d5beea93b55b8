"""The `su` program ops: `su.memory` (off-chip regions), `su.section` (one chip
configuration), the common base of the unit ops, and module-level accessors.

Structural rules (types, symbols, counter triples, address ranges against
buffers and regions) are checked without a chip; the chip's limits are checked
by `chip_checks`, called from each op's verifier when the module names a chip
(`su.chip`). The unit ops themselves are in `units`.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    SymbolNameConstraint,
    SymbolRefAttr,
    TensorType,
    i64,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    attr_def,
    irdl_op_definition,
    opt_attr_def,
    region_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import IsolatedFromAbove, NoTerminator, SymbolOpInterface
from xdsl.utils.exceptions import VerifyException

from .types import (
    DTYPE_NAMES,
    OFFCHIP_TIERS,
    ROLES,
    Counter,
    StreamType,
    counter_chain,
    counter_problem,
    element_bytes,
    format_coord,
    type_name,
    vector_width,
)

if TYPE_CHECKING:
    from .units import AgcuOp, PcuOp, PmuOp
# ---------------------------------------------------------------------------
# su.memory
# ---------------------------------------------------------------------------


@irdl_op_definition
class MemoryOp(IRDLOperation):
    """An off-chip memory region: a tensor at a byte offset of HBM or DDR.

    ```mlir
    su.memory @w {tier = "hbm", offset = 1024 : i64, type = tensor<4x4xf32>,
                  role = "weight", init = dense<1.0> : tensor<4x4xf32>}
    ```
    Regions of one tier never overlap; `init` (the initial image) is required for
    a `weight` and forbidden for an `input`.
    """

    name = "su.memory"

    sym_name = attr_def(SymbolNameConstraint())
    """The region's name, used by `su.agcu` and the sections' reads/writes."""
    tier = attr_def(StringAttr)
    """`hbm` or `ddr`."""
    offset = attr_def(IntegerAttr)
    """Byte offset of the region in its tier (i64)."""
    memory_type = attr_def(TensorType, attr_name="type")
    """A static tensor type: shape and element type; bytes = elements x size."""
    role = attr_def(StringAttr)
    """`input`, `output`, `weight` or `scratch`."""
    init = opt_attr_def(DenseIntOrFPElementsAttr | DenseResourceAttr)
    """The initial image, a `dense` or `dense_resource` of the region's type."""

    traits = traits_def(SymbolOpInterface())
    assembly_format = "$sym_name attr-dict"

    def __init__(
        self,
        name: str,
        tier: str,
        offset: int,
        tensor: TensorType[Attribute],
        role: str,
        init: Attribute | None = None,
    ) -> None:
        attributes: dict[str, Attribute] = {
            "sym_name": StringAttr(name),
            "tier": StringAttr(tier),
            "offset": IntegerAttr(offset, i64),
            "type": tensor,
            "role": StringAttr(role),
        }
        if init is not None:
            attributes["init"] = init
        super().__init__(attributes=attributes)

    @property
    def symbol(self) -> str:
        return self.sym_name.data

    @property
    def tensor_type(self) -> TensorType[Attribute]:
        return self.memory_type  # pyright: ignore[reportUnknownVariableType]

    @property
    def element_type(self) -> Attribute:
        return self.memory_type.get_element_type()

    @property
    def num_elements(self) -> int:
        count = 1
        for dim in self.memory_type.get_shape():
            count *= dim
        return count

    @property
    def num_bytes(self) -> int:
        return self.num_elements * element_bytes(self.element_type)

    @property
    def byte_range(self) -> tuple[int, int]:
        """[start, end) in bytes of the tier."""
        start = self.offset.value.data
        return start, start + self.num_bytes

    def verify_(self) -> None:
        what = f"'su.memory' @{self.symbol}"
        if self.tier.data not in OFFCHIP_TIERS:
            raise VerifyException(
                f"{what} has tier '{self.tier.data}'; tiers: hbm, ddr"
            )
        if self.role.data not in ROLES:
            raise VerifyException(
                f"{what} has role '{self.role.data}'; roles: " + ", ".join(ROLES)
            )
        if self.offset.value.data < 0:
            raise VerifyException(
                f"{what} has a negative offset {self.offset.value.data}"
            )
        shape = self.memory_type.get_shape()
        if any(d < 0 for d in shape):
            raise VerifyException(f"{what} must have a static shape, got {shape}")
        element = type_name(self.element_type)
        if element is None or element == "i1":
            raise VerifyException(
                f"{what} has element type {self.element_type}; memories hold "
                + ", ".join(DTYPE_NAMES)
            )
        role = self.role.data
        if self.init is None and role == "weight":
            raise VerifyException(f"{what} is a weight and needs an init image")
        if self.init is not None:
            if role == "input":
                raise VerifyException(
                    f"{what} is an input and may not have an init image"
                )
            if self.init.type != self.memory_type:
                raise VerifyException(
                    f"{what} init has type {self.init.type} but the region is "
                    f"{self.memory_type}"
                )
        self._verify_no_overlap(what)
        from . import chip_checks

        chip_checks.check_memory(self)

    def _verify_no_overlap(self, what: str) -> None:
        """A region may not overlap an earlier region of its tier (reported at
        the later one). Checking each region against all earlier ones is
        quadratic: a whole model has tens of thousands of regions. So the first
        region of a block sweeps them all once (sorted by start) and, when
        nothing overlaps, the later regions of the same verification find
        themselves cleared; only a block that does overlap, or a region
        verified on its own after a change, takes the pairwise scan."""
        block = self.parent
        if block is None:
            return
        if not self._has_earlier_memory():
            _CLEARED.clear()
            if _no_overlaps(block):
                _CLEARED.update(
                    (op, (op.tier.data, op.byte_range))
                    for op in block.ops
                    if isinstance(op, MemoryOp)
                )
        if _CLEARED.get(self) == (self.tier.data, self.byte_range):
            return
        start, end = self.byte_range
        if start == end:
            return  # an empty region overlaps nothing
        for other in block.ops:
            if other is self:
                return
            if not isinstance(other, MemoryOp) or other.tier.data != self.tier.data:
                continue
            other_start, other_end = other.byte_range
            if start < other_end and other_start < end and other_start < other_end:
                raise VerifyException(
                    f"{what} occupies {self.tier.data} bytes [{start}, {end}), "
                    f"overlapping @{other.symbol} at [{other_start}, {other_end})"
                )

    def _has_earlier_memory(self) -> bool:
        op = self.prev_op
        while op is not None:
            if isinstance(op, MemoryOp):
                return True
            op = op.prev_op
        return False


_CLEARED: weakref.WeakKeyDictionary[MemoryOp, tuple[str, tuple[int, int]]] = (
    weakref.WeakKeyDictionary()
)
"""Regions the last sweep found free of overlaps, with the tier and range they
had then (a region changed since is checked again)."""


def _no_overlaps(block: Block) -> bool:
    by_tier: dict[str, list[tuple[int, int]]] = {}
    for op in block.ops:
        if isinstance(op, MemoryOp):
            by_tier.setdefault(op.tier.data, []).append(op.byte_range)
    for ranges in by_tier.values():
        ranges.sort()
        reach = None
        for start, end in ranges:
            if start == end:
                continue  # an empty region overlaps nothing
            if reach is not None and start < reach:
                return False
            reach = end if reach is None else max(reach, end)
    return True


# ---------------------------------------------------------------------------
# su.section
# ---------------------------------------------------------------------------

_ATTR_DICT_AHEAD = re.compile(r'\s*(?://[^\n]*\n\s*)*([A-Za-z_][\w$.]*|"[^"]*")\s*=')
"""After a `{`: does an attribute dictionary start here (rather than a region)?"""


@dataclass(frozen=True)
class Stream:
    """One stream of a section: the value, its producing unit, and every
    consumer with the input port it arrives at."""

    value: SSAValue
    producer: UnitOp
    consumers: tuple[tuple[UnitOp, int], ...]

    @property
    def type(self) -> StreamType:
        assert isinstance(self.value.type, StreamType)
        return self.value.type

    @property
    def network(self) -> str:
        return self.type.network_name


@irdl_op_definition
class SectionOp(IRDLOperation):
    """One configuration of the whole chip: its units (a graph region: streams
    may form cycles) and the memories its AGCUs load and store. Sections run in
    the order they appear.

    ```mlir
    su.section @s0 {reads = [@x], writes = [@y]} {
      %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>,
          map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
      su.agcu @a1 store @y (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>,
          map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
    }
    ```
    """

    name = "su.section"

    sym_name = attr_def(SymbolNameConstraint())
    """The section's name."""
    reads = attr_def(ArrayAttr[SymbolRefAttr])
    """The memories the section's AGCUs load, `[@x, @w]`."""
    writes = attr_def(ArrayAttr[SymbolRefAttr])
    """The memories the section's AGCUs store."""
    retain = opt_attr_def(ArrayAttr[SymbolRefAttr])
    """PMUs whose buffer survives into the next section (same symbol there)."""
    body = region_def("single_block")
    """The unit ops."""

    traits = traits_def(SymbolOpInterface(), NoTerminator(), IsolatedFromAbove())

    def __init__(
        self,
        name: str,
        reads: Sequence[str],
        writes: Sequence[str],
        body: Region | None = None,
        retain: Sequence[str] | None = None,
    ) -> None:
        attributes: dict[str, Attribute] = {
            "sym_name": StringAttr(name),
            "reads": ArrayAttr([SymbolRefAttr(n) for n in reads]),
            "writes": ArrayAttr([SymbolRefAttr(n) for n in writes]),
        }
        if retain is not None:
            attributes["retain"] = ArrayAttr([SymbolRefAttr(n) for n in retain])
        super().__init__(attributes=attributes, regions=[body or Region(Block())])

    # -- accessors -------------------------------------------------------------

    @property
    def symbol(self) -> str:
        return self.sym_name.data

    @property
    def block(self) -> Block:
        block = self.body.blocks.first
        assert block is not None
        return block

    def units(self) -> list[UnitOp]:
        return [op for op in self.block.ops if isinstance(op, UnitOp)]

    def unit(self, name: str) -> UnitOp | None:
        return next((u for u in self.units() if u.symbol == name), None)

    def pcus(self) -> list[PcuOp]:
        from .units import PcuOp

        return [op for op in self.block.ops if isinstance(op, PcuOp)]

    def pmus(self) -> list[PmuOp]:
        from .units import PmuOp

        return [op for op in self.block.ops if isinstance(op, PmuOp)]

    def agcus(self) -> list[AgcuOp]:
        from .units import AgcuOp

        return [op for op in self.block.ops if isinstance(op, AgcuOp)]

    def streams(self) -> list[Stream]:
        """Every stream, in the order of its producer, with its consumers."""
        result: list[Stream] = []
        for unit in self.units():
            for value in unit.results:
                consumers: list[tuple[UnitOp, int]] = []
                for use in value.uses:
                    if isinstance(use.operation, UnitOp):
                        consumers.append((use.operation, use.index))
                result.append(Stream(value, unit, tuple(consumers)))
        return result

    def read_names(self) -> list[str]:
        return [ref.root_reference.data for ref in self.reads.data]

    def write_names(self) -> list[str]:
        return [ref.root_reference.data for ref in self.writes.data]

    def retained(self) -> list[str]:
        if self.retain is None:
            return []
        return [ref.root_reference.data for ref in self.retain.data]

    def next_section(self) -> SectionOp | None:
        op = self.next_op
        while op is not None and not isinstance(op, SectionOp):
            op = op.next_op
        return op

    # -- verification ------------------------------------------------------------

    def verify_(self) -> None:
        what = f"'su.section' @{self.symbol}"
        names: set[str] = set()
        for op in self.block.ops:
            if not isinstance(op, UnitOp):
                raise VerifyException(
                    f"{what} may only hold su.pcu, su.pmu and su.agcu ops, "
                    f"found '{op.name}'"
                )
            if op.symbol in names:
                raise VerifyException(f"{what} defines @{op.symbol} twice")
            names.add(op.symbol)
        loads: list[str] = []
        stores: list[str] = []
        for agcu in self.agcus():
            if "direction" not in agcu.attributes or "memory" not in agcu.attributes:
                # Sections verify before their units: leave the missing attribute to
                # the unit's own verifier, which names it.
                continue
            target = loads if agcu.is_load else stores
            if agcu.memory_name not in target:
                target.append(agcu.memory_name)
        for attr_name, listed, used, verb in (
            ("reads", self.read_names(), loads, "load"),
            ("writes", self.write_names(), stores, "store"),
        ):
            if set(listed) != set(used) or len(listed) != len(set(listed)):
                raise VerifyException(
                    f"{what} {attr_name} {_refs(listed)} but its AGCUs {verb} "
                    f"{_refs(used)}"
                )
        self._verify_retain(what)
        from . import chip_checks

        chip_checks.check_section(self)

    def _verify_retain(self, what: str) -> None:
        from .units import PmuOp

        for name in self.retained():
            pmu = self.unit(name)
            if not isinstance(pmu, PmuOp):
                raise VerifyException(
                    f"{what} retains @{name}, which is not a su.pmu of the section"
                )
            following = self.next_section()
            if following is None:
                raise VerifyException(f"{what} retains @{name} but no section follows")
            there = following.unit(name)
            if not isinstance(there, PmuOp):
                raise VerifyException(
                    f"{what} retains @{name} but the next section "
                    f"@{following.symbol} has no su.pmu @{name}"
                )
            here_at, there_at = pmu.coordinate(), there.coordinate()
            if here_at is not None and there_at is not None and here_at != there_at:
                raise VerifyException(
                    f"{what} retains @{name} at {format_coord(here_at)} but "
                    f"@{following.symbol} places it at {format_coord(there_at)}"
                )

    # -- syntax: su.section @name {attrs} {body} ----------------------------------

    @classmethod
    def parse(cls, parser: Parser) -> SectionOp:
        name = parser.parse_symbol_name()
        attributes: dict[str, Attribute] = {}
        if _attr_dict_ahead(parser):
            attributes = parser.parse_optional_attr_dict()
        body = parser.parse_region()
        op = cls.create(attributes={"sym_name": name, **attributes}, regions=[body])
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_symbol_name(self.symbol)
        printer.print_op_attributes(self.attributes, reserved_attr_names=("sym_name",))
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=False)


def _attr_dict_ahead(parser: Parser) -> bool:
    token = parser._current_token  # pyright: ignore[reportPrivateUsage]
    if token.text != "{":
        return False
    content = token.span.input.content
    text = content if isinstance(content, str) else content.decode()
    return _ATTR_DICT_AHEAD.match(text, token.span.end) is not None


def _refs(names: Sequence[str]) -> str:
    return "[" + ", ".join(f"@{n}" for n in names) + "]"


# ---------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------


class UnitOp(IRDLOperation):
    """Common structure of the unit ops: symbol, input streams, placement,
    FIFO depths and routes. Not an op itself."""

    UNIT_KIND: ClassVar[str] = ""
    """The chip-model unit type: `pcu`, `pmu` or `agcu`."""

    sym_name = attr_def(SymbolNameConstraint())
    """The unit's name, unique in its section."""
    inputs = var_operand_def(StreamType)
    """One stream per input port, in port order."""
    at = opt_attr_def(DenseArrayBase)
    """Placement `array<i64: row, col>`; absent = not placed yet."""
    fifo_depths = opt_attr_def(DenseArrayBase)
    """One FIFO depth per input port (default: the chip's FIFO depth)."""
    routes = opt_attr_def(ArrayAttr[DenseArrayBase])
    """Per input port, the switch coordinates `array<i64: r0, c0, r1, c1, ...>`
    from the producer's tile to this unit's; empty = not routed."""

    @property
    def symbol(self) -> str:
        return self.sym_name.data

    @property
    def label(self) -> str:
        """`'su.pcu' @p0`, the way verifier messages name the unit."""
        return f"'{self.name}' @{self.symbol}"

    def coordinate(self) -> tuple[int, int] | None:
        if self.at is None:
            return None
        values = [int(v) for v in self.at.get_values()]
        return (values[0], values[1]) if len(values) == 2 else None

    def counter_chains(self) -> dict[str, list[Counter]]:
        """Every counter chain of the unit, by role (`compute`, `dma`, `write`,
        `read`)."""
        raise NotImplementedError

    def vector_widths(self) -> list[int]:
        return [vector_width(chain) for chain in self.counter_chains().values()]

    def input_routes(self) -> list[list[tuple[int, int]]]:
        """One route per input port (empty = not routed)."""
        if self.routes is None:
            return [[] for _ in self.inputs]
        routes: list[list[tuple[int, int]]] = []
        for attr in self.routes.data:
            values = [int(v) for v in attr.get_values()]
            routes.append(
                [(values[i], values[i + 1]) for i in range(0, len(values) - 1, 2)]
            )
        return routes

    def configured_fifo_depths(self) -> list[int] | None:
        if self.fifo_depths is None:
            return None
        return [int(v) for v in self.fifo_depths.get_values()]

    def producer(self, port: int) -> UnitOp | None:
        owner = self.inputs[port].owner
        return owner if isinstance(owner, UnitOp) else None

    def section(self) -> SectionOp | None:
        parent = self.parent_op()
        return parent if isinstance(parent, SectionOp) else None

    # -- verification ------------------------------------------------------------

    def verify_(self) -> None:
        self.verify_common()
        self.verify_unit()
        from . import chip_checks

        chip_checks.check_unit(self)

    def verify_common(self) -> None:
        what = self.label
        if self.at is not None:
            values = [int(v) for v in self.at.get_values()]
            if self.at.elt_type != i64 or len(values) != 2 or min(values) < 0:
                raise VerifyException(
                    f"{what} at must be array<i64: row, col> with row, col >= 0, "
                    f"got {list(values)}"
                )
        depths = self.configured_fifo_depths()
        if depths is not None:
            if len(depths) != len(self.inputs):
                raise VerifyException(
                    f"{what} has {len(self.inputs)} inputs but {len(depths)} "
                    "fifo_depths"
                )
            for port, depth in enumerate(depths):
                if depth < 1:
                    raise VerifyException(
                        f"{what} input {port} has FIFO depth {depth}; it must be "
                        "at least 1"
                    )
        if self.routes is not None:
            if len(self.routes.data) != len(self.inputs):
                raise VerifyException(
                    f"{what} has {len(self.inputs)} inputs but "
                    f"{len(self.routes.data)} routes"
                )
            for port, attr in enumerate(self.routes.data):
                count = len(attr.get_values())
                if attr.elt_type != i64 or count % 2:
                    raise VerifyException(
                        f"{what} route of input {port} must be array<i64: r0, c0, "
                        f"r1, c1, ...>, got {count} values"
                    )
        for index, value in enumerate(self.results):
            if not value.uses:
                raise VerifyException(f"{what} output {index} has no consumer")

    def verify_unit(self) -> None:
        """The unit type's own rules; overridden by each unit op."""

    def check_chain(self, attr: DenseArrayBase, subject: str = "") -> list[Counter]:
        if attr.elt_type != i64:
            raise VerifyException(
                f"{self.label} {subject}counters must be array<i64: ...>"
            )
        problem = counter_problem(attr)
        if problem is not None:
            raise VerifyException(f"{self.label} {subject}{problem}")
        return counter_chain(attr)

    def check_stream_type(
        self, value: SSAValue, expected: str, what: str, holder: str = "the unit"
    ) -> None:
        assert isinstance(value.type, StreamType)
        actual = type_name(value.type.element_type)
        if actual != expected:
            raise VerifyException(
                f"{self.label} {what} carries {actual} but {holder} holds {expected}"
            )


# ---------------------------------------------------------------------------
# Module-level helpers
# ---------------------------------------------------------------------------


def module_of(op: Operation) -> ModuleOp | None:
    """The nearest enclosing builtin.module (the one carrying `su.chip`)."""
    current = op.parent_op()
    while current is not None and not isinstance(current, ModuleOp):
        current = current.parent_op()
    return current


def memories(module: ModuleOp) -> list[MemoryOp]:
    """The program's off-chip regions, in order."""
    return [op for op in module.ops if isinstance(op, MemoryOp)]


def sections(module: ModuleOp) -> list[SectionOp]:
    """The program's sections, in schedule order."""
    return [op for op in module.ops if isinstance(op, SectionOp)]


def find_memory(module: ModuleOp, name: str) -> MemoryOp | None:
    """The region named `name`. Every AGCU asks while verifying, so a scan per
    call is quadratic in a whole model (tens of thousands of AGCUs and
    regions): the index by name is kept per module and rebuilt when an entry
    is missing or stale (renamed, or moved out of the module)."""
    index = _MEMORY_INDEX.get(module)
    found = index.get(name) if index is not None else None
    if (
        found is not None
        and found.symbol == name
        and found.parent is not None
        and found.parent.parent_op() is module
    ):
        return found
    index = {}
    for m in memories(module):
        index.setdefault(m.symbol, m)
    _MEMORY_INDEX[module] = index
    return index.get(name)


_MEMORY_INDEX: weakref.WeakKeyDictionary[ModuleOp, dict[str, MemoryOp]] = (
    weakref.WeakKeyDictionary()
)


def units(module: ModuleOp) -> Iterator[tuple[SectionOp, UnitOp]]:
    """Every unit of every section, with its section."""
    for section in sections(module):
        for unit in section.units():
            yield section, unit
