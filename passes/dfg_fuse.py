"""`dfg-fuse`: partition every function into `dfg.kernel` regions (streaming sections).

Strategies (option `strategy`):

- `none` — every op its own kernel: the unfused baseline, every intermediate
  through HBM.
- `greedy` — start from `none` and repeatedly merge the two kernels joined by
  an edge (or sharing an input) whose merge saves the most estimated time
  (`dfc.backends.cost`), while the merged kernel fits the chip and the kernels
  stay acyclic; stop when no merge saves time.
- `optimal` — exact: enumerate every partition of a weakly connected component
  of at most `exact-limit` ops into legal kernels (branch and bound over the
  ops in program order, pruning groups that no longer fit) and keep the cheapest;
  components above the limit fall back to `greedy`, and the function records
  this in its `dfg.fusion` attribute (`"optimal"` or `"optimal (greedy fallback
  for N of M components)"`).

`dfg.constant` ops (weights) stay outside kernels and become kernel operands.
Functions that already contain a `dfg.kernel` are left as they are.

```mlir
// before
%y = dfg.matmul %x, %w : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
%z = dfg.relu %y : (tensor<8x8xf32>) -> tensor<8x8xf32>
func.return %z : tensor<8x8xf32>
// after dfg-fuse{strategy=greedy}
%z = dfg.kernel @main_k0 ins(%x, %w : tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32> {
^bb0(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>):
  %y = dfg.matmul %a, %b : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
  %r = dfg.relu %y : (tensor<8x8xf32>) -> tensor<8x8xf32>
  dfg.yield %r : tensor<8x8xf32>
}
func.return %z : tensor<8x8xf32>
```
"""

# No `from __future__ import annotations`: xDSL reads option types from fields.
import heapq
from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import builtin, func
from xdsl.dialects.builtin import StringAttr
from xdsl.ir import Block, Region, SSAValue
from xdsl.passes import ModulePass

from dfc.backends.chip import Chip, load_chip
from dfc.backends.cost import FuncGraph, is_fusible
from dfc.dialects.dfg.base import tensor_bytes
from dfc.dialects.dfg.constant import ConstantOp
from dfc.dialects.dfg.kernel import KernelOp, YieldOp
from dfc.dialects.diagnostics import DfcDiagnosticError

STRATEGIES = ("none", "greedy", "optimal")
DEFAULT_EXACT_LIMIT = 10
SIBLING_MIN_BYTES = 1024
"""Values up to this size do not make their readers fusion neighbours."""
FUSION_ATTR = "dfg.fusion"

Partition = list[frozenset[int]]


def fuse_none(graph: FuncGraph) -> Partition:
    return [frozenset({i}) for i in range(len(graph))]


def _creates_cycle(
    graph: FuncGraph, owner: list[int], members: dict[int, set[int]], a: int, b: int
) -> bool:
    """Whether merging kernels `a` and `b` closes a cycle through a third
    kernel: a path a -> c -> ... -> b (or b -> ... -> a) with c outside both."""

    def kernel_succs(k: int) -> set[int]:
        return {owner[j] for i in members[k] for j in graph.succs[i]} - {k}

    for src, dst in ((a, b), (b, a)):
        stack = [c for c in kernel_succs(src) if c != dst]
        seen = set(stack)
        while stack:
            k = stack.pop()
            for c in kernel_succs(k):
                if c == dst:
                    return True
                if c not in seen:
                    seen.add(c)
                    stack.append(c)
    return False


