"""`dfg-pad-attention`: pad the sequence lengths of a `dfg.attention` whose
divisors would make its streaming blocks tiny.

The attention lowering (`passes/lowering/attention.py`) streams queries in
blocks of `tq` rows and keys in blocks of `kb`, both divisors of the lengths
and at most the systolic array's rows and columns. A length with no good
divisor collapses the blocks: ViT-B/16's 197 tokens (196 patches and the class
token) are prime, so every block is one row by one key, each key block
re-streams K and V, and the array runs at 1/192 of its size (80 ms of ViT's
81 ms simulated). Padding the lengths to one with a large divisor
(197 -> 203 queries in blocks of 29, 197 -> 198 keys in blocks of 6) costs a
few percent more work and three small copies.

The rewrite keeps the semantics: padded keys are masked out (an additive
`-1e30`, the lowering's causal fill, so `exp` makes them 0), padded query rows
are computed and sliced away. A causal attention with `Lk >= Lq` needs no key
mask (every padded key lies after every real query). A length is padded only
when that at least halves its number of blocks; boolean masks are left alone
(padding an i1 mask is not supported by the lowering).

```mlir
// before (sn40l: blocks of at most 32 queries and 6 keys)
%o = dfg.attention %q, %k, %v : (tensor<12x197x64xf32>, tensor<12x197x64xf32>, tensor<12x197x64xf32>) -> tensor<12x197x64xf32>
// after dfg-pad-attention{chip=sn40l}
%qp = dfg.pad %q {pads = array<i64: 0, 0, 0, 0, 6, 0>} : (tensor<12x197x64xf32>) -> tensor<12x203x64xf32>
%kp = dfg.pad %k {pads = array<i64: 0, 0, 0, 0, 1, 0>} : (tensor<12x197x64xf32>) -> tensor<12x198x64xf32>
%vp = dfg.pad %v {pads = array<i64: 0, 0, 0, 0, 1, 0>} : (tensor<12x197x64xf32>) -> tensor<12x198x64xf32>
%m = dfg.constant dense<[0.0, ..., 0.0, -1.0e30]> : tensor<198xf32>
%op = dfg.attention %qp, %kp, %vp, %m {scale = 0.125 : f32} : (...) -> tensor<12x203x64xf32>
%o = dfg.slice %op {starts = array<i64: 0>, ends = array<i64: 197>, axes = array<i64: 1>} : (tensor<12x203x64xf32>) -> tensor<12x197x64xf32>
```
"""

# No `from __future__ import annotations`: xDSL reads option types from fields.
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import builtin
from xdsl.dialects.builtin import DenseArrayBase, FloatAttr, TensorType, f32, i64
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from dfc.backends.chip import Chip
from dfc.dialects.dfg.attention import AttentionOp
from dfc.dialects.dfg.base import element_type_of, is_bool, shape_of
from dfc.dialects.dfg.movement import BroadcastOp, PadOp, SliceOp

from .dfg_fuse import resolve_chip
from .fold_zero_size import constant_of
from .lowering.attention import MASKED, block_limits
from .lowering.su_build import dtype_name, largest_divisor

GAIN = 2
"""A length is padded only when that divides its number of blocks by at
least this much (a small gain does not pay for the copies)."""


def padded_length(n: int, limit: int) -> int:
    """The length, `n` or at most one block more, that splits into the fewest
    blocks no larger than `limit` (the shortest on a tie); `n` itself unless
    that has at least `GAIN` times fewer blocks."""
    if n < 1 or limit < 2:
        return n
    blocks = n // largest_divisor(n, limit)
    best, best_blocks = n, blocks
    for m in range(n + 1, n + limit):
        count = m // largest_divisor(m, limit)
        if count < best_blocks:
            best, best_blocks = m, count
    return best if best_blocks * GAIN <= blocks else n


def _tensor(like: SSAValue, shape: tuple[int, ...]) -> TensorType[Attribute]:
    return TensorType(element_type_of(like), list(shape))


def _pad_axis(
    value: SSAValue, axis: int, after: int, fill: float, ops: list[Operation]
) -> SSAValue:
    """`value` with `after` elements of `fill` appended along `axis`."""
    shape = shape_of(value)
    rank = len(shape)
    if after == 0:
        return value
    pads = [0] * (2 * rank)
    pads[rank + axis] = after
    attributes: dict[str, Attribute] = {"pads": DenseArrayBase.from_list(i64, pads)}
    if fill != 0.0:
        attributes["value"] = FloatAttr(fill, f32)
    out = list(shape)
    out[axis] += after
    op = PadOp.build(
        operands=[value],
        result_types=[_tensor(value, tuple(out))],
        attributes=attributes,
    )
    ops.append(op)
    return op.results[0]


