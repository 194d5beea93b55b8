"""Per-op figures of the cost model, derived from the structured-op interface only.

An op is summarised by an `OpProfile` (its iteration space, access maps, FLOPs,
element sizes and the template it runs on) and, once a tile and a parallelism
are chosen, by an `OpPlan` (cycles, compute units, memory units, SRAM bytes).
Nothing here looks at an op's type: the template follows from the loop kinds
and the access maps (see `docs/cost-model.md`, "Templates").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from xdsl.dialects.builtin import (
    BFloat16Type,
    DenseArrayBase,
    Float16Type,
    Float32Type,
    IntegerType,
    TensorType,
)
from xdsl.ir import Attribute, Operation
from xdsl.ir.affine import AffineMap

from dfc.backends.chip import Chip
from dfc.dialects.dfg.base import (
    IterationSpace,
    StructuredOpInterface,
    element_byte_size,
)
from dfc.dialects.dfg.elementwise import OPS as ELEMENTWISE_OPS

Template = Literal["matmul", "reduce", "map", "move"]

TILE_CAP_VECTORS = 8
"""A loop's first tile is at most this many vectors (`lanes` elements) long;
tiles then shrink until the buffers fit. The cap is what makes streaming ops'
SRAM independent of the length of their streamed loops."""


def chip_dtype(element: Attribute) -> str:
    """The chip-model data type an element type computes in."""
    if isinstance(element, Float32Type):
        return "f32"
    if isinstance(element, BFloat16Type | Float16Type):
        return "bf16"
    if isinstance(element, IntegerType) and element.width.data <= 8:
        return "i8"
    return "i32"


@dataclass(frozen=True)
class OpProfile:
    """What the cost model knows about one structured op, independent of tiling."""

    op: Operation
    space: IterationSpace
    operand_maps: tuple[AffineMap, ...]
    result_maps: tuple[AffineMap, ...]
    operand_bytes: tuple[int, ...]
    """Bytes of one element of each operand."""
    operand_elements: tuple[int, ...]
    result_elements: tuple[int, ...]
    result_bytes: int
    """Bytes of one element of the first result."""
    flops: int
    template: Template
    dtype: str
    buffered: tuple[bool, ...]
    """Per operand: whether it is staged in a PMU (it is re-read: its map omits a
    loop of extent > 1, or the op is two-pass)."""
    two_pass: bool
    """The result indexes a reduction loop (layer norm, softmax): the reduced
    statistic is needed before any output, so reduction loops are not tiled."""
    band: tuple[int, int, int, int] | None = None
    """From the op's `dfg.band` hint `(i, j, left, right)`: only iterations
    with `i - left <= j <= i + right` do work (a banded mask), so tiles of
    loops `i` x `j` outside the band are skipped."""
    memo: dict[tuple[object, ...], object] = field(
        default_factory=dict[tuple[object, ...], object],
        compare=False,
        hash=False,
        repr=False,
    )
    """Results of the per-op functions below (tile, work, buffers) by their
    arguments: fusion prices thousands of groups that share their ops."""

    @property
    def producers(self) -> tuple[Operation, ...]:
        """The ops defining the operands (block arguments left out)."""
        key = ("producers",)
        if key not in self.memo:
            self.memo[key] = tuple(
                v.owner for v in self.op.operands if isinstance(v.owner, Operation)
            )
        return self.memo[key]  # pyright: ignore[reportReturnType]

    @property
    def vector_loop(self) -> int | None:
        """The loop vectorized over the lanes: the innermost parallel loop."""
        for d in reversed(range(self.space.rank)):
            if self.space.kinds[d] == "parallel":
                return d
        return self.space.rank - 1 if self.space.rank else None


def profile(op: Operation) -> OpProfile:
    """The `OpProfile` of a structured dfg op."""
    assert isinstance(op, StructuredOpInterface)
    space = op.iteration_space()
    maps = op.indexing_maps()
    n_in = len(op.operands)
    operand_maps, result_maps = tuple(maps[:n_in]), tuple(maps[n_in:])
    operand_bytes = tuple(_elem_bytes(v.type) for v in op.operands)
    operand_elements = tuple(_elements(v.type) for v in op.operands)
    result_elements = tuple(_elements(r.type) for r in op.results)
    result_type = op.results[0].type if op.results else None
    result_bytes = _elem_bytes(result_type) if result_type is not None else 4
    element = (
        result_type.get_element_type()
        if isinstance(result_type, TensorType)
        else Float32Type()
    )
    reductions = {d for d, k in enumerate(space.kinds) if k == "reduction"}
    two_pass = any(
        d in reductions for m in result_maps for d in _used_dims(m, space.rank)
    )
    template = _template(op.flop_count(), space, operand_maps, reductions)
    buffered = tuple(two_pass or _omits_loop(m, space) for m in operand_maps)
    return OpProfile(
        op=op,
        space=space,
        operand_maps=operand_maps,
        result_maps=result_maps,
        operand_bytes=operand_bytes,
        operand_elements=operand_elements,
        result_elements=result_elements,
        result_bytes=result_bytes,
        flops=op.flop_count(),
        template=template,
        dtype=chip_dtype(element),
        buffered=buffered,
        two_pass=two_pass,
        band=_band(op, space),
    )


BAND_ATTR = "dfg.band"
"""Hint on a structured op, `array<i64: i, j, left, right>`: loops `i` and `j`
of its iteration space interact only for `i - left <= j <= i + right` (every
other point is masked out, e.g. sliding-window attention); the cost model
skips the tiles outside the band. Semantics stay with the op's operands."""


