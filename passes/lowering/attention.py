"""Lowering of `dfg.attention` as a streaming kernel over key blocks.

No `Lq x Lk` score matrix exists anywhere: scores are produced one
`tq x kb` tile at a time by a systolic PCU (`kb` keys per block, at most the
array's columns) and consumed as they come; every PMU holds one tile or one
row block's statistics, so on-chip memory does not grow with the sequence.

The softmax is the *two-pass streaming* form (the division after the
accumulation, arXiv 2404.16629): the templates have no loop-carried affine
recurrence, so instead of rescaling a running output by `exp(m_old - m_new)`
(the one-pass online softmax) the row maximum comes from a first pass over the
key blocks (a `reduce max` across the key-block counter) and the second pass
recomputes the score tiles and accumulates with that fixed maximum:

```
pass 1   Q, K --matmul--> S --mask/scale--> X --reduce max over (j, keys)--> m      [tq]
pass 2   Q, K --matmul--> S --mask/scale--> X --(x - m, exp)--> P               [tq x kb]
         P --reduce add over (j, keys)--> l                                      [tq]
         P --PMU (transpose tile)--> P^T, V --matmul--> P V --reduce add over j--> O~
         O~ / l --> O
```

`m` and `l` reach the element-wise units through PMUs that hold one row
block's `tq` values and re-read them with zero coefficients over the keys (a
broadcast). Per (batch, query block) the loops are `j` (key blocks) and `dvt`
(tiles of the value width). The causal mask needs no memory: a `map` PCU
computes `d = key - query` from its counter values (`ctr<k>` stage sources)
and the mask unit adds `max(d, 0) * -1e30` to the scaled score, so masked
scores vanish in the exponential. Each pass has its own loads and mask units
(a stream fanned out to both passes would have to buffer a whole row of
scores while pass 1 finishes that row).

```mlir
%o = dfg.attention %q, %k, %v {causal = true} : (tensor<2x16x8xf32>, tensor<2x16x8xf32>, tensor<2x16x8xf32>) -> tensor<2x16x8xf32>
// per batch range: 6 AGCU loads, 3 matmul PCUs, 2 causal + 2 mask PCUs,
// 3 reduce PCUs, exp and divide PCUs, 3 PMUs (tq, tq and 2 x tq x kb elements)
```
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from xdsl.dialects.builtin import BoolAttr, DenseArrayBase, StringAttr, i64
from xdsl.ir import Operation, SSAValue

from dfc.backends.chip import Chip
from dfc.dialects.dfg.annotations import TILE_ATTR, TileAttr
from dfc.dialects.dfg.attention import AttentionOp
from dfc.dialects.dfg.base import element_type_of, is_bool, shape_of
from dfc.dialects.diagnostics import DfcDiagnosticError

from .su_build import (
    DTYPE_BYTES,
    MemRef,
    ProgramBuilder,
    SectionBuilder,
    Walk,
    dtype_name,
    element_attr,
    largest_divisor,
    tile_loop,
)

MASKED = -1.0e30
"""Added (times `key - query`) to a causally masked score: exp(x - m) is 0."""


def _ints(values: list[int]) -> DenseArrayBase:
    return DenseArrayBase.from_list(i64, values)


class AttentionPlan:
    """Tile sizes and loop extents of one attention lowering."""

    def __init__(
        self,
        op: Operation,
        sb: SectionBuilder,
        lq: int,
        lk: int,
        d: int,
        dv: int,
        dtype: str,
    ) -> None:
        compute = sb.chip.compute
        lanes = compute.lanes
        self.lq, self.lk, self.d, self.dv = lq, lk, d, dv
        rows, keys = block_limits(sb.chip, d, dv, dtype)
        if rows < 1:
            capacity = sb.chip.memory.bytes
            raise DfcDiagnosticError(
                op,
                f"'dfg.attention' with head size {d} / value size {dv} cannot be "
                f"lowered on '{sb.chip.name}': one query row's Q panel and sums "
                f"need {2 * d * DTYPE_BYTES[dtype]} + {8 * dv} bytes of a "
                f"{capacity}-byte memory unit",
            )
        # blocks divide the lengths (`dfg-pad-attention` pads a length whose
        # divisors would make the blocks much smaller than these limits)
        self.tq = largest_divisor(lq, rows)
        self.kb = largest_divisor(lk, keys)
        self.tv = largest_divisor(dv, min(compute.systolic_cols, lanes))
        self.qi, self.kj, self.dvt = lq // self.tq, lk // self.kb, dv // self.tv


def block_limits(chip: Chip, d: int, dv: int, dtype: str) -> tuple[int, int]:
    """The largest query block and key block an attention lowering uses: a
    query block is at most the systolic array's rows (and lanes), and also
    sizes two double-buffered PMUs (Q's `d x tq` panel and the row block's
    `tq x dv` f32 sums); a key block is at most the array's columns. The query
    limit is < 1 when one row does not fit a memory unit."""
    compute = chip.compute
    capacity = chip.memory.bytes
    fit = min(capacity // (2 * d * DTYPE_BYTES[dtype]), capacity // (8 * dv))
    rows = min(compute.systolic_rows, compute.lanes, fit)
    return rows, min(compute.systolic_cols, compute.lanes)


@dataclass(frozen=True)
class Mask:
    """A mask operand in memory: its coefficients over the batch dims, the query
    row and the key (0 where it broadcasts) and whether it is boolean (an i8
    region on the chip: 1 keeps the score) or additive."""

    mem: MemRef
    batch: tuple[int, ...]
    row: int
    col: int
    boolean: bool


def _batch_walk(
    dims: tuple[int, ...], strides: tuple[int, ...], b: int | None
) -> tuple[list[tuple[int, int, int]], list[int], int]:
    """Counters, coefficients and base of the batch loops: every batch dim a
    counter (`b` None), or the single flattened batch index `b` as a base."""
    if b is None:
        return [(0, e, 1) for e in dims], list(strides), 0
    base = 0
    for index, stride in zip(np.unravel_index(b, dims), strides, strict=True):
        base += int(index) * stride
    return [], [], base


def emit_attention(
    sb: SectionBuilder,
    q: MemRef,
    k: MemRef,
    v: MemRef,
    out: MemRef,
    batch: tuple[int, ...],
    b: int | None,
    rows_range: tuple[int, int],
    plan: AttentionPlan,
    scale: float,
    causal: bool,
    mask: Mask | None,
    dtype: str,
    out_dtype: str,
    shared: dict[tuple[str, int, int | None, int], SSAValue],
) -> None:
    """Units computing attention for every batch index (`b` None) or for the
    flattened batch index `b` alone, for the query blocks in `rows_range`."""
    lanes = sb.lanes
    tq, kb, tv = plan.tq, plan.kb, plan.tv
    kj, dvt = plan.kj, plan.dvt
    i0, i1 = rows_range
    lq, lk, d, dv = plan.lq, plan.lk, plan.d, plan.dv

    def strides(per: int) -> tuple[int, ...]:
        out = []
        step = per
        for size in reversed(batch):
            out.append(step)
            step *= size
        return tuple(reversed(out))

    bat, qb, q_base = _batch_walk(batch, strides(lq * d), b)
    _, kbc, k_base = _batch_walk(batch, strides(lk * d), b)
    _, vb, v_base = _batch_walk(batch, strides(lk * dv), b)
    _, ob, o_base = _batch_walk(batch, strides(lq * dv), b)
    nb = math.prod(batch) if b is None else 1
    rows = nb * (i1 - i0)  # (batch, query block) pairs
    score_tiles = rows * kj
    flat_scores = [(0, score_tiles * tq, 1), (0, kb, kb)]

    def scores(pass_index: int) -> SSAValue:
        """One pass's masked, scaled score tiles, in (b, i, j, row, key) order."""
        # Q's `d x tq` panel of a query block, loaded once into a PMU and re-read
        # for every key block
        panel = d * tq
        q_in = q.stream(
            sb,
            Walk(
                (*bat, (i0, i1, 1), (0, d, 1), (0, tq, min(lanes, tq))),
                (*qb, tq * d, 1, d),
                q_base,
            ),
        )
        a = sb.pmu(
            "qpanel",
            [q_in],
            dtype,
            panel,
            Walk.flat(panel, lanes),
            Walk(((0, kj, 1), (0, panel, lanes)), (0, 1)),
            double_buffer=True,
        )
        # K does not depend on the query block: pipelines of the same batch
        # with as many query blocks share one load (fanned out)
        key = ("k", pass_index, b, i1 - i0)
        if key not in shared:
            shared[key] = k.stream(
                sb,
                Walk(
                    (*bat, (0, i1 - i0, 1), (0, kj, 1), (0, d, 1), (0, kb, kb)),
                    (*kbc, 0, kb * d, 1, d),
                    k_base,
                ),
            )
        bk = shared[key]
        s = sb.pcu(
            "qk",
            "matmul",
            [a, bk],
            tile_loop(score_tiles),
            dtype,
            "f32",
            accumulate=element_attr("f32"),
            tile=_ints([tq, kb, d]),
        )
        if mask is None:
            x = sb.pcu(
                "scale",
                "map",
                [s],
                flat_scores,
                "f32",
                stages=[("mul", ("in0", "c0"))],
                constants=[scale],
            )
        else:
            mbat, mcoef, mbase = _batch_walk(batch, mask.batch, b)
            m_in = mask.mem.stream(
                sb,
                Walk(
                    (*mbat, (i0, i1, 1), (0, kj, 1), (0, tq, 1), (0, kb, kb)),
                    (*mcoef, tq * mask.row, kb * mask.col, mask.row, mask.col),
                    mbase,
                ),
            )
            if mask.boolean:
                # scale * s + (1 - keep) * -1e30
                stages = [
                    ("sub", ("c0", "in1")),
                    ("mul", ("s0", "c1")),
                    ("fma", ("in0", "c2", "s1")),
                ]
                constants = [1.0, MASKED, scale]
            else:
                # scale * s + mask, kept finite (a -inf mask would give
                # -inf - -inf = NaN in a fully masked row)
                stages = [("fma", ("in0", "c0", "in1")), ("max", ("s0", "c1"))]
                constants = [scale, MASKED]
            x = sb.pcu(
                "mask",
                "map",
                [s, m_in],
                flat_scores,
                "f32",
                stages=stages,
                constants=constants,
            )
        if not causal:
            return x
        # d = key - query from the counter values (i and j step by a block)
        chain = [
            (0, nb, 1),
            (i0 * tq, i1 * tq, tq),
            (0, lk, kb),
            (0, tq, 1),
            (0, kb, kb),
        ]
        if nb == 1:
            chain = chain[1:]
        c = len(chain) - 4
        diff = sb.pcu(
            "causal",
            "map",
            [],
            chain,
            "f32",
            stages=[
                ("sub", (f"ctr{c + 1}", f"ctr{c}")),
                ("add", ("s0", f"ctr{c + 3}")),
                ("sub", ("s1", f"ctr{c + 2}")),
            ],
        )
        return sb.pcu(
            "causalmask",
            "map",
            [x, diff],
            flat_scores,
            "f32",
            stages=[
                ("max", ("in1", "c0")),
                ("mul", ("s0", "c1")),
                ("add", ("in0", "s1")),
            ],
            constants=[0.0, MASKED],
        )

    def row_reduce(value: SSAValue, op: str) -> SSAValue:
        """Per query row, over the key blocks and the keys of a block."""
        return sb.pcu(
            f"row{op}",
            "reduce",
            [value],
            [(0, rows, 1), (0, kj, 1), (0, tq, 1), (0, kb, kb)],
            "f32",
            accumulate=element_attr("f32"),
            reduce_op=StringAttr(op),
            reduce_counters=_ints([1, 3]),
            reduce_lanes=BoolAttr.from_bool(True),
        )

    def broadcast(value: SSAValue, read: Walk) -> SSAValue:
        """A row block's `tq` statistics re-read for every element of its block."""
        return sb.pmu(
            "bc", [value], "f32", tq, Walk.flat(tq, lanes), read, double_buffer=True
        )

    row_chain = [(0, rows * tq, min(lanes, tq))]
    # pass 1: the row maxima
    m = row_reduce(scores(0), "max")
    m_b = broadcast(m, Walk(((0, kj, 1), (0, tq, 1), (0, kb, kb)), (0, 1, 0)))
    # pass 2: probabilities, their row sums, and P V accumulated over key blocks
    p = sb.pcu(
        "exp",
        "map",
        [scores(1), m_b],
        flat_scores,
        "f32",
        stages=[("sub", ("in0", "in1")), ("exp", ("s0",))],
    )
    l_sum = row_reduce(p, "add")
    # per row 1 / l, or 0 for a row whose every key is masked (its maximum is
    # the mask's -1e30): the reference yields zeros there
    if mask is not None:
        keep = sb.pcu(
            "rowkeep",
            "map",
            [m],
            row_chain,
            "f32",
            stages=[
                ("add", ("in0", "c0")),
                ("max", ("s0", "c1")),
                ("min", ("s1", "c2")),
            ],
            constants=[-0.5 * MASKED, 0.0, 1.0],
        )
        w = sb.pcu(
            "rowscale",
            "map",
            [keep, l_sum],
            row_chain,
            "f32",
            stages=[("div", ("in0", "in1"))],
        )
    else:
        w = sb.pcu(
            "rowscale",
            "map",
            [l_sum],
            row_chain,
            "f32",
            stages=[("recip", ("in0",))],
        )
    p_t = sb.pmu(
        "pt",
        [p],
        "f32",
        tq * kb,
        Walk(((0, tq, 1), (0, kb, kb)), (kb, 1)),
        Walk(((0, dvt, 1), (0, kb, 1), (0, tq, min(lanes, tq))), (0, 1, kb)),
        double_buffer=True,
    )
    key = ("v", 0, b, i1 - i0)
    if key not in shared:
        shared[key] = v.stream(
            sb,
            Walk(
                (
                    *bat,
                    (0, i1 - i0, 1),
                    (0, kj, 1),
                    (0, dvt, 1),
                    (0, kb, 1),
                    (0, tv, tv),
                ),
                (*vb, 0, kb * dv, tv, dv, 1),
                v_base,
            ),
        )
    bv = shared[key]
    pv = sb.pcu(
        "pv",
        "matmul",
        [p_t, bv],
        tile_loop(score_tiles * dvt),
        dtype,
        "f32",
        accumulate=element_attr("f32"),
        tile=_ints([tq, tv, kb]),
    )
    block = dvt * tq * tv
    o_sum = sb.pcu(
        "acc",
        "reduce",
        [pv],
        [(0, rows, 1), (0, kj, 1), (0, block, min(lanes, block))],
        "f32",
        accumulate=element_attr("f32"),
        reduce_op=StringAttr("add"),
        reduce_counters=_ints([1]),
    )
    # The row block's sums wait in a double-buffered PMU: they are ready as soon
    # as the block's last key block is accumulated, while 1 / l for the block
    # comes through the other branch of P's fan-out (row sums, reciprocal,
    # broadcast); without the buffer the two branches would throttle each
    # other (reconvergent fan-out).
    o_held = sb.pmu(
        "osum",
        [o_sum],
        "f32",
        block,
        Walk.flat(block, lanes),
        Walk.flat(block, lanes),
        double_buffer=True,
    )
    w_b = broadcast(w, Walk(((0, dvt, 1), (0, tq, 1), (0, tv, tv)), (0, 1, 0)))
    o = sb.pcu(
        "norm",
        "map",
        [o_held, w_b],
        [(0, rows, 1), (0, block, min(lanes, block))],
        "f32",
        out_dtype,
        stages=[("mul", ("in0", "in1"))],
    )
    sb.store(
        out,
        o,
        Walk(
            (*bat, (i0, i1, 1), (0, dvt, 1), (0, tq, 1), (0, tv, tv)),
            (*ob, tq * dv, tv, dv, 1),
            o_base,
        ),
    )


