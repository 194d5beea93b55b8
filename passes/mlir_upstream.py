"""`mlir-upstream`: run an upstream MLIR pass pipeline inside a dfc pipeline."""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from dfc.dialects.diagnostics import DfcDiagnosticError


@dataclass(frozen=True)
class MlirUpstreamPass(ModulePass):
    """Run upstream MLIR passes (through the MLIR Python bindings) on the module.

    The module goes to upstream MLIR as text with dfc's dialects loaded from
    IRDL, `pipeline` runs there, and the result comes back (see
    docs/mlir-interop.md, which measures the cost). Upstream passes see dfg and
    su ops as ops with unknown side effects: they fold and clean up builtin,
    arith and tensor ops around them, but never erase or merge a dfg op (dfc's
    own `canonicalize` and `cse` do that). Needs dfc's `mlir` extra.

    ```mlir
    // dfc-opt -p 'mlir-upstream{pipeline="canonicalize,cse"}'
    %c = arith.constant 1 : index
    %d = tensor.dim %x, %c : tensor<4x8xf32>      // unused: erased
    %y = dfg.relu %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
    // becomes
    %y = dfg.relu %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ```
    """

    name = "mlir-upstream"

    pipeline: str = "canonicalize,cse"
    """The upstream pipeline: `a,b` or `builtin.module(a,b)`."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from dfc.interop.mlir import (
            MlirUnavailableError,
            UpstreamError,
            run_upstream_passes,
        )
        from dfc.interop.wire import UpstreamFormError

        try:
            result = run_upstream_passes(op, self.pipeline)
        except (MlirUnavailableError, UpstreamError, UpstreamFormError) as error:
            raise DfcDiagnosticError(op, f"mlir-upstream: {error}") from None
        # Replace the module's contents with what upstream returned.
        for old in list(op.body.block.ops):
            old.detach()
            old.erase(safe_erase=False)
        for new in list(result.body.block.ops):
            new.detach()
            op.body.block.add_op(new)
        op.attributes.clear()
        op.attributes.update(result.attributes)
