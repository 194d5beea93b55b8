"""`dfg-recognize-attention`: rewrite decomposed scaled dot-product attention
into one `dfg.attention` op, so that fusion, tiling and the cost model see a
streaming attention (online softmax: running max and running sum, divide after
accumulating) instead of a materialized `Lq x Lk` score matrix.

The pattern, as ONNX exporters and the torch decomposition emit it, matched
backwards from the `P @ V` product:

    S = Q' @ K'^T                      dfg.batch_matmul / dfg.matmul; K'^T may be a
                                       dfg.transpose (any perm ending in a swap of the
                                       last two dims, through unit-dim reshapes) or
                                       `transpose_b`
    Q' = Q [* c | / c], K' likewise    scalar constants fold into `scale`
    X = S [* c | / c] [+ M] [where(C, ., -big)] ...   in any order
    P = softmax(X, axis = -1)          optionally guarded: where(P != P, 0, P)
    O = P @ V

Masks: an additive mask `M` or a boolean mask `C` (with a fill of -inf, or a
finite fill <= -1e4 when `C` is constant and masks no whole row). A mask that
only depends on constants (a folded triangle, or slices of a causal buffer)
is evaluated: all-keep masks disappear, the top-left causal triangle becomes
`causal = true`, anything else stays as the mask operand. At most one mask
operand remains (two of the same kind are combined with `dfg.add` /
`dfg.and`). Every intermediate of the chain must have no other user;
otherwise the graph is left as it is (the scores would be materialized
anyway).

```mlir
// before
%kt = dfg.transpose %k {perm = array<i64: 0, 2, 1>} : (tensor<2x8x16xf32>) -> tensor<2x16x8xf32>
%s = dfg.batch_matmul %q, %kt : (tensor<2x8x16xf32>, tensor<2x16x8xf32>) -> tensor<2x8x8xf32>
%c = dfg.constant dense<2.500000e-01> : tensor<f32>
%x = dfg.mul %s, %c : (tensor<2x8x8xf32>, tensor<f32>) -> tensor<2x8x8xf32>
%p = dfg.softmax %x {axis = -1 : i64} : (tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
%o = dfg.batch_matmul %p, %v : (tensor<2x8x8xf32>, tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
// after dfg-recognize-attention
%o = dfg.attention %q, %k, %v {scale = 2.500000e-01 : f32} : (tensor<2x8x16xf32>, tensor<2x8x16xf32>, tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
```
"""

# No `from __future__ import annotations`: xDSL reads option types from fields.
import math
from dataclasses import dataclass, field