def _padded_mask(
    op: AttentionOp, lq: int, lk: int, lq_pad: int, lk_pad: int, ops: list[Operation]
) -> SSAValue | None:
    """The mask of the padded attention: the op's own, padded (and broadcast
    along the key axis if it broadcast there), or a new one masking the padded
    keys; None when no mask is needed."""
    causal = op.is_causal()
    keys_masked = lk_pad > lk and not (causal and lk >= lq)
    if op.mask is None:
        if not keys_masked:
            return None
        dtype = dtype_name(element_type_of(op.query))
        values = np.zeros(lk_pad, dtype=np.float32)
        values[lk:] = MASKED
        if dtype == "bf16":
            import ml_dtypes

            array = values.astype(ml_dtypes.bfloat16)
        else:
            array = values
        constant = constant_of(array, _tensor(op.query, (lk_pad,)), "attention_pad_mask")
        ops.append(constant)
        return constant.results[0]
    mask = op.mask
    shape = shape_of(mask)
    if not shape:
        # a scalar mask broadcasts everywhere: give it a key axis to pad
        shape = (1,)
    if lk_pad > lk and shape[-1] == 1:
        target = (*shape[:-1], lk)
        broadcast = BroadcastOp.build(
            operands=[mask], result_types=[_tensor(mask, target)]
        )
        ops.append(broadcast)
        mask, shape = broadcast.results[0], target
    rank = len(shape)
    mask = _pad_axis(mask, rank - 1, lk_pad - lk if shape[-1] == lk else 0,
                     MASKED if keys_masked else 0.0, ops)
    if rank >= 2 and shape[-2] == lq:
        mask = _pad_axis(mask, rank - 2, lq_pad - lq, 0.0, ops)
    return mask


def pad_attention(op: AttentionOp, chip: Chip) -> bool:
    """Rewrite `op` over padded lengths when that pays (see the module
    docstring); returns whether it did."""
    q, k, v = shape_of(op.query), shape_of(op.key), shape_of(op.value)
    dtype = dtype_name(element_type_of(op.query))
    if dtype is None or (op.mask is not None and is_bool(element_type_of(op.mask))):
        return False
    if op.mask is not None and not shape_of(op.mask):
        return False
    rows, keys = block_limits(chip, q[-1], v[-1], dtype)
    if rows < 1:
        return False  # the lowering reports it
    lq, lk = q[-2], k[-2]
    lq_pad, lk_pad = padded_length(lq, rows), padded_length(lk, keys)
    if (lq_pad, lk_pad) == (lq, lk):
        return False
    rank = len(q)
    ops: list[Operation] = []
    query = _pad_axis(op.query, rank - 2, lq_pad - lq, 0.0, ops)
    key = _pad_axis(op.key, rank - 2, lk_pad - lk, 0.0, ops)
    value = _pad_axis(op.value, rank - 2, lk_pad - lk, 0.0, ops)
    mask = _padded_mask(op, lq, lk, lq_pad, lk_pad, ops)
    attributes = dict(op.attributes)
    # the default scale depends on D only, but keep it explicit
    attributes["scale"] = FloatAttr(op.scale_value(), f32)
    padded = AttentionOp.build(
        operands=[query, key, value, mask],
        result_types=[_tensor(op.output, (*q[:-2], lq_pad, v[-1]))],
        attributes=attributes,
    )
    ops.append(padded)
    result = padded.results[0]
    if lq_pad != lq:
        crop = SliceOp.build(
            operands=[result],
            result_types=[op.output.type],
            attributes={
                "starts": DenseArrayBase.from_list(i64, [0]),
                "ends": DenseArrayBase.from_list(i64, [lq]),
                "axes": DenseArrayBase.from_list(i64, [rank - 2]),
            },
        )
        ops.append(crop)
        result = crop.results[0]
    for new in ops:
        new.location = op.location
    Rewriter.insert_op(ops, InsertPoint.before(op))
    op.output.replace_all_uses_with(result)
    Rewriter.erase_op(op)
    return True


@dataclass(frozen=True)
class DfgPadAttentionPass(ModulePass):
    """Pad the sequence lengths of `dfg.attention` ops whose lengths have no
    divisor near the chip's block sizes (see the module docstring).

    ```mlir
    // before: 197 tokens (prime) on sn40l
    %o = dfg.attention %q, %k, %v : (tensor<12x197x64xf32>, ...) -> tensor<12x197x64xf32>
    // after dfg-pad-attention{chip=sn40l}: 203 queries, 198 keys, the padded key masked
    %op = dfg.attention %qp, %kp, %vp, %m {scale = 0.125 : f32} : (tensor<12x203x64xf32>, tensor<12x198x64xf32>, tensor<12x198x64xf32>, tensor<198xf32>) -> tensor<12x203x64xf32>
    %o = dfg.slice %op {starts = array<i64: 0>, ends = array<i64: 197>, axes = array<i64: 1>} : ...
    ```
    """

    name = "dfg-pad-attention"

    chip: str = "sn40l"
    """Chip preset name or TOML path."""

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        chip = resolve_chip(self.chip)
        for inner in list(op.walk()):
            if isinstance(inner, AttentionOp) and inner.parent is not None:
                pad_attention(inner, chip)
