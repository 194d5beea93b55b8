"""ONNX op converters, one module per op family.

Each converter is registered with the ONNX op type and the operator versions
(`since_version` of the ONNX schema) whose semantics it implements. A node whose
schema version is not in its converter's table makes the importer upgrade the
model with ONNX's version converter (and say so), or report the node.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ConverterFn = Callable[[Any], Any]


@dataclass(frozen=True)
class Converter:
    op_type: str
    versions: tuple[int, ...]
    """ONNX schema `since_version`s this converter implements."""
    fn: ConverterFn

    def __call__(self, ctx: Any) -> Any:
        return self.fn(ctx)

    def accepts(self, since_version: int) -> bool:
        return since_version in self.versions


CONVERTERS: dict[str, Converter] = {}


def converter(op_type: str, versions: tuple[int, ...]) -> Callable[[ConverterFn], ConverterFn]:
    """Register the decorated function for `op_type` at the given versions."""

    def register(fn: ConverterFn) -> ConverterFn:
        if op_type in CONVERTERS:
            raise ValueError(f"two converters for {op_type}")
        CONVERTERS[op_type] = Converter(op_type, tuple(sorted(versions)), fn)
        return fn

    return register


# Families register on import.
from . import elementwise, linalg, movement, normalization, reduction  # noqa: E402, F401
