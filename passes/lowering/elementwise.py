"""Elementwise ops: a run of consecutive elementwise ops of one result shape and
unit type becomes one section of chained `map` PCUs.

Operands stream from memory with broadcast walks (stride-0 counters repeat a
dimension), splat constants become stage constants, intermediates stay on
streams, and every value used after the run (or returned) is stored. Ops
without a stage op expand into several stages (gelu, clip, compare, pow, ...).
With `#dfg.tile<..., par = P>` the outermost dimension larger than 1 is split
into P row blocks, each with its own loads, PCUs and store (replicated units).

```mlir
%1 = dfg.add %x, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
%2 = dfg.relu %1 : (tensor<4x8xf32>) -> tensor<4x8xf32>
// becomes
%a = su.agcu @ld0 load @x {...}   %b = su.agcu @ld1 load @b {... map = (d0, d1) -> (d1)}
%r = su.pcu @map0 "map" (%a, %b) {stages = [#su.stage<add(in0, in1)>,
        #su.stage<max(s0, c0)>], constants = array<f32: 0.0>, ...}
su.agcu @st0 store @out0 (%r) {...}
```
"""

from __future__ import annotations

import math

import numpy as np
from xdsl.ir import Operation, SSAValue

from dfc.backends.chip import Chip
from dfc.dialects.dfg.base import element_type_of, shape_of
from dfc.dialects.dfg.elementwise import OPS as ELEMENTWISE_OPS

from .base import (
    Lowerer,
    LoweringError,
    Node,
    StageGraph,
    broadcast_walk,
    check_counters,
    is_bool,
    memory_dtype,
    row_major_strides,
)
from .su_build import MemRef, SectionBuilder, Walk, dtype_name

ELEMENTWISE_NAMES = frozenset(cls.name for cls in ELEMENTWISE_OPS)

DIRECT_FLOAT = {
    "dfg.add": "add",
    "dfg.sub": "sub",
    "dfg.mul": "mul",
    "dfg.div": "div",
    "dfg.max": "max",
    "dfg.min": "min",
    "dfg.neg": "neg",
    "dfg.abs": "abs",
    "dfg.exp": "exp",
    "dfg.log": "log",
    "dfg.sqrt": "sqrt",
    "dfg.rsqrt": "rsqrt",
    "dfg.reciprocal": "recip",
    "dfg.tanh": "tanh",
    "dfg.erf": "erf",
    "dfg.sigmoid": "sigmoid",
}
TAIL_FLOAT = {
    "dfg.floor": "floor",
    "dfg.ceil": "ceil",
    "dfg.sin": "sin",
    "dfg.cos": "cos",
}
"""Float ops that are one stage on chips whose PCU has the stage op (the SN40L
tail stage, bitstream format 1.1); elsewhere they are not lowered."""
DIRECT_INT = {
    "dfg.add": "add",
    "dfg.sub": "sub",
    "dfg.mul": "mul",
    "dfg.div": "div",
    "dfg.max": "max",
    "dfg.min": "min",
    "dfg.neg": "neg",
    "dfg.abs": "abs",
}


def unit_dtype(op: Operation, value: SSAValue) -> str:
    """The PCU arithmetic type for values like `value`: floats as they are,
    integers and booleans (0/1) in i32 (i8 stays i8)."""
    if is_bool(value):
        return "i32"
    name = dtype_name(element_type_of(value))
    if name in ("f32", "bf16", "i32", "i8"):
        return name
    if name == "i64":
        return "i32"
    raise LoweringError(op, f"'{op.name}' on {element_type_of(value)} is not lowered")


def compute_dtype(op: Operation) -> str:
    """The unit type an elementwise op computes in."""
    if op.name == "dfg.compare":
        return unit_dtype(op, op.operands[0])
    if op.name == "dfg.where":
        return unit_dtype(op, op.operands[1])
    if op.name == "dfg.cast" and is_bool(op.results[0]):
        return unit_dtype(op, op.operands[0])  # x != 0 in the source type
    return unit_dtype(op, op.results[0])


def group_key(op: Operation) -> tuple | None:
    """Ops with equal keys (consecutive in the block) share one section."""
    if op.name not in ELEMENTWISE_NAMES:
        return None
    return (tuple(shape_of(op.results[0])), compute_dtype(op))


