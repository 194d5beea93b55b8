"""`su-partition{chip=NAME}`: split sections that do not fit the chip into
consecutive sections (temporal partitioning).

A section fits when its PCUs, PMUs and AGCUs are within the chip's counts.
Otherwise its units are ordered topologically over the strongly connected
components of the stream graph (a cycle, and a unit pair joined by a control
stream, always stays in one section), and a dynamic program over that order
chooses where to cut: each piece must fit — the AGCUs of the streams it cuts
count against the AGCU budget — and the cost of a cut is what the cost model
charges for it: one more section's configuration load plus the cut streams'
bytes stored to and loaded back from HBM; among equal costs, balanced pieces
win. A cut stream becomes `su.agcu store` -> a new scratch `su.memory` (HBM,
after the tier's existing regions) -> `su.agcu load` in every later piece that
reads it. `reads`/`writes` follow the AGCUs.

When no split fits the AGCUs (tiny has 2: a PCU with two loaded inputs and a
stored output needs 3 wherever the cut goes), cut streams small enough for one
PMU may instead go to the next section through a retained PMU (written and
retained by the producing section, read under the same name by the next one),
chosen by a second dynamic program over pairs of cuts; a load can so end up
alone in a section that fills a retained PMU for the next. When even that does
not help, the error names the section, what it needs and the chip's limits.

```mlir
// tiny has 4 PCUs: a chain of 6 map PCUs becomes two sections
su.section @s0 {reads = [@x], writes = [@y]} { load, p0 ... p5, store }
// ->
su.memory @s0_cut0 {tier = "hbm", offset = ..., type = tensor<64xf32>, role = "scratch"}
su.section @s0_0 {reads = [@x], writes = [@s0_cut0]} { load, p0 .. p3, store @s0_cut0 }
su.section @s0_1 {reads = [@s0_cut0], writes = [@y]} { load @s0_cut0, p4, p5, store }
```
"""

# No `from __future__ import annotations`: xDSL reads option types from fields.
import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import networkx as nx
from xdsl.context import Context
from xdsl.dialects import builtin
from xdsl.dialects.builtin import StringAttr, TensorType
from xdsl.ir import Block, Region, SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.passes import ModulePass

from dfc.backends.chip import Chip
from dfc.dialects.diagnostics import DfcDiagnosticError
from dfc.dialects.su import (
    AgcuOp,
    AgenAttr,
    MemoryOp,
    PcuOp,
    PmuOp,
    SectionOp,
    StreamType,
    UnitOp,
    memories,
    sections,
)
from dfc.dialects.su.types import element_bytes

from .su_place import resolve_chip, retained_from_previous, stream_bytes

KINDS = ("pcu", "pmu", "agcu")


@dataclass
class _Stream:
    value: SSAValue
    producer: int
    consumers: list[int]
    bytes: int
    network: str


@dataclass
class _Plan:
    """The pieces (lists of unit indices, in order) and the loads turned into
    retained PMUs."""

    pieces: list[list[int]]
    cost: float = 0.0
    kept: set[int] = field(default_factory=lambda: set())
    """Cut streams carried to the next piece in a retained PMU, not HBM."""


