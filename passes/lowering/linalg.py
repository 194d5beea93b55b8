"""Lowering of `dfg.matmul` and `dfg.batch_matmul` to systolic `matmul` PCUs.

The output `C[batch..., M, N]` is cut into tiles of `tm x tn` (at most the chip's
systolic array, `systolic_rows x systolic_cols`, or the op's `#dfg.tile` when
smaller). A PCU runs the tiles of its loop `(batch..., ti, tj)` (its counter
chain is the flattened tile count); per tile the AGCUs stream A as `K x tm` (A
transposed: the template's input order, which the DMA produces by walking A's
memory column by column) and B as `K x tn`, and the PCU streams the `tm x tn`
tile of C out after the whole K (the template accumulates over K inside the
array, in f32 or i32), so K is never cut and no partial sums exist. K may be
several loops (a convolution's `(c, kh, kw)`).

Shapes that are not multiples of the tile are cut into up to four *regions*
(full tiles; the last rows; the last columns; the corner), each with its own
uniform tile and its own units, so no padding and no masking is needed. Reuse:
A's `K x tm` panel of a row tile is loaded once into a PMU and re-read for each
column tile. The `par` of `#dfg.tile` (shared among the regions by their work)
replicates a region's PCU over a "row" loop — the row tiles, or a batch loop
along which B does not change — then over the column tiles; replicas with the
same column tiles share one B load (fan-out). Batch dims that broadcast get a
zero coefficient in the operand's walk.

```mlir
%c = dfg.matmul %a, %b : (tensor<6x8xf32>, tensor<8x5xf32>) -> tensor<6x5xf32>
// on tiny (4 x 3 array, 4 lanes): regions 4x3, 4x2, 2x3, 2x2 (one tile each);
// the first: A's 8 x 4 panel walked column by column, B's 8 x 3 block by rows
%b0 = su.agcu @ld0 load @b {counters = array<i64: 0, 8, 1, 0, 3, 3>,
    map = affine_map<(d0, d1) -> (d0 * 5 + d1)>} : () -> !su.stream<vector, f32>
%a0 = su.agcu @ld1 load @a {counters = array<i64: 0, 8, 1, 0, 4, 4>,
    map = affine_map<(d0, d1) -> (d0 + d1 * 8)>} : () -> !su.stream<vector, f32>
%c0 = su.pcu @mm0 "matmul" (%a0, %b0) {counters = array<i64: 0, 1, 1, 0, 1, 1>,
    dtype = f32, stages = [], accumulate = f32, tile = array<i64: 4, 3, 8>} : ...
su.agcu @st0 store @c (%c0) {counters = array<i64: 0, 4, 1, 0, 3, 3>,
    map = affine_map<(d0, d1) -> (d0 * 5 + d1)>} : (!su.stream<vector, f32>) -> ()
```
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.dialects.builtin import DenseArrayBase, i64
from xdsl.ir import Attribute, Operation, SSAValue

from dfc.dialects.dfg.annotations import TILE_ATTR, TileAttr
from dfc.dialects.dfg.base import bool_value, element_type_of, shape_of
from dfc.dialects.dfg.linalg import BatchMatmulOp, MatmulOp
from dfc.dialects.diagnostics import DfcDiagnosticError

from .su_build import (
    DTYPE_BYTES,
    MemRef,
    Piece,
    ProgramBuilder,
    SectionBuilder,
    Walk,
    dtype_name,
    element_attr,
    tile_loop,
)


@dataclass(frozen=True)
class MatrixOperand:
    """How a matmul operand sits in memory, as coefficients of the contraction's
    loops: per batch loop (0 where it broadcasts), of its free dim (`M` for A,
    `N` for B) and of each contraction loop (K may be several loops, e.g. the
    `(c, kh, kw)` of a convolution)."""

    mem: MemRef
    batch: tuple[int, ...]
    free: int
    k: tuple[int, ...]
    base: int = 0


@dataclass(frozen=True)
class Layout:
    """Where the elements of C go: coefficients of the batch loops, of M and of N,
    and a base (an output tensor, or a tensor indexed like C, e.g. a bias)."""

    batch: tuple[int, ...]
    row: int
    col: int
    base: int = 0


@dataclass(frozen=True)
class Region:
    """A rectangle of C tiled uniformly: rows `r0 + ti * tm`, cols `c0 + tj * tn`."""

    r0: int
    c0: int
    mt: int
    nt: int
    tm: int
    tn: int


def regions(m: int, n: int, tm: int, tn: int) -> list[Region]:
    """Up to four uniformly tiled rectangles covering an `m x n` output."""
    rows = [(0, m // tm, tm)] if m >= tm else []
    if m % tm:
        rows.append((m - m % tm, 1, m % tm))
    cols = [(0, n // tn, tn)] if n >= tn else []
    if n % tn:
        cols.append((n - n % tn, 1, n % tn))
    return [
        Region(r0, c0, mt, nt, rm, cn)
        for r0, mt, rm in rows
        if mt
        for c0, nt, cn in cols
        if nt
    ]


def split(count: int, parts: int) -> list[tuple[int, int]]:
    """`count` iterations cut into at most `parts` contiguous non-empty ranges."""
    parts = max(1, min(parts, count))
    base, extra = divmod(count, parts)
    out = []
    start = 0
    for p in range(parts):
        size = base + (1 if p < extra else 0)
        out.append((start, start + size))
        start += size
    return out


@dataclass
class TilePiece(Piece):
    """A piece of C from one matmul PCU: its tile loop (outer counters) and
    region, to walk any tensor indexed like C in the same order."""

    outer: tuple[tuple[int, int, int], ...] = ()
    region: Region | None = None
    transposed: bool = False
    """The unit computes a tile of C^T (`emit_matmul(..., transposed=True)`):
    its rows are C's columns. `walk_for` takes layouts indexed like C."""

    def walk_for(self, layout: Layout, lanes: int) -> Walk:
        region = self.region
        assert region is not None
        if self.transposed:
            layout = Layout(layout.batch, layout.col, layout.row, layout.base)
        return Walk(
            (*self.outer, (0, region.tm, 1), (0, region.tn, min(lanes, region.tn))),
            (
                *layout.batch,
                region.tm * layout.row,
                region.tn * layout.col,
                layout.row,
                layout.col,
            ),
            layout.base + region.r0 * layout.row + region.c0 * layout.col,
        )


