"""`dfg-tile`: choose a tile shape per loop and a parallelism for every op in a kernel.

The choice is the cost model's (`dfc.backends.cost.estimate_kernel`): each loop
starts at `min(extent, 8 x lanes)` and is halved until every PMU-staged operand's
double buffer fits one memory unit; then the compute units are shared so that
the streaming pipeline is balanced (each op gets `ceil(work / T)` units for the
smallest period `T` the chip's units allow, never faster than the kernel's
off-chip time), and each op's parallel loops are cut further so that there is a
tile per unit. The result is written as `#dfg.tile<[...], par = P>` in the op's
`tile` attribute (loops in `iteration_space()` order). A kernel that does not
fit the chip even at one unit per op is an error with the numbers.

```mlir
// before
%y = dfg.relu %a : (tensor<64x64xf32>) -> tensor<64x64xf32>
// after dfg-tile{chip=tiny}
%y = dfg.relu %a {tile = #dfg.tile<[32, 32], par = 1>} : (tensor<64x64xf32>) -> tensor<64x64xf32>
```
"""

# No `from __future__ import annotations`: xDSL reads option types from fields.
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import builtin
from xdsl.passes import ModulePass

from dfc.backends.cost import estimate_kernel_op, is_fusible
from dfc.dialects.dfg.annotations import TILE_ATTR, TileAttr
from dfc.dialects.dfg.kernel import KernelOp
from dfc.dialects.diagnostics import DfcDiagnosticError

from .dfg_fuse import resolve_chip


@dataclass(frozen=True)
class DfgTilePass(ModulePass):
    """Write a `#dfg.tile` (tile per loop, parallelism) on every op inside a kernel.

    ```mlir
    // before (inside a dfg.kernel)
    %o = dfg.attention %q, %k, %v {causal = true} : (tensor<1x512x16xf32>, ...) -> tensor<1x512x16xf32>
    // after dfg-tile{chip=tiny}: loops (B, Lq, Dv, Lk, D), keys streamed in blocks of 32
    %o = dfg.attention %q, %k, %v {causal = true, tile = #dfg.tile<[1, 32, 16, 32, 16], par = 1>} : ...
    ```
    """

    name = "dfg-tile"

    chip: str = "sn40l"
    """Chip preset name or TOML path."""

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        chip = resolve_chip(self.chip)
        for kernel in op.walk():
            if not isinstance(kernel, KernelOp):
                continue
            estimate = estimate_kernel_op(kernel, chip)
            if not estimate.fits:
                name = kernel.sym_name.data if kernel.sym_name else "kernel"
                raise DfcDiagnosticError(
                    kernel,
                    f"kernel @{name} does not fit chip '{chip.name}': {estimate.reason}",
                )
            body = [o for o in kernel.block.ops if is_fusible(o)]
            for inner, plan in zip(body, estimate.plans, strict=True):
                inner.attributes[TILE_ATTR] = TileAttr(plan.tile, plan.parallelism)