class _Infeasible(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def section_fits(section: SectionOp, chip: Chip) -> bool:
    counts = dict.fromkeys(KINDS, 0)
    for unit in section.units():
        counts[unit.UNIT_KIND] += 1
    return all(counts[k] <= chip.count(k) for k in KINDS)


def partition_module(module: builtin.ModuleOp, chip: Chip) -> dict[str, list[str]]:
    """Split every section that does not fit; returns old name -> new names."""
    done: dict[str, list[str]] = {}
    for section in list(sections(module)):
        if section_fits(section, chip):
            continue
        done[section.symbol] = _split(module, section, chip)
    return done


def _split(module: builtin.ModuleOp, section: SectionOp, chip: Chip) -> list[str]:
    units = section.units()
    index = {u: i for i, u in enumerate(units)}
    streams: list[_Stream] = []
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(range(len(units)))
    for p, unit in enumerate(units):
        for r, value in enumerate(unit.results):
            assert isinstance(value.type, StreamType)
            consumers = sorted(
                {
                    index[use.operation]
                    for use in value.uses
                    if isinstance(use.operation, UnitOp)
                }
            )
            streams.append(
                _Stream(
                    value, p, consumers, stream_bytes(unit, r), value.type.network_name
                )
            )
            for c in consumers:
                graph.add_edge(p, c)
                if value.type.network_name == "control":
                    # Control tokens cannot go through memory: keep both ends
                    # in one piece.
                    graph.add_edge(c, p)
    comps = sorted(
        (sorted(c) for c in nx.strongly_connected_components(graph)), key=lambda c: c[0]
    )
    comp_of = [0] * len(units)
    for k, comp in enumerate(comps):
        for u in comp:
            comp_of[u] = k
    # Pins: PMUs retained from the previous section go in the first piece, PMUs
    # this section retains into the next in the last one.
    first_names = set(retained_from_previous(section))
    last_names = set(section.retained())
    rank = [1] * len(comps)
    for k, comp in enumerate(comps):
        names = {units[u].symbol for u in comp}
        if names & first_names:
            rank[k] = 0
        if names & last_names:
            rank[k] = 2
    order = _topological(comps, comp_of, graph, rank)
    plan: _Plan | None = None
    try:
        plan = _plan(
            units,
            streams,
            comps,
            comp_of,
            order,
            rank,
            chip,
            section,
        )
    except _Infeasible as error:
        if "AGCUs" in error.message:
            plan = _plan_kept(units, streams, comps, comp_of, order, rank, chip)
        if plan is None:
            message = error.message
            if "AGCUs" in message:
                message += (
                    ", also when small cut streams go to the next section in "
                    "retained PMUs"
                )
            raise DfcDiagnosticError(section, f"su-partition: {message}") from None
    return _rewrite(module, section, chip, units, streams, plan)


def _topological(
    comps: list[list[int]], comp_of: list[int], graph: nx.DiGraph, rank: list[int]
) -> list[int]:
    succ: list[set[int]] = [set() for _ in comps]
    indeg = [0] * len(comps)
    for a, b in graph.edges():
        ca, cb = comp_of[a], comp_of[b]
        if ca != cb and cb not in succ[ca]:
            succ[ca].add(cb)
            indeg[cb] += 1
    ready = [(rank[k], comps[k][0], k) for k in range(len(comps)) if indeg[k] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        _r, _first, k = heapq.heappop(ready)
        order.append(k)
        for nxt in sorted(succ[k]):
            indeg[nxt] -= 1
            if indeg[nxt] == 0:
                heapq.heappush(ready, (rank[nxt], comps[nxt][0], nxt))
    return order


def _plan(
    units: list[UnitOp],
    streams: list[_Stream],
    comps: list[list[int]],
    comp_of: list[int],
    order: list[int],
    rank: list[int],
    chip: Chip,
    section: SectionOp,
) -> _Plan:
    """Dynamic program over cut positions of `order` (see the module doc)."""
    limit = {k: chip.count(k) for k in KINDS}
    m = len(order)
    kind_of = [u.UNIT_KIND for u in units]
    for k in order:
        need = dict.fromkeys(KINDS, 0)
        for u in comps[k]:
            need[kind_of[u]] += 1
        for kind in ("pcu", "pmu"):
            if need[kind] > limit[kind]:
                names = ", ".join(f"@{units[u].symbol}" for u in comps[k][:6])
                raise _Infeasible(
                    f"section @{section.symbol} has a cycle of units ({names}"
                    f"{', ...' if len(comps[k]) > 6 else ''}) that needs "
                    f"{need[kind]} {kind}s but '{chip.name}' has {limit[kind]}; a "
                    "cycle cannot be split across sections"
                )
    produced: list[list[int]] = [[] for _ in units]
    consumed: list[list[int]] = [[] for _ in units]
    n_consumer_comps = []
    for s, stream in enumerate(streams):
        produced[stream.producer].append(s)
        for c in stream.consumers:
            consumed[c].append(s)
        n_consumer_comps.append(len({comp_of[c] for c in stream.consumers}))
    hbm = chip.bandwidth("hbm")
    total = {
        k: max(1, sum(1 for u in range(len(units)) if kind_of[u] == k)) for k in KINDS
    }
    # Candidate cut positions: all, or an even subset for very long orders.
    step = max(1, math.ceil(m / 400))
    positions = sorted(set(range(0, m, step)) | {m})
    best = {0: 0.0}
    back: dict[int, int] = {}
    worst_agcu = (0, 0, 0, -1)
    for i in positions[:-1]:
        if i not in best:
            continue
        prod_in = [False] * len(streams)
        cons_in = [0] * len(streams)
        seen_comp: list[set[int]] = [set() for _ in streams]
        status = [0] * len(streams)  # 1 stored (out), 2 loaded (in)
        n_io = [0, 0, 0]
        io_bytes = 0
        counts = dict.fromkeys(KINDS, 0)
        pinned_first = False
        for j in range(i + 1, m + 1):
            k = order[j - 1]
            for u in comps[k]:
                counts[kind_of[u]] += 1
            if rank[k] == 0:
                pinned_first = True
            if counts["pcu"] > limit["pcu"] or counts["pmu"] > limit["pmu"]:
                break
            touched: set[int] = set()
            for u in comps[k]:
                for s in produced[u]:
                    prod_in[s] = True
                    touched.add(s)
                for s in consumed[u]:
                    if k not in seen_comp[s]:
                        seen_comp[s].add(k)
                        cons_in[s] += 1
                    touched.add(s)
            for s in touched:
                new = 0
                if prod_in[s] and cons_in[s] < n_consumer_comps[s]:
                    new = 1
                elif not prod_in[s] and cons_in[s] > 0:
                    new = 2
                if new != status[s]:
                    n_io[status[s]] -= 1
                    n_io[new] += 1
                    io_bytes += streams[s].bytes * ((new > 0) - (status[s] > 0))
                    status[s] = new
            if j not in positions:
                continue
            agcus = counts["agcu"] + n_io[1] + n_io[2]
            if agcus > limit["agcu"]:
                if agcus > worst_agcu[0] and j == i + 1:
                    worst_agcu = (agcus, counts["agcu"], n_io[1] + n_io[2], k)
                continue
            if pinned_first and i != 0:
                continue
            if any(rank[order[q]] == 2 for q in range(i, j)) and j != m:
                continue
            fill = sum((counts[x] / total[x]) ** 2 for x in KINDS)
            # One configuration load: 512 bytes plus 64 per unit (an assumed
            # size of the order the cost model uses).
            config_s = chip.seconds(
                chip.config_load_cycles(512 + 64 * sum(counts.values()))
            )
            cost = best[i] + config_s * (1 + 0.01 * fill) + io_bytes / hbm
            if j not in best or cost < best[j]:
                best[j] = cost
                back[j] = i
    if m not in best:
        need, own, cut, worst = worst_agcu
        detail = ""
        if need:
            members = ", ".join(f"@{units[u].symbol}" for u in comps[worst][:6])
            detail = (
                f" ({members} alone needs {need} AGCUs: {own} of its own and {cut} "
                "for the streams it cuts)"
            )
        raise _Infeasible(
            f"section @{section.symbol} cannot be split to fit '{chip.name}': every "
            f"piece needs more AGCUs than the chip's {limit['agcu']}{detail}"
        )
    cuts = [m]
    while cuts[-1] != 0:
        cuts.append(back[cuts[-1]])
    cuts.reverse()
    pieces = [
        [u for k in order[a:b] for u in comps[k]]
        for a, b in zip(cuts, cuts[1:], strict=False)
    ]
    return _Plan([sorted(p) for p in pieces], best[m])


def _plan_kept(
    units: list[UnitOp],
    streams: list[_Stream],
    comps: list[list[int]],
    comp_of: list[int],
    order: list[int],
    rank: list[int],
    chip: Chip,
) -> _Plan | None:
    """Cuts where small streams may go to the next piece through a retained PMU
    (a PMU write in the producing piece, `retain`, a PMU read in the next one)
    instead of an AGCU store and load: what AGCU-starved chips need for skip
    connections. A piece's needs then depend on its neighbours, so the dynamic
    program runs over (previous cut, cut) pairs; only for short orders (pieces
    are short on such chips). None when no split exists this way either."""
    m = len(order)
    limit = {k: chip.count(k) for k in KINDS}
    where = [0] * len(comps)
    for position, k in enumerate(order):
        where[k] = position
    pos_of = [where[comp_of[u]] for u in range(len(units))]
    own: list[dict[str, int]] = []
    for k in order:
        need = dict.fromkeys(KINDS, 0)
        for u in comps[k]:
            need[units[u].UNIT_KIND] += 1
        own.append(need)
    # Longest piece from each start that its own PCUs and PMUs allow.
    reach = []
    for i in range(m):
        counts = dict.fromkeys(KINDS, 0)
        j = i
        while j < m:
            for kind in KINDS:
                counts[kind] += own[j][kind]
            if counts["pcu"] > limit["pcu"] or counts["pmu"] > limit["pmu"]:
                break
            j += 1
        reach.append(j)
    longest = max((reach[i] - i for i in range(m)), default=0)
    if longest == 0 or m * longest**3 > 300_000:
        return None
    info = []
    for s in streams:
        others = [pos_of[c] for c in s.consumers if pos_of[c] != pos_of[s.producer]]
        small = s.network != "control" and 0 < s.bytes <= chip.memory.bytes
        info.append(
            (
                pos_of[s.producer],
                min(others, default=-1),
                max(others, default=-1),
                small,
            )
        )
    hbm = chip.bandwidth("hbm")

    def piece(h: int, i: int, j: int, k: int) -> tuple[float, set[int]] | None:
        """Cost of piece [i, j) between [h, i) and [j, k), and the streams it
        keeps in retained PMUs (outgoing); None when it does not fit."""
        counts = dict.fromkeys(KINDS, 0)
        for q in range(i, j):
            for kind in KINDS:
                counts[kind] += own[q][kind]
        if any(rank[order[q]] == 0 for q in range(i, j)) and i != 0:
            return None
        if any(rank[order[q]] == 2 for q in range(i, j)) and j != m:
            return None
        kept: set[int] = set()
        io_bytes = 0
        for index, (p, first, last, small) in enumerate(info):
            if first < 0:
                continue
            if i <= p < j and last >= j:  # leaves the piece
                if small and last < k:
                    counts["pmu"] += 1
                    kept.add(index)
                else:
                    counts["agcu"] += 1
                    io_bytes += streams[index].bytes
            elif (
                p < i
                and last >= i
                and any(i <= pos_of[c] < j for c in streams[index].consumers)
            ):  # arrives in the piece
                if small and h <= p and last < j and h >= 0:
                    counts["pmu"] += 1
                else:
                    counts["agcu"] += 1
                    io_bytes += streams[index].bytes
        if any(counts[kind] > limit[kind] for kind in KINDS):
            return None
        config_s = chip.seconds(
            chip.config_load_cycles(512 + 64 * sum(counts.values()))
        )
        return config_s + io_bytes / hbm, kept

    # best[(i, j)]: cheapest split of [0, j) whose last piece is [i, j), that
    # piece checked against its next piece when the next cut is chosen.
    best: dict[
        tuple[int, int, int], tuple[float, tuple[int, int, int] | None, set[int]]
    ] = {}
    for j in range(1, reach[0] + 1):
        best[(-1, 0, j)] = (0.0, None, set())
    for j in range(1, m + 1):
        for i in range(max(0, j - longest), j):
            for h in range(max(-1, i - longest), i):
                state = best.get((h, i, j))
                if state is None:
                    continue
                if j == m:
                    continue
                for k in range(j + 1, min(m, reach[j]) + 1):
                    got = piece(h, i, j, k)
                    if got is None:
                        continue
                    cost = state[0] + got[0]
                    key = (i, j, k)
                    if key not in best or cost < best[key][0]:
                        best[key] = (cost, (h, i, j), state[2] | got[1])
    finals = []
    for (h, i, j), state in best.items():
        if j != m:
            continue
        got = piece(h, i, m, m)
        if got is None:
            continue
        finals.append((state[0] + got[0], (h, i, j), state[2] | got[1]))
    if not finals:
        return None
    finals.sort(key=lambda item: (item[0], item[1]))
    cost, key, kept = finals[0]
    cuts = [m]
    state_key: tuple[int, int, int] | None = key
    while state_key is not None:
        cuts.append(state_key[1])
        state_key = best[state_key][1]
    cuts = sorted(set(cuts))
    pieces = [
        sorted(u for k in order[a:b] for u in comps[k])
        for a, b in zip(cuts, cuts[1:], strict=False)
    ]
    return _Plan(pieces, cost, kept)


def _linear_chain(
    stream: _Stream, unit: UnitOp, chip: Chip
) -> tuple[list[int], AffineMap]:
    """Counters and map that walk the stream's elements in order into a flat
    region."""
    elements = stream.bytes // _elem_bytes(stream.value)
    if stream.network != "vector":
        return [0, elements, 1], AffineMap(1, 0, (AffineExpr.dimension(0),))
    width = chip.compute.lanes
    inner = elements
    chain = (
        unit.counter_chain()
        if isinstance(unit, PcuOp | AgcuOp)
        else (
            unit.counter_chain("read")
            if isinstance(unit, PmuOp) and unit.read is not None
            else []
        )
    )
    if chain:
        extent = chain[-1][1] - chain[-1][0]
        if extent > 0 and elements % extent == 0:
            inner = extent
            width = min(width, chain[-1][2])
    if isinstance(unit, PcuOp) and unit.reduces_lanes():
        inner = elements
    width = max(1, min(width, inner))
    outer = elements // inner
    d0, d1 = AffineExpr.dimension(0), AffineExpr.dimension(1)
    return [0, outer, 1, 0, inner, width], AffineMap(2, 0, (d0 * inner + d1,))


def _elem_bytes(value: SSAValue) -> int:
    assert isinstance(value.type, StreamType)
    return max(1, element_bytes(value.type.element_type))


def _keep_in_pmu(
    stream: _Stream,
    producer: UnitOp,
    counters: list[int],
    amap: AffineMap,
    nbytes: int,
    chip: Chip,
    here: Block,
    there: Block,
    unit_name: Callable[[str], str],
) -> None:
    """Carry a cut stream to the next piece in a PMU that this piece writes and
    retains and the next one reads (same name, same order of elements)."""
    assert isinstance(stream.value.type, StreamType)
    name = unit_name(f"{producer.symbol}_keep")
    word = chip.memory.banks * chip.memory.word_bytes
    size = -(-nbytes // word) * word
    agen = AgenAttr(counters, amap)
    dtype = stream.value.type.element_type
    here.add_op(
        PmuOp(
            name,
            [stream.value],
            None,
            bytes=size,
            banks=chip.memory.banks,
            dtype=dtype,
            write=agen,
        )
    )
    reader = PmuOp(
        name,
        [],
        stream.value.type,
        bytes=size,
        banks=chip.memory.banks,
        dtype=dtype,
        read=agen,
    )
    first = there.first_op
    if first is not None:
        there.insert_op_before(reader, first)
    else:
        there.add_op(reader)
    for use in list(stream.value.uses):
        if use.operation.parent_block() is there:
            use.operation.operands[use.index] = reader.results[0]


def _rewrite(
    module: builtin.ModuleOp,
    section: SectionOp,
    chip: Chip,
    units: list[UnitOp],
    streams: list[_Stream],
    plan: _Plan,
) -> list[str]:
    piece_of = {}
    for p, piece in enumerate(plan.pieces):
        for u in piece:
            piece_of[u] = p
    taken = {
        op.sym_name.data
        for op in module.ops
        if "sym_name" in op.attributes
        and isinstance(op.attributes["sym_name"], StringAttr)
    }

    def fresh(base: str) -> str:
        name, n = base, 0
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name)
        return name

    burst = chip.offchip.burst_bytes
    end = 0
    for memory in memories(module):
        if memory.tier.data == "hbm":
            end = max(end, memory.byte_range[1])
    last_memory: MemoryOp | None = None
    for memory in memories(module):
        last_memory = memory
    new_memories: list[MemoryOp] = []
    names = [fresh(f"{section.symbol}_{p}") for p in range(len(plan.pieces))]
    blocks = [Block() for _ in plan.pieces]
    unit_names = {u.symbol for u in units}
    kept_names: dict[int, list[str]] = {}

    def unit_name(base: str) -> str:
        name, n = base, 0
        while name in unit_names:
            n += 1
            name = f"{base}_{n}"
        unit_names.add(name)
        return name

    # Move the units, in their original order, into their pieces.
    for i, unit in enumerate(units):
        unit.detach()
        blocks[piece_of[i]].add_op(unit)
    # Cut streams: store once where produced, load once per later piece.
    for s, stream in enumerate(streams):
        p = piece_of[stream.producer]
        later = sorted({piece_of[c] for c in stream.consumers} - {p})
        if not later:
            continue
        if stream.network == "control":
            raise DfcDiagnosticError(
                section, "su-partition: internal error: a control stream was cut"
            )
        assert isinstance(stream.value.type, StreamType)
        producer = units[stream.producer]
        counters, amap = _linear_chain(stream, producer, chip)
        elements = stream.bytes // _elem_bytes(stream.value)
        nbytes = elements * _elem_bytes(stream.value)
        if s in plan.kept:
            assert later == [p + 1]
            _keep_in_pmu(
                stream,
                producer,
                counters,
                amap,
                nbytes,
                chip,
                blocks[p],
                blocks[p + 1],
                unit_name,
            )
            kept_names.setdefault(p, []).append(producer.symbol + "_keep")
            continue
        end = -(-end // burst) * burst
        mem_name = fresh(f"{section.symbol}_cut{s}")
        tensor = TensorType(stream.value.type.element_type, [elements])
        new_memories.append(MemoryOp(mem_name, "hbm", end, tensor, "scratch"))
        end += nbytes
        store = AgcuOp(
            unit_name(f"{producer.symbol}_st"),
            "store",
            mem_name,
            [stream.value],
            None,
            counters=counters,
            map=amap,
        )
        blocks[p].add_op(store)
        for q in later:
            load = AgcuOp(
                unit_name(f"{producer.symbol}_ld{q}"),
                "load",
                mem_name,
                [],
                stream.value.type,
                counters=counters,
                map=amap,
            )
            first = blocks[q].first_op
            if first is not None:
                blocks[q].insert_op_before(load, first)
            else:
                blocks[q].add_op(load)
            for use in list(stream.value.uses):
                if use.operation.parent_block() is blocks[q]:
                    use.operation.operands[use.index] = load.results[0]
    # Memories after the last existing one; sections replace the original.
    anchor = last_memory
    for memory in new_memories:
        if anchor is None:
            module.body.block.insert_op_before(memory, module.body.block.first_op)
        else:
            module.body.block.insert_op_after(memory, anchor)
        anchor = memory
    created: list[str] = []
    for p, block in enumerate(blocks):
        retain = list(kept_names.get(p, []))
        if p == len(blocks) - 1 and section.retain is not None:
            retain += section.retained()
        op = SectionOp(
            names[p],
            _names(block, load=True),
            _names(block, load=False),
            Region(block),
            retain=retain or None,
        )
        module.body.block.insert_op_before(op, section)
        created.append(names[p])
    section.detach()
    section.erase()
    return created


def _names(block: Block, load: bool) -> list[str]:
    found: list[str] = []
    for op in block.ops:
        if (
            isinstance(op, AgcuOp)
            and op.is_load == load
            and op.memory_name not in found
        ):
            found.append(op.memory_name)
    return found


@dataclass(frozen=True)
class SuPartitionPass(ModulePass):
    """Split sections that exceed the chip's unit counts into consecutive
    sections joined through HBM scratch regions (cuts chosen by a dynamic
    program over the cost model; cycles stay together)."""

    name = "su-partition"

    chip: str = ""
    """The target chip (preset or TOML path); default: the module's `su.chip`."""

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        chip = resolve_chip(op, self.chip, self.name)
        partition_module(op, chip)
