"""The chip description: frozen dataclasses, the tile layout, and derived figures.

A `Chip` is the only place that holds hardware numbers; the compiler's passes, the
cost model and the simulator ask it. It is immutable (frozen dataclasses, tuples),
built by `load_chip` from a TOML file or by `Chip.from_dict`, and identified by a
`fingerprint` that does not depend on how the TOML was written.

Units: sizes in bytes, rates in bytes per second or Hz, times in cycles of
`clock_hz` unless a name ends in `_ns`. Coordinates are `(row, col)` tuples with
`(0, 0)` the top-left tile. Every field is explained in `docs/chip-model.md`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

PCU = "pcu"
PMU = "pmu"
AGCU = "agcu"
UNIT_KINDS = (PCU, PMU, AGCU)
"""Unit types a tile can hold; a tile may also be empty (switch only, `None`)."""

DATA_TYPES = ("bf16", "f32", "i8", "i32")
TEMPLATES = ("map", "reduce", "matmul", "scan")
TIERS = ("sram", "hbm", "ddr")
LAYOUTS = ("checkerboard", "pattern")
PLACEMENTS = ("left_right", "top_bottom", "pattern")
NETWORKS = ("vector", "scalar", "control")

STAGE_OPS = (
    # arithmetic
    "add",
    "sub",
    "mul",
    "fma",
    "div",
    "neg",
    "abs",
    "max",
    "min",
    # transcendental and special functions (the SN40L tail stage)
    "exp",
    "log",
    "sqrt",
    "rsqrt",
    "recip",
    "tanh",
    "erf",
    "sigmoid",
    # comparison and selection
    "cmp",
    "select",
    # conversion
    "cast",
    # bitwise and integer
    "and",
    "or",
    "xor",
    "not",
    "shl",
    "shr",
    # rounding and trigonometry (tail stage; bitstream format 1.1, appended so
    # that the codes above keep their values)
    "floor",
    "ceil",
    "sin",
    "cos",
)
"""The operations a pipeline stage can be configured to; one per stage."""

PATTERN_TILES: dict[str, str | None] = {"C": PCU, "M": PMU, "A": AGCU, ".": None}
"""Characters of an explicit `grid.pattern` and the unit type each stands for."""

FLOPS_PER_FMA = 2

Coord = tuple[int, int]


class ChipModelError(ValueError):
    """A chip description that cannot be used, with the file and key at fault.

    The message reads `SOURCE: KEY: PROBLEM`, or `SOURCE:LINE:COL: PROBLEM` for a
    TOML syntax error, or `SOURCE: PROBLEM` when no key is involved.
    """

    def __init__(
        self,
        source: str,
        problem: str,
        key: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.source = source
        self.problem = problem
        self.key = key
        self.line = line
        self.column = column
        if line is not None:
            where = f"{source}:{line}:{column}" if column is not None else source
            message = f"{where}: {problem}"
        elif key is not None:
            message = f"{source}: {key}: {problem}"
        else:
            message = f"{source}: {problem}"
        super().__init__(message)


def spec(
    *,
    minimum: float | None = None,
    positive: bool = False,
    choices: tuple[str, ...] | None = None,
    kind: str | None = None,
    default: Any = dataclasses.MISSING,
) -> Any:
    """A dataclass field with the constraints the loader checks.

    `minimum` is an inclusive lower bound, `positive` requires > 0, `choices` the
    allowed strings (or allowed list items), `kind` selects special handling:
    `"rates"` (a TOML table of data type -> float, stored as sorted pairs),
    `"set"` (a list of distinct `choices`, stored in `choices` order) and
    `"pattern"` (the rows of an explicit layout).
    """
    metadata = {"minimum": minimum, "positive": positive, "choices": choices}
    metadata["kind"] = kind
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Grid:
    """The rectangle of tiles; each tile holds one unit (or none) and one switch."""

    rows: int = spec(minimum=1)
    """Tiles per column, including edge tiles for off-chip ports."""
    cols: int = spec(minimum=1)
    """Tiles per row, including edge tiles for off-chip ports."""
    layout: str = spec(choices=LAYOUTS)
    """`checkerboard`: the tiles off the port edges alternate pcu/pmu, pcu first;
    `pattern`: the unit of every tile is spelled out in `pattern`."""
    pattern: tuple[str, ...] = spec(kind="pattern", default=())
    """With layout `pattern`: one string per row, one character per tile:
    C pcu, M pmu, A agcu, . empty. Empty otherwise."""


@dataclass(frozen=True)
class Template:
    """Timing of one PCU compute template."""

    latency_cycles: int = spec(minimum=0)
    """Cycles from a vector entering the pipeline to its result leaving it."""
    initiation_interval: int = spec(minimum=1)
    """Cycles between two vectors entering the pipeline (1 = full rate)."""


@dataclass(frozen=True)
class Templates:
    """The templates a PCU supports; an absent one is not supported."""

    map: Template
    """Elementwise pipeline: one vector in, one out per initiation interval."""
    reduce: Template | None = None
    """A map whose last stage accumulates across lanes and/or iterations."""
    matmul: Template | None = None
    """Systolic mode, C += A.B over a `systolic_rows` x `systolic_cols` array."""
    scan: Template | None = None
    """Associative prefix over a counter."""

    def get(self, name: str) -> Template | None:
        if name not in TEMPLATES:
            raise ValueError(f"unknown template '{name}'; templates: {TEMPLATES}")
        return getattr(self, name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n in TEMPLATES if getattr(self, n) is not None)


@dataclass(frozen=True)
class ComputeUnit:
    """A PCU: SIMD lanes through a pipeline of stages over a counter chain."""

    lanes: int = spec(minimum=1)
    """Elements per vector; the innermost counter is vectorized over them."""
    stages: int = spec(minimum=1)
    """Pipeline stages; each runs one op on every lane per cycle."""
    counters: int = spec(minimum=1)
    """Counters in the counter chain (nesting depth of the iteration space)."""
    registers: int = spec(minimum=1)
    """Pipeline registers per lane per stage."""
    vector_inputs: int = spec(minimum=1)
    vector_outputs: int = spec(minimum=1)
    scalar_inputs: int = spec(minimum=0)
    scalar_outputs: int = spec(minimum=0)
    control_inputs: int = spec(minimum=0)
    control_outputs: int = spec(minimum=0)
    vector_fifo_depth: int = spec(minimum=1)
    """Vectors each vector input FIFO holds."""
    scalar_fifo_depth: int = spec(minimum=1)
    """Words each scalar input FIFO holds."""
    systolic_rows: int = spec(minimum=1)
    """Rows of the systolic array in matmul mode (at most `lanes`)."""
    systolic_cols: int = spec(minimum=1)
    """Columns of the systolic array in matmul mode (at most `stages`)."""
    fma_rate: tuple[tuple[str, float], ...] = spec(
        kind="rates", choices=DATA_TYPES, positive=True
    )
    """Per supported data type, fused multiply-adds per lane per stage per cycle.
    A type that is not listed is not supported."""
    stage_ops: tuple[str, ...] = spec(kind="set", choices=STAGE_OPS)
    """Operations a stage can be configured to (one per stage)."""
    templates: Templates = spec()
    """Supported compute templates with their timing."""

    @property
    def data_types(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fma_rate)

    def rate(self, dtype: str) -> float:
        """FMAs per lane per stage per cycle for `dtype`; ValueError if unsupported."""
        for name, value in self.fma_rate:
            if name == dtype:
                return value
        raise ValueError(
            f"data type '{dtype}' is not supported; supported: "
            + ", ".join(self.data_types)
        )

    def systolic_passes(self, m: int, n: int) -> int:
        """Passes over K the array makes for an `m x n` block of C: each
        computes at most `systolic_rows x systolic_cols` of it."""
        return -(-max(1, m) // self.systolic_rows) * -(-max(1, n) // self.systolic_cols)

    def swaps_contraction(self, m: int, n: int) -> bool:
        """Whether `C = A @ B` is better computed as `C^T = B^T @ A^T`: N on the
        array's rows and M on its columns, when that takes fewer passes (an M
        smaller than the rows: decoding's single token, attention's single
        query)."""
        return self.systolic_passes(n, m) < self.systolic_passes(m, n)


@dataclass(frozen=True)
class MemoryUnit:
    """A PMU: a banked scratchpad with read and write address generators."""

    bytes: int = spec(minimum=1)
    """Scratchpad capacity."""
    banks: int = spec(minimum=1)
    """Independent banks; `bytes` is a multiple of `banks * word_bytes`."""
    word_bytes: int = spec(minimum=1)
    """Width of one bank word."""
    vector_inputs: int = spec(minimum=1)
    vector_outputs: int = spec(minimum=1)
    scalar_inputs: int = spec(minimum=0)
    scalar_outputs: int = spec(minimum=0)
    read_address_generators: int = spec(minimum=1)
    write_address_generators: int = spec(minimum=1)
    address_stages: int = spec(minimum=1)
    """Pipeline stages available to compute one address."""
    counters: int = spec(minimum=1)
    """Counters in each address generator's counter chain."""

    @property
    def bank_bytes(self) -> int:
        return self.bytes // self.banks