def emit_matmul(
    sb: SectionBuilder,
    a: MatrixOperand,
    b: MatrixOperand,
    batch: Sequence[int],
    out: Layout,
    m: int,
    n: int,
    k: Sequence[int],
    dtype: str,
    out_dtype: str,
    *,
    tile: tuple[int, int] | None = None,
    par: int = 1,
    transposed: bool = False,
) -> list[TilePiece]:
    """Units computing `C = A @ B` for every batch index (K = the product of the
    `k` loops); returns the pieces of C, walked by `out`. `transposed`: the
    operands were given swapped (`A` is the op's rhs, `B` its lhs, `m` and
    `n` its N and M) to compute C^T; `out` and the pieces' `walk_for` still
    take layouts indexed like the op's C."""
    compute = sb.chip.compute
    tm = min(m, compute.systolic_rows)
    tn = min(n, compute.systolic_cols)
    if tile is not None:
        tm, tn = max(1, min(tm, tile[0])), max(1, min(tn, tile[1]))
    lanes = sb.lanes
    kk = 1
    for extent in k:
        kk *= extent
    k_counters = tuple((0, e, 1) for e in k)
    pieces: list[TilePiece] = []
    cut = regions(m, n, tm, tn)
    for region in cut:
        # the op's `par` units are shared among the regions by their work
        share = max(
            1, round(par * region.tm * region.mt * region.tn * region.nt / (m * n))
        )
        # The units split a "row" loop first — the row tiles, or a batch loop
        # along which B does not change (a convolution's output rows), the
        # longest — then the column tiles. An A panel is kept in a PMU
        # (re-read for each column tile of its unit) and shared by the units
        # with the same rows and as many column tiles; units with the same
        # column tiles and as many row iterations share one B stream (B's
        # coefficient over the row loop is 0, so it is the same element
        # sequence). Each shared stream is one load fanned out: the chip's
        # few AGCUs bound how many units a section can have.
        nb = len(batch)
        loops = [*batch, region.mt]
        candidates = [nb] + [i for i in range(nb) if b.batch[i] == 0 and batch[i] > 1]
        axis = max(candidates, key=lambda i: (loops[i], i == nb))
        pi = min(share, loops[axis])
        pj = min(max(1, share // pi), region.nt)
        b_vec = min(lanes, region.tn)
        a_coeffs = (*a.batch, region.tm * a.free, 0, *a.k, a.free)
        b_coeffs = (*b.batch, 0, region.tn * b.free, *b.k, b.free)
        a_base = a.base + region.r0 * a.free
        b_base = b.base + region.c0 * b.free
        shared: dict[tuple[int, int, int], SSAValue] = {}
        panels: dict[tuple[int, int, int], SSAValue] = {}
        for (ilo, ihi), (jlo, jhi) in itertools.product(
            split(loops[axis], pi), split(region.nt, pj)
        ):
            ranges = [(0, e) for e in loops]
            ranges[axis] = (ilo, ihi)
            ranges.append((jlo, jhi))
            outer = tuple((lo, hi, 1) for lo, hi in ranges)
            key = (jlo, jhi, ihi - ilo)
            if key not in shared:
                b_outer = list(outer)
                b_outer[axis] = (0, ihi - ilo, 1)
                walk = Walk(
                    (*b_outer, *k_counters, (0, region.tn, b_vec)), b_coeffs, b_base
                )
                shared[key] = b.mem.stream(sb, walk)
            b_stream = shared[key]
            # Units with the same rows and as many column tiles read the same
            # A panel in the same order: one load (and panel PMU) fanned out.
            a_key = (ilo, ihi, jhi - jlo)
            if a_key not in panels:
                panels[a_key] = _a_panel(
                    sb, a, outer, k_counters, kk, region, a_coeffs, a_base, dtype
                )
            a_stream = panels[a_key]
            tiles = 1
            for s, e in ranges:
                tiles *= e - s
            extra: dict[str, Attribute] = {
                "accumulate": element_attr("i32" if dtype in ("i8", "i32") else "f32"),
                "tile": DenseArrayBase.from_list(i64, [region.tm, region.tn, kk]),
            }
            c = sb.pcu(
                "mm",
                "matmul",
                [a_stream, b_stream],
                tile_loop(tiles),
                dtype,
                out_dtype,
                **extra,
            )
            piece = TilePiece(c, Walk(((0, 1, 1),), (0,)), outer, region, transposed)
            piece.walk = piece.walk_for(out, lanes)
            pieces.append(piece)
    return pieces


def _a_panel(
    sb: SectionBuilder,
    a: MatrixOperand,
    outer: tuple[tuple[int, int, int], ...],
    k_counters: tuple[tuple[int, int, int], ...],
    kk: int,
    region: Region,
    coeffs: tuple[int, ...],
    base: int,
    dtype: str,
) -> SSAValue:
    """The A stream of one unit. A's `K x tm` panel of a row tile is the same
    for every column tile: it is loaded once per row tile into a PMU (double
    buffered when two fit) and re-read for each column tile, so A crosses the
    off-chip port once. Streamed straight from memory when a panel does not fit
    a PMU or there is one column tile."""
    lanes = sb.lanes
    vec = min(lanes, region.tm)
    panel = kk * region.tm
    nbytes = panel * DTYPE_BYTES[dtype]
    capacity = sb.chip.memory.bytes
    columns = outer[-1][1] - outer[-1][0]
    if columns == 1 or nbytes > capacity or a.mem.dtype != dtype:
        return a.mem.stream(
            sb, Walk((*outer, *k_counters, (0, region.tm, vec)), coeffs, base)
        )
    tj = len(outer) - 1
    no_tj = (*outer[:tj], *k_counters, (0, region.tm, vec))
    load = a.mem.stream(sb, Walk(no_tj, (*coeffs[:tj], *coeffs[tj + 1 :]), base))
    return sb.pmu(
        "apanel",
        [load],
        dtype,
        panel,
        Walk.flat(panel, lanes),
        Walk(((0, columns, 1), (0, panel, lanes)), (0, 1)),
        double_buffer=2 * nbytes <= capacity,
    )


def batch_coeffs(
    own: Sequence[int], batch: Sequence[int], strides: Sequence[int]
) -> tuple[int, ...]:
    """Per result batch loop the operand's stride: 0 where the operand lacks the
    dim or broadcasts it (size 1), numpy style (dims aligned on the right)."""
    offset = len(batch) - len(own)
    coeffs = [0] * len(batch)
    for axis, size in enumerate(own):
        coeffs[axis + offset] = strides[axis] if size != 1 else 0
    return tuple(coeffs)


def operand_dtype(op: Operation, value, integers: bool = False) -> str:  # type: ignore[no-untyped-def]
    """The unit type of a contraction's operands: f32 or bf16 (and i8 / i32 for
    the matmuls, accumulated in i32)."""
    name = dtype_name(element_type_of(value))
    allowed = ("f32", "bf16", "i8", "i32") if integers else ("f32", "bf16")
    if name not in allowed:
        raise DfcDiagnosticError(
            op,
            f"'{op.name}' on {element_type_of(value)} cannot be lowered: the "
            "systolic matmul template is lowered for " + ", ".join(allowed),
        )
    return name


def tile_of(op: Operation) -> TileAttr | None:
    attr = op.attributes.get(TILE_ATTR)
    return attr if isinstance(attr, TileAttr) else None


def lower_matmul(
    sb: SectionBuilder,
    op: MatmulOp | BatchMatmulOp,
    lhs: MemRef,
    rhs: MemRef,
    out: MemRef,
) -> list[Piece]:
    """Units for a `dfg.matmul` / `dfg.batch_matmul` reading its operands from
    `lhs` / `rhs` (row-major, as the op's operand types) into pieces of `out`."""
    dtype = operand_dtype(op, op.lhs, integers=True)
    out_dtype = dtype_name(element_type_of(op.output))
    assert out_dtype is not None
    m, k, _, n = op.matrix_dims()
    a_shape, b_shape = shape_of(op.lhs), shape_of(op.rhs)
    batch = tuple(shape_of(op.output)[:-2])
    ta, tb = bool_value(op.transpose_a), bool_value(op.transpose_b)
    a_str, b_str = lhs.strides, rhs.strides
    # A[m, k] sits at m * a_m + k * a_k (swapped when stored transposed)
    a_m, a_k = (a_str[-1], a_str[-2]) if ta else (a_str[-2], a_str[-1])
    b_k, b_n = (b_str[-1], b_str[-2]) if tb else (b_str[-2], b_str[-1])
    a = MatrixOperand(lhs, batch_coeffs(a_shape[:-2], batch, a_str[:-2]), a_m, (a_k,))
    b = MatrixOperand(rhs, batch_coeffs(b_shape[:-2], batch, b_str[:-2]), b_n, (b_k,))
    tile = tile_of(op)
    sizes = None
    par = 1
    if tile is not None:
        nb = len(batch)
        if len(tile.tile) >= nb + 2:
            sizes = (tile.tile[nb], tile.tile[nb + 1])
        par = max(1, tile.par)
    out_str = out.strides
    layout = Layout(tuple(out_str[:-2]), out_str[-2], out_str[-1])
    if sb.chip.compute.swaps_contraction(m, n):
        # C^T = B^T A^T: N on the array's rows (a single token's M = 1 would
        # leave 31 of 32 rows idle); B's row panels are staged, A streamed
        return list(
            emit_matmul(
                sb, b, a, batch, layout, n, m, (k,), dtype, out_dtype,
                tile=None if sizes is None else (sizes[1], sizes[0]),
                par=par, transposed=True,
            )
        )
    return list(
        emit_matmul(
            sb, a, b, batch, layout, m, n, (k,), dtype, out_dtype, tile=sizes, par=par
        )
    )


def store_pieces(sb: SectionBuilder, out: MemRef, pieces: Sequence[Piece]) -> None:
    """An AGCU store per piece into `out`."""
    for piece in pieces:
        sb.store(out, piece.stream, piece.walk)


def program_matmul(
    program: ProgramBuilder, op: Operation, operands: list[MemRef], out: MemRef
) -> None:
    """One section: the matmul units, C stored piece by piece."""
    assert isinstance(op, MatmulOp | BatchMatmulOp)
    sb = program.section()
    store_pieces(sb, out, lower_matmul(sb, op, operands[0], operands[1], out))


PROGRAM_LOWERINGS = {"dfg.matmul": program_matmul, "dfg.batch_matmul": program_matmul}
