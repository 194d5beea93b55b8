"""The chip rules of `su`: every limit of the chip the module names.

The module names its chip with `su.chip` (a preset or a TOML path) and pins it
with `su.chip_fingerprint`. The section verifier reports a chip that cannot be
loaded or whose fingerprint differs; each unit and memory verifier checks its own
limits, placement and routes against the chip, so diagnostics point at the
offending op. Rules that need the whole section (two units on one tile, link
capacity) are computed once per section state and reported at the unit that
breaks them (the later one in block order).
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field

from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.ir import Operation, SSAValue
from xdsl.utils.exceptions import VerifyException

from dfc.backends.chip import Chip, ChipModelError, load_chip

from .ops import MemoryOp, SectionOp, UnitOp, module_of
from .types import NETWORKS, StreamType, format_bytes, format_coord, vector_width
from .units import AgcuOp, PcuOp, PmuOp

CHIP_ATTR = "su.chip"
FINGERPRINT_ATTR = "su.chip_fingerprint"

# ---------------------------------------------------------------------------
# Finding the chip
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=32)
def _load(name: str) -> Chip | ChipModelError:
    try:
        return load_chip(name)
    except ChipModelError as error:
        return error


def module_chip(module: ModuleOp) -> tuple[Chip | None, str | None]:
    """The chip the module names and None, or None and why it cannot be used;
    (None, None) when the module names no chip."""
    name = module.attributes.get(CHIP_ATTR)
    if name is None:
        return None, None
    if not isinstance(name, StringAttr):
        return None, f"{CHIP_ATTR} must be a string, got {name}"
    loaded = _load(name.data)
    if isinstance(loaded, ChipModelError):
        return None, f"{CHIP_ATTR} = '{name.data}' cannot be loaded: {loaded}"
    pinned = module.attributes.get(FINGERPRINT_ATTR)
    if pinned is not None:
        if not isinstance(pinned, StringAttr):
            return None, f"{FINGERPRINT_ATTR} must be a string, got {pinned}"
        if pinned.data not in (loaded.short_fingerprint, loaded.fingerprint):
            return None, (
                f"the module was built for chip '{name.data}' with fingerprint "
                f"{pinned.data}, but '{name.data}' now has fingerprint "
                f"{loaded.short_fingerprint}"
            )
    return loaded, None


def chip_for(op: Operation) -> Chip | None:
    """The chip of the module around `op`, or None (no chip named, or one the
    section verifier reports as unusable)."""
    module = op if isinstance(op, ModuleOp) else module_of(op)
    if module is None:
        return None
    return module_chip(module)[0]


# ---------------------------------------------------------------------------
# Entry points, called from the op verifiers
# ---------------------------------------------------------------------------


def check_section(section: SectionOp) -> None:
    module = module_of(section)
    if module is None:
        return
    problem = module_chip(module)[1]
    # A module-wide problem is reported once, at the first section: a model
    # has hundreds of sections and the same line at each buries the cause.
    if problem is not None and section is _first_section(module):
        raise VerifyException(f"'su.section' @{section.symbol}: {problem}")


def _first_section(module: ModuleOp) -> SectionOp | None:
    return next((op for op in module.ops if isinstance(op, SectionOp)), None)


def check_memory(memory: MemoryOp) -> None:
    chip = chip_for(memory)
    if chip is None:
        return
    tier = chip.tier(memory.tier.data)
    end = memory.byte_range[1]
    if end > tier.capacity_bytes:
        raise VerifyException(
            f"'su.memory' @{memory.symbol} ends at byte {end} but "
            f"{memory.tier.data} on '{chip.name}' holds {tier.capacity_bytes} bytes"
        )


def check_unit(unit: UnitOp) -> None:
    chip = chip_for(unit)
    if chip is None:
        return
    _check_placement(unit, chip)
    if isinstance(unit, PcuOp):
        _check_pcu(unit, chip)
    elif isinstance(unit, PmuOp):
        _check_pmu(unit, chip)
    elif isinstance(unit, AgcuOp):
        _check_agcu(unit, chip)
    _check_routes(unit, chip)
    section = unit.section()
    if section is not None:
        problem = section_analysis(section, chip).problems.get(unit)
        if problem is not None:
            raise VerifyException(problem)


# ---------------------------------------------------------------------------
# Placement and per-unit limits
# ---------------------------------------------------------------------------


def _article(kind: str | None) -> str:
    return "an empty tile" if kind is None else f"a {kind}"


def _check_placement(unit: UnitOp, chip: Chip) -> None:
    at = unit.coordinate()
    if at is None:
        return
    if not chip.contains(at):
        raise VerifyException(
            f"{unit.label} is placed at {format_coord(at)}, outside the "
            f"{chip.grid.rows} x {chip.grid.cols} grid of '{chip.name}'"
        )
    kind = chip.unit_at(at)
    if kind != unit.UNIT_KIND:
        raise VerifyException(
            f"{unit.label} is placed at {format_coord(at)}, which holds "
            f"{_article(kind)} on '{chip.name}'"
        )


def _count_limit(
    unit: UnitOp, chip: Chip, what: str, count: int, limit: int, units: str
) -> None:
    if count > limit:
        raise VerifyException(
            f"{unit.label} has {count} {what} but {units} on '{chip.name}' have {limit}"
        )


def _ports(values: Sequence[SSAValue]) -> dict[str, int]:
    counts = dict.fromkeys(NETWORKS, 0)
    for value in values:
        assert isinstance(value.type, StreamType)
        counts[value.type.network_name] += 1
    return counts


def _check_lanes(unit: UnitOp, chip: Chip, units: str) -> None:
    for role, chain in unit.counter_chains().items():
        width = vector_width(chain)
        if width > chip.compute.lanes:
            raise VerifyException(
                f"{unit.label} {role} counters vectorize {width} elements per "
                f"vector but {units} on '{chip.name}' have {chip.compute.lanes} lanes"
            )


def _check_pcu(unit: PcuOp, chip: Chip) -> None:
    compute = chip.compute
    units = "compute units"
    template = unit.template_name
    if template not in compute.templates.names:
        raise VerifyException(
            f"{unit.label} uses template '{template}' but {units} on '{chip.name}' "
            "support " + ", ".join(compute.templates.names)
        )
    if unit.dtype_name not in compute.data_types:
        raise VerifyException(
            f"{unit.label} computes in {unit.dtype_name} but {units} on "
            f"'{chip.name}' support " + ", ".join(compute.data_types)
        )
    _count_limit(unit, chip, "stages", len(unit.stages.data), compute.stages, units)
    for index, stage in enumerate(unit.stage_list()):
        if stage.op not in compute.stage_ops:
            raise VerifyException(
                f"{unit.label} stage {index} uses '{stage.op}', which {units} on "
                f"'{chip.name}' do not support"
            )
    chain = unit.counter_chain()
    _count_limit(unit, chip, "counters", len(chain), compute.counters, units)
    _check_lanes(unit, chip, units)
    inputs, outputs = _ports(list(unit.inputs)), _ports(list(unit.results))
    for network in NETWORKS:
        _count_limit(
            unit,
            chip,
            f"{network} inputs",
            inputs[network],
            getattr(compute, f"{network}_inputs"),
            units,
        )
        _count_limit(
            unit,
            chip,
            f"{network} outputs",
            outputs[network],
            getattr(compute, f"{network}_outputs"),
            units,
        )
    tile = unit.tile_shape()
    if tile is not None:
        m, n, _ = tile
        if m > compute.systolic_rows or n > compute.systolic_cols:
            raise VerifyException(
                f"{unit.label} matmul tile is {m} x {n} but the systolic array on "
                f"'{chip.name}' is {compute.systolic_rows} x {compute.systolic_cols}"
            )
    depths = unit.configured_fifo_depths() or []
    for port, depth in enumerate(depths):
        limit = fifo_capacity(unit.inputs[port], chip)
        if depth > limit:
            raise VerifyException(
                f"{unit.label} input {port} asks for FIFO depth {depth} but "
                f"{units} on '{chip.name}' have {limit}"
            )


def fifo_capacity(value: SSAValue, chip: Chip) -> int:
    """The chip's FIFO depth for an input port fed by `value` (vector FIFOs for
    vector streams, scalar FIFOs for scalar and control streams)."""
    assert isinstance(value.type, StreamType)
    if value.type.network_name == "vector":
        return chip.compute.vector_fifo_depth
    return chip.compute.scalar_fifo_depth


def fifo_depth(unit: UnitOp, port: int, chip: Chip) -> int:
    """The configured depth of input `port`, or the chip's default."""
    depths = unit.configured_fifo_depths()
    if depths is not None:
        return depths[port]
    return fifo_capacity(unit.inputs[port], chip)


