"""`dfg-place-memory`: give every kernel-crossing tensor and every weight a memory
tier and a byte offset.

Per function (whose dfg ops must already be in kernels, `dfg-fuse`):

1. Tier. A kernel result used only by the next kernel (in program order) and
   not returned stays in SRAM when it fits beside both kernels' own buffers
   (PMU contents survive into the next section only when retained there).
   Everything else — function arguments, results, other intermediates and
   weights (`dfg.constant`) — goes to HBM. When HBM's peak exceeds its
   capacity, weights move to DDR, largest first, then the largest
   intermediates; a function that does not fit DDR either is an error with
   the numbers.
2. Offset. Liveness over kernel positions (weights and arguments live from the
   start, results to the end); per tier, buffers are placed first-fit by start
   position then size, never overlapping a buffer live at the same time,
   aligned to the off-chip burst (HBM, DDR) or to a PMU row (`banks x
   word_bytes`, SRAM).

Written as `#dfg.tier<tier, offset = O, size = S>`: in a kernel's `tiers` array
(one per result), in a weight's `tier` attribute, in a function argument's
`dfg.tier` attribute. The function's `dfg.tier_peak` records each tier's peak.

```mlir
// after dfg-place-memory{chip=tiny}
func.func @main(%x: tensor<4xf32> {dfg.tier = #dfg.tier<hbm, offset = 0, size = 16>}) -> tensor<4xf32>
    attributes {dfg.tier_peak = {ddr = 0 : i64, hbm = 32 : i64, sram = 0 : i64}} {
  %r = dfg.kernel @main_k0 ins(%x : tensor<4xf32>) -> tensor<4xf32>
      attributes {tiers = [#dfg.tier<hbm, offset = 16, size = 16>]} { ... }
```
"""

# No `from __future__ import annotations`: xDSL reads option types from fields.
from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects import builtin, func
from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, IntegerAttr, i64
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass

from dfc.backends.chip import Chip
from dfc.backends.cost import estimate_kernel_op, is_fusible
from dfc.dialects.dfg.annotations import TIER_ATTR, TIERS_ATTR, TierAttr
from dfc.dialects.dfg.base import tensor_bytes
from dfc.dialects.dfg.constant import ConstantOp
from dfc.dialects.dfg.kernel import KernelOp
from dfc.dialects.diagnostics import DfcDiagnosticError

from .dfg_fuse import resolve_chip

PEAK_ATTR = "dfg.tier_peak"
ARG_TIER_ATTR = "dfg.tier"


@dataclass
class Buffer:
    """One tensor to place: its bytes, live range (kernel positions) and tier."""

    value: SSAValue
    nbytes: int
    start: int
    end: int
    tier: str
    weight: bool = False
    offset: int = 0
    size: int = 0


@dataclass
class Placement:
    buffers: list[Buffer] = field(default_factory=list[Buffer])
    peak: dict[str, int] = field(default_factory=dict[str, int])


