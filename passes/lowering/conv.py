"""Lowering of `dfg.conv2d` (im2col walks into the systolic matmul template) and of
the pools (`max_pool2d`, `avg_pool2d`: window reductions; `global_max_pool`,
`global_avg_pool`: reductions over the spatial dims).

**Padding** goes through a *padded scratch memory*: a section of two AGCUs copies
the input into the interior of a scratch region whose `init` image is the pad
value (0 for conv and average pooling, the lowest finite value for max pooling),
and the compute section reads windows from it. Every window address is then
inside the region, with no masking (the DMA walks are plain affine maps). The
region is as large as the windows reach (the ceil-mode overhang included).

**conv2d** is, per group g, a matmul with M = output columns (`ow`), N = the
group's output channels, K = `(c, kh, kw)` (three contraction loops). The AGCU
feeding A walks the padded input as im2col: element `(c, kh, kw, ow)` of the
tile at `(n, g, oh)` is `xp[n, g*cg + c, oh*sh + kh*dh, ow*sw + kw*dw]`; B walks
the weights `w[g*og + o, c, kh, kw]`. Tiles and regions are those of the
matmul lowering (`linalg.emit_matmul`); a bias is added by a `map` PCU per
piece fed by an AGCU that walks `bias[o]` in the tile's order.

```mlir
%y = dfg.conv2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
    : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32>
// section s0: x -> interior of @xp (10 x 10 planes, init dense<0.0>)
// section s1: su.agcu load @xp (im2col walk), su.agcu load @w, su.pcu "matmul"
//             {tile = array<i64: 4, 3, 27>}, ..., su.agcu store @y
```

**Pools**: a `reduce` PCU over the window counters `(kh, kw)` of a walk
`(n*c*oh, kh, kw, ow)` of the padded input; average pooling then multiplies by
`1 / count` (a constant stage when every window has the same count, else a
table of per-position reciprocals — a PMU's init image, or a weight in memory
when it does not fit — walked with zero coefficients over n, c).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from xdsl.dialects.builtin import BoolAttr, DenseArrayBase, StringAttr, i64
from xdsl.ir import Operation, SSAValue

from dfc.dialects.dfg.base import bool_value, element_type_of, shape_of
from dfc.dialects.dfg.linalg import Conv2dOp
from dfc.dialects.dfg.pooling import (
    AvgPool2dOp,
    GlobalAvgPoolOp,
    GlobalMaxPoolOp,
    GlobalPoolOp,
    MaxPool2dOp,
)
from dfc.dialects.diagnostics import DfcDiagnosticError

from .linalg import (
    Layout,
    MatrixOperand,
    TilePiece,
    emit_matmul,
    operand_dtype,
    tile_of,
)
from .su_build import (
    MemRef,
    ProgramBuilder,
    SectionBuilder,
    Walk,
    dtype_name,
    element_attr,
    resident,
)


def lowest(dtype: str) -> float:
    """The pad value of max pooling: the lowest finite value of the type (a
    non-finite splat does not survive the MLIR text round trip)."""
    if dtype == "bf16":
        return -3.3895313892515355e38
    if dtype == "f32":
        return float(np.finfo(np.float32).min)
    return float(np.iinfo(np.int32 if dtype == "i32" else np.int8).min)


def padded_input(
    program: ProgramBuilder,
    x: MemRef,
    top: int,
    left: int,
    height: int,
    width: int,
    fill: float,
) -> tuple[MemRef, int, int]:
    """`x` (NCHW) placed at (top, left) of `height x width` planes filled with
    `fill`, in a scratch memory written by its own section; returns the memory
    and its plane height and width. `x` itself when no padding is needed."""
    n, c, h, w = x.shape
    if top == 0 and left == 0 and height <= h and width <= w:
        return x, h, w
    height, width = max(height, top + h), max(width, left + w)
    xp = program.memory(
        f"{x.name}_pad",
        (n, c, height, width),
        x.dtype,
        "scratch",
        init=np.full((n, c, height, width), fill, dtype=np.float32),
    )
    sb = program.section()
    lanes = sb.lanes
    stream = x.stream(sb, Walk.loops((n * c, h, w), (h * w, w, 1), lanes))
    sb.store(
        xp,
        stream,
        Walk.loops(
            (n * c, h, w), (height * width, width, 1), lanes, top * width + left
        ),
    )
    return xp, height, width


def _window_extent(out: int, kernel: int, stride: int, dilation: int) -> int:
    return (out - 1) * stride + dilation * (kernel - 1) + 1


def conv2d_pieces(
    program: ProgramBuilder, op: Operation, operands: list[MemRef]
) -> tuple[SectionBuilder, list[tuple[TilePiece, SSAValue]], Callable[..., Layout]]:
    """The conv's units (after its padding section): the section, each piece
    with its stream (bias added), and `layout(strides)`: the `Layout` that
    walks a tensor indexed like the output `[n, o, oh, ow]` with `strides` (0
    where it broadcasts) in the pieces' order."""
    assert isinstance(op, Conv2dOp)
    dtype = operand_dtype(op, op.input)
    out_dtype = dtype_name(element_type_of(op.output))
    assert out_dtype is not None
    x, w = operands[0], operands[1]
    bias = operands[2] if len(operands) > 2 else None
    n, c, _, _ = x.shape
    o, cg, kh, kw = w.shape
    groups = op.group_count()
    og = o // groups
    sh, sw = op.stride_values()
    pt, pl, _, _ = op.pad_values()
    dh, dw = op.dilation_values()
    oh, ow = op.output_spatial()
    xp, hp, wp = padded_input(
        program,
        x,
        pt,
        pl,
        _window_extent(oh, kh, sh, dh),
        _window_extent(ow, kw, sw, dw),
        0.0,
    )
    sb = program.section()
    # tile loops (n, g, oh); M = ow, N = og; K = (c, kh, kw)
    plane = hp * wp

    def layout(strides: Sequence[int]) -> Layout:
        s_n, s_o, s_h, s_w = strides
        return Layout((s_n, og * s_o, s_h), s_w, s_o)

    a = MatrixOperand(xp, (c * plane, cg * plane, sh * wp), sw, (plane, dh * wp, dw))
    b = MatrixOperand(w, (0, og * cg * kh * kw, 0), cg * kh * kw, (kh * kw, kw, 1))
    tile = tile_of(op)
    par = max(1, tile.par) if tile is not None else 1
    mm_dtype = "f32" if bias is not None else out_dtype
    pieces = emit_matmul(
        sb,
        a,
        b,
        (n, groups, oh),
        layout((o * oh * ow, oh * ow, ow, 1)),
        ow,
        og,
        (cg, kh, kw),
        dtype,
        mm_dtype,
        par=par,
    )
    result: list[tuple[TilePiece, SSAValue]] = []
    for piece in pieces:
        value = piece.stream
        if bias is not None:
            walk = piece.walk_for(layout((0, 1, 0, 0)), sb.lanes)
            b_stream = bias.stream(sb, walk)
            value = sb.pcu(
                "bias",
                "map",
                [value, b_stream],
                _pcu_counters(walk),
                "f32",
                out_dtype,
                stages=[("add", ("in0", "in1"))],
            )
        result.append((piece, value))
    return sb, result, layout