def _band(op: Operation, space: IterationSpace) -> tuple[int, int, int, int] | None:
    attr = op.attributes.get(BAND_ATTR)
    if not isinstance(attr, DenseArrayBase):
        return None
    values = tuple(int(v) for v in attr.get_values())
    if len(values) != 4 or not all(0 <= v < space.rank for v in values[:2]):
        return None
    i, j, left, right = values
    return (i, j, left, right)


@dataclass(frozen=True)
class SystolicRoles:
    """How the lowering puts a contraction on the systolic array."""

    m_loop: int
    """The loop on the array's rows."""
    n_loop: int
    """The loop on the array's columns."""
    m: int
    n: int
    streamed: int
    """The operand streamed to the units (B; the other's row panels are
    staged): its unused parallel loops are the rows units may split."""


def systolic_loops(p: OpProfile, chip: Chip) -> SystolicRoles | None:
    """Memoized `_systolic_loops` (the tiler, the work and the AGCU count all
    ask, for every group fusion prices)."""
    key = ("systolic", _chip_key(p, chip))
    if key not in p.memo:
        p.memo[key] = _systolic_loops(p, chip)
    return p.memo[key]  # pyright: ignore[reportReturnType]


def _systolic_loops(p: OpProfile, chip: Chip) -> SystolicRoles | None:
    """The loops a contraction puts on the systolic array's rows (M) and columns
    (N), as the lowering does (`lowering/linalg`): N is the innermost parallel
    loop the lhs (A) omits, M the innermost one the rhs (B) omits, swapped
    (C^T = B^T A^T) when `Compute.swaps_contraction` says so. A convolution
    (`lowering/conv.py`) puts its output width on M and the output channels of
    one group on N. None for other ops."""
    if p.template != "matmul" or len(p.operand_maps) < 2:
        return None
    extents = p.space.extents
    if p.op.name == "dfg.conv2d":
        groups = p.op.group_count()  # pyright: ignore[reportAttributeAccessIssue]
        return SystolicRoles(3, 1, extents[3], max(1, extents[1] // max(1, groups)), 1)
    if p.op.name == "dfg.attention":
        return None
    rank = p.space.rank
    a_used = _used_dims(p.operand_maps[0], rank)
    b_used = _used_dims(p.operand_maps[1], rank)
    parallel = [d for d, k in enumerate(p.space.kinds) if k == "parallel"]
    rows = [d for d in parallel if d not in b_used]
    cols = [d for d in parallel if d not in a_used]
    if not rows or not cols:
        return None
    m_loop, n_loop = rows[-1], cols[-1]
    m, n = extents[m_loop], extents[n_loop]
    if chip.compute.swaps_contraction(m, n):
        return SystolicRoles(n_loop, m_loop, n, m, 0)
    return SystolicRoles(m_loop, n_loop, m, n, 1)


def systolic_tile(p: OpProfile, tile: Sequence[int], chip: Chip) -> tuple[int, int] | None:
    """The `tm x tn` block of C one unit computes per pass over K: the array's
    size, or less when the op (or its tile; a convolution is not tiled) is
    smaller."""
    roles = systolic_loops(p, chip)
    if roles is None:
        return None
    m_loop, n_loop, m, n = roles.m_loop, roles.n_loop, roles.m, roles.n
    c = chip.compute
    tm, tn = min(max(1, m), c.systolic_rows), min(max(1, n), c.systolic_cols)
    if tile and p.op.name != "dfg.conv2d":
        tm, tn = max(1, min(tm, tile[m_loop])), max(1, min(tn, tile[n_loop]))
    return tm, tn


def systolic_padding(p: OpProfile, tile: Sequence[int], chip: Chip) -> float:
    """How much longer a contraction takes than its FLOPs at the array's peak
    because its blocks leave rows or columns of the systolic array idle.

    Every `tm x tn` block takes a whole pass of the `rows x cols` array over
    K (the simulator charges the same), so an M of 1 (decoding) or a 7-wide
    convolution output runs at a fraction of peak.
    """
    roles = systolic_loops(p, chip)
    block = systolic_tile(p, tile, chip)
    if roles is None or block is None:
        return 1.0
    tm, tn = block
    m, n = max(1, roles.m), max(1, roles.n)
    passes = -(-m // tm) * -(-n // tn)
    return passes * chip.compute.systolic_rows * chip.compute.systolic_cols / (m * n)


def band_fraction(p: OpProfile, tile: Sequence[int]) -> float:
    """The share of `(i, j)` tile pairs that intersect the band (1 without one)."""
    if p.band is None:
        return 1.0
    i, j, left, right = p.band
    li, lj = p.space.extents[i], p.space.extents[j]
    ti, tj = max(1, tile[i]), max(1, tile[j])
    kept = 0
    for start in range(0, li, ti):
        lo = max(0, start - left)
        hi = min(lj - 1, min(start + ti, li) - 1 + right)
        if hi >= lo:
            kept += hi // tj - lo // tj + 1
    total = -(-li // ti) * -(-lj // tj)
    return kept / total if total else 1.0


def _elem_bytes(t: Attribute) -> int:
    assert isinstance(t, TensorType)
    return element_byte_size(t.get_element_type())


def _elements(t: Attribute) -> int:
    assert isinstance(t, TensorType)
    return math.prod(t.get_shape())


def _used_dims(m: AffineMap, rank: int) -> set[int]:
    zero = [0] * rank
    symbols = [0] * m.num_symbols
    base = m.eval(zero, symbols)
    used: set[int] = set()
    for d in range(rank):
        unit = [0] * rank
        unit[d] = 1
        if m.eval(unit, symbols) != base:
            used.add(d)
    return used


def _omits_loop(m: AffineMap, space: IterationSpace) -> bool:
    used = _used_dims(m, space.rank)
    return any(e > 1 and d not in used for d, e in enumerate(space.extents))


def _template(
    flops: int,
    space: IterationSpace,
    operand_maps: Sequence[AffineMap],
    reductions: set[int],
) -> Template:
    """`move` without arithmetic; `matmul` (systolic) for a contraction: a
    reduction loop read by two operands that each omit a different parallel
    loop (operand reuse in both directions); `reduce` for other reductions;
    `map` otherwise."""
    if flops == 0:
        return "move"
    if reductions:
        parallel = [d for d, k in enumerate(space.kinds) if k == "parallel"]
        missing: list[set[int]] = []
        for m in operand_maps:
            used = _used_dims(m, space.rank)
            if used & reductions:
                missing.append({d for d in parallel if d not in used})
        for i, a in enumerate(missing):
            for b in missing[i + 1 :]:
                if a and b and (a - b) and (b - a):
                    return "matmul"
        return "reduce"
    return "map"


# ---------------------------------------------------------------------------
# Tiles
# ---------------------------------------------------------------------------


def footprint(m: AffineMap, tile: Sequence[int]) -> int:
    """Elements of the operand a tile of the iteration space touches: per result
    expression `1 + sum |coefficient_d| * (tile_d - 1)`."""
    rank = len(tile)
    symbols = [0] * m.num_symbols
    base = m.eval([0] * rank, symbols)
    extents = [1] * len(base)
    for d in range(rank):
        if tile[d] <= 1:
            continue
        unit = [0] * rank
        unit[d] = 1
        point = m.eval(unit, symbols)
        for r, (a, b) in enumerate(zip(point, base, strict=True)):
            extents[r] += abs(a - b) * (tile[d] - 1)
    return math.prod(extents)


def buffer_bytes(p: OpProfile, tile: Sequence[int]) -> list[int]:
    """Memoized `_buffer_bytes`."""
    key = ("buffers", tuple(tile))
    if key not in p.memo:
        p.memo[key] = _buffer_bytes(p, tile)
    return p.memo[key]  # pyright: ignore[reportReturnType]


def _buffer_bytes(p: OpProfile, tile: Sequence[int]) -> list[int]:
    """Double-buffered bytes of every PMU-staged operand for `tile`."""
    return [
        2 * footprint(m, tile) * nbytes
        for m, nbytes, staged in zip(
            p.operand_maps, p.operand_bytes, p.buffered, strict=True
        )
        if staged
    ]


def choose_tile(p: OpProfile, chip: Chip) -> tuple[int, ...]:
    """Memoized `_choose_tile`."""
    key = ("tile", _chip_key(p, chip))
    if key not in p.memo:
        p.memo[key] = _choose_tile(p, chip)
    return p.memo[key]  # pyright: ignore[reportReturnType]


def _choose_tile(p: OpProfile, chip: Chip) -> tuple[int, ...]:
    """A tile per loop: start at `min(extent, TILE_CAP_VECTORS * lanes)` (full
    extent for the reduction loops of a two-pass op), then halve the largest
    tiled loop (the outermost among equals, keeping the vectorized loop wide)
    until every staged operand's double buffer fits one PMU."""
    lanes = chip.compute.lanes
    cap = TILE_CAP_VECTORS * lanes
    # A loop of extent 0 (a zero-size tensor; `canonicalize` folds such ops)
    # still gets a tile of 1: tile sizes are >= 1, and the op has no work.
    tile = [
        max(1, e if (p.two_pass and k == "reduction") else min(e, cap))
        for e, k in zip(p.space.extents, p.space.kinds, strict=True)
    ]
    limit = chip.memory.bytes
    while True:
        sizes = buffer_bytes(p, tile)
        if not sizes or max(sizes) <= limit:
            return tuple(tile)
        candidates = [
            d
            for d in range(len(tile))
            if tile[d] > 1 and not (p.two_pass and p.space.kinds[d] == "reduction")
        ]
        if not candidates:
            return tuple(tile)  # cannot shrink further: reported as not fitting
        vec = p.vector_loop
        d = max(candidates, key=lambda d: (tile[d], d != vec, -d))
        tile[d] = (tile[d] + 1) // 2


def max_parallelism(p: OpProfile, chip: Chip) -> int:
    """Memoized `_max_parallelism`."""
    key = ("maxp", _chip_key(p, chip))
    if key not in p.memo:
        p.memo[key] = _max_parallelism(p, chip)
    return p.memo[key]  # pyright: ignore[reportReturnType]


REPLICATED_OPS = frozenset(
    {"dfg.matmul", "dfg.batch_matmul", "dfg.conv2d", "dfg.attention"}
    | {cls.name for cls in ELEMENTWISE_OPS}
)
"""Ops whose lowering spreads them over `par` units (`#dfg.tile`); the others
(reductions, normalizations, pools, data movement, gathers, scans) lower to
one unit chain whatever `par` says."""

MULTI_PASS_SECTIONS = {
    "dfg.softmax": 3,
    "dfg.log_softmax": 3,
    "dfg.layer_norm": 3,
    "dfg.rms_norm": 2,
}
"""Sections `lowering/normalization.py` makes of a row operation: one per pass,
each streaming the input from memory again (the row statistics go through a
small scratch memory)."""


def _max_parallelism(p: OpProfile, chip: Chip) -> int:
    """Most units the op can use: independent tiles when its parallel loops are
    cut down to one vector (the vectorized loop) or one element (the others);
    at least one (an op over a zero-size tensor runs on one unit, doing
    nothing). One for an op the lowering does not replicate."""
    if p.op.name not in REPLICATED_OPS:
        return 1
    vec = p.vector_loop
    lanes = chip.compute.lanes
    return max(
        1,
        math.prod(
            -(-e // (lanes if d == vec else 1))
            for d, (e, k) in enumerate(zip(p.space.extents, p.space.kinds, strict=True))
            if k == "parallel"
        ),
    )


def split_tile(
    p: OpProfile, tile: Sequence[int], parallelism: int, chip: Chip
) -> tuple[int, ...]:
    """Memoized `_split_tile`."""
    key = ("split", tuple(tile), parallelism, _chip_key(p, chip))
    if key not in p.memo:
        p.memo[key] = _split_tile(p, tile, parallelism, chip)
    return p.memo[key]  # pyright: ignore[reportReturnType]


_PINNED_CHIPS: dict[int, Chip] = {}
"""Chips used as memo keys, kept alive so that an `id` is never reused."""


def _chip_key(p: OpProfile, chip: Chip) -> int:
    key = id(chip)
    if key not in _PINNED_CHIPS:
        _PINNED_CHIPS[key] = chip
    return key


def _split_tile(
    p: OpProfile, tile: Sequence[int], parallelism: int, chip: Chip
) -> tuple[int, ...]:
    """The per-unit tile when the op is spread over `parallelism` units: the
    parallel loops' tiles are halved (largest first, the vectorized loop last and
    not below the lanes) until there are at least `parallelism` tiles."""
    tile = list(tile)
    vec = p.vector_loop
    lanes = chip.compute.lanes
    # A contraction's tile is not cut below the systolic array's block on the
    # loops it maps there: a smaller block still takes a whole pass (the
    # lowering spreads whole blocks over the units instead).
    floor = [lanes if d == vec else 1 for d in range(len(tile))]
    roles = systolic_loops(p, chip)
    block = systolic_tile(p, (), chip)
    if roles is not None and block is not None:
        floor[roles.m_loop] = max(floor[roles.m_loop], block[0])
        floor[roles.n_loop] = max(floor[roles.n_loop], block[1])

    def count() -> int:
        return math.prod(
            -(-e // t)
            for e, t, k in zip(p.space.extents, tile, p.space.kinds, strict=True)
            if k == "parallel"
        )

    while count() < parallelism:
        candidates = [
            d
            for d, k in enumerate(p.space.kinds)
            if k == "parallel" and tile[d] > floor[d]
        ]
        if not candidates:
            break
        d = max(candidates, key=lambda d: (d != vec, tile[d], -d))
        tile[d] = max((tile[d] + 1) // 2, floor[d])
    return tuple(tile)


def work_cycles(p: OpProfile, tile: Sequence[int], chip: Chip) -> float:
    """Memoized `_work_cycles`."""
    key = ("work", tuple(tile), _chip_key(p, chip))
    if key not in p.memo:
        p.memo[key] = _work_cycles(p, tile, chip)
    return p.memo[key]  # pyright: ignore[reportReturnType]


def _work_cycles(p: OpProfile, tile: Sequence[int], chip: Chip) -> float:
    """Cycles the op takes on one unit at full rate.

    `matmul`: FLOPs / (2 x systolic rows x cols x fma rate); `map`/`reduce`:
    vectors x ceil(FLOPs per point / stages); `move`: one vector per cycle
    through a PMU. Every op is also bounded by streaming its largest operand
    or result at one vector per cycle and at most an off-chip port's bytes
    per cycle. Vectors are padded to the lanes along
    the vectorized loop.
    """
    c = chip.compute
    lanes = c.lanes
    points = p.space.num_points
    vec = p.vector_loop
    pad = 1.0
    if vec is not None and tile:
        t = tile[vec]
        pad = (-(-t // lanes) * lanes) / t
    vectors = points / lanes * pad
    try:
        rate = c.rate(p.dtype)
    except ValueError:
        rate = c.rate(c.data_types[0])
    if p.template == "matmul":
        compute = p.flops / (2.0 * c.systolic_rows * c.systolic_cols * rate)
        compute *= band_fraction(p, tile) * systolic_padding(p, tile, chip)
    elif p.template == "move":
        compute = max(p.result_elements, default=0) / lanes
    else:
        per_point = p.flops / max(points, 1)
        compute = vectors * max(1, math.ceil(per_point / c.stages)) / rate
        compute *= band_fraction(p, tile)
    sizes = (
        *zip(p.operand_elements, p.operand_bytes, strict=True),
        *((e, p.result_bytes) for e in p.result_elements),
    )
    stream = max((stream_cycles(e, b, chip) for e, b in sizes), default=0.0)
    return max(compute, stream, 1.0)


def stream_cycles(elements: int, element_bytes: int, chip: Chip) -> float:
    """Cycles to stream `elements` between memory and a unit: one vector per
    cycle, and through one off-chip port (an AGCU per unit and stream) at the
    port's bytes per cycle (an f32 vector is 128 bytes on sn40l, a port
    moves 64)."""
    port = chip.offchip.port_bytes_per_second / chip.clock_hz
    return elements / min(chip.compute.lanes, port / max(element_bytes, 1))
