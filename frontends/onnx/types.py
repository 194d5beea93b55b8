"""ONNX element types <-> dfg element types."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import onnx
from xdsl.dialects.builtin import (
    BFloat16Type,
    Float16Type,
    Float32Type,
    IntegerType,
    i1,
    i8,
    i32,
    i64,
)
from xdsl.ir import Attribute

_ONNX_TO_DFG: dict[int, Attribute] = {
    onnx.TensorProto.FLOAT: Float32Type(),
    onnx.TensorProto.FLOAT16: Float16Type(),
    onnx.TensorProto.BFLOAT16: BFloat16Type(),
    onnx.TensorProto.INT64: i64,
    onnx.TensorProto.INT32: i32,
    onnx.TensorProto.INT8: i8,
    onnx.TensorProto.BOOL: i1,
}

_NUMPY_TO_DFG: dict[np.dtype, Attribute] = {
    np.dtype(np.float32): Float32Type(),
    np.dtype(np.float16): Float16Type(),
    np.dtype(ml_dtypes.bfloat16): BFloat16Type(),
    np.dtype(np.int64): i64,
    np.dtype(np.int32): i32,
    np.dtype(np.int8): i8,
    np.dtype(np.bool_): i1,
}


def onnx_to_element_type(elem_type: int) -> Attribute | None:
    """The dfg element type of an ONNX TensorProto data type, or None."""
    return _ONNX_TO_DFG.get(elem_type)


def dtype_to_element_type(dtype: np.dtype) -> Attribute | None:
    return _NUMPY_TO_DFG.get(np.dtype(dtype))


def element_type_to_onnx(element: Attribute) -> int:
    for code, candidate in _ONNX_TO_DFG.items():
        if candidate == element:
            return code
    raise ValueError(f"no ONNX type for {element}")


def is_integer_type(element: Attribute) -> bool:
    return isinstance(element, IntegerType) and element.width.data > 1
