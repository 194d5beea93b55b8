"""Shared fixtures of the reference-interpreter tests: build a module from MLIR
text and run it, with every result returned as a numpy array."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pytest

import dfc

RunMlir = Callable[..., list[np.ndarray]]


def run_mlir_text(
    text: str,
    inputs: Sequence[np.ndarray] | Mapping[str, np.ndarray],
    function: str | None = None,
) -> list[np.ndarray]:
    """Parse (and verify) `text`, interpret `function` on `inputs`."""
    module = dfc.parse_mlir(text)
    return dfc.interpret(module, inputs, function=function)


@pytest.fixture(scope="session")
def run_mlir() -> RunMlir:
    """`run_mlir(text, inputs, function=None) -> [outputs]` (session-scoped, so
    hypothesis tests may use it)."""
    return run_mlir_text
