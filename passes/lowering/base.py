"""The `convert-dfg-to-su` framework: values in memory, one lowering per op, and
a stage-graph builder that packs elementwise arithmetic into `map` PCUs.

Every tensor a lowering sees is an off-chip `MemRef` (a `su.memory`): function
arguments (`input`), constants (`weight`, `init` = the constant's data), the
returned values (`output`, named `out0`, `out1`, ...) and everything between
lowerings (`scratch`). A lowering receives its operands' memories and the
memory of its result, and adds sections to the `ProgramBuilder`; inside a
section it streams whatever walk it needs straight from memory (an AGCU with a
strided / stride-0 address map: DMA reorders and broadcasts, re-reads cost
bandwidth, not correctness). Consecutive elementwise ops of one shape and unit
type are lowered together, their intermediates staying on streams (see
`lower_elementwise_group` in `elementwise.py`). docs/lowering.md describes the
interface ("Writing a lowering").

```python
def program_transpose(program, op, operands, out):      # a Lowering
    sb = program.section()
    x = operands[0].stream(sb, transposed_walk(...))      # AGCU load, any walk
    sb.store(out, x, Walk.flat(out.size, sb.lanes))       # AGCU store
PROGRAM_LOWERINGS = {"dfg.transpose": program_transpose}  # picked up via FAMILIES
```
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from xdsl.dialects import func
from xdsl.dialects.builtin import (
    BoolAttr,
    DenseArrayBase,
    IntegerType,
    ModuleOp,
    StringAttr,
    i64,
)
from xdsl.ir import Operation, SSAValue

from dfc.backends.chip import Chip
from dfc.dialects.dfg.base import element_type_of, shape_of
from dfc.dialects.diagnostics import DfcDiagnosticError

from .su_build import (
    MemRef,
    ProgramBuilder,
    SectionBuilder,
    Walk,
    dtype_name,
    element_attr,
    memory_op,
)

Lowering = Callable[[ProgramBuilder, Operation, list[MemRef], MemRef], None]
"""`(program, op, operand memories, result memory)`: add the op's sections."""

FAMILIES = (
    "elementwise",
    "reduction",
    "normalization",
    "movement",
    "linalg",
    "conv",
    "attention",
    "gather",
    "scan",
)
"""Modules of this package whose `PROGRAM_LOWERINGS` dicts make up the registry."""


class LoweringError(DfcDiagnosticError):
    """A located "cannot lower" error (an MLIR diagnostic on the op)."""


def registry() -> tuple[dict[str, Lowering], dict[str, str]]:
    """Every registered lowering by op name, and the import error of each
    family that failed to load (reported when one of its ops is met)."""
    table: dict[str, Lowering] = {}
    broken: dict[str, str] = {}
    for name in FAMILIES:
        try:
            module = importlib.import_module(f"{__package__}.{name}")
        except ImportError as error:  # a family still being written
            broken[name] = f"{type(error).__name__}: {error}"
            continue
        table.update(getattr(module, "PROGRAM_LOWERINGS", {}))
    return table, broken


# -- types and walks -----------------------------------------------------------------


def memory_dtype(op: Operation | None, value: SSAValue) -> str:
    """The `su` memory element type of a tensor value: i1 is stored as i8
    bytes and i64 (index tensors) narrowed to i32 (docs/lowering.md)."""
    element = element_type_of(value)
    if isinstance(element, IntegerType) and element.width.data == 1:
        return "i8"
    name = dtype_name(element)
    if name == "i64":
        return "i32"
    if name is None:
        raise LoweringError(op, f"element type {element} has no su memory type")
    return name


def is_bool(value: SSAValue) -> bool:
    element = element_type_of(value)
    return isinstance(element, IntegerType) and element.width.data == 1


def row_major_strides(shape: Sequence[int]) -> tuple[int, ...]:
    out: list[int] = []
    step = 1
    for size in reversed(shape):
        out.append(step)
        step *= size
    return tuple(reversed(out))


