"""The cost of one kernel (a fused subgraph run as one section) on a chip.

`estimate_kernel` chooses a tile per op (`ops.choose_tile`), spreads the
compute units over the ops so that the streaming pipeline is balanced (the
slowest op bounds it), and adds the off-chip traffic of the kernel's inputs
and outputs, the pipeline fill and the configuration load:

    total = max(pipeline, off-chip) + fill + config load        (cycles)

Every assumption is listed in `docs/cost-model.md`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from xdsl.ir import Operation, SSAValue

from dfc.backends.chip import Chip
from dfc.dialects.dfg.base import tensor_bytes

from .ops import (
    MULTI_PASS_SECTIONS,
    OpProfile,
    _chip_key,
    _used_dims,
    buffer_bytes,
    choose_tile,
    max_parallelism,
    split_tile,
    stream_cycles,
    systolic_loops,
    systolic_padding,
    systolic_tile,
    work_cycles,
)

PCU_CONFIG_BYTES_PER_STAGE = 16
"""Assumed configuration bytes per PCU pipeline stage (opcode, operands)."""
UNIT_CONFIG_BYTES_PER_COUNTER = 12
"""Assumed bytes per counter (start, stop, stride) of a unit's counter chain."""
UNIT_CONFIG_HEADER_BYTES = 32
"""Assumed fixed configuration bytes per unit (template, ports, routes)."""


@dataclass(frozen=True)
class OpPlan:
    """Tile, parallelism and resulting figures of one op inside a kernel."""

    tile: tuple[int, ...]
    parallelism: int
    """Compute units (memory units for `move` ops) the op is spread over."""
    cycles: float
    """Steady-state cycles of the op at this parallelism."""
    pcus: int
    pmus: int
    sram_bytes: int
    template: str


@dataclass(frozen=True)
class KernelEstimate:
    """The cost model's figures for one kernel."""

    plans: tuple[OpPlan, ...]
    """One per op, in the order given."""
    pcus: int
    pmus: int
    sram_bytes: int
    pipeline_cycles: float
    offchip_bytes: Mapping[str, int]
    """Bytes read plus written per off-chip tier (`hbm`, `ddr`)."""
    offchip_cycles: float
    fill_cycles: float
    config_cycles: float
    fits: bool
    reason: str = ""
    """Why the kernel does not fit, with numbers (empty when it fits)."""
    bottleneck: int | None = None
    """Index of the slowest op (None for an empty kernel)."""
    extra: dict[str, float] = field(default_factory=dict[str, float])
    agcus: int = 0
    """Off-chip ports (AGCUs) the lowering is expected to use; above the
    chip's count, su-partition cuts the kernel into several sections."""
    agcus_min: int = 0
    """The AGCUs at one unit per op: the fewest the kernel can run with."""
    sections: int = 1
    """Sections the lowering makes of the kernel (`lowering_segments`)."""

    @property
    def steady_cycles(self) -> float:
        return max(self.pipeline_cycles, self.offchip_cycles)

    @property
    def total_cycles(self) -> float:
        return self.steady_cycles + self.fill_cycles + self.config_cycles

    @property
    def bound(self) -> str:
        """What bounds the kernel: `config`, `compute`, `stream` (a data-movement
        or streaming-rate-bound op), or an off-chip tier name."""
        if self.config_cycles > self.steady_cycles:
            return "config"
        if self.offchip_cycles > self.pipeline_cycles:
            return max(self.offchip_bytes, key=lambda t: self.offchip_bytes[t])
        if self.bottleneck is not None:
            plan = self.plans[self.bottleneck]
            return "stream" if plan.template == "move" else "compute"
        return "compute"


