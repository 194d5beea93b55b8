"""Softmax and Attention on bf16/f16 tensors, rounded where `onnx.reference`
rounds.

dfc normally computes a narrow-float op in f32 and rounds once (docs/
decisions.md, "bf16 and f16 compute in f32 with one rounding"). ONNX's
expected outputs for `Softmax` and `Attention` come from `onnx.reference`,
which runs numpy on the narrow dtype, so every numpy step stores its result in
bf16/f16. These helpers expand the two ops into one dfg op per numpy step,
each typed with the narrow element type, so the interpreter rounds at exactly
the same points:

```mlir
// softmax(x) over the last axis of a tensor<2x3xbf16>
%m = dfg.reduce_max %x {axes = array<i64: 1>, keepdims = true} : (tensor<2x3xbf16>) -> tensor<2x1xbf16>
%t = dfg.sub %x, %m : (tensor<2x3xbf16>, tensor<2x1xbf16>) -> tensor<2x3xbf16>
%e = dfg.exp %t : (tensor<2x3xbf16>) -> tensor<2x3xbf16>
%e0 = dfg.slice %e {...} : (tensor<2x3xbf16>) -> tensor<2x1xbf16>   // and %e1, %e2
%s01 = dfg.add %e0, %e1 : (tensor<2x1xbf16>, tensor<2x1xbf16>) -> tensor<2x1xbf16>
%s = dfg.add %s01, %e2 : (tensor<2x1xbf16>, tensor<2x1xbf16>) -> tensor<2x1xbf16>
%p = dfg.div %e, %s : (tensor<2x3xbf16>, tensor<2x1xbf16>) -> tensor<2x3xbf16>
```

Which step rounds how (measured on numpy 2.4 / ml_dtypes 0.6):

- elementwise ops (`-`, `*`, `/`, `exp`) and `matmul` compute in f32 and
  round the result once, for both types, which is what one dfg op does;
- `sum` differs: numpy reduces a float16 array along its innermost axis
  with a float accumulator (one rounding, a dfg `reduce_sum`), but over an
  outer axis, and for ml_dtypes' bfloat16 always, it adds in index order and
  rounds every partial sum. `sequential_sum` reproduces that with a chain of
  adds.
"""

from __future__ import annotations

import math

import numpy as np
from xdsl.dialects.builtin import BFloat16Type, Float16Type, i1
from xdsl.ir import Attribute, SSAValue

from dfc.dialects.dfg import elementwise as ew
from dfc.dialects.dfg import reduction as red
from dfc.dialects.dfg.base import bool_attr, i64_array

from .common import binary, cast, compare, element, scalar, shape, tensor, unary
from .movement import slice_

SEQUENTIAL_SUM_LIMIT = 256
"""Longest axis whose step-rounded sum is emitted as a chain of adds (two dfg
ops per element, so the graph stays bounded). A longer axis is summed by one
`reduce_sum` (f32 accumulator, one rounding); every other step still rounds
where the reference does. That sum is the accurate one: numpy's bf16 running
sum loses the small terms once the total is large (measured: softmax over 264
elements differs from onnx.reference by up to 5% relative)."""


def is_narrow_float(element_type: Attribute) -> bool:
    return isinstance(element_type, BFloat16Type | Float16Type)


def _keepdims_reduce(ctx, op_cls, x: SSAValue, axis: int) -> SSAValue:
    dims = list(shape(x))
    dims[axis] = 1
    op = op_cls.build(
        operands=[x],
        result_types=[tensor(element(x), dims)],
        attributes={"axes": i64_array([axis]), "keepdims": bool_attr(True)},
    )
    return ctx.add(op).results[0]


def where(ctx, condition: SSAValue, on_true: SSAValue, on_false: SSAValue) -> SSAValue:
    from dfc.dialects.dfg.base import broadcast_shapes

    dims = broadcast_shapes(shape(condition), shape(on_true), shape(on_false))
    assert dims is not None
    op = ew.WhereOp.build(
        operands=[condition, on_true, on_false],
        result_types=[tensor(element(on_true), dims)],
    )
    return ctx.add(op).results[0]


def _rounds_each_partial_sum(x: SSAValue, axis: int) -> bool:
    """Whether numpy rounds every partial sum of `x.sum(axis)` to x's dtype.

    bf16 always: ml_dtypes has no reduce loop, numpy adds in index order into a
    bf16 accumulator. f16 only when `axis` is not the
    innermost non-trivial one: numpy's half reduce loop accumulates in float
    along the inner axis, but a reduction over an outer axis adds whole
    slices into the f16 output one after the other."""
    if isinstance(element(x), BFloat16Type):
        return True
    return isinstance(element(x), Float16Type) and math.prod(shape(x)[axis + 1 :]) > 1


def sequential_sum(ctx, x: SSAValue, axis: int) -> SSAValue:
    """`x.sum(axis, keepdims=True)` rounded as numpy rounds it for `x`'s dtype
    (see `_rounds_each_partial_sum`): either a chain of adds in index order,
    each rounded (up to `SEQUENTIAL_SUM_LIMIT` elements), or one
    `reduce_sum` (f32 accumulator, one rounding)."""
    length = shape(x)[axis]
    if (
        not _rounds_each_partial_sum(x, axis)
        or length > SEQUENTIAL_SUM_LIMIT
        or length == 0
    ):
        return _keepdims_reduce(ctx, red.ReduceSumOp, x, axis)
    total = slice_(ctx, x, [0], [1], [axis], [1])
    for index in range(1, length):
        total = binary(
            ctx, ew.AddOp, total, slice_(ctx, x, [index], [index + 1], [axis], [1])
        )
    return total


