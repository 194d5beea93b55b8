"""Lowering of `dfg.gather` (ONNX Gather, embedding lookups) to an indexed DMA.

The indices stream from memory through a `map` PCU that makes negative indices
positive (`i + (i >> 31 & n)`: the arithmetic shift gives -1 for a negative
index, all ones, so the `and` yields `n`), then into the index port of an AGCU
that loads the table: the index value replaces the walk's outermost counter
(`s0` in the map), so each index selects one slice `data[..., idx, ...]`.
The loaded walk is `(index, prefix, suffix)` — the index must be outermost —
and the store scatters it into the output's `prefix, indices, suffix` order.
A table that fits one memory unit is loaded into a PMU once and gathered there
(the index stream drives the PMU's read generator) instead of row by row from
off-chip memory.

```mlir
%r = dfg.gather %table, %ids {axis = 0 : i64} : (tensor<100x16xf32>, tensor<2x8xi32>) -> tensor<2x8x16xf32>
%i = su.agcu @ld0 load @ids {...} : () -> !su.stream<vector, i32>
%j = su.pcu @idx0 "map" (%i) {dtype = i32, stages = [#su.stage<shr(in0, c0)>,
    #su.stage<and(s0, c1)>, #su.stage<add(in0, s1)>], constants = array<i32: 31, 100>, ...}
%r = su.agcu @ld1 load @table (%j) {counters = array<i64: 0, 16, 1, 0, 1, 1, 0, 16, 4>,
    map = affine_map<(d0, d1, d2)[s0] -> (s0 * 16 + d2)>} : (!su.stream<vector, i32>) -> ...
```
Indices are i32 on the chip (`su` memories and index streams are i32); an i64
indices tensor is narrowed to i32 in memory. An index outside `[-n, n)` stops
the simulation with an address error, as the reference interpreter errors.
"""

from __future__ import annotations

import math

from xdsl.ir import Operation

from dfc.dialects.dfg.base import shape_of
from dfc.dialects.dfg.movement import GatherOp
from dfc.dialects.diagnostics import DfcDiagnosticError

from .su_build import DTYPE_BYTES, MemRef, ProgramBuilder, SectionBuilder, Walk


def lower_gather(
    sb: SectionBuilder, op: GatherOp, data: MemRef, indices: MemRef, out: MemRef
) -> None:
    if data.dtype not in ("f32", "bf16", "i32", "i8"):
        raise DfcDiagnosticError(op, f"'dfg.gather' of {data.dtype} cannot be lowered")
    axis = op.normalized_axis()
    shape = shape_of(op.data)
    pre, n, post = math.prod(shape[:axis]), shape[axis], math.prod(shape[axis + 1 :])
    count = indices.size
    lanes = sb.lanes
    raw = indices.stream(sb, Walk.flat(count, lanes))
    fixed = sb.pcu(
        "idx",
        "map",
        [raw],
        [(0, count, min(lanes, count))],
        "i32",
        stages=[
            ("shr", ("in0", "c0")),
            ("and", ("s0", "c1")),
            ("add", ("in0", "s1")),
        ],
        constants=[31, n],
    )
    walk = Walk(
        ((0, count, 1), (0, pre, 1), (0, post, min(lanes, post))),
        (post, n * post, 1),
    )
    nbytes = data.size * DTYPE_BYTES[data.dtype]
    if nbytes <= sb.chip.memory.bytes and count > 1:
        # a table that fits a memory unit is loaded once, then gathered on chip
        table = data.stream(sb, Walk.flat(data.size, lanes))
        rows = sb.pmu(
            "table",
            [table, fixed],
            data.dtype,
            data.size,
            Walk.flat(data.size, lanes),
            walk,
            gather=True,
        )
    else:
        rows = data.stream(sb, walk, index=fixed)
    sb.store(
        out,
        rows,
        Walk(
            ((0, count, 1), (0, pre, 1), (0, post, min(lanes, post))),
            (post, count * post, 1),
        ),
    )


def program_gather(
    program: ProgramBuilder, op: Operation, operands: list[MemRef], out: MemRef
) -> None:
    assert isinstance(op, GatherOp)
    lower_gather(program.section(), op, operands[0], operands[1], out)


PROGRAM_LOWERINGS = {"dfg.gather": program_gather}
