"""dfc's pass registry.

`PASSES` maps each pass name to a loader of its class, so listing passes imports
nothing heavy; a test checks that every key equals the class's `name`. The
default pipelines are named in `pipelines.py`.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.passes import ModulePass


def _canonicalize() -> type[ModulePass]:
    from .canonicalize import DfcCanonicalizePass

    return DfcCanonicalizePass


def _cse() -> type[ModulePass]:
    from xdsl.transforms.common_subexpression_elimination import (
        CommonSubexpressionElimination,
    )

    return CommonSubexpressionElimination


PASSES: dict[str, Callable[[], type[ModulePass]]] = {
    "canonicalize": _canonicalize,
    "cse": _cse,
}