def fuse_greedy(graph: FuncGraph, start: Partition | None = None) -> Partition:
    """Best-gain-first merging of neighbouring kernels (see the module doc)."""
    groups = start if start is not None else fuse_none(graph)
    owner = [0] * len(graph)
    members: dict[int, set[int]] = {}
    for k, g in enumerate(groups):
        members[k] = set(g)
        for i in g:
            owner[i] = k
    version = {k: 0 for k in members}
    heap: list[tuple[float, int, int, int, int, int]] = []

    def neighbours(k: int) -> set[int]:
        near: set[int] = set()
        for i in members[k]:
            near |= {owner[j] for j in graph.succs[i] | graph.preds[i]}
            # siblings: kernels reading the same value (Q/K/V from one input);
            # not through tiny values (scalar constants shared by every layer),
            # whose traffic merging would not save and which would make every
            # kernel a neighbour of every other one
            for v in graph.ops[i].operands:
                if tensor_bytes(v) <= SIBLING_MIN_BYTES:
                    continue
                for use in v.uses:
                    j = graph.index.get(use.operation)
                    if j is not None:
                        near.add(owner[j])
        near.discard(k)
        return near

    def push(a: int, b: int) -> None:
        ga, gb = frozenset(members[a]), frozenset(members[b])
        merged = graph.group_cost(ga | gb)
        if not merged.fits:
            return
        gain = (
            graph.group_cost(ga).total_cycles
            + graph.group_cost(gb).total_cycles
            - merged.total_cycles
        )
        if gain > 1e-9:
            lo, hi = min(a, b), max(a, b)
            heapq.heappush(
                heap, (-gain, min(ga | gb), lo, hi, version[lo], version[hi])
            )

    for k in list(members):
        for other in neighbours(k):
            if other > k:
                push(k, other)
    while heap:
        _, _, a, b, va, vb = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        if version[a] != va or version[b] != vb:
            continue
        if _creates_cycle(graph, owner, members, a, b):
            continue
        members[a] |= members.pop(b)
        for i in members[a]:
            owner[i] = a
        version[a] += 1
        del version[b]
        for other in neighbours(a):
            push(a, other)
    return [frozenset(g) for _, g in sorted(members.items(), key=lambda kv: min(kv[1]))]


def _components(graph: FuncGraph) -> list[list[int]]:
    seen: set[int] = set()
    comps: list[list[int]] = []
    for start in range(len(graph)):
        if start in seen:
            continue
        comp: list[int] = []
        stack = [start]
        seen.add(start)
        while stack:
            i = stack.pop()
            comp.append(i)
            for j in graph.succs[i] | graph.preds[i]:
                if j not in seen:
                    seen.add(j)
                    stack.append(j)
        comps.append(sorted(comp))
    return comps


def _exact(graph: FuncGraph, ops: Sequence[int]) -> Partition:
    """The cheapest legal partition of `ops` (a component), by enumerating set
    partitions in program order; a group that stops fitting is pruned (adding
    ops never frees units)."""
    best: list[float | Partition] = [float("inf"), []]
    groups: list[set[int]] = []

    def search(pos: int) -> None:
        if pos == len(ops):
            frozen = [frozenset(g) for g in groups]
            cost = graph.partition_cycles(frozen)
            if cost < best[0] and graph.is_acyclic(frozen):  # pyright: ignore
                best[0], best[1] = cost, frozen
            return
        i = ops[pos]
        for g in groups:
            g.add(i)
            if graph.group_cost(frozenset(g)).fits:
                search(pos + 1)
            g.discard(i)
        groups.append({i})
        search(pos + 1)
        groups.pop()

    search(0)
    result = best[1]
    assert isinstance(result, list)
    return result


def fuse_optimal(graph: FuncGraph, exact_limit: int) -> tuple[Partition, int, int]:
    """Exact per component up to `exact_limit` ops, greedy beyond; returns the
    partition, the number of components that fell back, and the total."""
    comps = _components(graph)
    partition: Partition = []
    fallback = 0
    greedy = fuse_greedy(graph)
    for comp in comps:
        if len(comp) <= exact_limit:
            partition += _exact(graph, comp)
        else:
            fallback += 1
            partition += [g for g in greedy if min(g) in comp]
    return partition, fallback, len(comps)


# ---------------------------------------------------------------------------
# Rewriting
# ---------------------------------------------------------------------------


def _topological(graph: FuncGraph, partition: Partition) -> Partition:
    owner = {i: k for k, g in enumerate(partition) for i in g}
    indegree = [0] * len(partition)
    edges: list[set[int]] = [set() for _ in partition]
    for i, succ in enumerate(graph.succs):
        for j in succ:
            a, b = owner[i], owner[j]
            if a != b and b not in edges[a]:
                edges[a].add(b)
                indegree[b] += 1
    ready = [(min(g), k) for k, g in enumerate(partition) if indegree[k] == 0]
    heapq.heapify(ready)
    order: Partition = []
    while ready:
        _, k = heapq.heappop(ready)
        order.append(partition[k])
        for b in edges[k]:
            indegree[b] -= 1
            if indegree[b] == 0:
                heapq.heappush(ready, (min(partition[b]), b))
    assert len(order) == len(partition), "fusion produced a cyclic partition"
    return order