def stepwise_softmax(ctx, x: SSAValue, axis: int, guard_masked_rows: bool) -> SSAValue:
    """Softmax over `axis` as numpy computes it in `x`'s dtype: `x - max`,
    `exp`, the sum, the division, each rounded.

    ONNX's `Softmax` reference has no guards (an all -inf row gives NaN).
    Attention's `_softmax` has two (`guard_masked_rows`): a row whose maximum
    is -inf subtracts 0 instead, and a zero sum divides by 1, so that row
    gives zeros.
    """
    peak = _keepdims_reduce(ctx, red.ReduceMaxOp, x, axis)
    if guard_masked_rows:
        masked = compare(ctx, "eq", peak, scalar(ctx, -math.inf, peak))
        peak = where(ctx, masked, scalar(ctx, 0.0, peak), peak)
    exps = unary(ctx, ew.ExpOp, binary(ctx, ew.SubOp, x, peak))
    total = sequential_sum(ctx, exps, axis)
    if guard_masked_rows:
        empty = compare(ctx, "eq", total, scalar(ctx, 0.0, total))
        total = where(ctx, empty, scalar(ctx, 1.0, total), total)
    return binary(ctx, ew.DivOp, exps, total)


def _additive_bias(ctx, mask: SSAValue, like: SSAValue) -> SSAValue:
    """An i1 mask as the reference's additive bias: 0 (attend) or -inf."""
    if element(mask) != i1:
        return mask
    return where(ctx, mask, scalar(ctx, 0.0, like), scalar(ctx, -math.inf, like))


def stepwise_attention(
    ctx,
    q: SSAValue,
    k: SSAValue,
    v: SSAValue,
    mask: SSAValue | None,
    scale: float | None,
    causal_past: int | None,
    softmax_element: Attribute | None,
) -> tuple[SSAValue, SSAValue]:
    """`onnx.reference`'s Attention core on `[B, H, L, D]` narrow-float tensors
    (heads already split and repeated, cache already concatenated), one dfg op
    per numpy step of `_compute_attention`. Returns `(Y, QK)` where `QK` is the
    scaled `Q @ K^T` (the `qk_matmul_output` of modes 0 and 1).

    `mask` is i1 or of `q`'s element type, padded to the key length;
    `causal_past` is None when `is_causal` is off, else the cache length the
    causal frontier is shifted by (query i attends key j iff j <= i + past);
    `softmax_element` is the `softmax_precision` element type, if any.
    """
    from .linalg import matmul

    dtype = np.dtype(_numpy_type(element(q)))
    lq, lk = shape(q)[2], shape(k)[2]
    # The reference takes sqrt of the scale in float64 and casts it to the
    # narrow type once; Q and K^T are each multiplied by it (and rounded).
    factor = 1 / np.sqrt(shape(q)[3]) if scale is None else scale
    root = ctx.constant(np.array(dtype.type(np.sqrt(np.float64(factor)))), hint="scale")
    q_scaled = binary(ctx, ew.MulOp, q, root)
    k_scaled = binary(ctx, ew.MulOp, k, root)
    scores = matmul(ctx, q_scaled, k_scaled, transpose_b=True)

    # attn_bias: the mask (bool -> 0/-inf), plus the causal 0/-inf triangle.
    bias = None if mask is None else _additive_bias(ctx, mask, q)
    causal_bias = None
    if causal_past is not None:
        rows = np.arange(lq).reshape(lq, 1)
        cols = np.arange(lk).reshape(1, lk)
        causal_bias = np.where(
            cols <= rows + causal_past, dtype.type(0), dtype.type(-np.inf)
        )
        causal_value = ctx.constant(causal_bias.astype(dtype), hint="causal")
        bias = (
            causal_value if bias is None else binary(ctx, ew.AddOp, bias, causal_value)
        )
    with_bias = scores if bias is None else binary(ctx, ew.AddOp, scores, bias)

    if softmax_element is not None and softmax_element != element(q):
        probs = cast(
            ctx,
            stepwise_softmax(ctx, cast(ctx, with_bias, softmax_element), 3, True),
            element(q),
        )
    else:
        probs = stepwise_softmax(ctx, with_bias, 3, True)

    # A row whose bias is all -inf attends nothing: its probabilities are 0.
    # A bias known at import time (causal only) is checked here instead.
    if mask is not None:
        assert bias is not None
        row_peak = _keepdims_reduce(ctx, red.ReduceMaxOp, bias, len(shape(bias)) - 1)
        masked = compare(ctx, "eq", row_peak, scalar(ctx, -math.inf, row_peak))
        probs = where(ctx, masked, scalar(ctx, 0.0, probs), probs)
    elif causal_bias is not None and np.isneginf(causal_bias.max(axis=-1)).any():
        masked = ctx.constant(
            np.isneginf(causal_bias.max(axis=-1, keepdims=True)), hint="masked"
        )
        probs = where(ctx, masked, scalar(ctx, 0.0, probs), probs)
    return matmul(ctx, probs, v), scores


def _numpy_type(element_type: Attribute):
    import onnx

    from ..types import element_type_to_onnx

    return onnx.helper.tensor_dtype_to_np_dtype(element_type_to_onnx(element_type))