def broadcast_walk(
    in_shape: Sequence[int],
    out_shape: Sequence[int],
    lanes: int,
    rows: tuple[int, int] | None = None,
    axis: int = 0,
) -> Walk:
    """The walk that visits a tensor of `in_shape` in the row-major order of
    `out_shape` (numpy broadcasting: a size-1 or missing dimension repeats, a
    stride-0 counter). `rows` restricts output dimension `axis` (default the
    outermost) to `[begin, end)` (one replica of a parallelized op)."""
    out = list(out_shape) or [1]
    shape = [1] * (len(out) - len(in_shape)) + list(in_shape)
    strides = row_major_strides(shape)
    coeffs = [s if d == o else 0 for d, o, s in zip(shape, out, strides, strict=True)]
    base = 0
    if rows is not None:
        base = coeffs[axis] * rows[0]
        out[axis] = rows[1] - rows[0]
    return Walk.loops(out, coeffs, lanes, base)


def check_counters(op: Operation, walk: Walk, chip: Chip, what: str) -> Walk:
    """`walk` normalized; a located error when it needs more counters than an
    address generator has."""
    norm = walk.normalized()
    limit = chip.compute.counters
    if len(norm.counters) > limit:
        raise LoweringError(
            op,
            f"{what} needs {len(norm.counters)} counters but units on "
            f"'{chip.name}' have {limit}",
        )
    return norm


def ints(values: Sequence[int]) -> DenseArrayBase:
    return DenseArrayBase.from_list(i64, list(values))


def set_init(program: ProgramBuilder, ref: MemRef, value: float) -> None:
    """Give the memory `ref` a splat initial image (e.g. a pad's fill value)."""
    import numpy as np

    for i, mem in enumerate(program.memories):
        if mem.sym_name.data == ref.name:
            replacement = memory_op(
                ref,
                mem.tier.data,
                mem.offset.value.data,
                mem.role.data,
                np.full(ref.shape, value),
            )
            program.memories[i] = replacement
            return
    raise AssertionError(f"no memory {ref.name}")


# -- stage graphs --------------------------------------------------------------------


@dataclass(eq=False)
class Node:
    """A value of a stage graph: an input stream (`op` is None) or a stage
    `op(sources)`, a source being a Node or a float constant."""

    op: str | None
    sources: tuple[Node | float, ...] = ()
    stream: SSAValue | None = None
    out_dtype: str | None = None


