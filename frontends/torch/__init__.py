"""The PyTorch frontend: `import_torch(nn.Module | ExportedProgram) -> ModuleOp`.

module = import_torch(model, (torch.randn(2, 8),))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xdsl.dialects.builtin import ModuleOp

from .importer import TorchImportError, import_program


def import_torch(
    model: Any,
    example_args: Sequence[Any] = (),
    example_kwargs: Mapping[str, Any] | None = None,
    dynamic_shapes: Any = None,
    specialize: bool = False,
) -> ModuleOp:
    """Import an `nn.Module` (exported with `torch.export`, non-strict, on
    `example_args`/`example_kwargs`) or an `ExportedProgram` into a verified
    dfg module.

    Symbolic dimensions (from `dynamic_shapes`, or already in the program) are
    an error naming each symbol and input, unless `specialize=True`, which
    re-exports with the static shapes of the example inputs (for an
    ExportedProgram without `example_args`: its stored example inputs)."""
    return import_program(
        model, example_args, example_kwargs, dynamic_shapes, specialize
    )


__all__ = ["TorchImportError", "import_torch"]
