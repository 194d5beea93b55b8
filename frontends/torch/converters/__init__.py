"""ATen op converters, one module per op family.

Each converter is registered under the ATen overload names it implements
(`aten.addmm.default`); it receives a `common.NodeContext` and returns the
node's value: an SSA value, a tuple/list of them for multi-result ops, or
`None` for ops with no result (`aten._assert_tensor_metadata`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ConverterFn = Callable[[Any], Any]

CONVERTERS: dict[str, ConverterFn] = {}


def converts(*names: str) -> Callable[[ConverterFn], ConverterFn]:
    """Register the decorated function for each ATen overload in `names`."""

    def register(fn: ConverterFn) -> ConverterFn:
        for name in names:
            if name in CONVERTERS:
                raise ValueError(f"two converters for {name}")
            CONVERTERS[name] = fn
        return fn

    return register


def supported_overloads() -> list[str]:
    """The ATen overloads the importer converts, sorted."""
    return sorted(CONVERTERS)


# Families register on import.
from . import (  # noqa: E402, F401
    attention,
    elementwise,
    linalg,
    movement,
    normalization,
    pooling,
    reduction,
)