@dataclass(frozen=True)
class Switch:
    """The switch of every tile and its links to the four neighbours."""

    vector_width_bits: int = spec(minimum=8)
    """Bits a vector link moves per cycle per stream."""
    scalar_width_bits: int = spec(minimum=8)
    """Bits a scalar link moves per cycle per stream."""
    vector_streams_per_link: int = spec(minimum=1)
    """Vector streams one link carries in each direction."""
    scalar_streams_per_link: int = spec(minimum=1)
    control_streams_per_link: int = spec(minimum=1)
    hop_latency_cycles: int = spec(minimum=0)
    """Cycles for a word to cross one switch."""

    def streams_per_link(self, network: str) -> int:
        if network not in NETWORKS:
            raise ValueError(f"unknown network '{network}'; networks: {NETWORKS}")
        return getattr(self, f"{network}_streams_per_link")


@dataclass(frozen=True)
class OffChipPorts:
    """The AGCUs: DMA engines on the grid's edge between off-chip tiers and streams."""

    count: int = spec(minimum=1)
    placement: str = spec(choices=PLACEMENTS)
    """`left_right`: spread over the first and last columns (left side first);
    `top_bottom`: over the first and last rows; `pattern`: where `grid.pattern`
    has an A."""
    port_bytes_per_second: int = spec(minimum=1)
    """Most one AGCU moves; all AGCUs together also share each tier's bandwidth."""
    burst_bytes: int = spec(minimum=1)
    """Granularity of one off-chip access."""


