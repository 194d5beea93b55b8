"""Per-kernel figures of a fused module and the roofline bound of a function."""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects import func
from xdsl.dialects.builtin import ArrayAttr, ModuleOp
from xdsl.ir import SSAValue

from dfc.backends.chip import Chip
from dfc.dialects.dfg.annotations import TIERS_ATTR, TierAttr
from dfc.dialects.dfg.base import StructuredOpInterface, tensor_bytes
from dfc.dialects.dfg.constant import ConstantOp
from dfc.dialects.dfg.kernel import KernelOp

from .graph import estimate_kernel_op, is_fusible
from .ops import chip_dtype


@dataclass(frozen=True)
class KernelRow:
    """One line of the per-kernel report."""

    function: str
    kernel: str
    ops: int
    pcus: int
    pmus: int
    sram_bytes: int
    offchip_bytes: int
    cycles: float
    seconds: float
    bound: str
    fits: bool


def _tiers(fn: func.FuncOp) -> dict[SSAValue, str]:
    tiers: dict[SSAValue, str] = {}
    for op in fn.walk():
        attr = op.attributes.get(TIERS_ATTR)
        if isinstance(attr, ArrayAttr):
            for result, tier in zip(op.results, attr.data, strict=False):
                if isinstance(tier, TierAttr):
                    tiers[result] = tier.tier.data
    return tiers


def kernel_report(module: ModuleOp, chip: Chip) -> list[KernelRow]:
    """Estimate every `dfg.kernel` of every function, in program order."""
    rows: list[KernelRow] = []
    for fn in module.walk():
        if not isinstance(fn, func.FuncOp) or not fn.body.blocks:
            continue
        tiers = _tiers(fn)
        for index, op in enumerate(fn.body.block.ops):
            if not isinstance(op, KernelOp):
                continue
            est = estimate_kernel_op(op, chip, tiers)
            name = op.sym_name.data if op.sym_name else f"#{index}"
            rows.append(
                KernelRow(
                    function=fn.sym_name.data,
                    kernel=name,
                    ops=sum(1 for o in op.block.ops if is_fusible(o)),
                    pcus=est.pcus,
                    pmus=est.pmus,
                    sram_bytes=est.sram_bytes,
                    offchip_bytes=sum(est.offchip_bytes.values()),
                    cycles=est.total_cycles,
                    seconds=chip.seconds(est.total_cycles),
                    bound=est.bound,
                    fits=est.fits,
                )
            )
    return rows


def roofline_seconds(fn: func.FuncOp, chip: Chip) -> float:
    """`max(FLOPs / peak, minimum off-chip bytes / HBM bandwidth)`: the minimum
    off-chip bytes are the arguments, the weights and the results, once each."""
    flops = 0
    dtype = "f32"
    for op in fn.walk():
        if isinstance(op, StructuredOpInterface) and not isinstance(op, ConstantOp):
            flops += op.flop_count()
            if op.results:
                t = op.results[0].type
                dtype = chip_dtype(t.get_element_type())  # pyright: ignore
    nbytes = sum(tensor_bytes(a) for a in fn.body.block.args)
    nbytes += sum(
        tensor_bytes(op.results[0]) for op in fn.walk() if isinstance(op, ConstantOp)
    )
    last = fn.body.block.last_op
    if last is not None:
        nbytes += sum(tensor_bytes(v) for v in last.operands)
    try:
        peak = chip.peak_flops(dtype)
    except ValueError:
        peak = chip.peak_flops(chip.compute.data_types[0])
    return max(flops / peak, nbytes / chip.bandwidth("hbm"))
