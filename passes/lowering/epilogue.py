"""Matmul epilogues: the elementwise ops that consume a `dfg.matmul` /
`dfg.batch_matmul` / `dfg.conv2d` result (bias add, folded batch norm,
activation, residual add, scaling) run on each output tile piece as it leaves
the systolic unit, in the producer's section, instead of a store of C, a new
section and a load of C.

A matmul's pieces walk C in tile order (`linalg.TilePiece`), so the section
forwarding of `forward.py` (same store and load walk) never applies to them;
here every other operand of the epilogue is loaded with the piece's walk
mapped onto its own (broadcast) strides (`TilePiece.walk_for`), the stage
graph of the run (`elementwise.expand`, `base.StageGraph`) is emitted per
piece, and only the values used after the run (or returned) are stored, with
the piece's walk.

```mlir
%c = dfg.matmul %x, %w : (tensor<4x8xf32>, tensor<8x6xf32>) -> tensor<4x6xf32>
%b = dfg.add %c, %bias : (tensor<4x6xf32>, tensor<6xf32>) -> tensor<4x6xf32>
%y = dfg.relu %b : (tensor<4x6xf32>) -> tensor<4x6xf32>
// one section: per piece  matmul -> map [add(in0, in1), max(s0, c0)] -> store @y
```

`fuse_epilogue(lowerer, ops, i)` is the driver hook: it lowers `ops[i]` and
the elementwise run right after it (same result shape, same `dfg.kernel`)
when the matmul result is used only inside that run, and returns how many ops
it consumed (0: not applicable, the driver lowers them as usual).
"""

from __future__ import annotations

from xdsl.ir import Operation, SSAValue

from dfc.dialects.dfg.base import shape_of
from dfc.dialects.dfg.linalg import BatchMatmulOp, Conv2dOp, MatmulOp

from .base import Lowerer, Node, StageGraph, check_counters, memory_dtype
from .conv import conv2d_pieces
from .linalg import Layout, TilePiece, lower_matmul
from .su_build import MemRef


def broadcast_strides(shape: tuple[int, ...], target: tuple[int, ...]) -> list[int]:
    """The strides of a tensor of `shape` broadcast to `target` (numpy rules):
    its own row-major strides, 0 where it broadcasts or lacks the dim."""
    full = (1,) * (len(target) - len(shape)) + tuple(shape)
    strides = []
    step = 1
    for size in reversed(full):
        strides.append(step)
        step *= size
    strides.reverse()
    return [s if d == t else 0 for d, t, s in zip(full, target, strides, strict=True)]


def _layout(shape: tuple[int, ...], target: tuple[int, ...]) -> Layout:
    """How a tensor of `shape` broadcast to the matmul result `target` is
    indexed by C's (batch..., row, col)."""
    coeffs = broadcast_strides(shape, target)
    return Layout(tuple(coeffs[:-2]), coeffs[-2], coeffs[-1])


PRODUCERS = (MatmulOp, BatchMatmulOp, Conv2dOp)
"""Ops whose tile pieces can carry an elementwise epilogue."""


def fuse_epilogue(lowerer: Lowerer, ops: list[Operation], i: int) -> int:
    """Lower `ops[i]` (a matmul) with the elementwise run that follows it as
    its epilogue; the number of ops consumed, or 0."""
    from .elementwise import compute_dtype, expand, group_key

    op = ops[i]
    if not isinstance(op, PRODUCERS):
        return 0
    result = op.results[0]
    shape = tuple(shape_of(result))
    kernel = lowerer.kernel_of.get(op)
    j = i + 1
    key = group_key(ops[j]) if j < len(ops) else None
    if key is None or key[0] != shape or lowerer.kernel_of.get(ops[j]) is not kernel:
        return 0
    while (
        j < len(ops)
        and group_key(ops[j]) == key
        and lowerer.kernel_of.get(ops[j]) is kernel
    ):
        j += 1
    run = ops[i + 1 : j]
    members = set(run)
    if result in lowerer.returned or any(
        use.operation not in members for use in result.uses
    ):
        return 0
    # values that leave the run
    stored: list[SSAValue] = [
        v.results[0]
        for v in run
        if v.results[0] in lowerer.returned
        or any(use.operation not in members for use in v.results[0].uses)
    ]
    outs = {v: lowerer.result_memory(v.owner, v) for v in stored}  # type: ignore[arg-type]
    dtype = compute_dtype(run[0])
    chip = lowerer.chip
    program = lowerer.program
    operands = [lowerer.memory_for(v) for v in op.operands]
    if isinstance(op, Conv2dOp):
        sb, pieces, conv_layout = conv2d_pieces(program, op, operands)

        def layout_of(vshape: tuple[int, ...]) -> Layout:
            return conv_layout(broadcast_strides(vshape, shape))
    else:
        c_ref = MemRef("c", shape, memory_dtype(op, result))
        sb = program.section()
        pieces = [
            (p, p.stream) for p in lower_matmul(sb, op, operands[0], operands[1], c_ref)
        ]

        def layout_of(vshape: tuple[int, ...]) -> Layout:
            return _layout(vshape, shape)

    for piece, stream in pieces:
        assert isinstance(piece, TilePiece)
        graph = StageGraph(sb, dtype, piece.walk.size, op)
        env: dict[SSAValue, Node | float] = {result: graph.input(stream)}
        for member in run:
            sources: list[Node | float] = []
            for value in member.operands:
                value = lowerer.canon(value)
                if value not in env:
                    from .elementwise import _splat

                    splat = _splat(lowerer, value)
                    if splat is not None:
                        env[value] = splat
                    else:
                        ref = lowerer.memory_for(value)
                        walk = piece.walk_for(
                            layout_of(tuple(shape_of(value))), sb.lanes
                        )
                        walk = check_counters(
                            member, walk, chip, f"epilogue load of '{ref.name}'"
                        )
                        env[value] = graph.input(ref.stream(sb, walk))
                sources.append(env[value])
            env[member.results[0]] = expand(graph, member, sources, dtype, chip)
        nodes: list[Node] = []
        for v in stored:
            node = env[v]
            if not isinstance(node, Node) or node.op is None:
                node = graph.add("max", node, node)
                env[v] = node
            nodes.append(node)
        streams = graph.emit(nodes, [outs[v].dtype for v in stored])
        for v, stream in zip(stored, streams, strict=True):
            sb.store(outs[v], stream, piece.walk)
    lowerer.tag_sections(kernel)
    return j - i


class EpilogueLowerer(Lowerer):
    """The driver with the `fuse_epilogue` hook (`base.lower_module` uses it by default)."""

    def lower_ops(self, ops: list[Operation]) -> None:
        start = 0
        i = 0
        while i < len(ops):
            if isinstance(ops[i], PRODUCERS):
                # what comes before (constants included) is lowered first
                super().lower_ops(ops[start:i])
                start = i
                consumed = fuse_epilogue(self, ops, i)
                if consumed:
                    i += consumed
                    start = i
                    continue
            i += 1
        super().lower_ops(ops[start:])