def _align(n: int, alignment: int) -> int:
    return -(-n // alignment) * alignment


def allocate(buffers: list[Buffer], alignment: int) -> int:
    """First-fit offsets for `buffers` (one tier); returns the peak bytes."""
    placed: list[Buffer] = []
    peak = 0
    for b in sorted(buffers, key=lambda b: (b.start, -b.nbytes, b.end)):
        b.size = _align(max(b.nbytes, 1), alignment)
        busy = sorted(
            (p.offset, p.offset + p.size)
            for p in placed
            if p.start <= b.end and b.start <= p.end
        )
        offset = 0
        for lo, hi in busy:
            if offset + b.size <= lo:
                break
            offset = max(offset, hi)
        b.offset = offset
        placed.append(b)
        peak = max(peak, offset + b.size)
    return peak


def place_function(fn: func.FuncOp, chip: Chip) -> Placement:
    block = fn.body.block
    kernels: list[KernelOp] = []
    for op in block.ops:
        if isinstance(op, KernelOp):
            kernels.append(op)
        elif is_fusible(op):
            raise DfcDiagnosticError(
                op,
                f"dfg-place-memory places tensors between kernels: '{op.name}' is "
                "not inside a 'dfg.kernel' (run dfg-fuse first)",
            )
    position: dict[Operation, int] = {k: i for i, k in enumerate(kernels)}
    end = len(kernels)
    returned = set(block.last_op.operands) if block.last_op is not None else set()
    sram_own = [estimate_kernel_op(k, chip).sram_bytes for k in kernels]
    sram_extra = [0] * max(end, 1)  # SRAM handed from kernel i to i + 1

    def last_use(v: SSAValue, default: int) -> int:
        uses = [position.get(u.operation, end) for u in v.uses]
        return max(uses, default=default)

    buffers: list[Buffer] = []
    for arg in block.args:
        buffers.append(Buffer(arg, tensor_bytes(arg), 0, last_use(arg, 0), "hbm"))
    for op in block.ops:
        if isinstance(op, ConstantOp):
            r = op.results[0]
            buffers.append(Buffer(r, tensor_bytes(r), 0, end, "hbm", weight=True))
    for i, kernel in enumerate(kernels):
        for r in kernel.outputs:
            nbytes = tensor_bytes(r)
            consumers = {position.get(u.operation, end) for u in r.uses}
            tier = "hbm"
            if (
                r not in returned
                and consumers == {i + 1}
                and i + 1 < end
                and nbytes + sram_extra[i] + max(sram_own[i], sram_own[i + 1])
                <= chip.sram_bytes
            ):
                tier = "sram"
                sram_extra[i] += _align(nbytes, _sram_alignment(chip))
            buffers.append(Buffer(r, nbytes, i, last_use(r, i), tier))

    placement = Placement(buffers)
    alignments = {
        "sram": _sram_alignment(chip),
        "hbm": chip.offchip.burst_bytes,
        "ddr": chip.offchip.burst_bytes,
    }

    def run() -> None:
        for tier, alignment in alignments.items():
            placement.peak[tier] = allocate(
                [b for b in buffers if b.tier == tier], alignment
            )

    run()
    hbm_cap = chip.tier("hbm").capacity_bytes
    spill = sorted(
        (b for b in buffers if b.tier == "hbm"),
        key=lambda b: (not b.weight, -b.nbytes),
    )
    while placement.peak["hbm"] > hbm_cap and spill:
        spill.pop(0).tier = "ddr"
        run()
    ddr_cap = chip.tier("ddr").capacity_bytes
    if placement.peak["hbm"] > hbm_cap or placement.peak["ddr"] > ddr_cap:
        total = sum(b.nbytes for b in buffers if b.tier != "sram")
        raise DfcDiagnosticError(
            fn,
            f"@{fn.sym_name.data} does not fit chip '{chip.name}': it needs "
            f"{placement.peak['hbm']} bytes of HBM (capacity {hbm_cap}) and "
            f"{placement.peak['ddr']} bytes of DDR (capacity {ddr_cap}); "
            f"{total} bytes of tensors live off chip",
        )
    return placement


def _sram_alignment(chip: Chip) -> int:
    return chip.memory.banks * chip.memory.word_bytes


def write_placement(fn: func.FuncOp, placement: Placement) -> None:
    attrs: dict[SSAValue, TierAttr] = {
        b.value: TierAttr(b.tier, b.offset, b.size) for b in placement.buffers
    }
    block = fn.body.block
    arg_dicts: list[DictionaryAttr] = []
    old = fn.arg_attrs.data if fn.arg_attrs is not None else None
    for index, arg in enumerate(block.args):
        entries: dict[str, Attribute] = dict(old[index].data) if old else {}
        entries[ARG_TIER_ATTR] = attrs[arg]
        arg_dicts.append(DictionaryAttr(entries))
    fn.arg_attrs = ArrayAttr(arg_dicts)
    for op in block.ops:
        if isinstance(op, ConstantOp):
            op.attributes[TIER_ATTR] = attrs[op.results[0]]
        elif isinstance(op, KernelOp):
            op.attributes[TIERS_ATTR] = ArrayAttr([attrs[r] for r in op.outputs])
    fn.attributes[PEAK_ATTR] = DictionaryAttr(
        {t: IntegerAttr(placement.peak[t], i64) for t in sorted(placement.peak)}
    )


@dataclass(frozen=True)
class DfgPlaceMemoryPass(ModulePass):
    """Assign a tier (SRAM, HBM, DDR) and an offset to every kernel-crossing tensor
    and weight.

    ```mlir
    // before
    %y = dfg.kernel @main_k0 ins(%x : tensor<4xf32>) -> tensor<4xf32> {...}
    %z = dfg.kernel @main_k1 ins(%y : tensor<4xf32>) -> tensor<4xf32> {...}
    // after dfg-place-memory{chip=tiny}: %y only feeds the next kernel
    %y = dfg.kernel @main_k0 ins(%x : tensor<4xf32>) -> tensor<4xf32>
        attributes {tiers = [#dfg.tier<sram, offset = 0, size = 16>]} {...}
    ```
    """

    name = "dfg-place-memory"

    chip: str = "sn40l"
    """Chip preset name or TOML path."""

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        chip = resolve_chip(self.chip)
        for fn in list(op.walk()):
            if not isinstance(fn, func.FuncOp) or not fn.body.blocks:
                continue
            write_placement(fn, place_function(fn, chip))
