"""dfc's analytical cost model: how long a kernel (a fused subgraph, one section)
takes on a chip, from the structured-op interface and the chip model only.

    chip = load_chip("sn40l")
    est = estimate_kernel(chip, [profile(op) for op in ops], inputs, outputs)
    est.total_cycles, est.pcus, est.sram_bytes, est.bound

`FuncGraph` prices groups of a function's ops for the fusion search;
`kernel_report` lists per-kernel figures of a fused module. The assumptions are
in `docs/cost-model.md`; the simulator is the reference this model is checked
against.
"""

from .graph import FuncGraph, estimate_kernel_op, is_fusible, kernels_of
from .kernel import KernelEstimate, OpPlan, estimate_kernel
from .ops import OpProfile, choose_tile, footprint, profile, work_cycles
from .report import KernelRow, kernel_report, roofline_seconds

__all__ = [
    "FuncGraph",
    "KernelEstimate",
    "KernelRow",
    "OpPlan",
    "OpProfile",
    "choose_tile",
    "estimate_kernel",
    "estimate_kernel_op",
    "footprint",
    "is_fusible",
    "kernel_report",
    "kernels_of",
    "profile",
    "roofline_seconds",
    "work_cycles",
]
