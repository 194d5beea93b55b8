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


def _dfg_pad_attention() -> type[ModulePass]:
    from .dfg_pad_attention import DfgPadAttentionPass

    return DfgPadAttentionPass


def _dfg_recognize_attention() -> type[ModulePass]:
    from .dfg_recognize_attention import DfgRecognizeAttentionPass

    return DfgRecognizeAttentionPass


def _dfg_tile() -> type[ModulePass]:
    from .dfg_tile import DfgTilePass

    return DfgTilePass


def _dfg_place_memory() -> type[ModulePass]:
    from .dfg_place_memory import DfgPlaceMemoryPass

    return DfgPlaceMemoryPass


def _dfg_compile_graph() -> type[ModulePass]:
    from .pipelines import DfgCompileGraphPass

    return DfgCompileGraphPass


def _su_emit_bitstream() -> type[ModulePass]:
    from .su_emit_bitstream import SuEmitBitstreamPass

    return SuEmitBitstreamPass


def _su_partition() -> type[ModulePass]:
    from .su_partition import SuPartitionPass

    return SuPartitionPass


def _su_place() -> type[ModulePass]:
    from .su_place import SuPlacePass

    return SuPlacePass


def _su_route() -> type[ModulePass]:
    from .su_route import SuRoutePass

    return SuRoutePass


def _mlir_upstream() -> type[ModulePass]:
    from .mlir_upstream import MlirUpstreamPass

    return MlirUpstreamPass


def _convert_dfg_to_su() -> type[ModulePass]:
    from .convert_dfg_to_su import ConvertDfgToSuPass

    return ConvertDfgToSuPass


def _su_check_routes() -> type[ModulePass]:
    from .su_route import SuCheckRoutesPass

    return SuCheckRoutesPass


PASSES: dict[str, Callable[[], type[ModulePass]]] = {
    "canonicalize": _canonicalize,
    "cse": _cse,
    "dfg-fuse": _dfg_fuse,
    "dfg-recognize-attention": _dfg_recognize_attention,
    "dfg-pad-attention": _dfg_pad_attention,
    "dfg-tile": _dfg_tile,
    "dfg-place-memory": _dfg_place_memory,
    "dfg-compile-graph": _dfg_compile_graph,
    "su-emit-bitstream": _su_emit_bitstream,
    "su-partition": _su_partition,
    "su-place": _su_place,
    "su-route": _su_route,
    "su-check-routes": _su_check_routes,
    "convert-dfg-to-su": _convert_dfg_to_su,
    "mlir-upstream": _mlir_upstream,
}