@dataclass
class StageGraph:
    """Elementwise arithmetic on streams of one element count, packed into
    `map` PCUs (at most the chip's stages and vector inputs each).

    ```python
    g = StageGraph(sb, "f32", count)
    x, m = g.input(x_stream), g.input(m_stream)
    y = g.op("exp", g.op("sub", x, m))
    [y_stream] = g.emit([y])          # the PCUs; streams of the requested nodes
    ```
    Packing is greedy in creation order: a node joins the open PCU when the
    stage and input-port limits allow and no earlier node of that PCU is still
    needed afterwards (only a PCU's last stage leaves it); otherwise the open
    PCU is closed and its last stage becomes a stream."""

    sb: SectionBuilder
    dtype: str
    count: int
    op: Operation | None = None
    nodes: list[Node] = field(default_factory=lambda: [])

    def input(self, stream: SSAValue) -> Node:
        node = Node(None, (), stream)
        self.nodes.append(node)
        return node

    def add(self, name: str, *sources: Node | float) -> Node:
        node = Node(name, tuple(sources))
        self.nodes.append(node)
        return node

    def emit(
        self, outputs: Sequence[Node], out_dtypes: Sequence[str | None] = ()
    ) -> list[SSAValue]:
        chip = self.sb.chip
        max_stages = chip.compute.stages
        max_ports = chip.compute.vector_inputs
        for node, dtype in zip(outputs, out_dtypes, strict=False):
            node.out_dtype = dtype
        last_use: dict[int, int] = {}
        for i, node in enumerate(self.nodes):
            for s in node.sources:
                if isinstance(s, Node):
                    last_use[id(s)] = i
        for node in outputs:
            last_use[id(node)] = len(self.nodes)
        open_nodes: list[Node] = []

        def ports_of(nodes: list[Node]) -> list[SSAValue]:
            members = {id(n) for n in nodes}
            ports: list[SSAValue] = []
            for n in nodes:
                for s in n.sources:
                    if isinstance(s, Node) and id(s) not in members:
                        assert s.stream is not None
                        if s.stream not in ports:
                            ports.append(s.stream)
            return ports

        def build(members: list[Node]) -> SSAValue:
            """One PCU computing `members` as stages; its output is the last."""
            ports = ports_of(members)
            index = {id(n): j for j, n in enumerate(members)}
            constants: list[float] = []
            stages: list[tuple[str, list[str]]] = []
            for n in members:
                srcs: list[str] = []
                for s in n.sources:
                    if isinstance(s, Node):
                        if id(s) in index:
                            srcs.append(f"s{index[id(s)]}")
                        else:
                            assert s.stream is not None
                            srcs.append(f"in{ports.index(s.stream)}")
                    else:
                        value = _unit_constant(float(s), self.dtype)
                        if value not in constants:
                            constants.append(value)
                        srcs.append(f"c{constants.index(value)}")
                stages.append((n.op or "", srcs))
            last = members[-1]
            return self.sb.pcu(
                "map",
                "map",
                ports,
                [(0, self.count, max(1, min(self.sb.lanes, self.count)))],
                self.dtype,
                out_dtype=last.out_dtype or self.dtype,
                stages=stages,
                constants=constants,
            )

        def close(now: int) -> None:
            if not open_nodes:
                return
            open_nodes[-1].stream = build(open_nodes)
            # an inner stage still needed (only when a node that reads it did
            # not fit): recompute it in a PCU of its own from the same inputs
            for k, n in enumerate(open_nodes[:-1]):
                if last_use.get(id(n), -1) >= now and n.stream is None:
                    n.stream = build(open_nodes[: k + 1])
            open_nodes.clear()

        for i, node in enumerate(self.nodes):
            if node.op is None:
                continue
            candidate = [*open_nodes, node]
            fits = (
                len(candidate) <= max_stages
                and len(ports_of(candidate)) <= max_ports
                and all(last_use.get(id(n), -1) <= i for n in open_nodes)
            )
            if not fits:
                close(i)
            if not open_nodes and len(ports_of([node])) > max_ports:
                raise LoweringError(
                    self.op,
                    f"stage '{node.op}' needs {len(ports_of([node]))} vector inputs "
                    f"but compute units on '{chip.name}' have {max_ports}",
                )
            open_nodes.append(node)
            # a node whose result leaves the graph in another type ends its PCU
            if node.out_dtype is not None and node.out_dtype != self.dtype:
                close(i + 1)
        close(len(self.nodes) + 1)
        results: list[SSAValue] = []
        for node in outputs:
            if node.stream is None:  # an input requested as output
                raise AssertionError("stage graph output without a stream")
            results.append(node.stream)
        return results


def _unit_constant(value: float, dtype: str) -> float:
    """A stage constant as the unit holds it: bf16 units hold bf16 constants
    (rounded to nearest even), integer units integers."""
    if dtype == "bf16":
        import ml_dtypes
        import numpy as np

        return float(np.float32(value).astype(ml_dtypes.bfloat16))
    if dtype in ("i32", "i8"):
        return float(int(value))
    return value


def reduce_pcu(
    sb: SectionBuilder,
    value: SSAValue,
    counters: Sequence[tuple[int, int, int]],
    dtype: str,
    op: str,
    reduce_counters: Sequence[int],
    reduce_lanes: bool,
    out_dtype: str | None = None,
) -> SSAValue:
    """A `reduce` PCU (no stages); float sums accumulate in f32, integer in i32."""
    accumulate = "f32" if dtype in ("f32", "bf16") else "i32"
    extra: dict = {
        "accumulate": element_attr(accumulate),
        "reduce_op": StringAttr(op),
    }
    if reduce_counters:
        extra["reduce_counters"] = ints(reduce_counters)
    if reduce_lanes:
        extra["reduce_lanes"] = BoolAttr.from_bool(True)
    return sb.pcu(
        f"red{op}",
        "reduce",
        [value],
        counters,
        dtype,
        out_dtype=out_dtype or accumulate,
        **extra,
    )


