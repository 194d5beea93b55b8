"""The `su` unit ops: `su.pcu` (compute), `su.pmu` (scratchpad) and `su.agcu`
(off-chip DMA), each a `UnitOp` inside a `su.section`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    BoolAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    IntegerAttr,
    StringAttr,
    SymbolRefAttr,
    TensorType,
    i64,
)
from xdsl.ir import Attribute, SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.irdl import (
    attr_def,
    irdl_op_definition,
    opt_attr_def,
    opt_result_def,
    result_def,
    traits_def,
)
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.printer import Printer
from xdsl.traits import HasParent, SymbolOpInterface
from xdsl.utils.exceptions import VerifyException

from .ops import MemoryOp, SectionOp, UnitOp, find_memory, module_of
from .types import (
    ACCUMULATE_NAMES,
    DIRECTIONS,
    DTYPE_NAMES,
    REDUCE_OPS,
    SCAN_OPS,
    AgenAttr,
    Counter,
    Interval,
    Stage,
    StageAttr,
    StreamType,
    address_range,
    counter_chain,
    element_bytes,
    trip_count,
    type_name,
)

# ---------------------------------------------------------------------------
# su.pcu
# ---------------------------------------------------------------------------

_TEMPLATE_ATTRS = {
    "reduce": ("reduce_op", "reduce_counters", "reduce_lanes"),
    "matmul": ("tile",),
    "scan": ("scan_op", "scan_counter"),
}


@irdl_op_definition
class PcuOp(UnitOp):
    """A compute unit running one template (`map`, `reduce`, `matmul`, `scan`)
    over its counter chain; the last stage's result is the output stream.

    ```mlir
    %out = su.pcu @p0 "map" (%a, %b) {at = array<i64: 1, 2>,
        counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32,
        stages = [#su.stage<mul(in0, in1)>, #su.stage<add(s0, c0)>],
        constants = array<f32: 1.0>}
        : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
    ```
    `reduce` adds `reduce_op` (add, max, min), `reduce_counters` (the counters
    accumulated over; the output is emitted when they wrap) and `reduce_lanes`;
    `matmul` a `tile = array<i64: M, N, K>`; `scan` a `scan_op` and `scan_counter`.
    """

    name = "su.pcu"
    UNIT_KIND: ClassVar[str] = "pcu"

    template = attr_def(StringAttr)
    """`map`, `reduce`, `matmul` or `scan`."""
    counters = attr_def(DenseArrayBase)
    """The counter chain, `array<i64: start, stop, stride, ...>`, outermost first."""
    dtype = attr_def(Attribute)
    """The arithmetic type: f32, bf16, i32 or i8."""
    stages = attr_def(ArrayAttr[StageAttr])
    """One `#su.stage<...>` per pipeline stage, in pipeline order."""
    constants = opt_attr_def(DenseArrayBase)
    """The stage constants `c<k>` (f32 for float types, dtype for integers)."""
    accumulate = opt_attr_def(Attribute)
    """Accumulation type (f32 or i32) of `reduce`, `matmul` and `scan`."""
    reduce_op = opt_attr_def(StringAttr)
    """`reduce`: `add`, `max` or `min`."""
    reduce_counters = opt_attr_def(DenseArrayBase)
    """`reduce`: indices of the counters whose iterations are accumulated."""
    reduce_lanes = opt_attr_def(BoolAttr)
    """`reduce`: also reduce across the lanes (the reduction tree)."""
    tile = opt_attr_def(DenseArrayBase)
    """`matmul`: `array<i64: M, N, K>`; A is M x K, B is K x N, C is M x N."""
    scan_op = opt_attr_def(StringAttr)
    """`scan`: `add`, `max`, `min` or `mul`."""
    scan_counter = opt_attr_def(IntegerAttr)
    """`scan`: the index of the counter the prefix runs along."""
    output = result_def(StreamType)
    """The last stage's result (or the template's: sums, C tiles, prefixes)."""

    traits = traits_def(HasParent(SectionOp), SymbolOpInterface())
    assembly_format = (
        "$sym_name $template ` ` `(` $inputs `)` attr-dict `:` "
        "functional-type($inputs, results)"
    )

    def __init__(
        self,
        name: str,
        template: str,
        inputs: Sequence[SSAValue],
        result_type: StreamType,
        *,
        counters: Sequence[int],
        dtype: Attribute,
        stages: Sequence[StageAttr],
        constants: DenseArrayBase | None = None,
        at: tuple[int, int] | None = None,
        **extra: Attribute,
    ) -> None:
        attributes: dict[str, Attribute] = {"sym_name": StringAttr(name)}
        if at is not None:
            attributes["at"] = DenseArrayBase.from_list(i64, list(at))
        attributes |= {
            "template": StringAttr(template),
            "counters": DenseArrayBase.from_list(i64, list(counters)),
            "dtype": dtype,
            "stages": ArrayAttr(list(stages)),
        }
        if constants is not None:
            attributes["constants"] = constants
        attributes |= extra
        super().__init__(
            operands=[list(inputs)], result_types=[result_type], attributes=attributes
        )

    # -- accessors -------------------------------------------------------------

    @property
    def template_name(self) -> str:
        return self.template.data

    @property
    def dtype_name(self) -> str:
        return type_name(self.dtype) or str(self.dtype)

    def counter_chain(self) -> list[Counter]:
        return counter_chain(self.counters)

    def trip_counts(self) -> list[int]:
        return [trip_count(c) for c in self.counter_chain()]

    def counter_chains(self) -> dict[str, list[Counter]]:
        return {"compute": self.counter_chain()}

    def stage_list(self) -> tuple[Stage, ...]:
        return tuple(stage.stage() for stage in self.stages.data)

    def constant_values(self) -> tuple[int | float, ...]:
        if self.constants is None:
            return ()
        return tuple(self.constants.get_values())

    def reduce_counter_indices(self) -> tuple[int, ...]:
        if self.reduce_counters is None:
            return ()
        return tuple(int(v) for v in self.reduce_counters.get_values())

    def reduces_lanes(self) -> bool:
        return self.reduce_lanes is not None and bool(self.reduce_lanes.value.data)

    def tile_shape(self) -> tuple[int, int, int] | None:
        if self.tile is None:
            return None
        m, n, k = (int(v) for v in self.tile.get_values())
        return (m, n, k)

    # -- verification ------------------------------------------------------------

    def verify_unit(self) -> None:
        what = self.label
        template = self.template.data
        if template not in ("map", "reduce", "matmul", "scan"):
            raise VerifyException(
                f"{what} has template '{template}'; templates: map, reduce, "
                "matmul, scan"
            )
        chain = self.check_chain(self.counters)
        if self.dtype_name not in DTYPE_NAMES:
            raise VerifyException(
                f"{what} has dtype {self.dtype}; PCUs compute in "
                + ", ".join(DTYPE_NAMES)
            )
        if self.accumulate is not None and type_name(self.accumulate) not in (
            ACCUMULATE_NAMES
        ):
            raise VerifyException(
                f"{what} accumulates in {self.accumulate}; accumulation types: "
                + ", ".join(ACCUMULATE_NAMES)
            )
        for other, names in _TEMPLATE_ATTRS.items():
            for attr_name in names:
                if other != template and attr_name in self.attributes:
                    raise VerifyException(
                        f"{what} has '{attr_name}', which only the '{other}' "
                        "template takes"
                    )
        self._verify_constants(what)
        self._verify_stages(what, len(chain))
        if template == "reduce":
            self._verify_reduce(what, len(chain))
        elif template == "matmul":
            self._verify_matmul(what)
        elif template == "scan":
            self._verify_scan(what, len(chain))

    def _verify_constants(self, what: str) -> None:
        if self.constants is None:
            return
        expected = "f32" if self.dtype_name in ("f32", "bf16") else self.dtype_name
        actual = type_name(self.constants.elt_type)
        if actual != expected:
            raise VerifyException(
                f"{what} constants are {self.constants.elt_type} but dtype "
                f"{self.dtype_name} needs array<{expected}: ...>"
            )

    def _verify_stages(self, what: str, depth: int) -> None:
        stages = self.stage_list()
        if not stages:
            if self.template.data == "map":
                raise VerifyException(f"{what} is a map with no stages")
            if self.template.data != "matmul" and len(self.inputs) != 1:
                raise VerifyException(
                    f"{what} has no stages, so it needs exactly one input, "
                    f"got {len(self.inputs)}"
                )
        limits = {
            "in": (len(self.inputs), "inputs"),
            "c": (len(self.constant_values()), "constants"),
            "ctr": (depth, "counters"),
        }
        for index, stage in enumerate(stages):
            for source in stage.sources:
                if source.kind == "s":
                    if source.index >= index:
                        raise VerifyException(
                            f"{what} stage {index} reads s{source.index}, which is "
                            "not an earlier stage"
                        )
                    continue
                count, noun = limits[source.kind]
                if source.index >= count:
                    raise VerifyException(
                        f"{what} stage {index} reads {source} but the unit has "
                        f"{count} {noun}"
                    )

    def _verify_reduce(self, what: str, depth: int) -> None:
        if self.reduce_op is None or self.reduce_op.data not in REDUCE_OPS:
            got = "none" if self.reduce_op is None else f"'{self.reduce_op.data}'"
            raise VerifyException(
                f"{what} reduce_op must be one of "
                + ", ".join(REDUCE_OPS)
                + f", got {got}"
            )
        indices = self.reduce_counter_indices()
        if len(set(indices)) != len(indices):
            raise VerifyException(f"{what} reduce_counters {list(indices)} repeats")
        for index in indices:
            if not 0 <= index < depth:
                raise VerifyException(
                    f"{what} reduce_counters names counter {index} but the unit "
                    f"has {depth} counters"
                )
        if not indices and not self.reduces_lanes():
            raise VerifyException(
                f"{what} reduces nothing: give reduce_counters or reduce_lanes"
            )

    def _verify_matmul(self, what: str) -> None:
        if len(self.inputs) != 2:
            raise VerifyException(
                f"{what} matmul takes 2 inputs (A, B), got {len(self.inputs)}"
            )
        shape = [] if self.tile is None else [int(v) for v in self.tile.get_values()]
        if len(shape) != 3 or min(shape) < 1:
            raise VerifyException(
                f"{what} matmul needs tile = array<i64: M, N, K> (positive), got "
                f"{shape}"
            )

    def _verify_scan(self, what: str, depth: int) -> None:
        if self.scan_op is None or self.scan_op.data not in SCAN_OPS:
            got = "none" if self.scan_op is None else f"'{self.scan_op.data}'"
            raise VerifyException(
                f"{what} scan_op must be one of " + ", ".join(SCAN_OPS) + f", got {got}"
            )
        if self.scan_counter is None:
            raise VerifyException(f"{what} scan needs a scan_counter")
        index = self.scan_counter.value.data
        if not 0 <= index < depth:
            raise VerifyException(
                f"{what} scan_counter is {index} but the unit has {depth} counters"
            )


# ---------------------------------------------------------------------------
# su.pmu
# ---------------------------------------------------------------------------


@irdl_op_definition
class PmuOp(UnitOp):
    """A memory unit: a scratchpad written through the `write` address generator
    and read through the `read` one. Input ports in order: the write data (with
    `write`), the scatter index (with `scatter`), the gather index (with
    `gather`); the result is the read stream (with `read`).

    ```mlir
    %rd = su.pmu @m0 (%wr) {at = array<i64: 1, 1>, bytes = 64 : i64,
        banks = 4 : i64, double_buffer = true, dtype = f32,
        write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>,
        read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(j, i) -> (i * 4 + j)>>}
        : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    ```
    """

    name = "su.pmu"
    UNIT_KIND: ClassVar[str] = "pmu"

    buffer_bytes = attr_def(IntegerAttr, attr_name="bytes")
    """Size of the buffer in bytes (it takes twice that when double-buffered)."""
    banks = attr_def(IntegerAttr)
    """Banks the buffer is spread over."""
    dtype = attr_def(Attribute)
    """The element type stored: f32, bf16, i32 or i8."""
    double_buffer = opt_attr_def(BoolAttr)
    """Write half i + 1 while reading half i, handed over by control tokens."""
    write = opt_attr_def(AgenAttr)
    """The write address generator (absent: the buffer is not written)."""
    read = opt_attr_def(AgenAttr)
    """The read address generator (absent: no output stream)."""
    gather = opt_attr_def(BoolAttr)
    """The read map's `s0` is taken from an index stream (an extra input)."""
    scatter = opt_attr_def(BoolAttr)
    """The write map's `s0` is taken from an index stream (an extra input)."""
    init = opt_attr_def(DenseIntOrFPElementsAttr | DenseResourceAttr)
    """A constant image loaded with the section (small tables)."""
    output = opt_result_def(StreamType)
    """The read stream."""

    traits = traits_def(HasParent(SectionOp), SymbolOpInterface())
    assembly_format = (
        "$sym_name ` ` `(` $inputs `)` attr-dict `:` functional-type($inputs, results)"
    )

    def __init__(
        self,
        name: str,
        inputs: Sequence[SSAValue],
        result_type: StreamType | None,
        *,
        bytes: int,
        banks: int,
        dtype: Attribute,
        write: AgenAttr | None = None,
        read: AgenAttr | None = None,
        at: tuple[int, int] | None = None,
        **extra: Attribute,
    ) -> None:
        attributes: dict[str, Attribute] = {"sym_name": StringAttr(name)}
        if at is not None:
            attributes["at"] = DenseArrayBase.from_list(i64, list(at))
        attributes |= {
            "bytes": IntegerAttr(bytes, i64),
            "banks": IntegerAttr(banks, i64),
            "dtype": dtype,
        }
        if write is not None:
            attributes["write"] = write
        if read is not None:
            attributes["read"] = read
        attributes |= extra
        super().__init__(
            operands=[list(inputs)],
            result_types=[[result_type] if result_type is not None else []],
            attributes=attributes,
        )

    # -- accessors -------------------------------------------------------------

    @property
    def num_bytes(self) -> int:
        return self.buffer_bytes.value.data

    @property
    def num_banks(self) -> int:
        return self.banks.value.data

    @property
    def is_double_buffered(self) -> bool:
        return self.double_buffer is not None and bool(self.double_buffer.value.data)

    @property
    def physical_bytes(self) -> int:
        """Bytes of scratchpad the unit occupies (x2 when double-buffered)."""
        return self.num_bytes * (2 if self.is_double_buffered else 1)

    @property
    def dtype_name(self) -> str:
        return type_name(self.dtype) or str(self.dtype)

    @property
    def num_elements(self) -> int:
        return self.num_bytes // element_bytes(self.dtype)

    @property
    def gathers(self) -> bool:
        return self.gather is not None and bool(self.gather.value.data)

    @property
    def scatters(self) -> bool:
        return self.scatter is not None and bool(self.scatter.value.data)

    def port_roles(self) -> list[str]:
        """The role of each input port: `data`, `scatter_index`, `gather_index`."""
        roles: list[str] = []
        if self.write is not None:
            roles.append("data")
        if self.scatters:
            roles.append("scatter_index")
        if self.gathers:
            roles.append("gather_index")
        return roles

    def counter_chains(self) -> dict[str, list[Counter]]:
        chains: dict[str, list[Counter]] = {}
        if self.write is not None:
            chains["write"] = self.write.counter_chain()
        if self.read is not None:
            chains["read"] = self.read.counter_chain()
        return chains

    def counter_chain(self, generator: str = "read") -> list[Counter]:
        """The chain of the `read` (default) or `write` address generator."""
        return self.counter_chains().get(generator, [])

    # -- verification ------------------------------------------------------------

    def verify_unit(self) -> None:
        what = self.label
        if self.dtype_name not in DTYPE_NAMES:
            raise VerifyException(
                f"{what} has dtype {self.dtype}; PMUs hold " + ", ".join(DTYPE_NAMES)
            )
        size = element_bytes(self.dtype)
        if self.num_bytes < 1 or self.num_bytes % size:
            raise VerifyException(
                f"{what} bytes = {self.num_bytes} is not a positive multiple of the "
                f"{size}-byte {self.dtype_name} element"
            )
        if self.num_banks < 1:
            raise VerifyException(f"{what} has {self.num_banks} banks")
        if self.write is None and self.read is None:
            raise VerifyException(f"{what} has neither a write nor a read generator")
        if self.scatters and self.write is None:
            raise VerifyException(f"{what} scatters but has no write generator")
        if self.gathers and self.read is None:
            raise VerifyException(f"{what} gathers but has no read generator")
        roles = self.port_roles()
        if len(self.inputs) != len(roles):
            raise VerifyException(
                f"{what} takes {len(roles)} inputs ({', '.join(roles) or 'none'}) "
                f"but has {len(self.inputs)}"
            )
        if (self.read is None) != (self.output is None):
            raise VerifyException(
                f"{what} must have an output stream exactly when it has a read "
                "generator"
            )
        for role, value in zip(roles, self.inputs, strict=True):
            if role == "data":
                self.check_stream_type(value, self.dtype_name, "write data")
            elif type_name(_element(value)) != "i32":
                raise VerifyException(
                    f"{what} {role.replace('_', ' ')} stream carries "
                    f"{_element(value)}; indices are i32"
                )
        if self.output is not None:
            self.check_stream_type(self.output, self.dtype_name, "read stream")
        for kind, agen, indexed in (
            ("write", self.write, self.scatters),
            ("read", self.read, self.gathers),
        ):
            if agen is None:
                continue
            if agen.indexed != indexed:
                flag = "scatter" if kind == "write" else "gather"
                raise VerifyException(
                    f"{what} {kind} map has {agen.affine_map.num_symbols} symbols; "
                    f"it needs {int(indexed)} (one exactly when '{flag}' is set)"
                )
            self._verify_range(what, kind, agen)
        if self.init is not None:
            init_bytes = _tensor_bytes(self.init.type)
            if init_bytes > self.num_bytes:
                raise VerifyException(
                    f"{what} init holds {init_bytes} bytes but the buffer has "
                    f"{self.num_bytes}"
                )

    def _verify_range(self, what: str, kind: str, agen: AgenAttr) -> None:
        span = agen.address_range()
        if span.lo < 0 or span.hi >= self.num_elements:
            raise VerifyException(
                f"{what} {kind} addresses reach [{span.lo}, {span.hi}] but the "
                f"buffer holds {self.num_elements} {self.dtype_name} elements"
            )


