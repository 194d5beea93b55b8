"""Text in, module out: the library's entry points to dfc IR."""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp

from dfc.dialects import make_context
from dfc.dialects.diagnostics import DfcDiagnosticError
from dfc.tools.mlir_io import SourceChunk, parse_chunk, print_module


class MLIRError(ValueError):
    """Parse or verification errors, formatted `file:line:col: error: ...`."""


def parse_mlir(text: str, filename: str = "<string>") -> ModuleOp:
    """Parse and verify dfc IR text; raise `MLIRError` with located messages."""
    ctx = make_context()
    module, diagnostics = parse_chunk(ctx, SourceChunk(text, filename, 0))
    if diagnostics or module is None:
        raise MLIRError("\n".join(d.format() for d in diagnostics))
    return module


def print_mlir(module: ModuleOp, generic: bool = False) -> str:
    """Print a module with its `dense_resource` blobs."""
    return print_module(make_context(), module, generic)


__all__ = ["DfcDiagnosticError", "MLIRError", "parse_mlir", "print_mlir"]