def program_conv2d(
    program: ProgramBuilder, op: Operation, operands: list[MemRef], out: MemRef
) -> None:
    sb, pieces, _ = conv2d_pieces(program, op, operands)
    for piece, value in pieces:
        sb.store(out, value, piece.walk)


def _pcu_counters(walk: Walk) -> list[tuple[int, int, int]]:
    """A compute unit's counters for a stream walked by `walk`: the outer loops
    merged into one (a PCU only needs the element space, and has few counters)."""
    shape = walk.shape
    outer = 1
    for size in shape[:-1]:
        outer *= size
    inner = walk.counters[-1]
    return [(0, outer, 1), (0, shape[-1], inner[2])]


def _pool_dtype(op: Operation) -> str:
    name = dtype_name(element_type_of(op.operands[0]))
    if name not in ("f32", "bf16", "i32", "i8"):
        raise DfcDiagnosticError(
            op,
            f"'{op.name}' on {element_type_of(op.operands[0])} cannot be lowered: "
            "compute units reduce f32, bf16, i32 and i8",
        )
    return name


def program_pool2d(
    program: ProgramBuilder, op: Operation, operands: list[MemRef], out: MemRef
) -> None:
    assert isinstance(op, MaxPool2dOp | AvgPool2dOp)
    dtype = _pool_dtype(op)
    is_max = isinstance(op, MaxPool2dOp)
    x = operands[0]
    n, c, h, w = x.shape
    kh, kw = op.kernel_values()
    sh, sw = op.stride_values()
    pt, pl, pb, pr = op.pad_values()
    dh, dw = op.dilation_values()
    oh, ow = op.output_spatial()
    xp, hp, wp = padded_input(
        program,
        x,
        pt,
        pl,
        _window_extent(oh, kh, sh, dh),
        _window_extent(ow, kw, sw, dw),
        lowest(dtype) if is_max else 0.0,
    )
    sb = program.section()
    lanes = sb.lanes
    plane = hp * wp
    window = Walk(
        (
            (0, n * c, 1),
            (0, oh, 1),
            (0, kh, 1),
            (0, kw, 1),
            (0, ow, min(lanes, ow)),
        ),
        (plane, sh * wp, dh * wp, dw, sw),
    )
    stream = xp.stream(sb, window)
    acc = "f32" if dtype in ("f32", "bf16") else "i32"
    reduced = sb.pcu(
        "pool",
        "reduce",
        [stream],
        [(0, n * c * oh, 1), (0, kh, 1), (0, kw, 1), (0, ow, min(lanes, ow))],
        dtype,
        acc if not is_max else dtype,
        accumulate=element_attr(acc),
        reduce_op=StringAttr("max" if is_max else "add"),
        reduce_counters=_ints([1, 2]),
    )
    out_walk = Walk.loops((n * c * oh, ow), (ow, 1), lanes)
    if not is_max:
        assert isinstance(op, AvgPool2dOp)
        counts = _avg_counts(op, h, w, pt, pl, pb, pr, kh, kw, sh, sw, oh, ow)
        counters = [(0, n * c * oh, 1), (0, ow, min(lanes, ow))]
        if np.all(counts == counts.flat[0]):
            reduced = sb.pcu(
                "avg",
                "map",
                [reduced],
                counters,
                "f32",
                dtype,
                stages=[("mul", ("in0", "c0"))],
                constants=[1.0 / float(counts.flat[0])],
            )
        else:
            # per-position reciprocals: a constant table in a PMU when it fits
            # (its init image), else a weight in memory
            walk = Walk(
                ((0, n * c, 1), (0, oh, 1), (0, ow, min(lanes, ow))), (0, ow, 1)
            )
            table = MemRef("pool_recip", (oh, ow), "f32", (1.0 / counts).reshape(-1))
            if resident(sb.chip, table, walk):
                r_stream = table.stream(sb, walk)
            else:
                recip = program.memory(
                    "pool_recip", (oh, ow), "f32", "weight", init=1.0 / counts
                )
                r_stream = recip.stream(sb, walk)
            reduced = sb.pcu(
                "avg",
                "map",
                [reduced, r_stream],
                counters,
                "f32",
                dtype,
                stages=[("mul", ("in0", "in1"))],
            )
    sb.store(out, reduced, out_walk)