def flat_counters(count: int, lanes: int) -> list[tuple[int, int, int]]:
    return [(0, count, max(1, min(lanes, count)))]


# -- the driver ----------------------------------------------------------------------


@dataclass
class Lowerer:
    """Lowers one dfg function (kernels inlined in order) into `program`."""

    program: ProgramBuilder
    table: dict[str, Lowering]
    broken: dict[str, str]
    refs: dict[SSAValue, MemRef] = field(default_factory=lambda: {})
    constants: dict[SSAValue, Operation] = field(default_factory=lambda: {})
    returned: dict[SSAValue, list[int]] = field(default_factory=lambda: {})
    tiers: dict[SSAValue, str] = field(default_factory=lambda: {})
    outputs: dict[int, MemRef] = field(default_factory=lambda: {})
    alias: dict[SSAValue, SSAValue] = field(default_factory=lambda: {})
    kernel_of: dict[Operation, Operation] = field(default_factory=lambda: {})
    tags: list[object | None] = field(default_factory=lambda: [])
    """Per section (in `program.open` order): the kernel it was lowered from."""

    def tag_sections(self, tag: object | None) -> None:
        self.tags += [tag] * (len(self.program.open) - len(self.tags))

    def canon(self, value: SSAValue) -> SSAValue:
        """The value a kernel block argument or kernel result stands for."""
        while value in self.alias:
            value = self.alias[value]
        return value

    @property
    def chip(self) -> Chip:
        return self.program.chip

    def memory_for(self, value: SSAValue) -> MemRef:
        """The memory holding `value` (a constant's weight memory is created on
        first use: splat constants folded into stages need none)."""
        value = self.canon(value)
        if value in self.refs:
            return self.refs[value]
        op = self.constants.get(value)
        if op is None:
            raise LoweringError(
                value.owner if isinstance(value.owner, Operation) else None,
                "value has no memory (internal ordering error)",
            )
        import numpy as np

        from dfc.backends.reference.interpreter import attribute_array

        data = np.asarray(attribute_array(op.value))  # type: ignore[attr-defined]
        ref = self.program.memory(
            _hint(value, "w"),
            shape_of(value),
            memory_dtype(op, value),
            "weight",
            init=data,
            tier=self.tiers.get(value, "hbm"),
        )
        self.refs[value] = ref
        return ref

    def result_memory(self, op: Operation, value: SSAValue) -> MemRef:
        """A fresh memory for `value`: the first function output it is
        returned as, else scratch."""
        dtype = memory_dtype(op, value)
        indices = self.returned.get(value)
        if indices:
            i = indices[0]
            ref = self.program.memory(
                f"out{i}", shape_of(value), dtype, "output", tier="hbm"
            )
            self.outputs[i] = ref
        else:
            ref = self.program.memory(
                _hint(value, "t"),
                shape_of(value),
                dtype,
                "scratch",
                tier=self.tiers.get(value, "hbm"),
            )
        self.refs[value] = ref
        return ref

    def lower_function(self, function: func.FuncOp) -> None:
        ret = function.body.block.last_op
        assert isinstance(ret, func.ReturnOp)
        flat = _flatten(
            list(function.body.block.ops), self.tiers, self.alias, self.kernel_of
        )
        for i, value in enumerate(ret.arguments):
            self.returned.setdefault(self.canon(value), []).append(i)
        for i, arg in enumerate(function.body.block.args):
            attrs = function.arg_attrs.data[i].data if function.arg_attrs else {}
            tier = _tier_name(attrs.get("dfg.tier"))
            self.refs[arg] = self.program.memory(
                arg.name_hint or f"arg{i}",
                shape_of(arg),
                memory_dtype(function, arg),
                "input",
                tier=tier,
            )
        self.lower_ops(flat)
        # results that no lowering wrote into an output memory (arguments,
        # constants, reshape aliases, a value returned twice): copy them
        for value, indices in self.returned.items():
            for i in indices:
                if i in self.outputs:
                    continue
                constant = self.constants.get(value)
                if _is_empty(value) or constant is not None:
                    # a value known at compile time (a constant, e.g. the
                    # identity of a reduction over an empty axis, or a tensor
                    # without elements) is the output memory's initial image:
                    # no section copies it
                    ref = self.program.memory(
                        f"out{i}",
                        shape_of(value),
                        memory_dtype(constant, value),
                        "output",
                        init=None if _is_empty(value) else _constant_data(constant),
                    )
                    self.outputs[i] = ref
                    continue
                source = self.memory_for(value)
                ref = self.program.memory(
                    f"out{i}", source.shape, source.dtype, "output"
                )
                self.outputs[i] = ref
                copy(self.program, source, ref)
        self.tag_sections(None)

    def lower_ops(self, ops: list[Operation]) -> None:
        from dfc.dialects.dfg.constant import ConstantOp

        from .elementwise import group_key, lower_elementwise_group

        i = 0
        while i < len(ops):
            op = ops[i]
            if isinstance(op, ConstantOp):
                self.constants[op.results[0]] = op
                i += 1
                continue
            if op.results and all(_is_empty(r) for r in op.results):
                # a zero-size result holds no data: it needs no unit, only its
                # (empty) memory (`canonicalize` normally folds it away)
                for result in op.results:
                    self.result_memory(op, result)
                i += 1
                continue
            if any(_is_empty(v) for v in op.operands):
                raise LoweringError(
                    op,
                    f"'{op.name}' reads a zero-size operand but its result is not "
                    "empty; run canonicalize first (it folds such ops to constants)",
                )
            key = group_key(op)
            if key is not None:
                j = i + 1
                kernel = self.kernel_of.get(op)
                while (
                    j < len(ops)
                    and group_key(ops[j]) == key
                    and self.kernel_of.get(ops[j]) is kernel
                ):
                    j += 1
                lower_elementwise_group(self, ops[i:j])
                self.tag_sections(self.kernel_of.get(op))
                i = j
                continue
            self.lower_op(op)
            self.tag_sections(self.kernel_of.get(op))
            i += 1

    def lower_op(self, op: Operation) -> None:
        lowering = self.table.get(op.name)
        if lowering is None:
            family = _family_hint(op.name)
            if family in self.broken:
                raise LoweringError(
                    op,
                    f"'{op.name}' cannot be lowered: the '{family}' lowering "
                    f"failed to load ({self.broken[family]})",
                )
            raise LoweringError(op, f"'{op.name}' has no lowering to su")
        if len(op.results) != 1:
            raise LoweringError(op, f"'{op.name}' with {len(op.results)} results")
        operands = [self.memory_for(v) for v in op.operands]
        if op.name == "dfg.reshape":
            # a row-major reshape is the same bytes: alias the memory
            src = operands[0]
            shape = tuple(shape_of(op.results[0])) or (1,)
            data = None if src.data is None else src.data.reshape(shape)
            self.refs[op.results[0]] = replace(src, shape=shape, data=data)
            return
        out = self.result_memory(op, op.results[0])
        lowering(self.program, op, operands, out)