def build_kernels(fn: func.FuncOp, graph: FuncGraph, partition: Partition) -> None:
    """Replace the ops of `fn` by one `dfg.kernel` per group, in topological
    order, just before the terminator."""
    block = fn.body.block
    terminator = block.last_op
    assert terminator is not None
    current: dict[SSAValue, SSAValue] = {}  # original value -> kernel result
    for index, group in enumerate(_topological(graph, partition)):
        inputs, outputs = graph.boundary(group)
        body = Block(arg_types=[v.type for v in inputs])
        mapping: dict[SSAValue, SSAValue] = dict(zip(inputs, body.args, strict=True))
        for i in sorted(group):
            op = graph.ops[i]
            new = op.clone(value_mapper=mapping)
            body.add_op(new)
            mapping.update(zip(op.results, new.results, strict=True))
        body.add_op(YieldOp([mapping[v] for v in outputs]))
        kernel = KernelOp(
            [current.get(v, v) for v in inputs],
            [v.type for v in outputs],
            Region(body),
            f"{fn.sym_name.data}_k{index}",
        )
        block.insert_op_before(kernel, terminator)
        current.update(zip(outputs, kernel.outputs, strict=True))
    for old, new in current.items():
        old.replace_all_uses_with(new)
    for op in reversed(graph.ops):
        op.detach()
        op.erase()


def check_function(fn: func.FuncOp, pass_name: str) -> bool:
    """Whether `fn` is a dfg function to partition; raises on foreign ops."""
    if not fn.body.blocks:
        return False
    if len(fn.body.blocks) != 1:
        raise DfcDiagnosticError(
            fn,
            f"{pass_name} expects functions with one block, @{fn.sym_name.data} has {len(fn.body.blocks)}",
        )
    if any(isinstance(op, KernelOp) for op in fn.body.block.ops):
        return False
    for op in fn.body.block.ops:
        if is_fusible(op) or isinstance(op, ConstantOp | func.ReturnOp):
            continue
        raise DfcDiagnosticError(
            op,
            f"{pass_name} partitions functions of dfg ops only; '{op.name}' is not a "
            "dfg op",
        )
    return True


def resolve_chip(name: str) -> Chip:
    try:
        return load_chip(name)
    except (ValueError, OSError) as error:
        raise ValueError(f"cannot load chip '{name}': {error}") from None


@dataclass(frozen=True)
class DfgFusePass(ModulePass):
    """Partition each function into `dfg.kernel` streaming sections.

    ```mlir
    // before: two ops           // after dfg-fuse{strategy=greedy chip=tiny}
    %y = dfg.add %x, %x          %k = dfg.kernel @main_k0 ins(%x : ...) -> ... {
    %z = dfg.relu %y               ^bb0(%a): %y = dfg.add %a, %a
                                   %z = dfg.relu %y   dfg.yield %z }
    ```
    """

    name = "dfg-fuse"

    strategy: str = "greedy"
    """`none`, `greedy` or `optimal`."""
    chip: str = "sn40l"
    """Chip preset name or TOML path the cost model uses."""
    exact_limit: int = DEFAULT_EXACT_LIMIT
    """Largest component (in ops) `optimal` solves exactly (`exact-limit`)."""

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        if self.strategy not in STRATEGIES:
            raise ValueError(
                f"dfg-fuse: unknown strategy '{self.strategy}'; strategies: "
                + ", ".join(STRATEGIES)
            )
        chip = resolve_chip(self.chip)
        for fn in list(op.walk()):
            if not isinstance(fn, func.FuncOp) or not check_function(fn, self.name):
                continue
            graph = FuncGraph(fn.body.block, chip)
            if not len(graph):
                continue
            label = self.strategy
            if self.strategy == "none":
                partition = fuse_none(graph)
            elif self.strategy == "greedy":
                partition = fuse_greedy(graph)
            else:
                partition, fallback, total = fuse_optimal(graph, self.exact_limit)
                if fallback:
                    label = (
                        f"optimal (greedy fallback for {fallback} of {total} "
                        f"components above exact-limit {self.exact_limit})"
                    )
            build_kernels(fn, graph, partition)
            fn.attributes[FUSION_ATTR] = StringAttr(label)
