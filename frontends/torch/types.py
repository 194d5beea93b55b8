"""PyTorch dtypes <-> dfg element types, and torch tensors -> numpy arrays."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import torch
from xdsl.dialects.builtin import (
    BFloat16Type,
    Float16Type,
    Float32Type,
    TensorType,
    i1,
    i8,
    i32,
    i64,
)
from xdsl.ir import Attribute

_TORCH_TO_DFG: dict[torch.dtype, Attribute] = {
    torch.float32: Float32Type(),
    torch.float16: Float16Type(),
    torch.bfloat16: BFloat16Type(),
    torch.int64: i64,
    torch.int32: i32,
    torch.int8: i8,
    torch.bool: i1,
}


def torch_to_element_type(dtype: torch.dtype) -> Attribute | None:
    """The dfg element type of a torch dtype, or None when dfg has none."""
    return _TORCH_TO_DFG.get(dtype)


def element_type_to_torch(element: Attribute) -> torch.dtype:
    for dtype, candidate in _TORCH_TO_DFG.items():
        if candidate == element:
            return dtype
    raise ValueError(f"no torch dtype for {element}")


def tensor_type(shape: tuple[int, ...], dtype: torch.dtype) -> TensorType[Attribute]:
    element = torch_to_element_type(dtype)
    assert element is not None, dtype
    return TensorType(element, list(shape))


def to_numpy(tensor: torch.Tensor) -> np.ndarray:
    """The tensor's data as a contiguous numpy array, sharing memory with the
    tensor when it is already contiguous on the CPU (no Python-list round
    trip). bf16 goes through an int16 view, which numpy can hold."""
    data = tensor.detach().cpu().contiguous()
    if data.dtype == torch.bfloat16:
        return data.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
    return data.numpy()