def _constant_data(op: Operation | None) -> Any:
    """The array a `dfg.constant` holds."""
    import numpy as np

    from dfc.backends.reference.interpreter import attribute_array

    return np.asarray(attribute_array(op.value))  # type: ignore[attr-defined]


def _is_empty(value: SSAValue) -> bool:
    """Whether `value` is a tensor with a dimension of extent 0."""
    return 0 in shape_of(value)


def copy(program: ProgramBuilder, source: MemRef, dest: MemRef) -> None:
    """A section streaming `source` into `dest` (same element count)."""
    sb = program.section()
    walk = Walk.flat(source.size, sb.lanes)
    sb.store(dest, source.stream(sb, walk), walk)


def _tier_name(attr: object) -> str:
    """hbm or ddr from a `#dfg.tier`; on-chip (`sram`) placements are kept in
    HBM here: sections stream every tensor through AGCUs (docs/lowering.md)."""
    if attr is None:
        return "hbm"
    text = str(attr)
    return "ddr" if "ddr" in text.split(",")[0] else "hbm"


def _hint(value: SSAValue, default: str) -> str:
    hint = value.name_hint
    if hint and hint.replace("_", "").isalnum() and not hint[0].isdigit():
        return hint
    return default


def _family_hint(name: str) -> str:
    short = name.removeprefix("dfg.")
    if short in ("matmul", "batch_matmul"):
        return "linalg"
    if short in (
        "conv2d",
        "max_pool2d",
        "avg_pool2d",
        "global_max_pool",
        "global_avg_pool",
    ):
        return "conv"
    if short in ("attention", "gather", "scan"):
        return short
    return ""


