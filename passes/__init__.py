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


def _dfg_fuse() -> type[ModulePass]:
    from .dfg_fuse import DfgFusePass

    return DfgFusePass


def _dfg_tile() -> type[ModulePass]:
    from .dfg_tile import DfgTilePass

    return DfgTilePass


def _dfg_place_memory() -> type[ModulePass]:
    from .dfg_place_memory import DfgPlaceMemoryPass

    return DfgPlaceMemoryPass


def _dfg_compile_graph() -> type[ModulePass]:
    from .pipelines import DfgCompileGraphPass

    return DfgCompileGraphPass


PASSES: dict[str, Callable[[], type[ModulePass]]] = {
    "canonicalize": _canonicalize,
    "cse": _cse,
    "dfg-fuse": _dfg_fuse,
    "dfg-tile": _dfg_tile,
    "dfg-place-memory": _dfg_place_memory,
    "dfg-compile-graph": _dfg_compile_graph,
}
