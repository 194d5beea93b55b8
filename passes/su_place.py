"""`su-place{chip=NAME seed=0}`: put every virtual unit of every section on a
tile of its type.

Each section is placed on its own (a section is one configuration of the whole
chip). The objective is the bandwidth-weighted wire length of the section's
streams, each producer -> consumer pair weighted by the stream's bytes
(normalised) plus one unit per stream (every hop of a stream takes a link slot,
whatever its bandwidth), times a congestion factor: the estimated link demand
(RUDY: each pair's hops spread over its bounding box) against the links'
capacity (`*_streams_per_link`), refreshed once per temperature.

The optimiser is simulated annealing with batches of moves evaluated at once in
numpy (a move sends a unit to a random tile of its type within a window, swapping
with the unit there), seeded (`seed` and the section's structure, never its
name or the process's hash salt) and deterministic: the same input and seed
give the same placement. Structurally identical sections (same unit kinds in
order, same streams and bytes, same fixed tiles: the repeated layers of a
transformer or of a ResNet stage) are annealed once per module and the
placement reused. Units that already have `at` stay where they are, a
PMU retained from the previous section stays on its tile, and AGCUs go on the
edge tiles that hold AGCUs.

```mlir
// dfc-opt prog.mlir -p 'su-place{chip=tiny seed=0}'
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = ..., map = ...} : () -> !su.stream<vector, f32>
  %m = su.pcu @p0 "map" (%x) {counters = ..., ...} : (...) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%m) {counters = ..., map = ...} : (...) -> ()
}
// ->
  %x = su.agcu @a0 load @x {at = array<i64: 2, 0>, ...}
  %m = su.pcu @p0 "map" (%x) {at = array<i64: 2, 1>, ...}
  su.agcu @a1 store @y (%m) {at = array<i64: 2, 3>, ...}
```

A section with more units of a type than the chip has tiles of it is an error
naming the type and both counts (run su-partition first).
"""

# No `from __future__ import annotations`: xDSL reads option types from fields.
import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from xdsl.context import Context
from xdsl.dialects import builtin
from xdsl.dialects.builtin import DenseArrayBase, StringAttr, i64
from xdsl.passes import ModulePass

from dfc.backends.chip import Chip, ChipModelError, load_chip
from dfc.dialects.diagnostics import DfcDiagnosticError
from dfc.dialects.su import (
    AgcuOp,
    PcuOp,
    PmuOp,
    SectionOp,
    StreamType,
    UnitOp,
    sections,
    trip_count,
)
from dfc.dialects.su.chip_checks import CHIP_ATTR, FINGERPRINT_ATTR, module_chip
from dfc.dialects.su.types import element_bytes

Coord = tuple[int, int]

# ---------------------------------------------------------------------------
# Shared by su-partition, su-place and su-route
# ---------------------------------------------------------------------------


def resolve_chip(module: builtin.ModuleOp, option: str, pass_name: str) -> Chip:
    """The chip to target: the module's `su.chip`, checked against the pass's
    `chip` option when both are given; a module naming no chip gets the option's
    (and its fingerprint)."""
    named, problem = module_chip(module)
    if problem is not None:
        raise DfcDiagnosticError(module, f"{pass_name}: {problem}")
    wanted: Chip | None = None
    if option:
        try:
            wanted = load_chip(option)
        except ChipModelError as error:
            raise DfcDiagnosticError(module, f"{pass_name}: {error}") from None
    if named is None and wanted is None:
        raise DfcDiagnosticError(
            module,
            f"{pass_name}: the module names no chip (`{CHIP_ATTR}`) and the pass "
            "was given none (chip=NAME)",
        )
    if named is not None and wanted is not None:
        if named.fingerprint != wanted.fingerprint:
            raise DfcDiagnosticError(
                module,
                f"{pass_name}: the module targets chip '{named.name}' but the pass "
                f"was asked for '{wanted.name}' (chip={option})",
            )
        return named
    if named is not None:
        return named
    assert wanted is not None
    module.attributes[CHIP_ATTR] = StringAttr(option)
    module.attributes[FINGERPRINT_ATTR] = StringAttr(wanted.short_fingerprint)
    return wanted