def _flatten(
    ops: list[Operation],
    tiers: dict[SSAValue, str],
    alias: dict[SSAValue, SSAValue],
    kernel_of: dict[Operation, Operation] | None = None,
    kernel: Operation | None = None,
) -> list[Operation]:
    """The function's ops with `dfg.kernel` bodies inlined in place (the module
    is not changed: kernel block arguments and results are recorded in `alias`
    as the values they stand for)."""
    from dfc.dialects.dfg.kernel import KernelOp, YieldOp

    flat: list[Operation] = []
    for op in ops:
        if isinstance(op, func.ReturnOp | YieldOp):
            continue
        if isinstance(op, KernelOp):
            block = op.regions[0].block
            for arg, operand in zip(block.args, op.operands, strict=True):
                alias[arg] = operand
            inner = list(block.ops)
            flat += _flatten(inner, tiers, alias, kernel_of, op)
            yield_op = inner[-1]
            tier_list = op.attributes.get("tiers")
            tier_data = getattr(tier_list, "data", ())
            for k, (result, value) in enumerate(
                zip(op.results, yield_op.operands, strict=True)
            ):
                alias[result] = value
                if k < len(tier_data):
                    tiers[value] = _tier_name(tier_data[k])
            continue
        if "tier" in op.attributes:
            for result in op.results:
                tiers[result] = _tier_name(op.attributes["tier"])
        if kernel_of is not None and kernel is not None:
            kernel_of[op] = kernel
        flat.append(op)
    return flat


def lower_module(
    module: ModuleOp, chip: Chip, forward: bool = True, epilogues: bool = True
) -> ModuleOp:
    """The su module computing the module's `main` (or only) function;
    `forward` merges the sections of one kernel where a stream can be
    forwarded (`forward.py`); `epilogues` runs the elementwise consumers of a
    matmul or convolution on its tile pieces (`epilogue.py`)."""
    functions = [op for op in module.ops if isinstance(op, func.FuncOp)]
    if not functions:
        raise LoweringError(module, "no func.func to lower")
    function = next((f for f in functions if f.sym_name.data == "main"), functions[0])
    table, broken = registry()
    # The epilogue driver lowers matmul/conv results and their elementwise
    # consumers in one section per tile piece (imported here: it builds on this
    # module).
    from .epilogue import EpilogueLowerer

    driver = EpilogueLowerer if epilogues else Lowerer
    lowerer = driver(ProgramBuilder(chip), table, broken)
    lowerer.lower_function(function)
    if forward:
        from .forward import forward_streams

        forward_streams(lowerer.program, lowerer.tags)
    return lowerer.program.module()


__all__ = [
    "FAMILIES",
    "Lowerer",
    "Lowering",
    "LoweringError",
    "Node",
    "StageGraph",
    "broadcast_walk",
    "check_counters",
    "copy",
    "flat_counters",
    "lower_module",
    "math",
    "memory_dtype",
    "reduce_pcu",
    "registry",
    "row_major_strides",
    "set_init",
]
