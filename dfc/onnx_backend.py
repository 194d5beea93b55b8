"""`dfc.onnx_backend`: dfc as an ONNX backend (see `dfc.frontends.onnx.backend`).

    import dfc.onnx_backend as backend
    rep = backend.prepare(model)                      # import into dfg
    outputs = rep.run([x])                            # run on the reference interpreter
    rep = backend.prepare(model, target="simulate")   # compile for sn40l, simulate
    outputs = rep.run([x])

Targets (`TARGETS`): `reference` (the dfg interpreter), `simulate` (the whole
`dfc.compile` pipeline for `sn40l`, then the simulator's functional model on
the bitstream) and `simulate-tiny` (the same for the `tiny` chip). This module
registers the compile-and-simulate targets: the frontend may not import the
compiler or the simulator, the public API may.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dfc.frontends.onnx.backend import (
    TARGETS,
    DfcBackend,
    DfcBackendRep,
    Runner,
    prepare,
    run_model,
    supports_device,
)


def compile_and_simulate(chip: str) -> Runner:
    """A target that compiles the imported module for `chip` and runs the
    bitstream on the simulator (functional), returning the outputs in order."""

    def run(module: Any, inputs: Sequence[Any]) -> list[Any]:
        import numpy as np

        from dfc.compile import compile

        artifact = compile(module, chip=chip)
        # `run` feeds the function's arguments and returns its results in order,
        # with the element types and shapes the model declares.
        return artifact.run([np.asarray(v) for v in inputs])

    return run


TARGETS.setdefault("simulate", compile_and_simulate("sn40l"))
TARGETS.setdefault("simulate-tiny", compile_and_simulate("tiny"))

__all__ = [
    "TARGETS",
    "DfcBackend",
    "DfcBackendRep",
    "compile_and_simulate",
    "prepare",
    "run_model",
    "supports_device",
]