def _element(value: SSAValue) -> Attribute:
    assert isinstance(value.type, StreamType)
    return value.type.element_type


def _tensor_bytes(t: Attribute) -> int:
    assert isinstance(t, TensorType)
    count = 1
    for dim in t.get_shape():  # pyright: ignore[reportUnknownVariableType]
        count *= int(dim)  # pyright: ignore[reportUnknownArgumentType]
    return count * element_bytes(t.get_element_type())  # pyright: ignore


# ---------------------------------------------------------------------------
# su.agcu
# ---------------------------------------------------------------------------


@irdl_op_definition
class AgcuOp(UnitOp):
    """An off-chip port: DMA between a `su.memory` region and a stream, `load`
    (memory -> stream) or `store` (stream -> memory). `counters` and `map` give
    the element offsets into the region; a symbol `s0` in the map is an index
    stream (gather on load, scatter on store), the input after the data.

    ```mlir
    %x = su.agcu @a0 load @x {at = array<i64: 2, 0>,
        counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>}
        : () -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%out) {counters = array<i64: 0, 4, 1, 0, 4, 4>,
        map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
    ```
    """

    name = "su.agcu"
    UNIT_KIND: ClassVar[str] = "agcu"

    direction = attr_def(StringAttr)
    """`load` or `store`."""
    memory = attr_def(SymbolRefAttr)
    """The `su.memory` region."""
    counters = attr_def(DenseArrayBase)
    """The DMA's counter chain, `array<i64: start, stop, stride, ...>`."""
    map = attr_def(AffineMapAttr)
    """From the counter values (and the index, as `s0`) to an element offset."""
    output = opt_result_def(StreamType)
    """The loaded stream (`load` only)."""

    traits = traits_def(HasParent(SectionOp), SymbolOpInterface())

    def __init__(
        self,
        name: str,
        direction: str,
        memory: str,
        inputs: Sequence[SSAValue],
        result_type: StreamType | None,
        *,
        counters: Sequence[int],
        map: AffineMap,
        at: tuple[int, int] | None = None,
        **extra: Attribute,
    ) -> None:
        attributes: dict[str, Attribute] = {
            "sym_name": StringAttr(name),
            "direction": StringAttr(direction),
            "memory": SymbolRefAttr(memory),
        }
        if at is not None:
            attributes["at"] = DenseArrayBase.from_list(i64, list(at))
        attributes |= {
            "counters": DenseArrayBase.from_list(i64, list(counters)),
            "map": AffineMapAttr(map),
        }
        attributes |= extra
        super().__init__(
            operands=[list(inputs)],
            result_types=[[result_type] if result_type is not None else []],
            attributes=attributes,
        )

    # -- accessors -------------------------------------------------------------

    @property
    def is_load(self) -> bool:
        return self.direction.data == "load"

    @property
    def memory_name(self) -> str:
        return self.memory.root_reference.data

    @property
    def affine_map(self) -> AffineMap:
        return self.map.data

    @property
    def indexed(self) -> bool:
        return self.affine_map.num_symbols == 1

    def memory_op(self) -> MemoryOp | None:
        """The `su.memory` this AGCU moves data to or from."""
        module = module_of(self)
        if module is None:
            return None
        return find_memory(module, self.memory_name)

    def counter_chain(self) -> list[Counter]:
        return counter_chain(self.counters)

    def trip_counts(self) -> list[int]:
        return [trip_count(c) for c in self.counter_chain()]

    def counter_chains(self) -> dict[str, list[Counter]]:
        return {"dma": self.counter_chain()}

    def address_range(self) -> Interval:
        return address_range(self.affine_map, self.counter_chain())

    # -- verification ------------------------------------------------------------

    def verify_unit(self) -> None:
        what = self.label
        if self.direction.data not in DIRECTIONS:
            raise VerifyException(
                f"{what} direction is '{self.direction.data}'; it must be load or store"
            )
        chain = self.check_chain(self.counters)
        map_ = self.affine_map
        if map_.num_dims != len(chain) or len(map_.results) != 1:
            raise VerifyException(
                f"{what} map must take {len(chain)} dims (one per counter) and "
                f"give one offset, it is {map_}"
            )
        if map_.num_symbols > 1:
            raise VerifyException(
                f"{what} map may have at most one symbol (the index), it has "
                f"{map_.num_symbols}"
            )
        expected_inputs = (0 if self.is_load else 1) + int(self.indexed)
        if len(self.inputs) != expected_inputs:
            raise VerifyException(
                f"{what} {self.direction.data}s with {map_.num_symbols} index "
                f"symbols, so it takes {expected_inputs} inputs, got "
                f"{len(self.inputs)}"
            )
        if self.is_load != (self.output is not None):
            raise VerifyException(
                f"{what} must have an output stream exactly when it loads"
            )
        memory = self.memory_op()
        if memory is None:
            raise VerifyException(
                f"{what} names @{self.memory_name}, which is not a su.memory"
            )
        if not self.is_load and memory.role.data in ("input", "weight"):
            raise VerifyException(
                f"{what} stores into @{memory.symbol}, whose role is "
                f"'{memory.role.data}'"
            )
        element = type_name(memory.element_type) or "?"
        data = self.output if self.is_load else self.inputs[0]
        assert data is not None
        self.check_stream_type(data, element, "data stream", f"@{memory.symbol}")
        if self.indexed and type_name(_element(self.inputs[-1])) != "i32":
            raise VerifyException(
                f"{what} index stream carries {_element(self.inputs[-1])}; "
                "indices are i32"
            )
        span = self.address_range()
        if span.lo < 0 or span.hi >= memory.num_elements:
            raise VerifyException(
                f"{what} addresses reach [{span.lo}, {span.hi}] but "
                f"@{memory.symbol} holds {memory.num_elements} elements"
            )

    # -- syntax: su.agcu @a0 load @x (%i)? {attrs} : (T) -> R ---------------------

    @classmethod
    def parse(cls, parser: Parser) -> AgcuOp:
        name = parser.parse_symbol_name()
        direction = parser.parse_keyword_in(DIRECTIONS, " (the AGCU direction)")
        memory = parser.parse_symbol_name()
        operands: list[UnresolvedOperand] = []
        if (
            parser.parse_optional_punctuation("(") is not None
            and parser.parse_optional_punctuation(")") is None
        ):
            operands = parser.parse_comma_separated_list(
                parser.Delimiter.NONE, parser.parse_unresolved_operand
            )
            parser.parse_punctuation(")")
        attributes = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        pos = parser.pos
        function = parser.parse_function_type()
        inputs = parser.resolve_operands(operands, function.inputs.data, pos)
        return cls.create(
            operands=inputs,
            result_types=list(function.outputs.data),
            attributes={
                "sym_name": name,
                "direction": StringAttr(direction),
                "memory": SymbolRefAttr(memory),
                **attributes,
            },
        )

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_symbol_name(self.symbol)
        printer.print_string(f" {self.direction.data} ")
        printer.print_symbol_name(self.memory_name)
        if self.inputs:
            printer.print_string(" (")
            printer.print_list(self.inputs, printer.print_operand)
            printer.print_string(")")
        printer.print_op_attributes(
            self.attributes, reserved_attr_names=("sym_name", "direction", "memory")
        )
        printer.print_string(" : (")
        printer.print_list([v.type for v in self.inputs], printer.print_attribute)
        printer.print_string(") -> ")
        if self.output is not None:
            printer.print_attribute(self.output.type)
        else:
            printer.print_string("()")


UNIT_OPS = (PcuOp, PmuOp, AgcuOp)
