"""Softmax, log_softmax, layer_norm and rms_norm: multi-pass row operations.

The tensor is viewed as rows `R` (the axes before `axis`) by `N` (the normalized
axes). Each pass is one section that streams the rows from memory again; the
per-row statistics go through a small f32 scratch memory and are re-read with a
stride-0 walk (one value repeated across its row):

| op          | pass 1                       | pass 2                               | pass 3 |
|-------------|------------------------------|--------------------------------------|--------|
| softmax     | m = max(x)                   | s = sum(exp(x - m))                  | exp(x - m) / s |
| log_softmax | m = max(x)                   | s = sum(exp(x - m))                  | (x - m) - log(s) |
| layer_norm  | mu = sum(x) / N              | sd = sqrt(sum((x-mu)^2) / N + eps)   | (x - mu) / sd * scale + bias |
| rms_norm    | r = sqrt(sum(x*x) / N + eps) | x / r * scale                        | |

```mlir
%y = dfg.softmax %x {axis = -1 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
// becomes three sections: s0 stores @rowmax (reduce max), s1 stores @rowsum
// (map sub/exp -> reduce add), s2 stores @out0 (map sub/exp -> map div)
```
Statistics accumulate in f32 (also for bf16 inputs).
"""

from __future__ import annotations

import math

from xdsl.ir import Operation, SSAValue

from dfc.dialects.dfg.base import shape_of

from .base import (
    LoweringError,
    Node,
    StageGraph,
    broadcast_walk,
    check_counters,
    reduce_pcu,
)
from .su_build import MemRef, ProgramBuilder, SectionBuilder, Walk


class _Rows:
    """Per-op helpers: the (P, A, Q) view of the input (A the normalized axes,
    P the axes before, Q after: softmax normalizes one axis) and its walks.
    Statistics have P x Q entries, row-major."""

    def __init__(self, program: ProgramBuilder, op: Operation, x: MemRef) -> None:
        self.program = program
        self.op = op
        self.x = x
        self.shape = tuple(shape_of(op.operands[0]))
        axes = op.reduced_axes()  # type: ignore[attr-defined]
        self.p = math.prod(self.shape[: axes[0]])
        self.a = math.prod(self.shape[axes[0] : axes[-1] + 1])
        self.q = math.prod(self.shape[axes[-1] + 1 :])
        self.rows = self.p * self.q
        self.n = self.a
        self.count = self.rows * self.n
        self.lanes = program.chip.compute.lanes
        self.dtype = x.dtype

    def section(self) -> SectionBuilder:
        return self.program.section()

    def load_x(self, sb: SectionBuilder, reduce_order: bool = False) -> SSAValue:
        """x row-major, or in reduce order (P, Q, A: the normalized axis innermost)."""
        if reduce_order and self.q > 1:
            walk = Walk.loops(
                (self.p, self.q, self.a), (self.a * self.q, 1, self.q), self.lanes
            )
            return self.x.stream(sb, walk)
        return self.x.stream(sb, Walk.flat(self.count, self.lanes))

    def load_row_stat(
        self, sb: SectionBuilder, ref: MemRef, reduce_order: bool = False
    ) -> SSAValue:
        """A per-row value repeated across its row (stride-0 counter)."""
        if self.q == 1:
            walk = Walk.loops((self.p, self.a), (1, 0), self.lanes)
        elif reduce_order:
            walk = Walk.loops((self.p, self.q, self.a), (self.q, 1, 0), self.lanes)
        else:
            walk = Walk.loops((self.p, self.a, self.q), (self.q, 0, 1), self.lanes)
        return ref.stream(sb, walk)

    def load_param(self, sb: SectionBuilder, ref: MemRef, value: SSAValue) -> SSAValue:
        walk = broadcast_walk(shape_of(value), self.shape, self.lanes)
        walk = check_counters(self.op, walk, sb.chip, f"load of '{ref.name}'")
        return ref.stream(sb, walk)

    def row_reduce(self, sb: SectionBuilder, stream: SSAValue, kind: str) -> SSAValue:
        inner = (0, self.a, max(1, min(self.lanes, self.a)))
        if self.q == 1:
            counters = [(0, self.p, 1), inner]
        else:
            counters = [(0, self.p, 1), (0, self.q, 1), inner]
        return reduce_pcu(
            sb, stream, counters, self.dtype, kind, [len(counters) - 1], True
        )

    def stat(self, hint: str) -> MemRef:
        return self.program.memory(hint, (self.rows,), "f32", "scratch")

    def finish_stat(
        self,
        sb: SectionBuilder,
        stream: SSAValue,
        ref: MemRef,
        scale: float | None,
        eps: float | None = None,
    ) -> None:
        """Store a reduced row value, optionally `sqrt(v * scale + eps)` or `v * scale`."""
        if scale is not None:
            g = StageGraph(sb, "f32", self.rows, self.op)
            v: Node = g.input(stream)
            v = g.add("mul", v, scale)
            if eps is not None:
                v = g.add("sqrt", g.add("add", v, eps))
            [stream] = g.emit([v])
        sb.store(ref, stream, Walk.flat(self.rows, self.lanes))


