"""Lowering of `dfg.scan` (cumulative sum / product / max / min) to the `scan`
template.

The input is walked as `(prefix, axis, suffix)` — the prefix and suffix dims
merged into one loop each; `(prefix, axis)` with the axis vectorized when it is
the last dim — and a `scan` PCU runs the prefix combine along the axis counter
(the template's `scan_counter`). `reverse` walks the axis
backwards (coefficient `-suffix`, base at the last slice) for both the load and
the store. `exclusive` scans slices `0 .. A-2` and stores them one slice
further; slice 0 gets the identity from a `map` PCU with no input.

```mlir
%r = dfg.scan %x {axis = 1 : i64, kind = "sum"} : (tensor<4x6xf32>) -> tensor<4x6xf32>
%x0 = su.agcu @ld0 load @x {counters = array<i64: 0, 4, 1, 0, 6, 1, 0, 1, 1>, map = ...}
%s = su.pcu @scan0 "scan" (%x0) {counters = array<i64: 0, 4, 1, 0, 6, 1, 0, 1, 1>,
    dtype = f32, stages = [], scan_op = "add", scan_counter = 1 : i64} : ...
```
The identity of an exclusive max / min scan is the lowest / highest finite
value of the type (the reference uses -inf / +inf for floats; they differ only
in slice 0, and a non-finite stage constant has no MLIR text form that
round-trips).
"""

from __future__ import annotations

import math

import numpy as np
from xdsl.dialects.builtin import IntegerAttr, StringAttr, i64
from xdsl.ir import Operation

from dfc.dialects.dfg.base import bool_value, element_type_of, shape_of
from dfc.dialects.dfg.reduction import ScanOp
from dfc.dialects.diagnostics import DfcDiagnosticError

from .su_build import MemRef, ProgramBuilder, SectionBuilder, Walk, dtype_name

SCAN_OPS = {"sum": "add", "prod": "mul", "max": "max", "min": "min"}


def identity(kind: str, dtype: str) -> float:
    if kind == "sum":
        return 0.0
    if kind == "prod":
        return 1.0
    if dtype in ("f32", "bf16"):
        big = (
            3.3895313892515355e38
            if dtype == "bf16"
            else float(np.finfo(np.float32).max)
        )
    else:
        big = float(np.iinfo(np.int32 if dtype == "i32" else np.int8).max)
    return -big if kind == "max" else big


def lower_scan(sb: SectionBuilder, op: ScanOp, x: MemRef, out: MemRef) -> None:
    dtype = dtype_name(element_type_of(op.input))
    if dtype not in ("f32", "bf16", "i32", "i8"):
        raise DfcDiagnosticError(
            op, f"'dfg.scan' on {element_type_of(op.input)} cannot be lowered"
        )
    shape = shape_of(op.input)
    axis = op.normalized_axis()
    pre, a, post = math.prod(shape[:axis]), shape[axis], math.prod(shape[axis + 1 :])
    reverse = bool_value(op.reverse, False)
    exclusive = bool_value(op.exclusive, False)
    kind = op.kind.data
    lanes = sb.lanes
    step = -post if reverse else post
    first = (a - 1) * post if reverse else 0

    def walk(length: int, skip: int) -> Walk:
        """Slices `skip .. skip + length - 1` of the axis, in scan order (the
        axis is the vectorized innermost loop when it is the last one)."""
        if post == 1:
            return Walk(
                ((0, pre, 1), (0, length, min(lanes, length))),
                (a, step),
                first + skip * step,
            )
        return Walk(
            ((0, pre, 1), (0, length, 1), (0, post, min(lanes, post))),
            (a * post, step, 1),
            first + skip * step,
        )

    length = a - 1 if exclusive else a
    if length > 0:
        stream = x.stream(sb, walk(length, 0))
        counters = list(walk(length, 0).counters)
        scanned = sb.pcu(
            "scan",
            "scan",
            [stream],
            counters,
            dtype,
            scan_op=StringAttr(SCAN_OPS[kind]),
            scan_counter=IntegerAttr(1, i64),
        )
        sb.store(out, scanned, walk(length, 1 if exclusive else 0))
    if exclusive:
        fill = sb.pcu(
            "identity",
            "map",
            [],
            [(0, pre, 1), (0, post, min(lanes, post))],
            dtype,
            stages=[("max", ("c0", "c0"))],
            constants=[identity(kind, dtype)],
        )
        sb.store(
            out,
            fill,
            Walk(((0, pre, 1), (0, post, min(lanes, post))), (a * post, 1), first),
        )


def program_scan(
    program: ProgramBuilder, op: Operation, operands: list[MemRef], out: MemRef
) -> None:
    assert isinstance(op, ScanOp)
    lower_scan(program.section(), op, operands[0], out)


PROGRAM_LOWERINGS = {"dfg.scan": program_scan}
