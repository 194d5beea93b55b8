"""Walks a `func.func` and evaluates each op with the implementation registered
for its class (see `implements`). Op families register themselves in their own
modules, imported at the bottom of this file."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ml_dtypes
import numpy as np
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import (
    BFloat16Type,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    IntegerType,
    ModuleOp,
    TensorType,
)
from xdsl.ir import Attribute, Operation, SSAValue

from dfc.dialects.diagnostics import diagnostic_for
from dfc.dialects.resources import blob_array

Implementation = Callable[[Any, list[np.ndarray]], np.ndarray | Sequence[np.ndarray]]
IMPLEMENTATIONS: dict[type[Operation], Implementation] = {}


class InterpreterError(Exception):
    """An op the interpreter cannot run, or inputs that do not fit."""


def implements(*op_types: type[Operation]):
    """Register the decorated function as the semantics of `op_types`."""

    def register(fn: Implementation) -> Implementation:
        for op_type in op_types:
            IMPLEMENTATIONS[op_type] = fn
        return fn

    return register


def numpy_dtype(element_type: Attribute) -> np.dtype:
    if isinstance(element_type, Float32Type):
        return np.dtype(np.float32)
    if isinstance(element_type, BFloat16Type):
        return np.dtype(ml_dtypes.bfloat16)
    if isinstance(element_type, Float16Type):
        return np.dtype(np.float16)
    if isinstance(element_type, Float64Type):
        return np.dtype(np.float64)
    if isinstance(element_type, IntegerType):
        width = element_type.width.data
        if width == 1:
            return np.dtype(np.bool_)
        return np.dtype(f"int{width}")
    raise InterpreterError(f"no numpy type for element type {element_type}")


def result_dtype(op: Operation, index: int = 0) -> np.dtype:
    t = op.results[index].type
    assert isinstance(t, TensorType)
    return numpy_dtype(t.get_element_type())


def compute_dtype(dtype: np.dtype) -> np.dtype:
    """Narrow floats compute in f32 and round once at the end."""
    if dtype in (np.dtype(ml_dtypes.bfloat16), np.dtype(np.float16)):
        return np.dtype(np.float32)
    return dtype


def widen(array: np.ndarray) -> np.ndarray:
    return array.astype(compute_dtype(array.dtype), copy=False)


def attribute_array(attr: Attribute) -> np.ndarray:
    """A dense or dense_resource attribute as a numpy array of its type."""
    if isinstance(attr, DenseResourceAttr):
        t = attr.type
        assert isinstance(t, TensorType)
        return blob_array(attr, numpy_dtype(t.get_element_type()))
    if isinstance(attr, DenseIntOrFPElementsAttr):
        t = attr.type
        assert isinstance(t, TensorType)
        dtype = numpy_dtype(t.get_element_type())
        values = attr.get_values()
        shape = tuple(t.get_shape())
        data = np.asarray(values, dtype=np.float64 if dtype.kind == "f" or dtype == ml_dtypes.bfloat16 else None)
        if data.size == 1 and int(np.prod(shape)) != 1:
            data = np.full(shape, data.reshape(()))
        return data.astype(dtype).reshape(shape)
    raise InterpreterError(f"unsupported constant attribute {attr}")


def find_function(module: ModuleOp, name: str | None) -> func.FuncOp:
    funcs = [op for op in module.ops if isinstance(op, func.FuncOp)]
    if name is not None:
        for f in funcs:
            if f.sym_name.data == name:
                return f
        raise InterpreterError(f"no function @{name} in the module")
    for f in funcs:
        if f.sym_name.data == "main":
            return f
    if len(funcs) == 1:
        return funcs[0]
    raise InterpreterError(
        "the module has several functions and none is @main; pass function=..."
    )


def _prepare_inputs(
    function: func.FuncOp, inputs: Sequence[np.ndarray] | Mapping[str, np.ndarray]
) -> list[np.ndarray]:
    args = function.body.block.args
    if isinstance(inputs, Mapping):
        names = _argument_names(function)
        missing = [n for n in names if n not in inputs]
        if missing:
            raise InterpreterError(f"missing inputs: {', '.join(missing)}")
        inputs = [inputs[n] for n in names]
    if len(inputs) != len(args):
        raise InterpreterError(
            f"@{function.sym_name.data} takes {len(args)} inputs, got {len(inputs)}"
        )
    prepared: list[np.ndarray] = []
    for index, (arg, value) in enumerate(zip(args, inputs, strict=True)):
        t = arg.type
        assert isinstance(t, TensorType)
        dtype = numpy_dtype(t.get_element_type())
        array = np.asarray(value)
        shape = tuple(t.get_shape())
        if array.shape != shape:
            raise InterpreterError(
                f"input #{index} has shape {array.shape}, the function expects {shape}"
            )
        prepared.append(array.astype(dtype, copy=False))
    return prepared


def _argument_names(function: func.FuncOp) -> list[str]:
    names: list[str] = []
    for index, arg in enumerate(function.body.block.args):
        names.append(arg.name_hint or f"arg{index}")
    return names


def interpret(
    module: ModuleOp,
    inputs: Sequence[np.ndarray] | Mapping[str, np.ndarray],
    function: str | None = None,
) -> list[np.ndarray]:
    """Run `function` (default `@main`, or the only function) of a dfg module on
    `inputs` (a list, or a name-to-array dict) and return its results."""
    fn = find_function(module, function)
    values: dict[SSAValue, np.ndarray] = dict(
        zip(fn.body.block.args, _prepare_inputs(fn, inputs), strict=True)
    )
    return run_block(fn.body.block.ops, values)


def run_block(ops: Any, values: dict[SSAValue, np.ndarray]) -> list[np.ndarray]:
    for op in ops:
        if isinstance(op, func.ReturnOp):
            return [values[v] for v in op.arguments]
        if getattr(op, "IS_TERMINATOR_YIELD", False):
            return [values[v] for v in op.operands]
        results = evaluate(op, [values[v] for v in op.operands])
        for result, array in zip(op.results, results, strict=True):
            values[result] = array
    raise InterpreterError("block ended without a terminator")


def evaluate(op: Operation, operands: list[np.ndarray]) -> list[np.ndarray]:
    implementation = IMPLEMENTATIONS.get(type(op))
    if implementation is None:
        raise InterpreterError(
            diagnostic_for(op, f"the reference interpreter has no semantics for '{op.name}'").format()
        )
    produced = implementation(op, operands)
    # numpy ufuncs return scalars (np.generic) for rank-0 operands.
    single = isinstance(produced, np.ndarray | np.generic)
    arrays = [produced] if single else list(produced)
    checked: list[np.ndarray] = []
    for index, array in enumerate(arrays):
        expected = result_dtype(op, index)
        t = op.results[index].type
        assert isinstance(t, TensorType)
        shape = tuple(t.get_shape())
        array = np.asarray(array)
        if array.shape != shape:
            raise InterpreterError(
                diagnostic_for(
                    op,
                    f"interpreter produced shape {array.shape}, the IR says {shape}",
                ).format()
            )
        checked.append(array.astype(expected, copy=False))
    return checked


@implements(arith.ConstantOp)
def _arith_constant(op: arith.ConstantOp, operands: list[np.ndarray]) -> np.ndarray:
    return attribute_array(op.value)


# Op families register their semantics on import.
from . import (  # noqa: E402, F401
    attention,
    constant,
    elementwise,  # noqa: E402, F401
    kernel,
    linalg,
    movement,
    normalization,
    pooling,
    reduction,
)
