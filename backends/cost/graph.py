"""Costs of groups of ops of one function: what fusion searches over.

`FuncGraph` numbers the fusible ops of a function body (every structured dfg op
except `dfg.constant`, which is a weight), records producer/consumer edges, and
prices any group of ops as one kernel (`group_cost`, cached): the group's
off-chip traffic is every value it reads from outside (function arguments,
weights, other kernels' results) and every value it produces that is used
outside it, all in HBM (the unfused baseline's assumption; `dfg-place-memory`
decides the real tiers later).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from xdsl.dialects import func
from xdsl.ir import Block, Operation, SSAValue

from dfc.backends.chip import Chip
from dfc.dialects.dfg.base import StructuredOpInterface, tensor_bytes
from dfc.dialects.dfg.constant import ConstantOp
from dfc.dialects.dfg.kernel import KernelOp

from .kernel import KernelEstimate, estimate_kernel
from .ops import OpProfile, profile

DEFAULT_TIER = "hbm"


def is_fusible(op: Operation) -> bool:
    return isinstance(op, StructuredOpInterface) and not isinstance(op, ConstantOp)


class FuncGraph:
    """The fusible ops of one block and the cost of grouping them."""

    def __init__(self, block: Block, chip: Chip) -> None:
        self.chip = chip
        self.ops: list[Operation] = [op for op in block.ops if is_fusible(op)]
        self.index: dict[Operation, int] = {op: i for i, op in enumerate(self.ops)}
        self.profiles: list[OpProfile] = [profile(op) for op in self.ops]
        n = len(self.ops)
        self.succs: list[set[int]] = [set() for _ in range(n)]
        self.preds: list[set[int]] = [set() for _ in range(n)]
        for i, op in enumerate(self.ops):
            for v in op.operands:
                j = self.index.get(v.owner) if isinstance(v.owner, Operation) else None
                if j is not None and j != i:
                    self.preds[i].add(j)
                    self.succs[j].add(i)
        self._cache: dict[frozenset[int], KernelEstimate] = {}
        # Per op: its operands with their producer's index (None outside the
        # graph), and per result the users' indices (None for a user outside:
        # the terminator, a foreign op). `boundary` runs for every group the
        # fusion search prices, so it works on these indices only.
        self._operands: list[list[tuple[SSAValue, int | None]]] = []
        self._results: list[list[tuple[SSAValue, set[int | None]]]] = []
        for op in self.ops:
            self._operands.append(
                [
                    (
                        v,
                        self.index.get(v.owner)
                        if isinstance(v.owner, Operation)
                        else None,
                    )
                    for v in op.operands
                ]
            )
            self._results.append(
                [(r, {self.index.get(u.operation) for u in r.uses}) for r in op.results]
            )
        self._bytes: dict[SSAValue, int] = {}

    def __len__(self) -> int:
        return len(self.ops)

    def boundary(self, group: Iterable[int]) -> tuple[list[SSAValue], list[SSAValue]]:
        """Values the group reads from outside (in first-use order) and values it
        produces that are used outside (in definition order)."""
        inside = set(group)
        members = sorted(inside)
        inputs: list[SSAValue] = []
        seen: set[SSAValue] = set()
        outputs: list[SSAValue] = []
        for i in members:
            for v, j in self._operands[i]:
                if (j is None or j not in inside) and v not in seen:
                    seen.add(v)
                    inputs.append(v)
            for r, users in self._results[i]:
                if not users <= inside:
                    outputs.append(r)
        return inputs, outputs

    def value_bytes(self, v: SSAValue) -> int:
        nbytes = self._bytes.get(v)
        if nbytes is None:
            nbytes = self._bytes[v] = tensor_bytes(v)
        return nbytes

    def group_cost(self, group: frozenset[int]) -> KernelEstimate:
        cached = self._cache.get(group)
        if cached is not None:
            return cached
        inputs, outputs = self.boundary(group)
        estimate = estimate_kernel(
            self.chip,
            [self.profiles[i] for i in sorted(group)],
            [(self.value_bytes(v), DEFAULT_TIER) for v in inputs],
            [(self.value_bytes(v), DEFAULT_TIER) for v in outputs],
        )
        self._cache[group] = estimate
        return estimate

    def partition_cycles(self, groups: Iterable[frozenset[int]]) -> float:
        return sum(self.group_cost(g).total_cycles for g in groups)

    def is_acyclic(self, groups: Sequence[frozenset[int]]) -> bool:
        """Whether the quotient graph of `groups` (a partition) has no cycle."""
        owner = [0] * len(self.ops)
        for k, g in enumerate(groups):
            for i in g:
                owner[i] = k
        edges: list[set[int]] = [set() for _ in groups]
        indegree = [0] * len(groups)
        for i, succ in enumerate(self.succs):
            for j in succ:
                a, b = owner[i], owner[j]
                if a != b and b not in edges[a]:
                    edges[a].add(b)
                    indegree[b] += 1
        ready = [k for k in range(len(groups)) if indegree[k] == 0]
        seen = 0
        while ready:
            k = ready.pop()
            seen += 1
            for b in edges[k]:
                indegree[b] -= 1
                if indegree[b] == 0:
                    ready.append(b)
        return seen == len(groups)


def estimate_kernel_op(
    kernel: KernelOp, chip: Chip, tiers: Mapping[SSAValue, str] | None = None
) -> KernelEstimate:
    """Estimate an existing `dfg.kernel`; `tiers` gives the tier of its operands
    and results (default HBM)."""
    tiers = tiers or {}
    body = [op for op in kernel.block.ops if is_fusible(op)]
    inputs = [(tensor_bytes(v), tiers.get(v, DEFAULT_TIER)) for v in kernel.inputs]
    outputs = [(tensor_bytes(r), tiers.get(r, DEFAULT_TIER)) for r in kernel.outputs]
    # Inside the body, the kernel's inputs are block arguments and its results
    # are what the terminator yields.
    outer: dict[SSAValue, str] = {}
    for arg, v in zip(kernel.block.args, kernel.inputs, strict=True):
        outer[arg] = tiers.get(v, DEFAULT_TIER)
    terminator = kernel.block.last_op
    if terminator is not None:
        for v, r in zip(terminator.operands, kernel.outputs, strict=True):
            outer[v] = tiers.get(r, DEFAULT_TIER)
    return estimate_kernel(
        chip,
        [profile(op) for op in body],
        inputs,
        outputs,
        lambda v: outer.get(v, DEFAULT_TIER),
    )


def kernels_of(fn: func.FuncOp) -> list[KernelOp]:
    return [op for op in fn.body.block.ops if isinstance(op, KernelOp)]
