"""Reductions (`reduce_sum / mean / max / min` over any axes): one section, a
`reduce` PCU over a walk that puts the reduced axes innermost.

The input is read in the order (kept axes..., reduced axes..., last kept axis)
when the last axis is kept (the reduced counters accumulate, the last axis
stays vectorized over the lanes), else (kept axes..., reduced axes) with the
innermost reduced axis vectorized and reduced across lanes too
(`reduce_lanes`). Either way the reduce unit emits the kept elements in
row-major order. Adjacent axes of the same kind are merged first, so counters
are only needed per alternation of kept and reduced axes. `reduce_mean` is a
sum followed by a `map` PCU multiplying by `1 / n`. Float sums accumulate in
f32.

```mlir
%s = dfg.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<4x8xf32>) -> tensor<4xf32>
// becomes
%a = su.agcu @ld0 load @x {counters = array<i64: 0, 4, 1, 0, 8, 4>, map = (d0, d1) -> (d0 * 8 + d1)}
%r = su.pcu @redadd0 "reduce" (%a) {counters = array<i64: 0, 4, 1, 0, 8, 4>, reduce_op = "add",
        reduce_counters = array<i64: 1>, reduce_lanes = true, accumulate = f32, ...}
su.agcu @st0 store @out0 (%r) {counters = array<i64: 0, 4, 1>, ...}
```
`reduce_prod` is not lowered (no multiplicative reduce; exp/log loses signs).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.ir import Operation

from dfc.backends.chip import Chip
from dfc.dialects.dfg.base import shape_of

from .base import (
    LoweringError,
    StageGraph,
    check_counters,
    reduce_pcu,
    row_major_strides,
)
from .su_build import MemRef, ProgramBuilder, SectionBuilder, Walk


@dataclass(frozen=True)
class ReducePlan:
    """The walk over the input, the reduce unit's counters and what they reduce."""

    walk: Walk
    counters: tuple[tuple[int, int, int], ...]
    reduce_counters: tuple[int, ...]
    reduce_lanes: bool
    outputs: int
    reduced: int


def plan_reduce(
    op: Operation, shape: Sequence[int], axes: Sequence[int], chip: Chip
) -> ReducePlan:
    lanes = chip.compute.lanes
    strides = row_major_strides(shape)
    # drop size-1 axes, merge adjacent axes of the same kind
    dims: list[list[int]] = []  # [extent, stride, reduced]
    for k, (extent, stride) in enumerate(zip(shape, strides, strict=True)):
        if extent == 1:
            continue
        red = 1 if k in axes else 0
        if dims and dims[-1][2] == red and dims[-1][1] == stride * extent:
            dims[-1][0] *= extent
            dims[-1][1] = stride
        else:
            dims.append([extent, stride, red])
    kept = [d for d in dims if not d[2]]
    reduced = [d for d in dims if d[2]]
    if not reduced:
        reduced = [[1, 0, 1]]
    if kept and dims and not dims[-1][2]:
        order = kept[:-1] + reduced + kept[-1:]
        reduce_lanes = False
    else:
        order = kept + reduced
        reduce_lanes = True
    extents = [d[0] for d in order]
    coeffs = [d[1] for d in order]
    walk = Walk.loops(extents, coeffs, lanes)
    counters = walk.counters
    red_index = tuple(
        k for k, d in enumerate(order) if d[2] and (k < len(order) - 1 or reduce_lanes)
    )
    if reduce_lanes and len(order) - 1 not in red_index:
        red_index = (*red_index, len(order) - 1)
    limit = chip.compute.counters
    if len(counters) > limit:
        raise LoweringError(
            op,
            f"'{op.name}' needs {len(counters)} counters (kept and reduced axes "
            f"alternate) but compute units on '{chip.name}' have {limit}",
        )
    check_counters(op, walk, chip, f"'{op.name}' input walk")
    return ReducePlan(
        walk,
        counters,
        red_index,
        reduce_lanes,
        math.prod(d[0] for d in kept),
        math.prod(d[0] for d in reduced),
    )


def reduce_stream(
    sb: SectionBuilder,
    op: Operation,
    x: MemRef,
    shape: Sequence[int],
    axes: Sequence[int],
    kind: str,
    dtype: str,
):  # type: ignore[no-untyped-def]
    """Load `x` and reduce it over `axes` (`add` / `max` / `min`); returns the
    stream of the kept elements (row-major, f32 for float inputs) and the plan."""
    plan = plan_reduce(op, shape, axes, sb.chip)
    stream = x.stream(sb, plan.walk)
    out = reduce_pcu(
        sb, stream, plan.counters, dtype, kind, plan.reduce_counters, plan.reduce_lanes
    )
    return out, plan


def program_reduce(
    program: ProgramBuilder, op: Operation, operands: list[MemRef], out: MemRef
) -> None:
    kind = op.name.removeprefix("dfg.reduce_")
    x = operands[0]
    if kind == "prod":
        raise LoweringError(
            op, "'dfg.reduce_prod' is not lowered (no multiplicative reduce unit)"
        )
    if x.dtype not in ("f32", "bf16", "i32"):
        raise LoweringError(op, f"'{op.name}' on {x.dtype} is not lowered")
    if kind == "mean" and x.dtype == "i32":
        raise LoweringError(op, "integer 'dfg.reduce_mean' is not lowered")
    shape = shape_of(op.operands[0])
    axes = op.normalized_axes()  # type: ignore[attr-defined]
    sb = program.section()
    stream, plan = reduce_stream(
        sb, op, x, shape, axes, {"sum": "add", "mean": "add"}.get(kind, kind), x.dtype
    )
    acc = "f32" if x.dtype in ("f32", "bf16") else "i32"
    if kind == "mean" or acc != out.dtype:
        graph = StageGraph(sb, acc, plan.outputs, op)
        node = graph.input(stream)
        if kind == "mean":
            result = graph.add("mul", node, 1.0 / plan.reduced)
        else:
            result = graph.add("max", node, node)  # the store converts
        [stream] = graph.emit([result], [out.dtype])
    sb.store(out, stream, Walk.loops((plan.outputs,), (1,), sb.lanes))


PROGRAM_LOWERINGS = {
    f"dfg.reduce_{kind}": program_reduce
    for kind in ("sum", "mean", "max", "min", "prod")
}
