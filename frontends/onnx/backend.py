"""dfc as an ONNX backend (`onnx.backend.base.Backend`), so ONNX's own test
runner (`onnx.backend.test.BackendTest`) can drive it.

`prepare` imports the model; `run` executes it on a *target*. Today the only
target is `"reference"`, the dfg interpreter; the compile-and-simulate target
plugs in through `TARGETS` without changing the harness.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import onnx
from onnx.backend.base import Backend, BackendRep
from xdsl.dialects.builtin import ModuleOp

from .importer import OnnxImportError, import_onnx

Runner = Callable[[ModuleOp, Sequence[np.ndarray]], list[np.ndarray]]


def _reference(module: ModuleOp, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    from dfc.backends.reference import interpret

    return interpret(module, list(inputs))


TARGETS: dict[str, Runner] = {"reference": _reference}
"""Execution targets by name."""


class DfcBackendRep(BackendRep):
    """A prepared model. When the model only imports once some integer inputs
    are known (shape tensors fed as graph inputs, as in ONNX's node tests), the
    import is deferred to `run`, which binds those inputs as constants and
    caches the module per distinct value."""

    def __init__(
        self,
        model: onnx.ModelProto,
        module: ModuleOp | None,
        error: OnnxImportError | None,
        target: str,
    ) -> None:
        self.model = model
        self.module = module
        self.error = error
        self.target = target
        initializers = {init.name for init in model.graph.initializer}
        self.input_names = [i.name for i in model.graph.input if i.name not in initializers]
        self._specialized: dict[tuple[tuple[str, bytes], ...], ModuleOp] = {}

    def run(self, inputs: Any, **kwargs: Any) -> tuple[np.ndarray, ...]:
        if isinstance(inputs, dict):
            inputs = [inputs[name] for name in self.input_names]
        elif isinstance(inputs, np.ndarray):
            inputs = [inputs]
        arrays = [np.asarray(v) for v in inputs]
        if self.module is not None:
            return tuple(TARGETS[self.target](self.module, arrays))
        module, runtime_inputs = self._specialize(arrays)
        return tuple(TARGETS[self.target](module, runtime_inputs))

    def _specialize(self, arrays: list[np.ndarray]) -> tuple[ModuleOp, list[np.ndarray]]:
        bound = {
            name: value
            for name, value in zip(self.input_names, arrays, strict=True)
            if value.dtype.kind in "iu"
        }
        if not bound:
            assert self.error is not None
            raise self.error
        key = tuple((name, value.tobytes() + str(value.shape).encode()) for name, value in bound.items())
        if key not in self._specialized:
            self._specialized[key] = import_onnx(self.model, constant_inputs=bound)
        runtime = [
            value
            for name, value in zip(self.input_names, arrays, strict=True)
            if name not in bound
        ]
        return self._specialized[key], runtime


class DfcBackend(Backend):
    @classmethod
    def prepare(
        cls, model: onnx.ModelProto, device: str = "CPU", target: str = "reference", **kwargs: Any
    ) -> DfcBackendRep:
        if target not in TARGETS:
            raise ValueError(f"unknown target '{target}'; known: {', '.join(TARGETS)}")
        try:
            return DfcBackendRep(model, import_onnx(model), None, target)
        except OnnxImportError as error:
            if not _has_integer_inputs(model):
                raise
            return DfcBackendRep(model, None, error, target)

    @classmethod
    def run_model(
        cls, model: onnx.ModelProto, inputs: Any, device: str = "CPU", **kwargs: Any
    ) -> tuple[np.ndarray, ...]:
        return cls.prepare(model, device, **kwargs).run(inputs)

    @classmethod
    def supports_device(cls, device: str) -> bool:
        return device == "CPU"


def _has_integer_inputs(model: onnx.ModelProto) -> bool:
    integer_types = {
        onnx.TensorProto.INT64,
        onnx.TensorProto.INT32,
        onnx.TensorProto.INT8,
        onnx.TensorProto.UINT8,
    }
    initializers = {init.name for init in model.graph.initializer}
    values = [*model.graph.input, *model.graph.output]
    if any(not v.type.HasField("tensor_type") for v in values):
        return False  # sequences, maps, optionals: no specialization helps
    return any(
        i.type.tensor_type.elem_type in integer_types
        for i in model.graph.input
        if i.name not in initializers
    )


prepare = DfcBackend.prepare
run_model = DfcBackend.run_model
supports_device = DfcBackend.supports_device