def _check_pmu(unit: PmuOp, chip: Chip) -> None:
    memory = chip.memory
    units = "memory units"
    if unit.physical_bytes > memory.bytes:
        need = format_bytes(unit.physical_bytes)
        if unit.is_double_buffered:
            need += f" (2 x {format_bytes(unit.num_bytes)}, double-buffered)"
        raise VerifyException(
            f"{unit.label} needs {need} but {units} on '{chip.name}' hold "
            f"{format_bytes(memory.bytes)}"
        )
    _count_limit(unit, chip, "banks", unit.num_banks, memory.banks, units)
    for role, chain in unit.counter_chains().items():
        _count_limit(unit, chip, f"{role} counters", len(chain), memory.counters, units)
    _count_limit(
        unit,
        chip,
        "write address generators",
        int(unit.write is not None),
        memory.write_address_generators,
        units,
    )
    _count_limit(
        unit,
        chip,
        "read address generators",
        int(unit.read is not None),
        memory.read_address_generators,
        units,
    )
    _check_lanes(unit, chip, units)
    inputs, outputs = _ports(list(unit.inputs)), _ports(list(unit.results))
    for network in ("vector", "scalar"):
        _count_limit(
            unit,
            chip,
            f"{network} inputs",
            inputs[network],
            getattr(memory, f"{network}_inputs"),
            units,
        )
        _count_limit(
            unit,
            chip,
            f"{network} outputs",
            outputs[network],
            getattr(memory, f"{network}_outputs"),
            units,
        )