def set_coordinate(unit: UnitOp, at: Coord) -> None:
    unit.attributes["at"] = DenseArrayBase.from_list(i64, list(at))


def _space_elements(chain) -> int:  # type: ignore[no-untyped-def]
    """Elements of a counter chain's space (outer trips x innermost extent)."""
    if not chain:
        return 1
    return math.prod(trip_count(c) for c in chain[:-1]) * (chain[-1][1] - chain[-1][0])


def stream_elements(unit: UnitOp) -> int:
    """Elements one output stream of `unit` carries (the producer's element
    space: outer trip counts times the innermost extent; reductions emit one
    element per non-reduced iteration)."""
    if isinstance(unit, PcuOp):
        chain = unit.counter_chain()
        tile = unit.tile_shape()
        if tile is not None:
            tiles = math.prod(trip_count(c) for c in chain[:-1]) if chain else 1
            return max(1, tiles * tile[0] * tile[1])
    elif isinstance(unit, PmuOp):
        chain = unit.counter_chain("read") if unit.read is not None else []
        if chain and unit.write is not None and unit.operands:
            # A written PMU reads its buffer once per write round (docs/simulator.md):
            # rounds = the write stream's length / the write space.
            write_space = _space_elements(unit.counter_chain("write"))
            producer = unit.operands[0].owner
            if isinstance(producer, UnitOp) and write_space > 0:
                rounds = max(1, stream_elements(producer) // write_space)
                return max(1, rounds * _space_elements(chain))
    elif isinstance(unit, AgcuOp):
        chain = unit.counter_chain()
    else:
        chain = []
    if not chain:
        return 1
    sizes = [trip_count(c) for c in chain[:-1]] + [chain[-1][1] - chain[-1][0]]
    if isinstance(unit, PcuOp) and unit.template_name == "reduce":
        for index in unit.reduce_counter_indices():
            if 0 <= index < len(sizes):
                sizes[index] = 1
        if unit.reduces_lanes():
            sizes[-1] = -(-sizes[-1] // max(1, chain[-1][2]))
    return max(1, math.prod(sizes))


def stream_bytes(unit: UnitOp, index: int) -> int:
    value = unit.results[index]
    assert isinstance(value.type, StreamType)
    size = (
        element_bytes(value.type.element_type)
        if value.type.network_name != "control"
        else 1
    )
    return stream_elements(unit) * max(1, size)


@dataclass
class Net:
    """One stream: producer index, consumer (unit index, port) pairs, network,
    bytes."""

    value_index: int
    producer: int
    consumers: list[tuple[int, int]]
    network: str
    bytes: int
    label: str


def section_nets(units: Sequence[UnitOp]) -> list[Net]:
    index = {unit: i for i, unit in enumerate(units)}
    nets: list[Net] = []
    for p, unit in enumerate(units):
        for r, value in enumerate(unit.results):
            assert isinstance(value.type, StreamType)
            consumers = sorted(
                (index[use.operation], use.index)
                for use in value.uses
                if isinstance(use.operation, UnitOp) and use.operation in index
            )
            label = f"@{unit.symbol}" + (
                f" output {r}" if len(unit.results) > 1 else ""
            )
            nets.append(
                Net(
                    len(nets),
                    p,
                    consumers,
                    value.type.network_name,
                    stream_bytes(unit, r),
                    label,
                )
            )
    return nets


def retained_from_previous(section: SectionOp) -> dict[str, SectionOp]:
    """PMU names the previous section retains into this one."""
    previous: SectionOp | None = None
    op = section.prev_op
    while op is not None and not isinstance(op, SectionOp):
        op = op.prev_op
    previous = op if isinstance(op, SectionOp) else None
    if previous is None:
        return {}
    return {name: previous for name in previous.retained()}


# ---------------------------------------------------------------------------
# The placer
# ---------------------------------------------------------------------------


@dataclass
class PlaceResult:
    coords: dict[UnitOp, Coord]
    wirelength: float
    """Sum over producer -> consumer pairs of stream bytes x Manhattan hops."""
    hops: int
    """Sum over producer -> consumer pairs of Manhattan hops."""
    temperatures: int = 0
    moves: int = 0
    reused: bool = False
    """The placement of an earlier, structurally identical section was reused."""


@dataclass
class _Problem:
    chip: Chip
    kinds: list[str]
    fixed: np.ndarray
    pos: np.ndarray  # (n, 2) int, -1 when unplaced
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    nbytes: np.ndarray
    net_of_edge: np.ndarray
    network_of_edge: list[str]
    slots: dict[str, np.ndarray] = field(default_factory=lambda: {})


def place_section(
    section: SectionOp,
    chip: Chip,
    seed: int = 0,
    *,
    fixed: Mapping[UnitOp, Coord] | None = None,
    penalty: np.ndarray | None = None,
    effort: float = 1.0,
    memo: dict[bytes, np.ndarray] | None = None,
) -> PlaceResult:
    """Place every unit of `section` without `at` (or all units not in `fixed`
    when `fixed` is given). `penalty` (rows x cols) adds congestion where a
    router found over-used links. `memo` maps a section's structural
    signature to the placement found for it: a structurally identical section
    (same unit kinds in the same order, same streams and bytes, same fixed
    tiles) reuses it instead of annealing again. Raises DfcDiagnosticError
    when the section does not fit."""
    units = section.units()
    n = len(units)
    kinds = [u.UNIT_KIND for u in units]
    pos = np.full((n, 2), -1, dtype=np.int64)
    is_fixed = np.zeros(n, dtype=bool)
    if fixed is None:
        fixed = {u: at for u in units if (at := u.coordinate()) is not None}
        previous = retained_from_previous(section)
        for u in units:
            prev = previous.get(u.symbol)
            if prev is not None and u not in fixed:
                there = prev.unit(u.symbol)
                if there is not None and (at := there.coordinate()) is not None:
                    fixed[u] = at
        following = section.next_section()
        for name in section.retained() if following is not None else []:
            here, there = section.unit(name), following.unit(name)
            at = there.coordinate() if there is not None else None
            if here is not None and here not in fixed and at is not None:
                fixed[here] = at
    for i, u in enumerate(units):
        if u in fixed:
            at = fixed[u]
            if not chip.contains(at) or chip.unit_at(at) != u.UNIT_KIND:
                raise DfcDiagnosticError(
                    u,
                    f"su-place: {u.label} is fixed at ({at[0]}, {at[1]}), which does "
                    f"not hold a {u.UNIT_KIND} on '{chip.name}'",
                )
            pos[i] = at
            is_fixed[i] = True
    counts = {k: kinds.count(k) for k in ("pcu", "pmu", "agcu")}
    for kind, count in counts.items():
        have = chip.count(kind)
        if count > have:
            raise DfcDiagnosticError(
                section,
                f"su-place: section @{section.symbol} needs {count} {kind}s but "
                f"'{chip.name}' has {have} (run su-partition{{chip={chip.name}}} first)",
            )
    taken: dict[Coord, UnitOp] = {}
    for i in np.flatnonzero(is_fixed):
        at = (int(pos[i, 0]), int(pos[i, 1]))
        if at in taken:
            raise DfcDiagnosticError(
                units[i],
                f"su-place: {units[i].label} is fixed at ({at[0]}, {at[1]}), already "
                f"taken by {taken[at].label}",
            )
        taken[at] = units[i]
    nets = section_nets(units)
    src, dst, nbytes, net_ids, nets_net = [], [], [], [], []
    for net in nets:
        for c, _port in dict.fromkeys((c, 0) for c, _ in net.consumers):
            if c == net.producer:
                continue
            src.append(net.producer)
            dst.append(c)
            nbytes.append(net.bytes)
            net_ids.append(net.value_index)
            nets_net.append(net.network)
    nb = np.asarray(nbytes, dtype=np.float64)
    mean = float(nb.mean()) if len(nb) else 1.0
    # Half bandwidth (bytes moved), half link slots (one per stream and hop).
    weight = 0.5 * nb / max(mean, 1.0) + 0.5
    problem = _Problem(
        chip,
        kinds,
        is_fixed,
        pos,
        np.asarray(src, dtype=np.int64),
        np.asarray(dst, dtype=np.int64),
        weight,
        nb,
        np.asarray(net_ids, dtype=np.int64),
        nets_net,
    )
    problem.slots.update(_chip_tables(chip).slots)
    signature = _signature(problem, seed, effort)
    # Seeded by the structure, not the name: the memo is then a pure cache (a
    # section placed alone gets the placement it would reuse).
    digest = hashlib.blake2b(signature, digest_size=8).digest()
    rng = np.random.default_rng([seed, int.from_bytes(digest, "little")])
    key = signature if penalty is None else None
    temps = moves = 0
    reused = memo is not None and key is not None and key in memo
    if reused:
        pos[:] = memo[key]  # type: ignore[index]
    else:
        _initial_placement(problem, units)
        temps, moves = _anneal(problem, rng, penalty, effort)
        if memo is not None and key is not None:
            memo[key] = pos.copy()
    coords = {u: (int(pos[i, 0]), int(pos[i, 1])) for i, u in enumerate(units)}
    d = (
        np.abs(pos[problem.src] - pos[problem.dst]).sum(axis=1)
        if len(src)
        else np.zeros(0)
    )
    return PlaceResult(
        coords, float((d * nb).sum()), int(d.sum()), temps, moves, reused
    )


@dataclass(frozen=True)
class _ChipTables:
    slots: dict[str, np.ndarray]
    """Tiles of each unit kind, (count, 2)."""
    nearest: np.ndarray
    """(3, rows, cols, 2): the tile of kind k nearest to every grid position."""


_CHIP_TABLES: dict[str, _ChipTables] = {}


def _chip_tables(chip: Chip) -> _ChipTables:
    """Per-chip tables the annealer needs, built once per chip: on sn40l the
    nearest-tile table alone is a (40 x 54 x 1040) distance scan per kind."""
    tables = _CHIP_TABLES.get(chip.fingerprint)
    if tables is not None:
        return tables
    rows, cols = chip.grid.rows, chip.grid.cols
    slots = {
        kind: np.asarray(chip.units_of(kind), dtype=np.int64).reshape(-1, 2)
        for kind in _KINDS
    }
    nearest = np.zeros((len(_KINDS), rows, cols, 2), dtype=np.int64)
    grid = np.stack(np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij"), -1)
    for k, kind in enumerate(_KINDS):
        if len(slots[kind]) == 0:
            continue
        d = np.abs(grid[:, :, None, :] - slots[kind][None, None, :, :]).sum(-1)
        nearest[k] = slots[kind][np.argmin(d, axis=2)]
    for array in (nearest, *slots.values()):
        array.setflags(write=False)
    tables = _CHIP_TABLES[chip.fingerprint] = _ChipTables(slots, nearest)
    return tables


_KINDS = ("pcu", "pmu", "agcu")


def _signature(problem: _Problem, seed: int, effort: float) -> bytes:
    """What the placement of a section depends on, besides its names: unit
    kinds in order, the streams (endpoints, bytes, network), the fixed tiles,
    the chip, the seed and the effort. Equal signatures give interchangeable
    placements, so repeated layers (a transformer's blocks, a ResNet stage's
    bottlenecks) are annealed once."""
    parts = [
        problem.chip.fingerprint.encode(),
        repr((seed, effort, problem.kinds, problem.network_of_edge)).encode(),
    ]
    for array in (problem.src, problem.dst, problem.nbytes, problem.fixed):
        parts.append(np.ascontiguousarray(array).tobytes())
    parts.append(np.ascontiguousarray(problem.pos[problem.fixed]).tobytes())
    return b"\x00".join(parts)


def _initial_placement(problem: _Problem, units: Sequence[UnitOp]) -> None:
    """Greedy constructive start: units in breadth-first order from the loads,
    each on the free tile of its type nearest the mean of its placed neighbours
    (or the grid's centre)."""
    n = len(units)
    pos = problem.pos
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for s, d in zip(problem.src.tolist(), problem.dst.tolist(), strict=True):
        neighbours[s].append(d)
        neighbours[d].append(s)
    free = {k: np.ones(len(v), dtype=bool) for k, v in problem.slots.items()}
    for i in np.flatnonzero(problem.fixed):
        slots = problem.slots[problem.kinds[i]]
        hit = np.flatnonzero((slots == pos[i]).all(axis=1))
        free[problem.kinds[i]][hit] = False
    order: list[int] = []
    seen = np.zeros(n, dtype=bool)
    starts = (
        [i for i in range(n) if problem.fixed[i]]
        + [i for i, u in enumerate(units) if isinstance(u, AgcuOp) and u.is_load]
        + list(range(n))
    )
    for start in starts:
        if seen[start]:
            continue
        seen[start] = True
        queue = [start]
        while queue:
            i = queue.pop(0)
            order.append(i)
            for j in neighbours[i]:
                if not seen[j]:
                    seen[j] = True
                    queue.append(j)
    centre = np.array(
        [(problem.chip.grid.rows - 1) / 2, (problem.chip.grid.cols - 1) / 2]
    )
    for i in order:
        if problem.fixed[i]:
            continue
        placed = [j for j in neighbours[i] if pos[j, 0] >= 0]
        target = pos[placed].mean(axis=0) if placed else centre
        kind = problem.kinds[i]
        slots = problem.slots[kind]
        dist = np.abs(slots - target).sum(axis=1) + np.where(free[kind], 0.0, np.inf)
        best = int(np.argmin(dist))
        free[kind][best] = False
        pos[i] = slots[best]


def _anneal(
    problem: _Problem,
    rng: np.random.Generator,
    penalty: np.ndarray | None,
    effort: float,
) -> tuple[int, int]:
    chip = problem.chip
    rows, cols = chip.grid.rows, chip.grid.cols
    pos = problem.pos
    n = len(pos)
    movable = np.flatnonzero(~problem.fixed)
    if len(movable) == 0 or len(problem.src) == 0 or effort <= 0:
        return 0, 0
    src, dst, weight = problem.src, problem.dst, problem.weight
    e = len(src)
    # Incidence lists (CSR) for the incremental cost of a move.
    inc_edge = np.concatenate([np.arange(e), np.arange(e)])
    inc_unit = np.concatenate([src, dst])
    order = np.argsort(inc_unit, kind="stable")
    inc_edge = inc_edge[order]
    degree = np.bincount(inc_unit, minlength=n)
    start = np.concatenate([[0], np.cumsum(degree)[:-1]])
    # Tile -> unit of each kind (occupancy) and nearest tile of a kind.
    kind_id = np.array([_KINDS.index(k) for k in problem.kinds])
    occupant = np.full((3, rows, cols), -1, dtype=np.int64)
    occupant[kind_id, pos[:, 0], pos[:, 1]] = np.arange(n)
    nearest = _chip_tables(chip).nearest
    factor = np.ones(e)
    networks = sorted(set(problem.network_of_edge))
    net_mask = {
        w: np.array([x == w for x in problem.network_of_edge]) for w in networks
    }

    def refresh_congestion() -> None:
        # RUDY estimate per network: a pair's hops spread evenly over its
        # bounding box; a tile's out-links carry 4 x streams_per_link.
        lo = np.minimum(pos[src], pos[dst])
        hi = np.maximum(pos[src], pos[dst])
        hops = (hi - lo).sum(axis=1)
        area = (hi - lo + 1).prod(axis=1)
        overflow_total = np.zeros((rows, cols))
        for w in networks:
            m = net_mask[w]
            diff = np.zeros((rows + 1, cols + 1))
            dens = hops[m] / area[m]
            np.add.at(diff, (lo[m, 0], lo[m, 1]), dens)
            np.add.at(diff, (lo[m, 0], hi[m, 1] + 1), -dens)
            np.add.at(diff, (hi[m, 0] + 1, lo[m, 1]), -dens)
            np.add.at(diff, (hi[m, 0] + 1, hi[m, 1] + 1), dens)
            demand = diff.cumsum(0).cumsum(1)[:rows, :cols]
            capacity = 4.0 * chip.switch.streams_per_link(w)
            overflow_total += np.maximum(0.0, demand / capacity - 0.7)
        if penalty is not None:
            overflow_total += penalty
        prefix = np.zeros((rows + 1, cols + 1))
        prefix[1:, 1:] = overflow_total.cumsum(0).cumsum(1)
        box = (
            prefix[hi[:, 0] + 1, hi[:, 1] + 1]
            - prefix[lo[:, 0], hi[:, 1] + 1]
            - prefix[hi[:, 0] + 1, lo[:, 1]]
            + prefix[lo[:, 0], lo[:, 1]]
        )
        factor[:] = 1.0 + 2.0 * box / area

    def total_cost() -> float:
        d = np.abs(pos[src] - pos[dst]).sum(axis=1)
        return float((weight * factor * d).sum())

    refresh_congestion()
    m_count = len(movable)
    batch = int(max(4, min(256, m_count // 3)))
    # 3 x m^1.2 moves per temperature and at most 60 temperatures: measured on
    # ResNet-50's first 26 sections on sn40l, 10 x m^1.2 and 200 temperatures
    # took 3.2x longer for 0.3 % fewer hops and 2.6 % more wire length.
    moves_per_temp = int(max(batch, effort * 3 * m_count**1.2))
    rlim = float(max(rows, cols))
    # Initial temperature: a tenth of the spread of the first moves' costs. VPR
    # starts at 20x the spread from a random placement; from the constructive
    # start that melts a good placement (measured: 4x10 chains 120 -> 225
    # hops at 2x, 120 -> 103 at 0.1x; 16x25: 1977 -> 2433 vs -> 1571).
    temperature: float | None = None
    temps = 0
    moves = 0
    max_temps = int(60 * effort)
    frozen = 0
    # Keep the best placement seen: the constructive start is often good, and
    # annealing must never hand back something worse.
    best_cost, best_pos = total_cost(), pos.copy()
    while temps < max_temps:
        accepted = 0
        tried = 0
        while tried < moves_per_temp:
            u = movable[rng.integers(0, m_count, size=batch)]
            r = max(1, int(rlim))
            off = rng.integers(-r, r + 1, size=(batch, 2))
            target = np.clip(pos[u] + off, 0, [rows - 1, cols - 1])
            tk = kind_id[u]
            tpos = nearest[tk, target[:, 0], target[:, 1]]
            v = occupant[tk, tpos[:, 0], tpos[:, 1]]
            ok = (v != u) & ~((v >= 0) & problem.fixed[np.maximum(v, 0)])
            u, v, tpos, tk = u[ok], v[ok], tpos[ok], tk[ok]
            # Moves of one batch touch distinct units and tiles.
            # (bincount: far cheaper than np.unique / np.isin per batch).
            touched = np.bincount(np.concatenate([u, v[v >= 0]]), minlength=n)
            tile_key = tk * rows * cols + tpos[:, 0] * cols + tpos[:, 1]
            src_key = tk * rows * cols + pos[u, 0] * cols + pos[u, 1]
            keyed = np.bincount(
                np.concatenate([tile_key, src_key]), minlength=3 * rows * cols
            )
            keep = (
                (touched[u] == 1)
                & ((v < 0) | (touched[np.maximum(v, 0)] == 1))
                & (keyed[tile_key] == 1)
                & (keyed[src_key] == 1)
            )
            u, v, tpos = u[keep], v[keep], tpos[keep]
            k = len(u)
            tried += batch
            if k == 0:
                continue
            delta = _move_deltas(
                u, v, tpos, pos, src, dst, weight * factor, inc_edge, start, degree
            )
            if temperature is None:
                temperature = float(np.std(delta)) * 0.1 + 1e-9
            accept = (delta <= 0) | (
                rng.random(k) < np.exp(-np.maximum(delta, 0) / temperature)
            )
            ua, va, ta = u[accept], v[accept], tpos[accept]
            if len(ua):
                old = pos[ua].copy()
                ka = kind_id[ua]
                occupant[ka, old[:, 0], old[:, 1]] = -1
                has_v = va >= 0
                pos[va[has_v]] = old[has_v]
                occupant[ka[has_v], old[has_v, 0], old[has_v, 1]] = va[has_v]
                pos[ua] = ta
                occupant[ka, ta[:, 0], ta[:, 1]] = ua
            accepted += int(accept.sum())
            moves += k
        temps += 1
        rate = accepted / max(1, moves_per_temp)
        # Frozen: almost nothing accepted at the smallest window for a while.
        frozen = frozen + 1 if rate < 0.002 and rlim <= 1.0 else 0
        if frozen >= 3:
            break
        # VPR's schedule: cool fast when most moves are accepted or rejected.
        if rate > 0.96:
            alpha = 0.5
        elif rate > 0.8:
            alpha = 0.9
        elif rate > 0.15:
            alpha = 0.95
        else:
            alpha = 0.8
        rlim = min(max(rows, cols), max(1.0, rlim * (1 - 0.44 + rate)))
        refresh_congestion()
        cost = total_cost()
        if cost < best_cost:
            best_cost, best_pos = cost, pos.copy()
        if temperature is None:
            break
        temperature *= alpha
        # Stop when a move of one hop on an average pair is far above T.
        if temperature < 0.005 * cost / max(e, 1) and rlim <= 1.0:
            break
    pos[:] = best_pos
    return temps, moves


def _move_deltas(
    u: np.ndarray,
    v: np.ndarray,
    tpos: np.ndarray,
    pos: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    weight: np.ndarray,
    inc_edge: np.ndarray,
    start: np.ndarray,
    degree: np.ndarray,
) -> np.ndarray:
    """Cost change of each move (u to tpos, v — if any — to u's tile)."""
    k = len(u)
    movers = np.concatenate([u, v])
    move_of = np.concatenate([np.arange(k), np.arange(k)])
    valid = movers >= 0
    movers, move_of = movers[valid], move_of[valid]
    lengths = degree[movers]
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(k)
    rep_move = np.repeat(move_of, lengths)
    rep_unit = np.repeat(movers, lengths)
    offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    edges = inc_edge[np.repeat(start[movers], lengths) + offsets]
    a, b = src[edges], dst[edges]
    # An edge between u and v appears twice: count it once (from u's side).
    other = np.where(a == rep_unit, b, a)
    twice = (rep_unit == v[rep_move]) & (other == u[rep_move])
    mu, mv, mt = u[rep_move], v[rep_move], tpos[rep_move]

    def new_pos(x: np.ndarray) -> np.ndarray:
        p = pos[x].copy()
        is_u = x == mu
        is_v = (x == mv) & (mv >= 0)
        p[is_u] = mt[is_u]
        p[is_v] = pos[mu[is_v]]
        return p

    old = np.abs(pos[a] - pos[b]).sum(axis=1)
    new = np.abs(new_pos(a) - new_pos(b)).sum(axis=1)
    contrib = np.where(twice, 0.0, weight[edges] * (new - old))
    return np.bincount(rep_move, weights=contrib, minlength=k)


def place_module(
    module: builtin.ModuleOp, chip: Chip, seed: int = 0
) -> dict[str, PlaceResult]:
    """Place every section of `module` in order (so retained PMUs follow their
    first placement) and write `at` on every unit."""
    results: dict[str, PlaceResult] = {}
    memo: dict[bytes, np.ndarray] = {}
    for section in sections(module):
        result = place_section(section, chip, seed, memo=memo)
        for unit, at in result.coords.items():
            if unit.coordinate() != at:
                set_coordinate(unit, at)
        results[section.symbol] = result
    _check_retained_forward(module)
    return results


def _check_retained_forward(module: builtin.ModuleOp) -> None:
    for section in sections(module):
        following = section.next_section()
        if following is None:
            continue
        for name in section.retained():
            here, there = section.unit(name), following.unit(name)
            if here is None or there is None:
                continue
            if (
                here.coordinate() != there.coordinate()
                and there.coordinate() is not None
            ):
                # The next section fixed this PMU itself: follow it (we place in
                # order, so this only happens with a user-placed next section).
                raise DfcDiagnosticError(
                    here,
                    f"su-place: section @{section.symbol} retains @{name}, but "
                    f"@{following.symbol} fixes it on another tile",
                )


@dataclass(frozen=True)
class SuPlacePass(ModulePass):
    """Place every virtual unit on a tile of its type (simulated annealing over
    bandwidth-weighted wire length and estimated congestion; seeded)."""

    name = "su-place"

    chip: str = ""
    """The target chip (preset or TOML path); default: the module's `su.chip`."""
    seed: int = 0
    """Seed of the annealer: same input and seed give the same placement."""

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        chip = resolve_chip(op, self.chip, self.name)
        place_module(op, chip, self.seed)