def _epsilon(op: Operation) -> float:
    from dfc.dialects.dfg import normalization as norm

    attr = op.attributes.get("epsilon")
    if attr is None:
        return float(norm.DEFAULT_EPSILON)
    return float(attr.value.data)  # type: ignore[attr-defined]


def program_softmax(
    program: ProgramBuilder, op: Operation, operands: list[MemRef], out: MemRef
) -> None:
    log = op.name == "dfg.log_softmax"
    rows = _Rows(program, op, operands[0])
    _float_only(op, rows.dtype)
    # pass 1: row max
    sb = rows.section()
    rowmax = rows.stat("rowmax")
    rows.finish_stat(
        sb, rows.row_reduce(sb, rows.load_x(sb, True), "max"), rowmax, None
    )
    # pass 2: row sum of exp(x - max)
    sb = rows.section()
    g = StageGraph(sb, rows.dtype, rows.count, op)
    x = g.input(rows.load_x(sb, True))
    m = g.input(rows.load_row_stat(sb, rowmax, True))
    [e] = g.emit([g.add("exp", g.add("sub", x, m))])
    rowsum = rows.stat("rowsum")
    rows.finish_stat(sb, rows.row_reduce(sb, e, "add"), rowsum, None)
    # pass 3: normalize
    sb = rows.section()
    g = StageGraph(sb, rows.dtype, rows.count, op)
    x, m = g.input(rows.load_x(sb)), g.input(rows.load_row_stat(sb, rowmax))
    s = g.input(rows.load_row_stat(sb, rowsum))
    d = g.add("sub", x, m)
    y = g.add("sub", d, g.add("log", s)) if log else g.add("div", g.add("exp", d), s)
    [result] = g.emit([y], [out.dtype])
    sb.store(out, result, Walk.flat(rows.count, rows.lanes))


def program_norm(
    program: ProgramBuilder, op: Operation, operands: list[MemRef], out: MemRef
) -> None:
    rms = op.name == "dfg.rms_norm"
    rows = _Rows(program, op, operands[0])
    _float_only(op, rows.dtype)
    eps = _epsilon(op)
    params: dict[str, tuple[MemRef, SSAValue]] = {}
    rest = iter(zip(operands[1:], op.operands[1:], strict=True))
    for name in ("scale",) if rms else ("scale", "bias"):
        if getattr(op, name) is not None:
            params[name] = next(rest)
    mean: MemRef | None = None
    if not rms:
        # pass 1: mean
        sb = rows.section()
        mean = rows.stat("rowmean")
        rows.finish_stat(
            sb, rows.row_reduce(sb, rows.load_x(sb, True), "add"), mean, 1.0 / rows.n
        )
    # pass: sd = sqrt(mean((x - mu)^2) + eps)  (layer_norm) / sqrt(mean(x^2) + eps)
    sb = rows.section()
    g = StageGraph(sb, rows.dtype, rows.count, op)
    x: Node = g.input(rows.load_x(sb, True))
    if mean is not None:
        x = g.add("sub", x, g.input(rows.load_row_stat(sb, mean, True)))
    [sq] = g.emit([g.add("mul", x, x)])
    sd = rows.stat("rowsd")
    rows.finish_stat(sb, rows.row_reduce(sb, sq, "add"), sd, 1.0 / rows.n, eps)
    # final pass: normalize, scale, shift
    sb = rows.section()
    g = StageGraph(sb, rows.dtype, rows.count, op)
    y: Node = g.input(rows.load_x(sb))
    if mean is not None:
        y = g.add("sub", y, g.input(rows.load_row_stat(sb, mean)))
    y = g.add("div", y, g.input(rows.load_row_stat(sb, sd)))
    if "scale" in params:
        y = g.add("mul", y, g.input(rows.load_param(sb, *params["scale"])))
    if "bias" in params:
        y = g.add("add", y, g.input(rows.load_param(sb, *params["bias"])))
    [result] = g.emit([y], [out.dtype])
    sb.store(out, result, Walk.flat(rows.count, rows.lanes))


def _float_only(op: Operation, dtype: str) -> None:
    if dtype not in ("f32", "bf16"):
        raise LoweringError(op, f"'{op.name}' on {dtype} is not lowered")


PROGRAM_LOWERINGS = {
    "dfg.softmax": program_softmax,
    "dfg.log_softmax": program_softmax,
    "dfg.layer_norm": program_norm,
    "dfg.rms_norm": program_norm,
}