def _allocate(
    work: Sequence[float],
    maxp: Sequence[int],
    budgets: Sequence[tuple[Sequence[int], int]],
    floor: float = 0.0,
) -> list[int]:
    """Parallelism per op minimizing the slowest `work[i] / p[i]` with, for
    every `(units, budget)` of `budgets`, `sum(p[i] * units[i]) <= budget`, and
    `1 <= p[i] <= maxp[i]`: bisection on the target time (`p[i] = ceil(work[i]
    / T)`). No op is made faster than `floor` (the kernel's off-chip time),
    which would only cost units and configuration."""
    if not work:
        return []
    ones = [1] * len(work)
    if any(sum(units) >= budget for units, budget in budgets):
        return ones

    def need(target: float) -> list[int]:
        return [
            min(m, max(1, math.ceil(w / target - 1e-9)))
            for w, m in zip(work, maxp, strict=True)
        ]

    def within(par: list[int]) -> bool:
        return all(
            sum(p * u for p, u in zip(par, units, strict=True)) <= budget
            for units, budget in budgets
        )

    lo = max(max(w / m for w, m in zip(work, maxp, strict=True)), floor)
    if within(need(lo)):
        return need(lo)
    hi = max(work)
    for _ in range(48):
        mid = math.sqrt(lo * hi) if lo > 0 else hi / 2
        if within(need(mid)):
            hi = mid
        else:
            lo = mid
        if hi / max(lo, 1e-12) < 1.0001:
            break
    return need(hi)


def _agcu_demand(
    profiles: Sequence[OpProfile],
) -> tuple[list[int], list[tuple[int, int]]]:
    """Off-chip ports (AGCUs) the lowering gives the kernel: per op, the AGCUs
    each of its units needs (one load per operand read from memory, one store
    per result written to memory), and the AGCUs shared by all units of all
    ops. Read from memory: an operand from outside the kernel, or from a
    reshape (an alias of its operand's memory, `lowering/base.py`); written:
    a result used outside the kernel or by a reshape. A matmul's (or conv's)
    A panels and B streams are shared by its units with the same rows or
    columns (`matmul_split` counts them); a conv's bias is loaded per unit.
    Attention streams all keys and values to each unit. The elementwise ops right after a matmul run on each of its output
    pieces (`lowering/epilogue.py`), so their loads and stores are per unit
    of the matmul. A reshape itself needs none."""
    streamed = {p.op for p in profiles if p.op.name != "dfg.reshape"}
    each = [0] * len(profiles)
    shared: list[tuple[int, int]] = []
    runs_on: dict[Operation, int] = {}
    for i, p in enumerate(profiles):
        if p.op.name == "dfg.reshape":
            continue
        if p.template == "matmul":
            runs_on[p.op] = i
        elif p.template == "map":
            for v in p.op.operands:
                owner = v.owner
                same_shape = v.type == p.op.results[0].type
                if isinstance(owner, Operation) and owner in runs_on and same_shape:
                    runs_on[p.op] = runs_on[owner]
                    break
        unit = runs_on.get(p.op, i)
        shares = p.template == "matmul" and p.op.name != "dfg.attention"
        for k, v in enumerate(p.op.operands):
            if v.owner in streamed:
                continue
            # A's panels and B's stream are shared by units with the same
            # rows / columns (`matmul_split` counts them); a convolution's
            # bias is streamed to each piece (`lowering/conv.py`).
            if shares and k <= 1:
                shared.append((i, k))
            else:
                each[unit] += 1
        for r in p.op.results:
            if any(u.operation not in streamed for u in r.uses):
                each[unit] += 1
    return each, shared


def _split_sizes(count: int, parts: int) -> set[int]:
    """The distinct range lengths `lowering/linalg.split` cuts `count` into."""
    parts = max(1, min(parts, count))
    base, extra = divmod(count, parts)
    return {base + 1, base} if extra else {base}


@dataclass(frozen=True)
class MatmulSplit:
    """How `lowering/linalg.emit_matmul` spreads a contraction over its units."""

    units: int
    """PCUs (and row panels) it makes: can differ from the parallelism asked for."""
    weight_streams: int
    """Distinct streams of the streamed operand (B): units with the same
    columns and as many rows share one."""
    panels: int
    """Distinct row panels (A): units with the same rows and as many column
    blocks share one load."""
    streamed_operand: int
    """The operand index of B (1; 0 when the lowering swaps the operands)."""
    imbalance: float
    """The slowest unit's array passes over the mean per asked unit (>= ~1):
    the op's time is its work / parallelism times this."""

    def loads(self, operand: int) -> int:
        """AGCU loads of `operand` (0 or 1) over all the units."""
        return self.weight_streams if operand == self.streamed_operand else self.panels