import numpy as np
from xdsl.context import Context
from xdsl.dialects import builtin, func
from xdsl.dialects.builtin import (
    BoolAttr,
    DenseArrayBase,
    FloatAttr,
    IntegerType,
    TensorType,
    f32,
    i64,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass

from dfc.backends.cost.ops import BAND_ATTR
from dfc.backends.reference import interpreter
from dfc.dialects.dfg import elementwise as ew
from dfc.dialects.dfg.attention import AttentionOp
from dfc.dialects.dfg.base import (
    broadcast_shapes,
    element_type_of,
    is_float,
    shape_of,
)
from dfc.dialects.dfg.constant import ConstantOp
from dfc.dialects.dfg.linalg import BatchMatmulOp, MatmulBase, MatmulOp
from dfc.dialects.dfg.movement import BroadcastOp, ReshapeOp, TransposeOp
from dfc.dialects.dfg.normalization import SoftmaxOp

MASKED_BELOW = -1e4
"""A finite mask value at or below this counts as "masked out": `exp` of it
minus the row maximum underflows to 0 in f32 for any realistic scores."""

CONSTANT_EVAL_LIMIT = 1 << 26
"""Largest computed mask (elements, 8192 x 8192) evaluated at compile time to
recognise its shape; a `dfg.constant` is read whatever its size."""


# ---------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------


def _constant_array(
    value: SSAValue, limit: int = CONSTANT_EVAL_LIMIT
) -> np.ndarray | None:
    """The value of `value` when it depends on `dfg.constant`s only (evaluated
    with the reference interpreter), else None. Intermediate results above
    `limit` elements are not evaluated."""
    memo: dict[SSAValue, np.ndarray | None] = {}

    def visit(v: SSAValue) -> np.ndarray | None:
        if v in memo:
            return memo[v]
        memo[v] = None
        op = v.owner
        if not isinstance(op, Operation) or not isinstance(v.type, TensorType):
            return None
        # reading a constant is cheap whatever its size; computing is not
        too_big = math.prod(v.type.get_shape()) > limit
        if (too_big and not isinstance(op, ConstantOp)) or op.regions:
            return None
        operands = [visit(o) for o in op.operands]
        if any(o is None for o in operands):
            return None
        try:
            results = interpreter.evaluate(op, operands)  # pyright: ignore
        except Exception:  # noqa: BLE001 - anything unevaluable is "not constant"
            return None
        for r, array in zip(op.results, results, strict=True):
            memo[r] = array
        return memo[v]

    return visit(value)


def _scalar(value: SSAValue) -> float | None:
    """The single value of a constant-only value whose elements are all equal
    (any shape): a splat `dfg.constant`, or e.g. `log(0)` for -inf."""
    t = value.type
    if not isinstance(t, TensorType) or math.prod(t.get_shape()) > 4096:
        return None
    array = _constant_array(value, limit=4096)
    if array is None or array.size == 0:
        return None
    flat = np.asarray(array, dtype=np.float64).reshape(-1)
    if not np.all(flat == flat[0]):
        return None
    return float(flat[0])


def _single_user(value: SSAValue, user: Operation) -> bool:
    return all(use.operation is user for use in value.uses)


# ---------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------


@dataclass
class Match:
    """A recognised attention: values to feed `dfg.attention` and the ops it
    replaces."""

    query: SSAValue
    key: SSAValue
    key_perm: tuple[int, ...] | None
    """Permutation to apply to `key`'s source to get `[..., Lk, D]` (None: as is)."""
    value: SSAValue
    value_transposed: bool
    scale: float = 1.0
    additive: list[SSAValue] = field(default_factory=list[SSAValue])
    boolean: list[tuple[SSAValue, float]] = field(
        default_factory=list[tuple[SSAValue, float]]
    )
    chain: list[Operation] = field(default_factory=list[Operation])


def _strip_unit_reshapes(value: SSAValue) -> SSAValue:
    """Look through reshapes that only add or drop leading size-1 dims."""
    while isinstance(value.owner, ReshapeOp):
        source = value.owner.input
        a, b = shape_of(source), shape_of(value)
        if _drop_leading_ones(a) != _drop_leading_ones(b):
            break
        value = source
    return value


def _drop_leading_ones(shape: tuple[int, ...]) -> tuple[int, ...]:
    shape = tuple(shape)
    while len(shape) > 2 and shape[0] == 1:
        shape = shape[1:]
    return shape


def _peel_scale(value: SSAValue, chain: list[Operation]) -> tuple[SSAValue, float]:
    """Strip `x * c`, `c * x` and `x / c` with scalar constants `c` (single-use
    results), returning `x` and the product of the factors."""
    factor = 1.0
    while True:
        value = _strip_unit_reshapes(value)
        op = value.owner
        if isinstance(op, ew.MulOp | ew.DivOp) and value.has_one_use():
            operands = [(op.lhs, op.rhs)]
            if isinstance(op, ew.MulOp):
                operands.append((op.rhs, op.lhs))
            for kept, constant in operands:
                c = _scalar(constant)
                if c is None or kept.type != op.output.type:
                    continue
                if isinstance(op, ew.DivOp):
                    if c == 0:
                        continue
                    c = 1.0 / c
                factor *= c
                chain.append(op)
                value = kept
                break
            else:
                return value, factor
        else:
            return value, factor


def _untranspose(
    value: SSAValue, chain: list[Operation]
) -> tuple[SSAValue, tuple[int, ...] | None]:
    """A source `x` and a permutation `p` (None: identity) such that
    `transpose(x, p)` equals `value` with its last two dims swapped, up to
    leading size-1 dims. Looks through single-use transposes."""
    value = _strip_unit_reshapes(value)
    op = value.owner
    rank = len(shape_of(value))
    if isinstance(op, TransposeOp) and value.has_one_use():
        perm = list(op.permutation())
        perm[-2], perm[-1] = perm[-1], perm[-2]
        chain.append(op)
        if perm == list(range(len(perm))):
            return op.input, None
        return op.input, tuple(perm)
    perm = list(range(rank))
    perm[-2], perm[-1] = perm[-1], perm[-2]
    return value, tuple(perm)


def _match_scores(
    x: SSAValue, match_chain: list[Operation]
) -> tuple[MatmulBase, float, list[SSAValue], list[tuple[SSAValue, float]]] | None:
    """Walk back from the softmax input to the `Q @ K^T` product, collecting
    scale factors and masks."""
    scale = 1.0
    additive: list[SSAValue] = []
    boolean: list[tuple[SSAValue, float]] = []
    seen_scale = False  # walking backwards: a scale applied after the masks
    while True:
        if not x.has_one_use():
            return None
        op = x.owner
        if isinstance(op, MatmulOp | BatchMatmulOp):
            return op, scale, additive, boolean
        if isinstance(op, ew.MulOp | ew.DivOp):
            pairs = [(op.lhs, op.rhs)]
            if isinstance(op, ew.MulOp):
                pairs.append((op.rhs, op.lhs))
            for kept, constant in pairs:
                c = _scalar(constant)
                if c is None or kept.type != op.output.type or c == 0:
                    continue
                scale *= 1.0 / c if isinstance(op, ew.DivOp) else c
                if c < 0:
                    return None  # flips the mask's sign
                seen_scale = True
                break
            else:
                return None
            match_chain.append(op)
            x = kept  # pyright: ignore[reportPossiblyUnboundVariable]
            continue
        if isinstance(op, ew.AddOp):
            # the scores are the operand of the result's shape that leads back
            # to a matmul; the other one is the mask
            candidates = [(op.lhs, op.rhs), (op.rhs, op.lhs)]
            chosen = None
            for kept, mask in candidates:
                if kept.type != op.output.type:
                    continue
                if _leads_to_matmul(kept):
                    chosen = (kept, mask)
                    break
            if chosen is None:
                return None
            if seen_scale:
                return None  # (S + M) * c scales the mask too
            match_chain.append(op)
            additive.append(chosen[1])
            x = chosen[0]
            continue
        if isinstance(op, ew.WhereOp):
            fill = _scalar(op.on_false)
            if fill is None or op.on_true.type != op.output.type:
                return None
            if not (fill == -math.inf or fill <= MASKED_BELOW):
                return None
            if seen_scale and fill != -math.inf:
                return None  # a scaled finite fill may no longer mask
            match_chain.append(op)
            boolean.append((op.condition, fill))
            x = op.on_true
            continue
        return None


def _leads_to_matmul(value: SSAValue) -> bool:
    for _ in range(16):
        op = value.owner
        if isinstance(op, MatmulOp | BatchMatmulOp):
            return True
        if isinstance(op, ew.MulOp | ew.DivOp | ew.AddOp):
            value = op.lhs if op.lhs.type == op.output.type else op.rhs
            if _scalar(op.lhs) is not None and isinstance(op, ew.MulOp):
                value = op.rhs
        elif isinstance(op, ew.WhereOp):
            value = op.on_true
        else:
            return False
    return False


def _strip_nan_guard(p: SSAValue, chain: list[Operation]) -> SSAValue:
    """`where(s != s, 0, s)` (torch's safe softmax) around `s = softmax(...)`
    becomes `s`: `dfg.attention` already yields zeros for fully masked rows."""
    op = p.owner
    if not isinstance(op, ew.WhereOp):
        return p
    s = op.on_false
    cond = op.condition.owner
    if not (
        isinstance(cond, ew.CompareOp)
        and cond.predicate is not None
        and cond.predicate.data == "ne"
        and cond.lhs is s
        and cond.rhs is s
        and _scalar(op.on_true) == 0.0
        and op.output.type == s.type
        and all(u.operation in (cond, op) for u in s.uses)
        and _single_user(cond.output, op)
    ):
        return p
    chain += [op, cond]
    return s


def match_attention(pv: MatmulBase) -> Match | None:
    """Match the attention that ends in the product `pv` (`P @ V`)."""
    if pv.transpose_a is not None and pv.transpose_a.value.data:
        return None
    chain: list[Operation] = [pv]
    p = _strip_nan_guard(pv.lhs, chain)
    softmax = p.owner
    if not isinstance(softmax, SoftmaxOp):
        return None
    rank = len(shape_of(softmax.input))
    if softmax.normalized_axis() != rank - 1:
        return None
    if not all(u.operation in chain for u in p.uses):
        return None
    chain.append(softmax)
    found = _match_scores(softmax.input, chain)
    if found is None:
        return None
    qk, scale, additive, boolean = found
    chain.append(qk)
    if qk.transpose_a is not None and qk.transpose_a.value.data:
        return None
    query, q_factor = _peel_scale(qk.lhs, chain)
    if qk.transpose_b is not None and qk.transpose_b.value.data:
        key, k_factor = _peel_scale(qk.rhs, chain)
        key_perm = None
    else:
        kt, k_factor = _peel_scale(qk.rhs, chain)
        key, key_perm = _untranspose(kt, chain)
    value = pv.rhs
    value_transposed = pv.transpose_b is not None and pv.transpose_b.value.data
    return Match(
        query=query,
        key=key,
        key_perm=key_perm,
        value=value,
        value_transposed=bool(value_transposed),
        scale=scale * q_factor * k_factor,
        additive=additive,
        boolean=boolean,
        chain=chain,
    )


# ---------------------------------------------------------------------------
# Masks
# ---------------------------------------------------------------------------


def _full(array: np.ndarray, lq: int, lk: int) -> np.ndarray | None:
    """`array` broadcast to `[..., lq, lk]`, or None when it does not broadcast."""
    shape = (*array.shape[:-2], lq, lk) if array.ndim >= 2 else (lq, lk)
    try:
        return np.broadcast_to(array, shape)
    except ValueError:
        return None


def classify_mask(keep: np.ndarray, exact_zero: bool, lq: int, lk: int) -> str:
    """`all` (keeps everything), `causal` (the top-left triangle `j <= i`
    everywhere), or `other`. `exact_zero` says the kept entries add nothing."""
    full = _full(keep, lq, lk)
    if full is None or not exact_zero:
        return "other"
    if bool(np.all(full)):
        return "all"
    tril = np.tril(np.ones((lq, lk), dtype=np.bool_))
    if bool(np.all(full == tril)):
        return "causal"
    return "other"


def band_of(keep: np.ndarray, lq: int, lk: int) -> tuple[int, int] | None:
    """`(left, right)` when `keep`, broadcast to `[..., lq, lk]`, is the same
    band `i - left <= j <= i + right` for every batch entry (a sliding-window
    mask), else None. Works row by row: no `lq x lk` index arrays."""
    full = _full(keep, lq, lk)
    if full is None:
        return None
    flat = full.reshape(-1, lq, lk)
    first_slice = flat[0]
    if flat.shape[0] > 1 and not all(np.array_equal(first_slice, m) for m in flat[1:]):
        return None
    counts = first_slice.sum(axis=1)
    if np.any(counts == 0):
        return None
    rows = np.arange(lq)
    first = np.argmax(first_slice, axis=1)
    last = lk - 1 - np.argmax(first_slice[:, ::-1], axis=1)
    if not np.array_equal(counts, last - first + 1):
        return None  # a row with a hole
    left, right = int(np.max(rows - first)), int(np.max(last - rows))
    if left < 0 or right < 0:
        return None
    if not (
        np.array_equal(first, np.maximum(0, rows - left))
        and np.array_equal(last, np.minimum(lk - 1, rows + right))
    ):
        return None
    return left, right


@dataclass
class MaskPlan:
    causal: bool = False
    additive: list[SSAValue] = field(default_factory=list[SSAValue])
    boolean: list[SSAValue] = field(default_factory=list[SSAValue])
    band: tuple[int, int] | None = None
    """A constant mask operand that is a sliding window `(left, right)`."""


def plan_masks(match: Match, lq: int, lk: int) -> MaskPlan | None:
    plan = MaskPlan()
    for mask in match.additive:
        array = _constant_array(mask)
        if array is None:
            plan.additive.append(mask)
            continue
        values = np.asarray(array, dtype=np.float64)
        masked = values <= MASKED_BELOW
        if np.any(np.isnan(values)) or np.any((~masked) & (values != 0)):
            plan.additive.append(mask)
            continue
        kind = classify_mask(~masked, True, lq, lk)
        if kind == "all":
            continue
        if kind == "causal":
            plan.causal = True
        else:
            plan.additive.append(mask)
            plan.band = plan.band or band_of(~masked, lq, lk)
    for condition, fill in match.boolean:
        array = _constant_array(condition)
        if array is None:
            if fill != -math.inf:
                return None  # a finite fill on a fully masked row is not -inf
            plan.boolean.append(condition)
            continue
        keep = np.asarray(array, dtype=np.bool_)
        full = _full(keep, lq, lk)
        if full is None:
            return None
        kind = classify_mask(keep, True, lq, lk)
        if kind == "all":
            continue
        if kind == "causal":
            plan.causal = True
            continue
        if fill != -math.inf and not bool(np.all(np.any(full, axis=-1))):
            return None  # a fully masked row: finite fill gives uniform weights
        plan.boolean.append(condition)
        plan.band = plan.band or band_of(keep, lq, lk)
    if plan.additive and plan.boolean:
        return None
    return plan


# ---------------------------------------------------------------------------
# Rewriting
# ---------------------------------------------------------------------------


def _insert(op: Operation, before: Operation, created: list[Operation]) -> SSAValue:
    block = before.parent_block()
    assert block is not None
    block.insert_op_before(op, before)
    # diagnostics on the new op point at the product it replaces
    op.location = before.location  # pyright: ignore[reportAttributeAccessIssue]
    created.append(op)
    return op.results[0]


def _with_type(t: Attribute, shape: tuple[int, ...]) -> TensorType[Attribute]:
    assert isinstance(t, TensorType)
    return TensorType(t.get_element_type(), shape)


def _fit_batch(
    value: SSAValue, batch: tuple[int, ...], before: Operation, created: list[Operation]
) -> SSAValue | None:
    """`value` (`[b..., m, n]`) as `[batch..., m, n]`: drop or add leading
    size-1 dims with a reshape, or broadcast; None when impossible."""
    value = _strip_unit_reshapes(value)
    shape = shape_of(value)
    target = (*batch, *shape[-2:])
    if shape == target:
        return value
    if _drop_leading_ones(shape) == _drop_leading_ones(target):
        return _insert(
            ReshapeOp.build(
                operands=[value], result_types=[_with_type(value.type, target)]
            ),
            before,
            created,
        )
    if len(shape) <= len(target) and broadcast_shapes(shape, target) == target:
        return _insert(
            BroadcastOp.build(
                operands=[value], result_types=[_with_type(value.type, target)]
            ),
            before,
            created,
        )
    return None


def _transpose(
    value: SSAValue, perm: tuple[int, ...], before: Operation, created: list[Operation]
) -> SSAValue:
    shape = shape_of(value)
    return _insert(
        TransposeOp.build(
            operands=[value],
            result_types=[_with_type(value.type, tuple(shape[p] for p in perm))],
            attributes={"perm": DenseArrayBase.from_list(i64, perm)},
        ),
        before,
        created,
    )


def _combine(
    cls: type[ew.BinaryOp],
    values: list[SSAValue],
    before: Operation,
    created: list[Operation],
) -> SSAValue | None:
    result = values[0]
    for other in values[1:]:
        shape = broadcast_shapes(shape_of(result), shape_of(other))
        if shape is None:
            return None
        result = _insert(
            cls.build(
                operands=[result, other],
                result_types=[_with_type(result.type, shape)],
            ),
            before,
            created,
        )
    return result


def _erase_dead(ops: list[Operation]) -> None:
    """Erase the replaced ops and whatever pure producers they leave unused."""
    work = list(ops)
    while work:
        op = work.pop(0)
        if op.parent is None or any(r.uses for r in op.results):
            continue
        if not op.name.startswith("dfg.") or op.regions:
            continue
        producers = [o.owner for o in op.operands if isinstance(o.owner, Operation)]
        op.detach()
        op.erase()
        work += producers


def rewrite(pv: MatmulBase, match: Match) -> AttentionOp | None:
    """Build the `dfg.attention` for `match` in place of `pv`, or None (nothing
    changed except dead helper ops) when the operands do not line up."""
    out_shape = shape_of(pv.output)
    batch, lq, dv = tuple(out_shape[:-2]), out_shape[-2], out_shape[-1]
    created: list[Operation] = []

    def give_up() -> None:
        _erase_dead(list(reversed(created)))

    key = match.key
    if match.key_perm is not None:
        key = _transpose(key, match.key_perm, pv, created)
    value = match.value
    if match.value_transposed:
        rank = len(shape_of(value))
        perm = list(range(rank))
        perm[-2], perm[-1] = perm[-1], perm[-2]
        value = _transpose(value, tuple(perm), pv, created)
    query = _fit_batch(match.query, batch, pv, created)
    key = _fit_batch(key, batch, pv, created)
    value = _fit_batch(value, batch, pv, created)
    if query is None or key is None or value is None:
        give_up()
        return None
    q, k, v = shape_of(query), shape_of(key), shape_of(value)
    element = element_type_of(query)
    if (
        q[-2] != lq
        or v[-1] != dv
        or k[-1] != q[-1]
        or k[-2] != v[-2]
        or element_type_of(key) != element
        or element_type_of(value) != element
        or not is_float(element)
    ):
        give_up()
        return None
    lk = k[-2]
    masks = plan_masks(match, lq, lk)
    if masks is None:
        give_up()
        return None
    mask: SSAValue | None = None
    if masks.additive:
        mask = _combine(ew.AddOp, masks.additive, pv, created)
        if mask is not None and element_type_of(mask) != element:
            mask = None
            masks = None
    elif masks.boolean:
        mask = _combine(ew.AndOp, masks.boolean, pv, created)
        if mask is not None and not isinstance(element_type_of(mask), IntegerType):
            masks = None
    if masks is None or ((masks.additive or masks.boolean) and mask is None):
        give_up()
        return None
    if mask is not None:
        score_shape = (*batch, lq, lk)
        shape = shape_of(mask)
        if (
            len(shape) > len(score_shape)
            or broadcast_shapes(shape, score_shape) != score_shape
        ):
            give_up()
            return None
    attributes: dict[str, Attribute] = {"scale": FloatAttr(match.scale, f32)}
    if masks.causal:
        attributes["causal"] = BoolAttr.from_bool(True)
    if masks.band is not None:
        # loops (batch..., Lq, Dv, Lk, D): the band relates Lq and Lk
        nb = len(batch)
        attributes[BAND_ATTR] = DenseArrayBase.from_list(
            i64, [nb, nb + 2, masks.band[0], masks.band[1]]
        )
    op = AttentionOp.build(
        operands=[query, key, value, mask],
        result_types=[pv.output.type],
        attributes=attributes,
    )
    result = _insert(op, pv, [])
    pv.output.replace_all_uses_with(result)
    _erase_dead(match.chain)
    return op


def simplify_constant_mask(op: AttentionOp) -> bool:
    """Drop the mask operand of an existing `dfg.attention` when it is a
    constant that keeps every score, or the top-left causal triangle (then
    `causal = true`), as `plan_masks` does for a recognized chain; returns
    whether it did. The torch frontend builds `dfg.attention` from SDPA with
    such masks (transformers' ViT passes an all-true one), and a mask
    operand keeps `dfg-pad-attention` from padding the lengths."""
    if op.mask is None:
        return False
    array = _constant_array(op.mask)
    if array is None:
        return False
    lq, lk = shape_of(op.query)[-2], shape_of(op.key)[-2]
    if array.dtype == np.bool_:
        keep = array
    else:
        values = np.asarray(array, dtype=np.float64)
        keep = ~(values <= MASKED_BELOW)
        if np.any(np.isnan(values)) or np.any(keep & (values != 0)):
            return False
    kind = classify_mask(keep, True, lq, lk)
    if kind == "other":
        return False
    attributes = dict(op.attributes)
    if kind == "causal":
        attributes["causal"] = BoolAttr.from_bool(True)
    simpler = AttentionOp.build(
        operands=[op.query, op.key, op.value, None],
        result_types=[op.output.type],
        attributes=attributes,
    )
    op.output.replace_all_uses_with(_insert(simpler, op, []))
    _erase_dead([op])
    return True


def recognize_in_function(fn: func.FuncOp) -> int:
    """Rewrite every attention in `fn`; returns how many."""
    count = 0
    for op in list(fn.walk()):
        if op.parent is None or not isinstance(op, MatmulOp | BatchMatmulOp):
            continue
        match = match_attention(op)
        if match is None:
            continue
        if rewrite(op, match) is not None:
            count += 1
    return count


@dataclass(frozen=True)
class DfgRecognizeAttentionPass(ModulePass):
    """Rewrite `softmax(Q @ K^T * scale + mask) @ V` chains into `dfg.attention`.

    ```mlir
    // before
    %s = dfg.batch_matmul %q, %kt : (tensor<2x8x16xf32>, tensor<2x16x8xf32>) -> tensor<2x8x8xf32>
    %x = dfg.add %s, %causal : (tensor<2x8x8xf32>, tensor<8x8xf32>) -> tensor<2x8x8xf32>
    %p = dfg.softmax %x {axis = 2 : i64} : (tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
    %o = dfg.batch_matmul %p, %v : (tensor<2x8x8xf32>, tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
    // after dfg-recognize-attention (%causal a constant 0 / -inf lower triangle)
    %k = dfg.transpose %kt {perm = array<i64: 0, 2, 1>} : (tensor<2x16x8xf32>) -> tensor<2x8x16xf32>
    %o = dfg.attention %q, %k, %v {scale = 1.000000e+00 : f32, causal = true} : (...) -> tensor<2x8x16xf32>
    ```
    """

    name = "dfg-recognize-attention"

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        for fn in list(op.walk()):
            if isinstance(fn, func.FuncOp) and fn.body.blocks:
                recognize_in_function(fn)
        for attention in list(op.walk()):
            if isinstance(attention, AttentionOp) and attention.parent is not None:
                simplify_constant_mask(attention)
