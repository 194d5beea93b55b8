"""The dfg reference interpreter: runs a dfg function on numpy arrays.

It is the numerical oracle for everything compiled later, so each op follows the
ONNX operator specification of its counterpart (broadcasting, integer division,
NaN handling, keepdims). bf16 and f16 ops compute in f32 and round once to the
result type.

    outputs = dfc.interpret(module, [x, w])
"""

from .interpreter import InterpreterError, interpret

__all__ = ["InterpreterError", "interpret"]
