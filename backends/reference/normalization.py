"""Reference semantics of dfg's normalization ops: softmax/log_softmax (ONNX
opset 13), layer_norm (ONNX LayerNormalization) and rms_norm (ONNX
RMSNormalization). Narrow floats compute in f32 and round once."""

from __future__ import annotations

import numpy as np

from dfc.dialects.dfg import normalization as norm
from dfc.dialects.dfg.base import float_value

from .interpreter import implements, widen


@implements(norm.SoftmaxOp)
def _softmax(op: norm.SoftmaxOp, operands: list[np.ndarray]) -> np.ndarray:
    x = widen(operands[0])
    axis = op.normalized_axis()
    with np.errstate(all="ignore"):
        shifted = x - np.max(x, axis=axis, keepdims=True)
        e = np.exp(shifted)
        return e / np.sum(e, axis=axis, keepdims=True)


@implements(norm.LogSoftmaxOp)
def _log_softmax(op: norm.LogSoftmaxOp, operands: list[np.ndarray]) -> np.ndarray:
    x = widen(operands[0])
    axis = op.normalized_axis()
    with np.errstate(all="ignore"):
        shifted = x - np.max(x, axis=axis, keepdims=True)
        return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _parameters(op: norm.KeywordOperandsOp, operands: list[np.ndarray]):
    """The optional operands by name (None when absent), widened."""
    values = iter(operands[1:])
    return {
        name: widen(next(values)) if getattr(op, name) is not None else None
        for name in op.OPTIONAL_OPERANDS
    }


@implements(norm.LayerNormOp)
def _layer_norm(op: norm.LayerNormOp, operands: list[np.ndarray]) -> np.ndarray:
    x = widen(operands[0])
    params = _parameters(op, operands)
    axes = op.reduced_axes()
    epsilon = x.dtype.type(float_value(op.epsilon, norm.DEFAULT_EPSILON))
    with np.errstate(all="ignore"):
        mean = np.mean(x, axis=axes, keepdims=True)
        centered = x - mean
        variance = np.mean(centered * centered, axis=axes, keepdims=True)
        y = centered / np.sqrt(variance + epsilon)
        if params["scale"] is not None:
            y = y * params["scale"]
        if params["bias"] is not None:
            y = y + params["bias"]
    return y


@implements(norm.RmsNormOp)
def _rms_norm(op: norm.RmsNormOp, operands: list[np.ndarray]) -> np.ndarray:
    x = widen(operands[0])
    params = _parameters(op, operands)
    axes = op.reduced_axes()
    epsilon = x.dtype.type(float_value(op.epsilon, norm.DEFAULT_EPSILON))
    with np.errstate(all="ignore"):
        mean_square = np.mean(x * x, axis=axes, keepdims=True)
        y = x / np.sqrt(mean_square + epsilon)
        if params["scale"] is not None:
            y = y * params["scale"]
    return y
