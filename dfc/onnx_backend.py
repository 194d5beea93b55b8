"""`dfc.onnx_backend`: dfc as an ONNX backend (see `dfc.frontends.onnx.backend`).

    import dfc.onnx_backend as backend
    rep = backend.prepare(model)        # import into dfg
    outputs = rep.run([x])              # run on the reference interpreter
"""

from dfc.frontends.onnx.backend import (
    TARGETS,
    DfcBackend,
    DfcBackendRep,
    prepare,
    run_model,
    supports_device,
)

__all__ = [
    "TARGETS",
    "DfcBackend",
    "DfcBackendRep",
    "prepare",
    "run_model",
    "supports_device",
]
