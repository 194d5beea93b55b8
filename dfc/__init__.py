"""dfc — a dataflow compiler for reconfigurable dataflow chips.

The public API is loaded lazily (module `__getattr__`), so importing a
subpackage such as `dfc.backends.sim` loads nothing it does not need.

    import dfc
    module = dfc.parse_mlir(open("model.mlir").read())
    outputs = dfc.interpret(module, [x])
"""

from __future__ import annotations

import importlib
from typing import Any

_API = {
    "interpret": ("dfc.backends.reference", "interpret"),
    "load_chip": ("dfc.backends.chip", "load_chip"),
    "simulate": ("dfc.backends.sim", "simulate"),
    "import_onnx": ("dfc.frontends.onnx", "import_onnx"),
    "import_torch": ("dfc.frontends.torch", "import_torch"),
    "import_mlir": ("dfc.interop.importer", "import_mlir"),
    "parse_mlir": ("dfc.api", "parse_mlir"),
    "print_mlir": ("dfc.api", "print_mlir"),
    "make_context": ("dfc.dialects", "make_context"),
    "compile": ("dfc.compile", "compile"),
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'dfc' has no attribute '{name}'")
    module_name, attribute = _API[name]
    value = getattr(importlib.import_module(module_name), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