@dataclass(frozen=True)
class Tier:
    """One level of the memory hierarchy."""

    capacity_bytes: int = spec(minimum=1)
    bytes_per_second: int = spec(minimum=1)
    """Peak bandwidth of the tier, shared by all units that use it."""
    latency_ns: float = spec(minimum=0.0)
    """Time from a request to its first data."""


@dataclass(frozen=True)
class Tiers:
    sram: Tier
    """The PMU scratchpads together; capacity = memory units x `memory.bytes`."""
    hbm: Tier
    ddr: Tier


@dataclass(frozen=True)
class ConfigLoad:
    """Time to load one section: `fixed_cycles + ceil(bytes / bytes_per_cycle)`."""

    fixed_cycles: int = spec(minimum=0)
    bytes_per_cycle: int = spec(minimum=1)


@dataclass(frozen=True)
class Chip:
    """A modeled reconfigurable dataflow chip."""

    name: str
    """Short identifier (the preset name), part of the fingerprint."""
    clock_hz: int = spec(minimum=1)
    grid: Grid = spec()
    compute: ComputeUnit = spec()
    memory: MemoryUnit = spec()
    switch: Switch = spec()
    offchip: OffChipPorts = spec()
    tiers: Tiers = spec()
    config_load: ConfigLoad = spec()
    description: str = ""
    """Free text; not part of the fingerprint."""

    # -- construction and identity -------------------------------------------

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "<dict>") -> Chip:
        """Build and validate a chip from the nested dict form of its TOML file."""
        from .loader import chip_from_dict

        return chip_from_dict(data, source)

    def to_dict(self) -> dict[str, Any]:
        """The nested dict form (TOML tables as dicts); `from_dict` inverts it."""
        return _to_plain(self)

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 hex of the canonical JSON of `to_dict()` without `description`."""
        data = self.to_dict()
        data.pop("description", None)
        text = json.dumps(
            data, sort_keys=True, separators=(",", ":"), ensure_ascii=True
        )
        return hashlib.sha256(text.encode("ascii")).hexdigest()

    @property
    def short_fingerprint(self) -> str:
        return self.fingerprint[:16]

    # -- the grid --------------------------------------------------------------

    @cached_property
    def tiles(self) -> tuple[tuple[str | None, ...], ...]:
        """The unit type of every tile, row by row (`None` for an empty tile)."""
        return resolve_layout(self.grid, self.offchip)

    def contains(self, coord: Coord) -> bool:
        row, col = coord
        return 0 <= row < self.grid.rows and 0 <= col < self.grid.cols

    def unit_at(self, coord: Coord) -> str | None:
        """`pcu`, `pmu`, `agcu` or `None` (empty tile) at `(row, col)`."""
        self._check_coord(coord)
        return self.tiles[coord[0]][coord[1]]

    def units_of(self, kind: str) -> tuple[Coord, ...]:
        """Coordinates of every unit of `kind`, sorted by row then column."""
        return self._units_by_kind[_check_kind(kind)]

    def count(self, kind: str) -> int:
        return len(self.units_of(kind))

    def unit_counts(self) -> dict[str, int]:
        return {kind: self.count(kind) for kind in UNIT_KINDS}

    @cached_property
    def _units_by_kind(self) -> dict[str, tuple[Coord, ...]]:
        found: dict[str, list[Coord]] = {kind: [] for kind in UNIT_KINDS}
        for row, kinds in enumerate(self.tiles):
            for col, kind in enumerate(kinds):
                if kind is not None:
                    found[kind].append((row, col))
        return {kind: tuple(coords) for kind, coords in found.items()}

    def neighbours(self, coord: Coord) -> tuple[Coord, ...]:
        """Switches linked to the one at `coord`, in the order north, east, south,
        west (absent at the grid's edge)."""
        self._check_coord(coord)
        row, col = coord
        candidates = ((row - 1, col), (row, col + 1), (row + 1, col), (row, col - 1))
        return tuple(c for c in candidates if self.contains(c))

    def switch_graph(self) -> dict[Coord, tuple[Coord, ...]]:
        """Adjacency of the switch mesh: every coordinate, row-major, to its
        neighbours. Each link is bidirectional."""
        return {
            (row, col): self.neighbours((row, col))
            for row in range(self.grid.rows)
            for col in range(self.grid.cols)
        }

    def links(self) -> tuple[tuple[Coord, Coord], ...]:
        """Every physical link once, as a sorted pair of coordinates, sorted."""
        return tuple(
            sorted(
                (a, b)
                for a, adjacent in self.switch_graph().items()
                for b in adjacent
                if a < b
            )
        )

    def _check_coord(self, coord: Coord) -> None:
        if not self.contains(coord):
            raise ValueError(
                f"{tuple(coord)} is outside the {self.grid.rows} x {self.grid.cols} "
                f"grid of '{self.name}'"
            )

    # -- derived figures -----------------------------------------------------------

    def peak_flops(self, dtype: str = "bf16") -> float:
        """Peak operations per second in `dtype`: every stage of every lane of every
        PCU doing `fma_rate[dtype]` FMAs (2 operations each) per cycle."""
        return (
            self.count(PCU)
            * self.compute.lanes
            * self.compute.stages
            * self.compute.rate(dtype)
            * FLOPS_PER_FMA
            * self.clock_hz
        )

    def peak_flops_by_type(self) -> dict[str, float]:
        return {dtype: self.peak_flops(dtype) for dtype in self.compute.data_types}

    @property
    def sram_bytes(self) -> int:
        """On-chip SRAM: memory units x bytes per memory unit."""
        return self.count(PMU) * self.memory.bytes

    def tier(self, name: str) -> Tier:
        if name not in TIERS:
            raise ValueError(f"unknown memory tier '{name}'; tiers: {TIERS}")
        return getattr(self.tiers, name)

    def bandwidth(self, tier: str) -> int:
        """Peak bandwidth of `tier` in bytes per second."""
        return self.tier(tier).bytes_per_second

    @property
    def offchip_port_bytes_per_second(self) -> int:
        """All AGCUs together (each tier's own bandwidth also applies)."""
        return self.offchip.count * self.offchip.port_bytes_per_second

    @property
    def vector_bytes(self) -> int:
        """Bytes one vector link moves per cycle per stream."""
        return self.switch.vector_width_bits // 8

    def config_load_cycles(self, config_bytes: int) -> int:
        """Cycles to load a section whose configuration is `config_bytes` long."""
        per_cycle = self.config_load.bytes_per_cycle
        return self.config_load.fixed_cycles + -(-config_bytes // per_cycle)

    def seconds(self, cycles: float) -> float:
        return cycles / self.clock_hz

    def summary(self) -> str:
        """A few readable lines: grid, counts, peak, memory."""
        counts = self.unit_counts()
        peaks = ", ".join(
            f"{dtype} {value / 1e12:.3g} T"
            for dtype, value in self.peak_flops_by_type().items()
        )
        tiers = ", ".join(
            f"{name} {self.tier(name).capacity_bytes} B at "
            f"{self.bandwidth(name) / 1e9:g} GB/s"
            for name in TIERS
        )
        return "\n".join(
            [
                f"chip {self.name} ({self.short_fingerprint}), {self.clock_hz / 1e9:g} GHz",
                f"grid {self.grid.rows} x {self.grid.cols}: {counts[PCU]} pcu, "
                f"{counts[PMU]} pmu, {counts[AGCU]} agcu",
                f"pcu {self.compute.lanes} lanes x {self.compute.stages} stages; "
                f"peak op/s {peaks}",
                f"tiers: {tiers}",
            ]
        )


def _check_kind(kind: str) -> str:
    if kind not in UNIT_KINDS:
        raise ValueError(f"unknown unit type '{kind}'; unit types: {UNIT_KINDS}")
    return kind


def _to_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        result: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if item is None:
                continue
            if f.metadata.get("kind") == "rates":
                result[f.name] = dict(item)
            else:
                result[f.name] = _to_plain(item)
        return result
    if isinstance(value, tuple):
        return [_to_plain(item) for item in value]
    return value


def edge_slots(
    grid: Grid, placement: str
) -> tuple[tuple[Coord, ...], tuple[Coord, ...]]:
    """The two edges that hold off-chip ports, each as its tiles in order."""
    if placement == "left_right":
        first = tuple((row, 0) for row in range(grid.rows))
        second = tuple((row, grid.cols - 1) for row in range(grid.rows))
    else:
        first = tuple((0, col) for col in range(grid.cols))
        second = tuple((grid.rows - 1, col) for col in range(grid.cols))
    return first, second


def port_coords(grid: Grid, offchip: OffChipPorts) -> tuple[Coord, ...]:
    """Where a checkerboard places its AGCUs: the first edge gets ceil(count/2) and
    the second the rest; `n` ports on an edge of `L` tiles sit at positions
    floor((2i + 1) * L / (2n)), i = 0..n-1 (evenly spread, centred)."""
    first, second = edge_slots(grid, offchip.placement)
    on_first = (offchip.count + 1) // 2
    coords: list[Coord] = []
    for edge, n in ((first, on_first), (second, offchip.count - on_first)):
        length = len(edge)
        coords += [edge[(2 * i + 1) * length // (2 * n)] for i in range(n)]
    return tuple(sorted(coords))


def resolve_layout(
    grid: Grid, offchip: OffChipPorts
) -> tuple[tuple[str | None, ...], ...]:
    """The unit type of every tile.

    `pattern`: as written. `checkerboard`: the two port edges (columns 0 and
    cols-1 for `left_right`, rows 0 and rows-1 for `top_bottom`) hold the AGCUs at
    `port_coords` and are otherwise empty; every other tile (r, c) is a pcu when
    its distance from the interior's top-left tile is even, else a pmu.
    Assumes a validated grid (see the loader).
    """
    if grid.layout == "pattern":
        return tuple(tuple(PATTERN_TILES[ch] for ch in row) for row in grid.pattern)
    ports = set(port_coords(grid, offchip))
    row0, col0 = (0, 1) if offchip.placement == "left_right" else (1, 0)
    rows: list[tuple[str | None, ...]] = []
    for row in range(grid.rows):
        kinds: list[str | None] = []
        for col in range(grid.cols):
            on_edge = (
                col in (0, grid.cols - 1)
                if offchip.placement == "left_right"
                else row in (0, grid.rows - 1)
            )
            if on_edge:
                kinds.append(AGCU if (row, col) in ports else None)
            else:
                kinds.append(PCU if (row - row0 + col - col0) % 2 == 0 else PMU)
        rows.append(tuple(kinds))
    return tuple(rows)