def _avg_counts(op, h, w, pt, pl, pb, pr, kh, kw, sh, sw, oh, ow) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Per output position the divisor of average pooling (ONNX AveragePool:
    explicit padding counts only with `count_include_pad`; the ceil-mode overhang
    never does)."""

    def counts(out: int, k: int, s: int, pad: int, low: int, high: int) -> np.ndarray:
        pos = np.arange(out)[:, None] * s + np.arange(k)[None, :] - pad
        return ((pos >= low) & (pos < high)).sum(axis=1)

    if bool_value(op.count_include_pad):
        rows = counts(oh, kh, sh, pt, -pt, h + pb)
        cols = counts(ow, kw, sw, pl, -pl, w + pr)
    else:
        rows = counts(oh, kh, sh, pt, 0, h)
        cols = counts(ow, kw, sw, pl, 0, w)
    return (rows[:, None] * cols[None, :]).astype(np.float32)


def program_global_pool(
    program: ProgramBuilder, op: Operation, operands: list[MemRef], out: MemRef
) -> None:
    assert isinstance(op, GlobalPoolOp)
    dtype = _pool_dtype(op)
    is_max = isinstance(op, GlobalMaxPoolOp)
    x = operands[0]
    shape = shape_of(op.input)
    nc = shape[0] * shape[1]
    spatial = x.size // nc
    sb = program.section()
    lanes = sb.lanes
    stream = x.stream(sb, Walk.loops((nc, spatial), (spatial, 1), lanes))
    acc = "f32" if dtype in ("f32", "bf16") else "i32"
    counters = [(0, nc, 1), (0, spatial, min(lanes, spatial))]
    stages: list[tuple[str, tuple[str, ...]]] = []
    constants: list[float] = []
    if isinstance(op, GlobalAvgPoolOp):
        # scale before summing: one unit, and the f32 sum of x/S equals the mean
        stages = [("mul", ("in0", "c0"))]
        constants = [1.0 / spatial]
    reduced = sb.pcu(
        "gpool",
        "reduce",
        [stream],
        counters,
        "f32" if stages else dtype,
        dtype,
        stages=stages,
        constants=constants,
        accumulate=element_attr(acc),
        reduce_op=StringAttr("max" if is_max else "add"),
        reduce_counters=_ints([1]),
        reduce_lanes=BoolAttr.from_bool(True),
    )
    sb.store(out, reduced, Walk.loops((nc,), (1,), lanes))


def _ints(values: list[int]) -> DenseArrayBase:
    return DenseArrayBase.from_list(i64, values)


PROGRAM_LOWERINGS = {
    "dfg.conv2d": program_conv2d,
    "dfg.max_pool2d": program_pool2d,
    "dfg.avg_pool2d": program_pool2d,
    "dfg.global_max_pool": program_global_pool,
    "dfg.global_avg_pool": program_global_pool,
}
