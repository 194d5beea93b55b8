"""Canonicalization patterns for zero-size tensors (a dimension of extent 0).

A tensor with no elements carries no data: its value is known at compile
time whatever computed it. The `canonicalize` pass applies these patterns so
that no later pass (the cost model of `dfg-fuse`, `dfg-tile`, the lowering)
meets a zero-size operation:

- `FoldZeroSizeResult`: a dfg op whose results all have zero elements is
  replaced by empty constants (`dfg.constant dense<> : tensor<2x0xf32>`);
- `DropEmptyConcatOperands`: `dfg.concat` forgets its zero-size operands (and
  is replaced by its only remaining operand when one is left);
- `FoldEmptyOperandOp`: an op with a zero-size operand, every other operand an
  inline constant, and a non-empty result (a reduction over an empty axis, a
  matmul with a zero contraction, a pad of an empty tensor) is evaluated by the
  reference interpreter and replaced by the constant it gives. A reduction over
  an empty set gives its identity: 0 for sums, 1 for products, -inf / +inf for
  max / min (the smallest / largest integer for integer types), NaN for a mean
  (0 / 0), as numpy and the ONNX reference do.

```mlir
// before
%r = dfg.reduce_sum %x {axes = array<i64: 1>, keepdims = true} : (tensor<2x0x4xf32>) -> tensor<2x1x4xf32>
%s = dfg.slice %y {starts = array<i64: 9>, ends = array<i64: 9>, axes = array<i64: 0>, steps = array<i64: 1>} : (tensor<9xf32>) -> tensor<0xf32>
// after
%r = dfg.constant dense<0.000000e+00> : tensor<2x1x4xf32>
%s = dfg.constant dense<> : tensor<0xf32>
```

A folded value that would not survive printing as an inline literal (xDSL
prints +-inf and NaN as hex integers that its parser reads back as integers;
see `dfc.passes.canonicalize`) is stored as a `dense_resource` blob instead.
"""

from __future__ import annotations

import sys

import numpy as np
from xdsl.dialects.builtin import (
    BytesAttr,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    IntegerType,
    TensorType,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

from dfc.backends.reference import interpreter
from dfc.dialects.dfg.constant import ConstantOp
from dfc.dialects.dfg.kernel import KernelOp, YieldOp
from dfc.dialects.resources import BLOBS

_NOT_FOLDED = (ConstantOp, KernelOp, YieldOp)
"""dfg ops these patterns leave alone: constants are already values, kernels
and yields are structure (their bodies are folded op by op)."""


def is_zero_size(value: SSAValue) -> bool:
    """Whether `value` is a tensor with a dimension of extent 0."""
    t = value.type
    return isinstance(t, TensorType) and 0 in tuple(t.get_shape())


def _is_dfg_compute(op: Operation) -> bool:
    return op.name.startswith("dfg.") and not isinstance(op, _NOT_FOLDED)


def _located(new: Operation, old: Operation) -> Operation:
    """`new` at the location of `old` (diagnostics keep naming the source)."""
    new.location = old.location
    return new


def empty_constant(t: TensorType[Attribute]) -> ConstantOp:
    """`dfg.constant dense<> : t` for a zero-size tensor type `t`."""
    return ConstantOp(DenseIntOrFPElementsAttr.from_list(t, []))  # pyright: ignore


def constant_of(array: np.ndarray, t: TensorType[Attribute], hint: str) -> ConstantOp:
    """A `dfg.constant` of type `t` holding `array` (already of `t`'s numpy
    dtype): an inline literal when its printed form parses back to the same
    bytes, else a `dense_resource` blob."""
    array = np.ascontiguousarray(array.reshape(tuple(t.get_shape())))
    element = t.get_element_type()
    if isinstance(element, IntegerType):
        # integers always print exactly; i1 goes through xDSL's normalization
        values = [int(v) for v in array.reshape(-1)]
        return ConstantOp(DenseIntOrFPElementsAttr.from_list(t, values))  # pyright: ignore
    flat = array.reshape(-1)
    # xDSL prints finite floats exactly (shortest round-trip repr); +-inf and
    # NaN come back as integers, so those go into a blob.
    if flat.size and np.isfinite(flat.astype(np.float64)).all():
        data = flat if sys.byteorder == "little" else flat.byteswap()
        return ConstantOp(DenseIntOrFPElementsAttr(t, BytesAttr(data.tobytes())))  # pyright: ignore
    handle = BLOBS.add(hint, array)
    return ConstantOp(DenseResourceAttr.from_params(handle, t))


class FoldZeroSizeResult(RewritePattern):
    """A dfg op whose results all have zero elements → empty constants."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not _is_dfg_compute(op) or not op.results:
            return
        if not all(is_zero_size(r) for r in op.results):
            return
        constants = [
            _located(empty_constant(r.type), op)  # pyright: ignore[reportArgumentType]
            for r in op.results
        ]
        rewriter.replace(op, constants, [c.results[0] for c in constants])


class DropEmptyConcatOperands(RewritePattern):
    """`dfg.concat` without its zero-size operands (they add nothing along the
    axis); with one operand left of the result's type, that operand."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name != "dfg.concat" or is_zero_size(op.results[0]):
            return
        kept = [v for v in op.operands if not is_zero_size(v)]
        if len(kept) == len(op.operands) or not kept:
            return
        if len(kept) == 1 and kept[0].type == op.results[0].type:
            rewriter.replace(op, [], [kept[0]])
            return
        new = op.clone()
        new.operands = kept
        rewriter.replace(op, _located(new, op))


class FoldEmptyOperandOp(RewritePattern):
    """An op reading a zero-size operand, with only inline constants beside
    it, whose result is not empty → the constant the reference interpreter
    computes (a reduction over an empty set: its identity)."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not _is_dfg_compute(op) or not op.results or not op.operands:
            return
        if not any(is_zero_size(v) for v in op.operands):
            return
        if any(is_zero_size(r) for r in op.results):
            return  # FoldZeroSizeResult, or a mixed op left to the lowering
        arrays: list[np.ndarray] = []
        for value in op.operands:
            t = value.type
            if not isinstance(t, TensorType):
                return
            if is_zero_size(value):
                dtype = interpreter.numpy_dtype(t.get_element_type())
                arrays.append(np.empty(tuple(t.get_shape()), dtype=dtype))
                continue
            owner = value.owner
            if not isinstance(owner, ConstantOp) or not isinstance(
                owner.value, DenseIntOrFPElementsAttr
            ):
                return
            arrays.append(interpreter.attribute_array(owner.value))
        try:
            results = interpreter.evaluate(op, arrays)
        except (interpreter.InterpreterError, ValueError, ZeroDivisionError):
            return  # no defined value: the op stays, and the lowering reports it
        hint = op.name.removeprefix("dfg.") + "_empty"
        constants = [
            _located(constant_of(a, r.type, hint), op)  # pyright: ignore[reportArgumentType]
            for a, r in zip(results, op.results, strict=True)
        ]
        rewriter.replace(op, constants, [c.results[0] for c in constants])


ZERO_SIZE_PATTERNS: tuple[RewritePattern, ...] = (
    FoldZeroSizeResult(),
    DropEmptyConcatOperands(),
    FoldEmptyOperandOp(),
)
"""Applied by `canonicalize` beside the dfg patterns and constant folding."""


__all__ = [
    "ZERO_SIZE_PATTERNS",
    "DropEmptyConcatOperands",
    "FoldEmptyOperandOp",
    "FoldZeroSizeResult",
    "constant_of",
    "empty_constant",
    "is_zero_size",
]