def matmul_split(p: OpProfile, tile: Sequence[int], par: int, chip: Chip) -> MatmulSplit:
    """Memoized `_matmul_split`: the AGCU count and the load-balance search ask
    for many parallelisms of the same op, in every group fusion prices."""
    key = ("matmul_split", tuple(tile), par, _chip_key(p, chip))
    if key not in p.memo:
        p.memo[key] = _matmul_split(p, tile, par, chip)
    return p.memo[key]  # pyright: ignore[reportReturnType]


def _matmul_split(p: OpProfile, tile: Sequence[int], par: int, chip: Chip) -> MatmulSplit:
    """The units, weight streams and load balance of a contraction run with
    parallelism `par`, as `lowering/linalg.emit_matmul` makes them: the output
    is cut into a region of whole `tm x tn` blocks and the regions of the last,
    partial rows and columns; each region gets its share of the units (at
    least one); a region's units split a row loop first (the row blocks, or
    a loop the weights do not vary along, such as a convolution's output
    rows: the longest), then the column blocks; units with the same columns
    and as many rows share one weight stream. Attention (its own lowering)
    gets `par` units, each streaming the keys and values."""
    roles = systolic_loops(p, chip)
    block = systolic_tile(p, tile, chip)
    if roles is None or block is None:
        return MatmulSplit(
            units=par, weight_streams=par, panels=par, streamed_operand=1, imbalance=1.0
        )
    m_loop, n_loop, m, n = roles.m_loop, roles.n_loop, roles.m, roles.n
    tm, tn = block
    b_used = _used_dims(p.operand_maps[roles.streamed], p.space.rank)
    batch = [
        (e, d not in b_used)
        for d, (e, k) in enumerate(zip(p.space.extents, p.space.kinds, strict=True))
        if k == "parallel" and d not in (m_loop, n_loop)
    ]
    outer = math.prod(e for e, _ in batch)

    def cuts(extent: int, size: int) -> list[tuple[int, int]]:
        out = [(extent // size, size)] if extent >= size else []
        return out + ([(1, extent % size)] if extent % size else [])

    units = streams = panels = 0
    slowest = total = 0
    for mt, rm in cuts(m, tm):
        for nt, cn in cuts(n, tn):
            share = max(1, round(par * mt * rm * nt * cn / (m * n)))
            # the longest candidate row loop; the row blocks win ties
            rows = max([e for e, free in batch if free and e > 1] + [mt])
            pi = min(share, rows)
            pj = min(max(1, share // pi), nt)
            units += pi * pj
            streams += pj * len(_split_sizes(rows, pi))
            panels += pi * len(_split_sizes(nt, pj))
            blocks = outer * mt * nt
            total += blocks
            per_row = blocks // rows // nt  # the other batch loops, whole
            slowest = max(slowest, per_row * -(-rows // pi) * -(-nt // pj))
    return MatmulSplit(
        units=units,
        weight_streams=streams,
        panels=panels,
        streamed_operand=roles.streamed,
        imbalance=slowest * par / max(total, 1),
    )


def _op_static(p: OpProfile, chip: Chip) -> tuple[tuple[int, ...], float, int, int]:
    """What does not depend on the rest of the kernel: the op's first tile, its
    work on one unit, its most units and the PMUs one unit's buffers take
    (memoized on the profile: fusion prices the same op in many groups)."""
    key = ("static", id(chip))
    cached = p.memo.get(key)
    if cached is None:
        tile = choose_tile(p, chip)
        pmus = sum(max(1, -(-b // chip.memory.bytes)) for b in buffer_bytes(p, tile))
        cached = (tile, work_cycles(p, tile, chip), max_parallelism(p, chip), pmus)
        p.memo[key] = cached
        p.memo[("chip", id(chip))] = chip  # keeps the id unique while cached
    return cached  # pyright: ignore[reportReturnType]


def lowering_segments(profiles: Sequence[OpProfile]) -> list[list[int]]:
    """The kernel's ops grouped as `convert-dfg-to-su` streams them within one
    section: an elementwise op joins the section of the matmul or elementwise
    op whose result it reads at the same shape (matmul epilogues,
    `lowering/epilogue.py`; elementwise runs, `lowering/elementwise.py`); a
    reshape is an alias of its operand's memory, in the section of its
    producer or else of its first reader; every other op starts a section of
    its own, and the values between sections go through memory. (Section
    forwarding, `lowering/forward.py`, merges a few more; they are priced as
    separate here.)"""
    index = {p.op: i for i, p in enumerate(profiles)}
    segment_of: dict[int, int] = {}
    segments: list[list[int]] = []
    pending: dict[Operation, int] = {}  # reshapes waiting for their first reader

    def producer(v: SSAValue) -> int | None:
        return index.get(v.owner) if isinstance(v.owner, Operation) else None

    for i, p in enumerate(profiles):
        joined = None
        if p.op.name == "dfg.reshape":
            j = producer(p.op.operands[0])
            if j is None or j not in segment_of:
                pending[p.op] = i
                continue
            joined = segment_of[j]
        elif p.template == "map" and p.op.results:
            for v in p.op.operands:
                j = producer(v)
                if (
                    j is not None
                    and j in segment_of
                    and profiles[j].template in ("matmul", "map")
                    and v.type == p.op.results[0].type
                ):
                    joined = segment_of[j]
                    break
        if joined is None:
            joined = len(segments)
            segments.append([])
        segments[joined].append(i)
        segment_of[i] = joined
        for v in p.op.operands:
            if isinstance(v.owner, Operation) and v.owner in pending:
                k = pending.pop(v.owner)
                segments[joined].append(k)
                segment_of[k] = joined
    for k in pending.values():
        segments.append([k])
    return [sorted(members) for members in segments]


def estimate_kernel(
    chip: Chip,
    profiles: Sequence[OpProfile],
    inputs: Sequence[tuple[int, str]] = (),
    outputs: Sequence[tuple[int, str]] = (),
    tier_of: Callable[[SSAValue], str] | None = None,
) -> KernelEstimate:
    """Estimate a kernel made of `profiles` whose boundary reads `inputs` and
    writes `outputs`, each `(bytes, tier)`; `sram` values cost no off-chip time.

    A kernel the lowering cuts into several sections (`lowering_segments`)
    costs the sum of its sections, one after the other, each with the whole
    chip: its own tiles, parallelism, configuration load and the off-chip
    traffic of what it reads and writes (values between sections in HBM; the
    kernel's own inputs and outputs in `tier_of(value)`, default HBM)."""
    segments = lowering_segments(profiles)
    if len(segments) <= 1:
        return _multi_pass(
            chip, profiles, _estimate_section(chip, profiles, inputs, outputs)
        )
    parts: list[tuple[list[int], KernelEstimate]] = []
    for members in segments:
        inside = {profiles[i].op for i in members}
        reads: list[tuple[int, str]] = []
        seen: set[SSAValue] = set()
        writes: list[tuple[int, str]] = []
        for i in members:
            op = profiles[i].op
            for v in op.operands:
                if v.owner in inside or v in seen:
                    continue
                seen.add(v)
                reads.append((tensor_bytes(v), tier_of(v) if tier_of else "hbm"))
            for r in op.results:
                if any(u.operation not in inside for u in r.uses):
                    writes.append((tensor_bytes(r), tier_of(r) if tier_of else "hbm"))
        ops = [profiles[i] for i in members]
        part = _multi_pass(chip, ops, _estimate_section(chip, ops, reads, writes))
        parts.append((members, part))
    plans: list[OpPlan | None] = [None] * len(profiles)
    for members, part in parts:
        for i, plan in zip(members, part.plans, strict=True):
            plans[i] = plan
    ordered = tuple(p for p in plans if p is not None)
    offchip: dict[str, int] = {}
    for _, part in parts:
        for tier, nbytes in part.offchip_bytes.items():
            offchip[tier] = offchip.get(tier, 0) + nbytes
    estimates = [part for _, part in parts]
    reasons = [part.reason for part in estimates if part.reason]
    return KernelEstimate(
        plans=ordered,
        pcus=max(e.pcus for e in estimates),
        pmus=max(e.pmus for e in estimates),
        sram_bytes=max(e.sram_bytes for e in estimates),
        pipeline_cycles=sum(e.steady_cycles for e in estimates),
        offchip_bytes=dict(sorted(offchip.items())),
        offchip_cycles=sum(e.offchip_cycles for e in estimates),
        fill_cycles=sum(e.fill_cycles for e in estimates),
        config_cycles=sum(e.config_cycles for e in estimates),
        fits=all(e.fits for e in estimates),
        reason="; ".join(reasons),
        bottleneck=max(range(len(ordered)), key=lambda i: ordered[i].cycles),
        agcus=max(e.agcus for e in estimates),
        agcus_min=max(e.agcus_min for e in estimates),
        sections=sum(part.sections for part in estimates),
    )


def _multi_pass(
    chip: Chip, profiles: Sequence[OpProfile], one: KernelEstimate
) -> KernelEstimate:
    """`one` (a section priced as one pass) as the sections the lowering makes
    of a row operation alone in its segment but for reshapes
    (`MULTI_PASS_SECTIONS`): each pass loads its
    configuration, fills its pipeline, streams the input from memory and runs
    the op's stream once; the last writes the result."""
    # reshapes in the segment are aliases of its memory, not work
    ops = [p for p in profiles if p.op.name != "dfg.reshape"]
    if len(ops) != 1 or ops[0].op.name not in MULTI_PASS_SECTIONS:
        return one
    p = ops[0]
    passes = MULTI_PASS_SECTIONS[p.op.name]
    read = p.operand_bytes[0] * p.operand_elements[0] if p.operand_elements else 0
    offchip = dict(one.offchip_bytes)
    if offchip:  # an input in SRAM is re-read for free
        tier = max(offchip, key=lambda t: offchip[t])
        offchip[tier] += (passes - 1) * read
    offchip_cycles = max(
        (b / chip.bandwidth(t) for t, b in offchip.items()), default=0.0
    ) * chip.clock_hz
    # each pass streams the input through its unit chain once, from memory
    stream = (
        stream_cycles(p.operand_elements[0], p.operand_bytes[0], chip)
        if p.operand_elements
        else 0.0
    )
    return dataclasses.replace(
        one,
        pipeline_cycles=passes * max(stream, one.pipeline_cycles / passes),
        offchip_bytes=offchip,
        offchip_cycles=offchip_cycles,
        fill_cycles=passes * one.fill_cycles,
        config_cycles=passes * one.config_cycles,
        sections=passes,
    )


def _estimate_section(
    chip: Chip,
    profiles: Sequence[OpProfile],
    inputs: Sequence[tuple[int, str]] = (),
    outputs: Sequence[tuple[int, str]] = (),
) -> KernelEstimate:
    """`estimate_kernel` of ops that stream in one section."""
    n_pcu, n_pmu = chip.count("pcu"), chip.count("pmu")
    static = [_op_static(p, chip) for p in profiles]
    tiles = [s[0] for s in static]
    work = [s[1] for s in static]
    maxp = [s[2] for s in static]
    pmu_per = [s[3] for s in static]
    offchip: dict[str, int] = {}
    for nbytes, tier in (*inputs, *outputs):
        if tier != "sram":
            offchip[tier] = offchip.get(tier, 0) + nbytes
    seconds = max((b / chip.bandwidth(t) for t, b in offchip.items()), default=0.0)
    seconds = max(seconds, sum(offchip.values()) / chip.offchip_port_bytes_per_second)
    offchip_cycles = seconds * chip.clock_hz
    # PCUs are shared by the compute ops; move ops run in PMUs (one each, plus
    # their buffers). Both budgets are split by the same bisection: PCUs first,
    # then PMUs with the PCU choice fixed for compute ops.
    compute = [i for i, p in enumerate(profiles) if p.template != "move"]
    # Every unit that reads or writes outside the kernel takes an AGCU, and
    # the chip has few (sn40l: 64 for 1,040 PCUs): parallelism beyond them
    # would only make su-partition cut the kernel into sections, each with
    # a small share of the units. So AGCUs bound the parallelism too.
    agcu_each, shared_operands = _agcu_demand(profiles)
    agcu_shared = len(shared_operands)
    n_agcu = chip.count("agcu")
    moves = [i for i, p in enumerate(profiles) if p.template == "move"]
    agcu_budget = n_agcu - agcu_shared - sum(agcu_each[i] for i in moves)
    par = [1] * len(profiles)
    pcu_par = _allocate(
        [work[i] for i in compute],
        [maxp[i] for i in compute],
        [([1] * len(compute), n_pcu), ([agcu_each[i] for i in compute], agcu_budget)],
        offchip_cycles,
    )
    for i, p in zip(compute, pcu_par, strict=True):
        par[i] = p
    pmu_units = [
        pmu_per[i] if profiles[i].template != "move" else max(1, pmu_per[i])
        for i in range(len(profiles))
    ]
    # Shrink compute parallelism when the PMUs it needs exceed the budget.
    while sum(par[i] * pmu_units[i] for i in range(len(profiles))) > n_pmu:
        shrinkable = [i for i in compute if par[i] > 1 and pmu_units[i] > 0]
        if not shrinkable:
            break
        i = min(shrinkable, key=lambda i: work[i] / (par[i] - 1))
        par[i] -= 1
    if moves:
        used = sum(par[i] * pmu_units[i] for i in compute)
        agcu_used = agcu_shared + sum(par[i] * agcu_each[i] for i in compute)
        move_par = _allocate(
            [work[i] for i in moves],
            [maxp[i] for i in moves],
            [
                ([pmu_units[i] for i in moves], max(n_pmu - used, 0)),
                ([agcu_each[i] for i in moves], n_agcu - agcu_used),
            ],
            offchip_cycles,
        )
        for i, p in zip(moves, move_par, strict=True):
            par[i] = p

    first_tiles = tiles
    tiles = [
        split_tile(p, t, n, chip) for p, t, n in zip(profiles, tiles, par, strict=True)
    ]

    def agcu_count() -> int:
        split = [
            matmul_split(p, t, n, chip) if p.template == "matmul" else None
            for p, t, n in zip(profiles, tiles, par, strict=True)
        ]
        shared = sum(split[i].loads(k) for i, k in shared_operands)  # pyright: ignore[reportOptionalMemberAccess]
        return shared + sum(
            (n if sp is None else sp.units) * e
            for sp, n, e in zip(split, par, agcu_each, strict=True)
        )

    # Units that split a matmul's columns each read their own weight tiles:
    # shrink the op with the most streams until the chip's AGCUs hold them
    # (not below what one unit per op needs).
    agcus = agcu_count()
    while agcus > n_agcu:
        shrinkable = [i for i in compute if par[i] > 1]
        if not shrinkable:
            break
        i = max(shrinkable, key=lambda i: (par[i] * max(agcu_each[i], 1), -i))
        par[i] = max(1, min(par[i] - 1, par[i] * n_agcu // agcus))
        tiles[i] = split_tile(profiles[i], first_tiles[i], par[i], chip)
        agcus = agcu_count()
    # A contraction's units get whole blocks, so the busiest one sets its
    # time; fewer units often get the same time (32 row blocks on 29 units or
    # on 16: two each), and the rest would only cost AGCUs and configuration.
    imbalance = [1.0] * len(profiles)
    for i in compute:
        if profiles[i].template != "matmul":
            continue
        best = matmul_split(profiles[i], tiles[i], par[i], chip).imbalance / par[i]
        for fewer in range(1, par[i]):
            split = matmul_split(profiles[i], tiles[i], fewer, chip)
            if split.imbalance / fewer <= best * (1 + 1e-9):
                par[i] = fewer
                break
        # the work was priced with the op's first tile; the units run blocks
        # of the split one
        imbalance[i] = (
            matmul_split(profiles[i], tiles[i], par[i], chip).imbalance
            * systolic_padding(profiles[i], tiles[i], chip)
            / systolic_padding(profiles[i], first_tiles[i], chip)
        )
    agcus = agcu_count()
    buffers = [buffer_bytes(p, t) for p, t in zip(profiles, tiles, strict=True)]
    plans: list[OpPlan] = []
    for i, p in enumerate(profiles):
        is_move = p.template == "move"
        plans.append(
            OpPlan(
                tile=tiles[i],
                parallelism=par[i],
                cycles=work[i] / par[i] * imbalance[i],
                pcus=0 if is_move else par[i],
                pmus=par[i] * pmu_units[i],
                sram_bytes=par[i] * sum(buffers[i]),
                template=p.template,
            )
        )
    pcus = sum(pl.pcus for pl in plans)
    pmus = sum(pl.pmus for pl in plans)
    sram = sum(pl.sram_bytes for pl in plans)
    pipeline = max((pl.cycles for pl in plans), default=0.0)
    bottleneck = (
        max(range(len(plans)), key=lambda i: plans[i].cycles) if plans else None
    )

    latency_ns = max((chip.tier(t).latency_ns for t in offchip), default=0.0)

    fill = _fill_cycles(profiles, chip) + latency_ns * 1e-9 * chip.clock_hz
    config_bytes = (
        pcus
        * (
            UNIT_CONFIG_HEADER_BYTES
            + PCU_CONFIG_BYTES_PER_STAGE * chip.compute.stages
            + UNIT_CONFIG_BYTES_PER_COUNTER * chip.compute.counters
        )
        + pmus
        * (
            UNIT_CONFIG_HEADER_BYTES
            + 2 * UNIT_CONFIG_BYTES_PER_COUNTER * chip.memory.counters
        )
        + min(agcus, n_agcu)
        * (UNIT_CONFIG_HEADER_BYTES + 2 * UNIT_CONFIG_BYTES_PER_COUNTER * 4)
    )
    config = float(chip.config_load_cycles(config_bytes)) if profiles else 0.0

    reasons: list[str] = []
    n_compute = len(compute)
    if pcus > n_pcu or n_compute > n_pcu:
        reasons.append(
            f"needs {max(pcus, n_compute)} compute units, the chip has {n_pcu}"
        )
    if pmus > n_pmu:
        reasons.append(f"needs {pmus} memory units, the chip has {n_pmu}")
    for i, bufs in enumerate(buffers):
        if bufs and max(bufs) > chip.memory.bytes and not any(t > 1 for t in tiles[i]):
            reasons.append(
                f"op #{i} needs a {max(bufs)}-byte buffer, a memory unit holds "
                f"{chip.memory.bytes}"
            )
    return KernelEstimate(
        plans=tuple(plans),
        pcus=pcus,
        pmus=pmus,
        sram_bytes=sram,
        pipeline_cycles=pipeline,
        offchip_bytes=dict(sorted(offchip.items())),
        offchip_cycles=offchip_cycles,
        fill_cycles=fill,
        config_cycles=config,
        fits=not reasons,
        reason="; ".join(reasons),
        bottleneck=bottleneck,
        agcus=agcus,
        agcus_min=agcu_shared + sum(agcu_each),
    )


def _fill_cycles(profiles: Sequence[OpProfile], chip: Chip) -> float:
    """The longest producer-to-consumer chain of template latencies in the kernel
    (a `move` op costs one switch hop)."""
    index: dict[Operation, int] = {p.op: i for i, p in enumerate(profiles)}
    depth = [0.0] * len(profiles)
    templates = chip.compute.templates
    for i, p in enumerate(profiles):  # profiles are in program order
        if p.template == "move":
            own = float(chip.switch.hop_latency_cycles + 1)
        else:
            t = templates.get(p.template) or templates.map
            own = float(t.latency_cycles)
        before = 0.0
        for producer in p.producers:
            j = index.get(producer)
            if j is not None and j < i:
                before = max(before, depth[j])
        depth[i] = before + own
    return max(depth, default=0.0)