def lower_attention(
    sb: SectionBuilder,
    op: AttentionOp,
    q: MemRef,
    k: MemRef,
    v: MemRef,
    out: MemRef,
    mask_mem: MemRef | None = None,
) -> None:
    """Units of a `dfg.attention` reading q, k, v (and the mask) from memory
    into `out`."""
    dtype = dtype_name(element_type_of(op.query))
    out_dtype = dtype_name(element_type_of(op.output))
    if dtype not in ("f32", "bf16") or out_dtype is None:
        raise DfcDiagnosticError(
            op,
            f"'dfg.attention' on {element_type_of(op.query)} cannot be lowered: "
            "f32 and bf16 only",
        )
    qs, ks, vs = shape_of(op.query), shape_of(op.key), shape_of(op.value)
    batch = tuple(qs[:-2])
    plan = AttentionPlan(op, sb, qs[-2], ks[-2], qs[-1], vs[-1], dtype)
    mask = None
    if op.mask is not None:
        assert mask_mem is not None
        target = (*batch, qs[-2], ks[-2])
        own = shape_of(op.mask)
        offset = len(target) - len(own)
        coeffs = [0] * len(target)
        for axis, size in enumerate(own):
            coeffs[axis + offset] = mask_mem.strides[axis] if size != 1 else 0
        mask = Mask(
            mask_mem,
            tuple(coeffs[: len(batch)]),
            coeffs[-2],
            coeffs[-1],
            is_bool(element_type_of(op.mask)),
        )
    causal = op.is_causal()
    tile = op.attributes.get(TILE_ATTR)
    par = tile.par if isinstance(tile, TileAttr) else 1
    shared: dict[tuple[str, int, int | None, int], SSAValue] = {}
    for b, rows in pipelines(
        math.prod(batch), plan.qi, par, causal and sb.chip.compute.counters < 5
    ):
        emit_attention(
            sb,
            q,
            k,
            v,
            out,
            batch,
            b,
            rows,
            plan,
            op.scale_value(),
            causal,
            mask,
            dtype,
            out_dtype,
            shared,
        )