def _check_agcu(unit: AgcuOp, chip: Chip) -> None:
    _check_lanes(unit, chip, "off-chip ports")


# ---------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------


def _check_routes(unit: UnitOp, chip: Chip) -> None:
    for port, route in enumerate(unit.input_routes()):
        problem = route_problem(unit, port, route, chip)
        if problem is not None:
            raise VerifyException(problem)


def route_problem(
    unit: UnitOp, port: int, route: Sequence[tuple[int, int]], chip: Chip
) -> str | None:
    """Why the route of input `port` is not a continuous path from the producer's
    tile to this unit's, or None (also for an empty, unrouted, route)."""
    if not route:
        return None
    what = f"{unit.label} route of input {port}"
    for hop in route:
        if not chip.contains(hop):
            return (
                f"{what} passes {format_coord(hop)}, outside the "
                f"{chip.grid.rows} x {chip.grid.cols} grid of '{chip.name}'"
            )
    here = unit.coordinate()
    if here is None:
        return f"{what} is set but the unit is not placed"
    producer = unit.producer(port)
    there = None if producer is None else producer.coordinate()
    if producer is None or there is None:
        name = "its producer" if producer is None else producer.label
        return f"{what} is set but {name} is not placed"
    if route[0] != there:
        return (
            f"{what} starts at {format_coord(route[0])} but its producer "
            f"{producer.label} is at {format_coord(there)}"
        )
    if route[-1] != here:
        return (
            f"{what} ends at {format_coord(route[-1])} but the unit is at "
            f"{format_coord(here)}"
        )
    for index in range(1, len(route)):
        if route[index] not in chip.neighbours(route[index - 1]):
            return (
                f"{what} hop {index} {format_coord(route[index])} is not a "
                f"neighbour of {format_coord(route[index - 1])}"
            )
    return None


# ---------------------------------------------------------------------------
# Section-wide rules: shared tiles and link capacity
# ---------------------------------------------------------------------------

Link = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class SectionAnalysis:
    """Tile owners, link usage and the problems found, per unit."""

    tiles: dict[tuple[int, int], UnitOp] = field(default_factory=lambda: {})
    links: dict[tuple[Link, str], list[SSAValue]] = field(default_factory=lambda: {})
    """Per directed link and network, the streams crossing it (each once)."""
    problems: dict[UnitOp, str] = field(default_factory=lambda: {})


_ANALYSES: weakref.WeakKeyDictionary[
    SectionOp, tuple[tuple[object, ...], SectionAnalysis]
] = weakref.WeakKeyDictionary()


def _state_key(section: SectionOp, chip: Chip) -> tuple[object, ...]:
    key: list[object] = [chip]
    for op in section.block.ops:
        attrs = op.attributes
        key.append((op, attrs.get("at"), attrs.get("routes"), *op.operands))
    return tuple(key)


def section_analysis(section: SectionOp, chip: Chip) -> SectionAnalysis:
    """The section-wide rules for the section's current state (cached until a
    unit, its placement, its routes or its inputs change)."""
    key = _state_key(section, chip)
    cached = _ANALYSES.get(section)
    if cached is not None and cached[0] == key:
        return cached[1]
    analysis = _analyse(section, chip)
    _ANALYSES[section] = (key, analysis)
    return analysis


def _analyse(section: SectionOp, chip: Chip) -> SectionAnalysis:
    result = SectionAnalysis()
    for unit in section.units():
        at = unit.coordinate()
        if at is None:
            continue
        owner = result.tiles.get(at)
        if owner is not None:
            result.problems.setdefault(
                unit,
                f"{unit.label} is placed at {format_coord(at)}, already taken by "
                f"{owner.label}",
            )
        else:
            result.tiles[at] = unit
    for unit in section.units():
        for port, route in enumerate(unit.input_routes()):
            if not route or route_problem(unit, port, route, chip) is not None:
                continue
            value = unit.inputs[port]
            assert isinstance(value.type, StreamType)
            network = value.type.network_name
            capacity = chip.switch.streams_per_link(network)
            for hop in range(1, len(route)):
                link = (route[hop - 1], route[hop])
                streams = result.links.setdefault((link, network), [])
                if value in streams:
                    continue
                streams.append(value)
                if len(streams) > capacity:
                    result.problems.setdefault(
                        unit,
                        f"{unit.label} route of input {port} crosses link "
                        f"{format_coord(link[0])} -> {format_coord(link[1])}, which "
                        f"then carries {len(streams)} {network} streams but links "
                        f"on '{chip.name}' carry {capacity}",
                    )
    return result