def _splat(lowerer: Lowerer, value: SSAValue) -> float | None:
    """The value of a constant whose elements are all equal (a stage constant)."""
    op = lowerer.constants.get(value)
    if op is None or value in lowerer.refs:
        return None
    from dfc.backends.reference.interpreter import attribute_array

    data = np.asarray(attribute_array(op.value))  # type: ignore[attr-defined]
    flat = data.reshape(-1)
    if flat.size == 0 or not np.all(flat == flat[0]):
        return None
    return float(flat[0])


def lower_elementwise_group(lowerer: Lowerer, ops: list[Operation]) -> None:
    program = lowerer.program
    shape = tuple(shape_of(ops[0].results[0]))
    dtype = compute_dtype(ops[0])
    members = set(ops)
    # values that leave the run: used by a later op, or returned
    stored: list[SSAValue] = []
    for op in ops:
        result = op.results[0]
        if result in lowerer.returned or any(
            use.operation not in members for use in result.uses
        ):
            stored.append(result)
    outs = {v: lowerer.result_memory(v.owner, v) for v in stored}  # type: ignore[arg-type]
    par = max((_par(op) for op in ops), default=1)
    # Replicas split the outermost dimension larger than 1: the dimensions
    # before it have size 1 (a batch of one image, `[1, C, H, W]`), so each
    # replica's rows are still one contiguous block of every full tensor.
    axis = next((i for i, e in enumerate(shape) if e > 1), 0)
    rows = shape[axis] if shape else 1
    replicas = max(1, min(par, rows)) if len(shape) >= 1 else 1
    block = -(-rows // replicas)
    sb = program.section()
    for r in range(replicas):
        begin, end = r * block, min(rows, (r + 1) * block)
        if begin >= end:
            continue
        if replicas > 1:
            sb.prefix = f"r{r}_"
        _lower_rows(
            lowerer, sb, ops, dtype, (begin, end) if shape else None, stored, outs, axis
        )
    sb.prefix = ""


def _lower_rows(
    lowerer: Lowerer,
    sb: SectionBuilder,
    ops: list[Operation],
    dtype: str,
    span: tuple[int, int] | None,
    stored: list[SSAValue],
    outs: dict[SSAValue, MemRef],
    axis: int = 0,
) -> None:
    """Loads, PCUs and stores of the run over the rows `span` of dimension
    `axis` (every dimension before it has size 1; all of it for rank 0)."""
    chip = lowerer.chip
    lanes = chip.compute.lanes
    shape = tuple(shape_of(ops[0].results[0]))
    row_size = math.prod(shape[axis + 1 :]) if shape else 1
    n = (span[1] - span[0]) * row_size if span is not None else 1
    graph = StageGraph(sb, dtype, n, ops[0])
    env: dict[SSAValue, Node | float] = {}
    for op in ops:
        sources: list[Node | float] = []
        for value in op.operands:
            value = lowerer.canon(value)
            if value not in env:
                splat = _splat(lowerer, value)
                if splat is not None:
                    env[value] = splat
                else:
                    ref = lowerer.memory_for(value)
                    walk = broadcast_walk(shape_of(value), shape, lanes, span, axis)
                    walk = check_counters(
                        op, walk, chip, f"broadcast load of '{ref.name}'"
                    )
                    env[value] = graph.input(ref.stream(sb, walk))
            sources.append(env[value])
        env[op.results[0]] = expand(graph, op, sources, dtype, chip)
    nodes: list[Node] = []
    for v in stored:
        node = env[v]
        if not isinstance(node, Node) or node.op is None:
            # a constant or a loaded operand returned unchanged: one stage
            node = graph.add("max", node, node)
            env[v] = node
        nodes.append(node)
    streams = graph.emit(nodes, [outs[v].dtype for v in stored])
    base = span[0] * row_size if span is not None else 0
    for v, stream in zip(stored, streams, strict=True):
        sb.store(outs[v], stream, Walk.loops((n,), (1,), lanes, base))


def _par(op: Operation) -> int:
    tile = op.attributes.get("tile")
    par = getattr(tile, "par", 1)
    return int(par) if isinstance(par, int) and par > 0 else 1


def expand(
    g: StageGraph, op: Operation, src: list[Node | float], dtype: str, chip: Chip
) -> Node | float:
    """The stages computing `op` from its operand nodes (see the table in
    docs/lowering.md)."""
    name = op.name
    is_float = dtype in ("f32", "bf16")
    direct = DIRECT_FLOAT if is_float else DIRECT_INT
    if name in direct:
        return g.add(direct[name], *src)
    if is_float and name in TAIL_FLOAT and TAIL_FLOAT[name] in chip.compute.stage_ops:
        return g.add(TAIL_FLOAT[name], *src)
    if name == "dfg.relu":
        return g.add("max", src[0], 0.0)
    if name == "dfg.gelu":
        x = src[0]
        approx = op.attributes.get("approximate")
        if approx is not None and getattr(approx, "data", "none") == "tanh":
            # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            x2 = g.add("mul", x, x)
            inner = g.add("fma", x2, 0.044715, 1.0)
            t = g.add("mul", inner, x)
            t = g.add("mul", t, math.sqrt(2.0 / math.pi))
            t = g.add("tanh", t)
            half = g.add("fma", t, 0.5, 0.5)
            return g.add("mul", x, half)
        # 0.5 x (1 + erf(x / sqrt 2))
        t = g.add("mul", x, 1.0 / math.sqrt(2.0))
        t = g.add("erf", t)
        half = g.add("fma", t, 0.5, 0.5)
        return g.add("mul", x, half)
    if name == "dfg.clip":
        x = src[0]
        lo = op.attributes.get("min")
        hi = op.attributes.get("max")
        if lo is not None:
            x = g.add("max", x, float(lo.value.data))  # type: ignore[attr-defined]
        if hi is not None:
            x = g.add("min", x, float(hi.value.data))  # type: ignore[attr-defined]
        if x is src[0]:
            return g.add("max", x, x)
        return x
    if name == "dfg.compare":
        return _compare(g, op.attributes["predicate"].data, *src)  # type: ignore[attr-defined]
    if name == "dfg.where":
        c, a, b = src
        nodes = sum(isinstance(v, Node) for v in src)
        if nodes > g.sb.chip.compute.vector_inputs:
            # select(c, a, 0) + select(c, 0, b): two-input stages (exact but
            # for the sign of a zero result)
            return g.add("add", g.add("select", c, a, 0.0), g.add("select", c, 0.0, b))
        return g.add("select", c, a, b)
    if name in ("dfg.and", "dfg.or"):
        if is_float:
            return g.add("mul" if name == "dfg.and" else "max", *src)
        return g.add(name.removeprefix("dfg."), *src)
    if name == "dfg.not":
        if is_float:
            return g.add("sub", 1.0, src[0])
        return g.add("xor", src[0], 1.0)
    if name == "dfg.cast":
        if is_bool(op.results[0]):
            return g.add("select", src[0], 1.0, 0.0)  # x != 0 (NaN -> true)
        # the unit type is the target type: a unit's input is converted to it
        # (floats to integers truncate) and every stage rounds to it
        return g.add("max", src[0], src[0])
    if name == "dfg.pow" and is_float:
        base, exponent = src
        if not isinstance(exponent, float):
            raise LoweringError(
                op,
                "'dfg.pow' with a non-constant exponent is not lowered (the "
                "exp/log expansion is wrong for negative bases)",
            )
        if exponent == 0.5:
            return g.add("sqrt", base)
        if exponent == -0.5:
            return g.add("rsqrt", base)
        if exponent == int(exponent) and abs(exponent) <= 8:
            k = int(abs(exponent))
            if k == 0:
                return 1.0
            power: Node | float = base
            acc: Node | float | None = None
            # square-and-multiply
            while k:
                if k & 1:
                    acc = power if acc is None else g.add("mul", acc, power)
                k >>= 1
                if k:
                    power = g.add("mul", power, power)
            result: Node | float = acc if acc is not None else base
            if exponent < 0:
                return g.add("recip", result)
            if result is base:
                return g.add("max", base, base)
            return result
        raise LoweringError(
            op,
            f"'dfg.pow' with exponent {exponent} is not lowered (only integers "
            "|n| <= 8 and +-0.5)",
        )
    raise LoweringError(
        op, f"'{name}' on {dtype} has no stage expansion on '{chip.name}' (no stage op)"
    )


def _compare(g: StageGraph, pred: str, a: Node | float, b: Node | float) -> Node:
    """`a <pred> b` as 1/0: one `cmp.<pred>` stage (bitstream format 1.1 stores
    the predicate), with IEEE semantics: NaN compares unequal to everything,
    equal infinities compare equal (docs/lowering.md)."""
    return g.add(f"cmp.{pred}", a, b)


def program_elementwise(program, op, operands, out):  # type: ignore[no-untyped-def]
    """Not used: elementwise ops are lowered in groups by the driver."""
    raise AssertionError("elementwise ops are lowered by lower_elementwise_group")


PROGRAM_LOWERINGS: dict = {}
__all__ = [
    "group_key",
    "lower_elementwise_group",
    "expand",
    "row_major_strides",
    "memory_dtype",
]
