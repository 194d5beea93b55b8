"""`convert-dfg-to-su{chip=NAME}`: lower a compiled dfg function (the output of
`dfg-compile-graph`) to an `su` module of virtual units.

Every function input becomes an `input` memory, every constant a `weight`
memory (its data as `init`), every returned value an `output` memory (`out0`,
`out1`, ...) and every tensor passed between lowerings a `scratch` memory;
each op (or run of elementwise ops) adds its sections in execution order. The
units are virtual (no `at`, no `routes`): `su-partition`, `su-place` and
`su-route` follow. docs/lowering.md lists the lowerings.

```mlir
// before (after dfg-compile-graph{chip=tiny})
func.func @main(%x: tensor<4x8xf32> {dfg.tier = ...}) -> tensor<4x8xf32> {
  %0 = dfg.kernel @main_k0 ins(%x : tensor<4x8xf32>) -> tensor<4x8xf32> {
  ^bb0(%a: tensor<4x8xf32>):
    %r = dfg.relu %a {tile = #dfg.tile<[4, 8], par = 1>} : ...
    dfg.yield %r : tensor<4x8xf32>
  }
  func.return %0 : tensor<4x8xf32>
}
// after convert-dfg-to-su{chip=tiny}
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "..."} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x8xf32>, role = "input"}
  su.memory @out0 {tier = "hbm", offset = 128 : i64, type = tensor<4x8xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@out0]} {
    %0 = su.agcu @ld0 load @x {...} : () -> !su.stream<vector, f32>
    %1 = su.pcu @map0 "map" (%0) {stages = [#su.stage<max(in0, c0)>], ...}
    su.agcu @st0 store @out0 (%1) {...}
  }
}
```
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import builtin
from xdsl.passes import ModulePass

from dfc.backends.chip import ChipModelError, load_chip
from dfc.dialects.diagnostics import DfcDiagnosticError


@dataclass(frozen=True)
class ConvertDfgToSuPass(ModulePass):
    """Lower dfg ops to su sections of virtual units (see the module doc)."""

    name = "convert-dfg-to-su"

    chip: str = "sn40l"
    """Chip preset name or TOML path."""

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        from .lowering.base import lower_module

        try:
            chip = load_chip(self.chip)
        except (ChipModelError, ValueError, OSError) as error:
            raise DfcDiagnosticError(op, f"{self.name}: {error}") from None
        result = lower_module(op, chip)
        for old in list(op.body.block.ops):
            old.detach()
        for new in list(result.body.block.ops):
            new.detach()
            op.body.block.add_op(new)
        op.attributes.clear()
        op.attributes.update(result.attributes)
