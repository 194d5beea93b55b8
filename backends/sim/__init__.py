"""The chip simulator: run a `.dfcb` program functionally (numpy tiles) and in time
(an event model of units, FIFOs, links, off-chip tiers and section loads).

    import numpy as np
    from dfc.backends.sim import simulate
    result = simulate("model.dfcb", {"x": np.ones((4, 4), np.float32)})
    result.outputs["y"], result.cycles, result.report.to_markdown(), result.trace

It imports only numpy, ml_dtypes, the chip model and the pure bitstream modules
(`dfc.backends.bitstream.program` / `format`): no compiler code, not even xDSL.
Semantics and model: `docs/simulator.md`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from dfc.backends.bitstream.program import DTYPE_BYTES, Memory, Pmu, Program
from dfc.backends.chip import Chip

from .errors import DeadlockError, SimulationError
from .functional import (
    NUMPY_DTYPES,
    SectionState,
    address_range,
    plan_section,
    run_section,
)
from .loader import load_program, section_config_bytes
from .report import SectionReport, SimReport, UnitReport
from .timing import simulate_section
from .trace import build_trace

__all__ = ["DeadlockError", "Outputs", "SimResult", "SimulationError", "simulate"]


class Outputs(dict):
    """Output arrays by memory name, in output-memory order; `outputs[i]` also works."""

    def __getitem__(self, key: Any) -> np.ndarray:
        if isinstance(key, int):
            return list(self.values())[key]
        return super().__getitem__(key)

    def as_list(self) -> list[np.ndarray]:
        return list(self.values())


@dataclass
class SimResult:
    outputs: Outputs
    """Output-role memories after the last section (empty arrays' worth of zeros when
    the run was timing-only)."""
    cycles: float
    seconds: float
    report: SimReport
    trace: dict[str, Any]
    """Chrome trace event JSON (`json.dump` it; opens in Perfetto)."""
    tile_events: int = 0
    """Steps the timing model simulated (its events)."""


def simulate(
    source: Any,
    inputs: Any = None,
    chip: Chip | str | None = None,
    *,
    functional: bool = True,
) -> SimResult:
    """Run `source` (a `.dfcb` path, its bytes, a `Program` or an `Artifact`) on
    `inputs` (a list in input-memory order or a name -> array dict).

    `chip` defaults to the chip the program names; a program built for another chip
    is refused. `functional=False` runs the timing model only (outputs are zeros).
    Raises `SimulationError` (or its `DeadlockError`) naming what is wrong.
    """
    program, chip_model, _ = load_program(source, chip)
    memories = _memory_images(program, inputs, functional)
    lanes = chip_model.compute.lanes
    state = SectionState(memories)
    config_bytes = section_config_bytes(program)
    tiers = {m.name: (m.tier, m.dtype) for m in program.memories}
    now = 0.0
    section_reports: list[SectionReport] = []
    trace_sections: list[dict[str, Any]] = []
    peak_sram: dict[str, int] = {}
    events = 0
    for section, nbytes in zip(program.sections, config_bytes):
        plans = plan_section(section, lanes)
        timing = simulate_section(section, plans, chip_model, tiers)
        if functional:
            run_section(section, plans, state, lanes)
        load = chip_model.config_load_cycles(nbytes)
        sram = 0
        for unit in section.units:
            if isinstance(unit, Pmu):
                plan = plans[unit.name]
                size = DTYPE_BYTES[unit.dtype]
                moved = sum(max(0, n) for n in plan.inputs[:1]) if unit.write else 0
                moved += plan.outputs[0] if unit.read and plan.outputs else 0
                sram += moved * size
                peak_sram[f"{section.name}/{unit.name}"] = _touched_bytes(unit)
        tier_bytes = dict(timing.tier_bytes)
        tier_bytes["sram"] = sram
        flops = sum(p.flops for p in timing.processes)
        units = [
            UnitReport(
                section.name,
                p.name,
                p.kind,
                p.busy,
                p.stall,
                max(0.0, timing.cycles - p.busy - p.stall),
                p.flops,
            )
            for p in timing.processes
        ]
        events += sum(p.steps for p in timing.processes)
        section_reports.append(
            SectionReport(
                section.name, nbytes, load, timing.cycles, now, flops, tier_bytes, units
            )
        )
        trace_sections.append(
            {
                "name": section.name,
                "start": now,
                "config_cycles": load,
                "run_cycles": timing.cycles,
                "tracks": [(p.name, p.kind, p.spans) for p in timing.processes],
            }
        )
        now += load + timing.cycles
    totals: dict[str, int] = {"hbm": 0, "ddr": 0, "sram": 0}
    for s in section_reports:
        for tier, n in s.tier_bytes.items():
            totals[tier] = totals.get(tier, 0) + n
    dtype = (
        "bf16"
        if "bf16" in chip_model.compute.data_types
        else chip_model.compute.data_types[0]
    )
    report = SimReport(
        chip=chip_model.name,
        clock_hz=chip_model.clock_hz,
        cycles=now,
        seconds=chip_model.seconds(now),
        flops=sum(s.flops for s in section_reports),
        peak_flops=chip_model.peak_flops(dtype),
        tier_bytes=totals,
        peak_sram=peak_sram,
        sections=section_reports,
        functional=functional,
    )
    outputs = Outputs()
    for memory in program.memories:
        if memory.role == "output":
            outputs[memory.name] = memories[memory.name].reshape(memory.shape).copy()
    return SimResult(
        outputs,
        now,
        report.seconds,
        report,
        build_trace(trace_sections, chip_model.clock_hz),
        events,
    )


def _touched_bytes(unit: Pmu) -> int:
    high = -1
    for agen in (unit.write, unit.read):
        if agen is not None and not agen.indexed:
            high = max(high, address_range(agen)[1])
        elif agen is not None:
            high = max(high, unit.bytes // DTYPE_BYTES[unit.dtype] - 1)
    if unit.init is not None:
        high = max(high, len(unit.init) // DTYPE_BYTES[unit.dtype] - 1)
    return (high + 1) * DTYPE_BYTES[unit.dtype] * (2 if unit.double_buffer else 1)


def _memory_images(
    program: Program, inputs: Any, functional: bool
) -> dict[str, np.ndarray]:
    wanted = [m for m in program.memories if m.role == "input"]
    given: dict[str, Any] = {}
    if inputs is None:
        inputs = {}
    if isinstance(inputs, dict):
        unknown = sorted(set(inputs) - {m.name for m in wanted})
        if unknown:
            names = ", ".join(m.name for m in wanted) or "none"
            raise SimulationError(
                f"unknown input(s) {', '.join(unknown)}; the program's inputs: {names}"
            )
        given = dict(inputs)
    else:
        inputs = list(inputs)
        if len(inputs) != len(wanted):
            raise SimulationError(
                f"{len(inputs)} input(s) given but the program has {len(wanted)}: "
                + _describe(wanted)
            )
        given = {m.name: value for m, value in zip(wanted, inputs)}
    images: dict[str, np.ndarray] = {}
    for memory in program.memories:
        dtype = NUMPY_DTYPES[memory.dtype]
        if memory.role == "input":
            if memory.name not in given:
                if functional:
                    raise SimulationError(
                        f"missing input '{memory.name}': expected {_describe([memory])}"
                    )
                images[memory.name] = np.zeros(memory.elements, dtype)
                continue
            images[memory.name] = _check_input(memory, given[memory.name])
        elif memory.init is not None:
            image = np.frombuffer(memory.init, dtype=dtype)
            # the timing model never writes memories: no copy of the weights
            images[memory.name] = image.copy() if functional else image
        else:
            images[memory.name] = np.zeros(memory.elements, dtype)
    return images


def _describe(memories: list[Memory]) -> str:
    return ", ".join(
        f"'{m.name}' {'x'.join(map(str, m.shape)) or 'scalar'} {m.dtype}"
        for m in memories
    )


def _check_input(memory: Memory, value: Any) -> np.ndarray:
    array = np.asarray(value)
    if tuple(array.shape) != tuple(memory.shape):
        raise SimulationError(
            f"input '{memory.name}' has shape {tuple(array.shape)} but the program expects {_describe([memory])}"
        )
    integer = memory.dtype in ("i32", "i8", "i64")
    if array.dtype.kind not in ("iu" if integer else "fiub") and not (
        array.dtype.kind == "V" and not integer
    ):
        raise SimulationError(
            f"input '{memory.name}' has dtype {array.dtype} but the program expects {_describe([memory])}"
        )
    if array.size != math.prod(memory.shape):
        raise SimulationError(f"input '{memory.name}': expected {_describe([memory])}")
    return array.astype(NUMPY_DTYPES[memory.dtype]).reshape(-1)
