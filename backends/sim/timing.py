"""The timing model of one section: an event-driven simulation at chunk granularity.

Every unit is one *process* (a PMU two: its write side and its read side) whose work
is cut into at most `MAX_STEPS` equal steps (a matmul: whole tiles; a PMU: chunks of
one buffer round). A step starts when

- each input stream holds the step's elements (after producer latency and hops),
- each output stream has room for the step's elements in every consumer's FIFO,
- the unit is free (steps issue back to back at the template's initiation interval),
- for a PMU read step: its buffer round is written; for a write step: the buffer
  (half, when double buffered) it overwrites has been read;

and lasts `vectors x II` cycles (systolic tiles `K x II / fma_rate`, links one
vector per cycle per stream, DMA steps serialized on their port and on their
tier's bandwidth shared by every AGCU). Outputs arrive after the template latency
(DMA: the tier latency) plus the route's hop latency. A FIFO holds
max(depth x lanes, producer step + consumer step) elements, so coarse steps still
overlap like the vector stream they model. When no event is left and some process
has not finished, the section is deadlocked: `DeadlockError` names the units.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

from dfc.backends.bitstream.program import DTYPE_BYTES, Agcu, Pcu, Pmu, Section
from dfc.backends.chip import Chip

from .errors import DeadlockError
from .functional import UnitPlan, space_vectors, stage_flops

MAX_STEPS = 128
"""Most steps one process is cut into (events per process)."""


@dataclass
class Process:
    name: str
    unit: str
    kind: str
    steps: int
    cycles: float
    """Cycles of the whole run at full rate (split evenly over the steps)."""
    latency: float
    ins: list[tuple[int, int, int]] = field(default_factory=list)
    """(stream id, consumer index, elements)."""
    outs: list[tuple[int, int]] = field(default_factory=list)
    """(stream id, elements)."""
    tier: str | None = None
    bytes: int = 0
    port_rate: float = 0.0
    link_cycles: float = 0.0
    """Least cycles the output links need for the whole run."""
    rounds: int = 1
    partner: Process | None = None
    halves: int = 1
    flops: float = 0.0
    emit_chunks: int = 1
    """Steps per emitted tile: outputs leave only after the last step of a tile
    (a systolic tile's C after all of K), inputs stream in step by step."""
    # state
    done: int = 0
    started: int = 0
    free_at: float = 0.0
    blocked: str = ""
    busy: float = 0.0
    stall: float = 0.0
    spans: list[tuple[float, float]] = field(default_factory=list)

    def need(self, total: int, step: int) -> int:
        """Cumulative elements needed through step `step` (0-based, inclusive)."""
        return -(-total * (step + 1) // self.steps)

    def emitted(self, total: int, step: int) -> int:
        """Cumulative output elements through step `step` (-1: none yet)."""
        if self.emit_chunks == 1:
            return self.need(total, step) if step >= 0 else 0
        tiles = self.steps // self.emit_chunks
        return -(-total * ((step + 1) // self.emit_chunks) // tiles)


@dataclass
class StreamState:
    id: int
    producer: str
    consumers: list[str]
    capacity: list[int]
    delay: list[float]
    produced: int = 0
    visible: list[int] = field(default_factory=list)
    consumed: list[int] = field(default_factory=list)


@dataclass
class SectionTiming:
    cycles: float
    processes: list[Process]
    tier_bytes: dict[str, int]


def _cycles(chip: Chip, ns: float) -> float:
    return ns * 1e-9 * chip.clock_hz


def build_processes(
    section: Section,
    plans: dict[str, UnitPlan],
    chip: Chip,
    memories: dict[str, tuple[str, str]],
) -> tuple[list[Process], dict[int, StreamState]]:
    lanes = chip.compute.lanes
    procs: list[Process] = []
    by_name: dict[str, list[Process]] = {}
    link_bytes = {
        "vector": chip.switch.vector_width_bits / 8,
        "scalar": chip.switch.scalar_width_bits / 8,
        "control": 1.0,
    }
    sram_latency = _cycles(chip, chip.tiers.sram.latency_ns)
    out_streams: dict[str, list] = {}
    for stream in section.streams:
        out_streams.setdefault(stream.producer[0], []).append(stream)
    for unit in section.units:
        plan = plans[unit.name]
        link = 0.0
        for stream in out_streams.get(unit.name, []):
            elements = plan.outputs[stream.producer[1]]
            per_vector = lanes if stream.network == "vector" else 1
            vector_bytes = per_vector * DTYPE_BYTES[stream.dtype]
            per_cycle = min(1.0, link_bytes[stream.network] / vector_bytes)
            link = max(link, -(-elements // per_vector) / per_cycle)
        if isinstance(unit, Agcu):
            elements = (
                plan.inputs[0]
                if unit.direction == "store"
                else (plan.outputs[0] if plan.outputs else 0)
            )
            proc = Process(unit.name, unit.name, "agcu", 1, 0.0, 0.0, link_cycles=link)
            proc.tier, dtype = memories[unit.memory]
            proc.bytes = elements * DTYPE_BYTES[dtype]
            proc.port_rate = chip.offchip.port_bytes_per_second / chip.clock_hz
            proc.latency = _cycles(chip, chip.tier(proc.tier).latency_ns)
            proc.steps = max(1, min(MAX_STEPS, plan.vectors))
            procs.append(proc)
            by_name[unit.name] = [proc]
        elif isinstance(unit, Pmu):
            halves = 2 if unit.double_buffer else 1
            group = []
            if unit.write is not None:
                vectors = plan.rounds * space_vectors(unit.write.counters, lanes)
                group.append(
                    Process(
                        f"{unit.name}.write",
                        unit.name,
                        "pmu",
                        1,
                        vectors,
                        0.0,
                        rounds=plan.rounds,
                        halves=halves,
                    )
                )
            if unit.read is not None:
                vectors = plan.rounds * space_vectors(unit.read.counters, lanes)
                group.append(
                    Process(
                        f"{unit.name}.read",
                        unit.name,
                        "pmu",
                        1,
                        vectors,
                        sram_latency,
                        rounds=plan.rounds,
                        halves=halves,
                        link_cycles=link,
                    )
                )
            for proc in group:
                chunks = max(
                    1,
                    min(
                        MAX_STEPS // max(1, plan.rounds),
                        int(proc.cycles) // max(1, plan.rounds),
                    ),
                )
                proc.steps = plan.rounds * max(1, chunks)
            if len(group) == 2:
                group[0].partner, group[1].partner = group[1], group[0]
            procs.extend(group)
            by_name[unit.name] = group
        else:
            assert isinstance(unit, Pcu)
            template = chip.compute.templates.get(unit.template)
            ii = template.initiation_interval if template else 1
            latency = template.latency_cycles if template else 0
            rate = (
                chip.compute.rate(unit.dtype)
                if unit.dtype in chip.compute.data_types
                else 1.0
            )
            if unit.template == "matmul":
                m, n, k = unit.tile  # type: ignore[misc]
                passes = -(-m // chip.compute.systolic_rows) * -(
                    -n // chip.compute.systolic_cols
                )
                cycles = plan.rounds * k * ii * passes / rate
                flops = 2.0 * m * n * k * plan.rounds
                steps, emit = min(plan.rounds, MAX_STEPS), 1
                if plan.rounds < MAX_STEPS:
                    emit = max(1, min(MAX_STEPS // plan.rounds, k))
                    steps = plan.rounds * emit
            else:
                cycles = plan.vectors * ii
                elements = max([x for x in plan.inputs if x >= 0] + plan.outputs + [0])
                flops = float(elements * stage_flops(unit.stages))
                if unit.template in ("reduce", "scan"):
                    flops += elements
                steps, emit = max(1, min(MAX_STEPS, plan.vectors)), 1
            proc = Process(
                unit.name,
                unit.name,
                "pcu",
                steps,
                cycles,
                float(latency),
                link_cycles=link,
                flops=flops,
            )
            proc.emit_chunks = emit
            procs.append(proc)
            by_name[unit.name] = [proc]
    streams: dict[int, StreamState] = {}
    for stream in section.streams:
        producer_unit = section.unit(stream.producer[0])
        producer = [
            p for p in by_name[producer_unit.name] if not p.name.endswith(".write")
        ][0]
        state = StreamState(stream.id, producer.name, [], [], [])
        total = plans[producer_unit.name].outputs[stream.producer[1]]
        producer.outs.append((stream.id, total))
        for c, (name, port) in enumerate(stream.consumers):
            unit = section.unit(name)
            group = by_name[name]
            consumer = group[0]
            if (
                isinstance(unit, Pmu)
                and unit.write is not None
                and port != 0
                and len(group) == 2
            ):
                consumer = group[
                    1
                ]  # scatter index goes with the writes; gather with reads
                if unit.write.indexed and port == 1:
                    consumer = group[0]
            need = plans[name].inputs[port]
            if need < 0:
                need = total
            consumer.ins.append((stream.id, c, need))
            fifo = unit.inputs[port].fifo_depth
            if fifo is None:
                fifo = (
                    chip.compute.scalar_fifo_depth
                    if stream.network == "scalar"
                    else chip.compute.vector_fifo_depth
                )
            width = lanes if stream.network == "vector" else 1
            p_chunk = -(-total * producer.emit_chunks // producer.steps)
            c_chunk = -(-need // consumer.steps) if consumer.steps else need
            route = unit.inputs[port].route
            hops = max(1, len(route) - 1)
            delay = hops * chip.switch.hop_latency_cycles
            # Pipeline registers, switch hops and outstanding DMA requests hold data
            # in flight beyond the FIFO: one vector (DMA: one port cycle) per cycle.
            rate = width
            if producer.tier is not None:
                rate = max(width, producer.port_rate / DTYPE_BYTES[stream.dtype])
            in_flight = math.ceil((producer.latency + delay) * rate)
            state.capacity.append(max(fifo * width, p_chunk + c_chunk) + in_flight)
            state.delay.append(delay)
            state.consumers.append(consumer.name)
            state.visible.append(0)
            state.consumed.append(0)
        streams[stream.id] = state
    return procs, streams


def simulate_section(
    section: Section,
    plans: dict[str, UnitPlan],
    chip: Chip,
    memories: dict[str, tuple[str, str]],
) -> SectionTiming:
    """Run the event model of `section`: cycles from its start to its last DMA.
    `memories` maps a memory name to its (tier, dtype)."""
    procs, streams = build_processes(section, plans, chip, memories)
    named = {p.name: p for p in procs}
    tier_free = {"hbm": 0.0, "ddr": 0.0}
    tier_rate = {t: chip.bandwidth(t) / chip.clock_hz for t in ("hbm", "ddr")}
    tier_bytes = {"hbm": 0, "ddr": 0, "sram": 0}
    heap: list[tuple[float, int, int, str, int, int, int]] = []
    counter = 0
    waiting_on: dict[int, set[str]] = {sid: set() for sid in streams}

    def push(
        time: float, kind: int, name: str, sid: int = 0, c: int = 0, amount: int = 0
    ) -> None:
        nonlocal counter
        counter += 1
        heapq.heappush(heap, (time, counter, kind, name, sid, c, amount))

    def try_start(proc: Process, now: float) -> None:
        if proc.started >= proc.steps or proc.started > proc.done or proc.free_at > now:
            return
        j = proc.started
        if proc.partner is not None:
            other = proc.partner
            rnd = j // (proc.steps // proc.rounds)
            per_round = other.steps // other.rounds
            if proc.name.endswith(".read"):
                if other.done < (rnd + 1) * per_round:
                    proc.blocked = (
                        f"waits for '{other.unit}' to write buffer round {rnd}"
                    )
                    return
            else:
                rounds_read = rnd - proc.halves + 1
                if rounds_read > 0 and other.done < rounds_read * per_round:
                    proc.blocked = (
                        f"stalls: buffer round {rounds_read - 1} is not yet read out"
                    )
                    return
        takes = []
        for sid, c, total in proc.ins:
            stream = streams[sid]
            want = proc.need(total, j)
            if stream.visible[c] < want:
                proc.blocked = (
                    f"waits for data on stream {sid} from '{stream.producer}'"
                )
                waiting_on[sid].add(proc.name)
                return
            takes.append((stream, c, want))
        gives = []
        for sid, total in proc.outs:
            stream = streams[sid]
            amount = proc.emitted(total, j) - proc.emitted(total, j - 1)
            for c, capacity in enumerate(stream.capacity):
                if stream.produced + amount - stream.consumed[c] > capacity:
                    proc.blocked = (
                        f"stalls: stream {sid} to '{stream.consumers[c]}' is full"
                    )
                    waiting_on[sid].add(proc.name)
                    return
            gives.append((stream, amount))
        output_wait = proc.blocked.startswith("stalls")
        if now > proc.free_at and output_wait:
            proc.stall += now - proc.free_at
        proc.blocked = ""
        for stream, c, want in takes:
            stream.consumed[c] = want
            for name in waiting_on[stream.id]:
                push(now, 1, name)
            waiting_on[stream.id].clear()
        duration = max(proc.cycles, proc.link_cycles) / proc.steps
        if proc.tier is not None:
            size = proc.need(proc.bytes, j) - (proc.need(proc.bytes, j - 1) if j else 0)
            start = max(now, tier_free[proc.tier])
            tier_free[proc.tier] = start + size / tier_rate[proc.tier]
            finish = max(
                now + size / proc.port_rate, tier_free[proc.tier], now + duration
            )
            tier_bytes[proc.tier] += size
        else:
            finish = now + duration
        proc.started += 1
        proc.busy += finish - now
        if proc.spans and proc.spans[-1][1] >= now - 1e-9:
            proc.spans[-1] = (proc.spans[-1][0], finish)
        else:
            proc.spans.append((now, finish))
        proc.free_at = finish
        for stream, amount in gives:
            stream.produced += amount
            for c in range(len(stream.consumers)):
                push(
                    finish + proc.latency + stream.delay[c],
                    2,
                    stream.consumers[c],
                    stream.id,
                    c,
                    stream.produced,
                )
        push(finish, 0, proc.name)
        if proc.tier is not None and not proc.outs:
            push(finish + proc.latency, 3, proc.name)  # the store lands in memory

    end = 0.0
    for proc in procs:
        push(0.0, 1, proc.name)
    while heap:
        time, _, kind, name, sid, c, amount = heapq.heappop(heap)
        end = max(end, time)
        proc = named[name]
        if kind == 0:  # a step finished: the unit is free again
            proc.done += 1
            try_start(proc, time)
            if proc.partner is not None:
                try_start(proc.partner, time)
        elif kind == 1:  # something it waited for changed
            try_start(proc, time)
        elif kind == 2:  # data arrives in a consumer's FIFO
            stream = streams[sid]
            stream.visible[c] = max(stream.visible[c], amount)
            try_start(proc, time)
    unfinished = [p for p in procs if p.done < p.steps]
    if unfinished:
        units = tuple(sorted({p.unit for p in unfinished}))
        reasons = "; ".join(
            f"'{p.name}' {p.blocked or 'never started'} (step {p.started} of {p.steps})"
            for p in unfinished
        )
        raise DeadlockError(section.name, units, reasons)
    return SectionTiming(end, procs, tier_bytes)