def pipelines(
    total: int, blocks: int, par: int, split_batch: bool
) -> list[tuple[int | None, tuple[int, int]]]:
    """The independent unit pipelines: `(batch index or None for all, query
    block range)`. `par` pipelines (from `#dfg.tile`) split the batch first,
    then the query blocks; `split_batch` forces one pipeline per batch index
    (the causal unit has no counter left for the batch on small chips)."""
    if par <= 1 and not (split_batch and total > 1):
        return [(None, (0, blocks))]
    if total > 1 and (split_batch or par > 1):
        per = max(1, par // total)
        return [(b, (lo, hi)) for b in range(total) for lo, hi in _split(blocks, per)]
    return [(None, r) for r in _split(blocks, par)]


def _split(count: int, parts: int) -> list[tuple[int, int]]:
    parts = max(1, min(parts, count))
    base, extra = divmod(count, parts)
    out, start = [], 0
    for p in range(parts):
        size = base + (1 if p < extra else 0)
        out.append((start, start + size))
        start += size
    return out


def program_attention(
    program: ProgramBuilder, op: Operation, operands: list[MemRef], out: MemRef
) -> None:
    assert isinstance(op, AttentionOp)
    sb = program.section()
    mask = operands[3] if len(operands) > 3 else None
    lower_attention(sb, op, operands[0], operands[1], operands[2], out, mask)


PROGRAM_LOWERINGS = {"dfg.attention": program_attention}
