"""Reference semantics of `dfg.attention` (PyTorch's
`F.scaled_dot_product_attention`, math backend).

Scores are computed in f32 (f64 inputs stay f64), the softmax subtracts the row
maximum, and a query row whose scores are all -inf (fully masked by the i1
mask, an additive -inf mask or `causal`) yields zeros, as PyTorch's
`_safe_softmax` does since 2.5 (older PyTorch returned NaN)."""

from __future__ import annotations

import numpy as np

from dfc.dialects.dfg import attention as att

from .interpreter import implements, widen


@implements(att.AttentionOp)
def _attention(op: att.AttentionOp, operands: list[np.ndarray]) -> np.ndarray:
    query, key, value = (widen(v) for v in operands[:3])
    dtype = query.dtype
    with np.errstate(all="ignore"):
        scores = np.einsum("...id,...jd->...ij", query, key) * dtype.type(
            op.scale_value()
        )
        lq, lk = scores.shape[-2:]
        if lk == 0:  # no keys: an empty weighted sum
            return np.zeros((*scores.shape[:-1], value.shape[-1]), dtype)
        if op.is_causal():
            keep = np.tril(np.ones((lq, lk), dtype=np.bool_))
            scores = np.where(keep, scores, dtype.type(-np.inf))
        if op.mask is not None:
            mask = operands[3]
            if mask.dtype == np.bool_:
                scores = np.where(mask, scores, dtype.type(-np.inf))
            else:
                scores = scores + widen(mask)
        row_max = np.max(scores, axis=-1, keepdims=True)
        fully_masked = row_max == -np.inf
        weights = np.exp(scores - np.where(fully_masked, 0, row_max))
        denominator = np.sum(weights, axis=-1, keepdims=True)
        weights = np.where(fully_masked, 0, weights / denominator)
        return np.einsum("...ij,...jd->...id", weights, value).astype(dtype)
