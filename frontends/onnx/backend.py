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

from .importer import import_onnx

Runner = Callable[[ModuleOp, Sequence[np.ndarray]], list[np.ndarray]]


def _reference(module: ModuleOp, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    from dfc.backends.reference import interpret

    return interpret(module, list(inputs))


TARGETS: dict[str, Runner] = {"reference": _reference}
"""Execution targets by name."""


class DfcBackendRep(BackendRep):
    def __init__(self, module: ModuleOp, input_names: list[str], target: str) -> None:
        self.module = module
        self.input_names = input_names
        self.target = target

    def run(self, inputs: Any, **kwargs: Any) -> tuple[np.ndarray, ...]:
        if isinstance(inputs, dict):
            inputs = [inputs[name] for name in self.input_names]
        elif isinstance(inputs, np.ndarray):
            inputs = [inputs]
        return tuple(TARGETS[self.target](self.module, list(inputs)))


class DfcBackend(Backend):
    @classmethod
    def prepare(
        cls, model: onnx.ModelProto, device: str = "CPU", target: str = "reference", **kwargs: Any
    ) -> DfcBackendRep:
        if target not in TARGETS:
            raise ValueError(f"unknown target '{target}'; known: {', '.join(TARGETS)}")
        module = import_onnx(model)
        initializers = {init.name for init in model.graph.initializer}
        names = [i.name for i in model.graph.input if i.name not in initializers]
        return DfcBackendRep(module, names, target)

    @classmethod
    def run_model(
        cls, model: onnx.ModelProto, inputs: Any, device: str = "CPU", **kwargs: Any
    ) -> tuple[np.ndarray, ...]:
        return cls.prepare(model, device, **kwargs).run(inputs)

    @classmethod
    def supports_device(cls, device: str) -> bool:
        return device == "CPU"


prepare = DfcBackend.prepare
run_model = DfcBackend.run_model
supports_device = DfcBackend.supports_device
