"""Reference semantics of `dfg.attention` against an explicit per-head,
per-query loop in float64, plus its structured interface."""

from __future__ import annotations

import itertools
import math

import ml_dtypes
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import dfc
from dfc.dialects.dfg import attention as att


def tensor(shape, element: str = "f32") -> str:
    dims = "".join(f"{d}x" for d in shape)
    return f"tensor<{dims}{element}>"


def run(text: str, inputs):
    return dfc.interpret(dfc.parse_mlir(text), inputs)


def attention_module(
    q, k, v, mask=None, mask_element="i1", scale=None, causal=None, element="f32"
):
    types = [tensor(q, element), tensor(k, element), tensor(v, element)]
    if mask is not None:
        types.append(tensor(mask, mask_element))
    names = ["%q", "%k", "%v", "%m"][: len(types)]
    out = tensor((*q[:-1], v[-1]), element)
    attrs = []
    if scale is not None:
        attrs.append(f"scale = {scale!r} : f32")
    if causal is not None:
        attrs.append(f"causal = {'true' if causal else 'false'}")
    attr = f" {{{', '.join(attrs)}}}" if attrs else ""
    args = ", ".join(f"{n}: {t}" for n, t in zip(names, types))
    return f"""
func.func @main({args}) -> {out} {{
  %o = dfg.attention {", ".join(names)}{attr} : ({", ".join(types)}) -> {out}
  func.return %o : {out}
}}
"""


def mask_at(mask: np.ndarray | None, index: tuple[int, ...]):
    """The mask entry for the full score index (batch..., i, j), broadcasting."""
    if mask is None:
        return None
    tail = index[len(index) - mask.ndim :]
    return mask[tuple(0 if d == 1 else i for d, i in zip(mask.shape, tail))]


def expected_attention(q, k, v, mask, scale, causal):
    """One head and one query at a time: explicit dot products, masking and a
    softmax written with math.exp; a fully masked row gives zeros."""
    batch = q.shape[:-2]
    lq, d = q.shape[-2:]
    lk, dv = v.shape[-2:]
    scale = 1 / math.sqrt(d) if scale is None else scale
    out = np.zeros((*batch, lq, dv), np.float64)
    for b in itertools.product(*(range(n) for n in batch)):
        for i in range(lq):
            scores: list[float | None] = []
            for j in range(lk):
                s = (
                    sum(float(q[b + (i, t)]) * float(k[b + (j, t)]) for t in range(d))
                    * scale
                )
                m = mask_at(mask, b + (i, j))
                if causal and j > i:
                    s = None
                elif m is not None and m.dtype == np.bool_:
                    s = s if m else None
                elif m is not None:
                    s = s + float(m)
                scores.append(s)
            kept = [s for s in scores if s is not None and s != -math.inf]
            if not kept:
                continue  # fully masked: zeros
            top = max(kept)
            weights = [
                0.0 if s is None or s == -math.inf else math.exp(s - top)
                for s in scores
            ]
            total = sum(weights)
            for c in range(dv):
                out[b + (i, c)] = (
                    sum(w * float(v[b + (j, c)]) for j, w in enumerate(weights)) / total
                )
    return out


@st.composite
def attention_cases(draw):
    batch = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    lq, lk, d, dv = (draw(st.integers(1, 5)) for _ in range(4))
    mask_kind = draw(st.sampled_from(["none", "bool", "float"]))
    mask_shape = None
    if mask_kind != "none":
        full = (*batch, lq, lk)
        keep = draw(st.integers(0, len(full)))
        mask_shape = tuple(
            1 if draw(st.booleans()) else n for n in full[len(full) - keep :]
        )
    scale = draw(st.sampled_from([None, 0.5, 1.0]))
    causal = draw(st.sampled_from([None, False, True]))
    return (
        batch,
        lq,
        lk,
        d,
        dv,
        mask_kind,
        mask_shape,
        scale,
        causal,
        draw(st.integers(0, 2**32 - 1)),
    )


@settings(max_examples=25, deadline=None)
@given(attention_cases())
def test_attention_matches_per_head_loop(case):
    batch, lq, lk, d, dv, mask_kind, mask_shape, scale, causal, seed = case
    rng = np.random.default_rng(seed)
    q = rng.normal(0, 1, (*batch, lq, d)).astype(np.float32)
    k = rng.normal(0, 1, (*batch, lk, d)).astype(np.float32)
    v = rng.normal(0, 1, (*batch, lk, dv)).astype(np.float32)
    inputs = [q, k, v]
    mask = None
    if mask_kind == "bool":
        mask = rng.random(mask_shape) < 0.7
    elif mask_kind == "float":
        mask = rng.uniform(-3, 0, mask_shape).astype(np.float32)
    if mask is not None:
        inputs.append(mask)
    text = attention_module(
        q.shape,
        k.shape,
        v.shape,
        mask_shape,
        "i1" if mask_kind == "bool" else "f32",
        scale,
        causal,
    )
    (got,) = run(text, inputs)
    expected = expected_attention(q, k, v, mask, scale, bool(causal))
    assert got.dtype == np.float32 and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_attention_hand_case():
    # One query attending equally to two keys (equal scores) averages the values.
    q = np.array([[1.0, 0.0]], np.float32)
    k = np.array([[0.0, 1.0], [0.0, -1.0]], np.float32)
    v = np.array([[2.0], [4.0]], np.float32)
    (o,) = run(attention_module(q.shape, k.shape, v.shape), [q, k, v])
    np.testing.assert_allclose(o, [[3.0]])
    # scale = ln(3) with scores 1 and 0: weights 3/4 and 1/4.
    k2 = np.array([[1.0, 0.0], [0.0, 0.0]], np.float32)
    (o2,) = run(
        attention_module(q.shape, k2.shape, v.shape, scale=math.log(3)), [q, k2, v]
    )
    np.testing.assert_allclose(o2, [[0.75 * 2 + 0.25 * 4]], rtol=1e-6)


def test_attention_causal_is_top_left_aligned():
    # Lq = 2 < Lk = 3: query 0 sees key 0 only, query 1 sees keys 0 and 1
    # (PyTorch's is_causal: torch.ones(L, S).tril()).
    q = np.zeros((2, 1), np.float32)
    k = np.zeros((3, 1), np.float32)
    v = np.array([[1.0], [3.0], [100.0]], np.float32)
    (o,) = run(attention_module(q.shape, k.shape, v.shape, causal=True), [q, k, v])
    np.testing.assert_allclose(o, [[1.0], [2.0]])


def test_attention_fully_masked_rows_give_zeros():
    # As PyTorch's SDPA (safe softmax since 2.5): no NaN for a masked-out row.
    q = np.ones((2, 1), np.float32)
    k = np.ones((2, 1), np.float32)
    v = np.array([[1.0], [2.0]], np.float32)
    bool_mask = np.array([[True, False], [False, False]])
    (o,) = run(
        attention_module(q.shape, k.shape, v.shape, (2, 2)), [q, k, v, bool_mask]
    )
    np.testing.assert_allclose(o, [[1.0], [0.0]])
    float_mask = np.array([[0.0, -np.inf], [-np.inf, -np.inf]], np.float32)
    (o2,) = run(
        attention_module(q.shape, k.shape, v.shape, (2, 2), "f32"),
        [q, k, v, float_mask],
    )
    np.testing.assert_allclose(o2, [[1.0], [0.0]])


def test_attention_large_scores_are_stable():
    q = np.array([[100.0]], np.float32)
    k = np.array([[100.0], [99.0]], np.float32)
    v = np.array([[1.0], [0.0]], np.float32)
    (o,) = run(attention_module(q.shape, k.shape, v.shape, scale=1.0), [q, k, v])
    # Scores 10000 and 9900: the first key takes all the weight, no overflow.
    np.testing.assert_allclose(o, [[1.0]])


def test_attention_bf16():
    rng = np.random.default_rng(1)
    shapes = ((2, 3, 8), (2, 5, 8), (2, 5, 4))
    q, k, v = (rng.normal(0, 1, s).astype(ml_dtypes.bfloat16) for s in shapes)
    (o,) = run(attention_module(*shapes, element="bf16"), [q, k, v])
    assert o.dtype == ml_dtypes.bfloat16
    expected = expected_attention(
        q.astype(np.float32),
        k.astype(np.float32),
        v.astype(np.float32),
        None,
        None,
        False,
    )
    np.testing.assert_allclose(o.astype(np.float64), expected, rtol=3e-2, atol=3e-2)


def test_attention_structured_interface():
    text = attention_module((2, 3, 4, 8), (2, 3, 6, 8), (2, 3, 6, 5), (3, 1, 6))
    op = next(o for o in dfc.parse_mlir(text).walk() if isinstance(o, att.AttentionOp))
    space = op.iteration_space()
    # (batch..., Lq, Dv, Lk, D)
    assert space.extents == (2, 3, 4, 5, 6, 8)
    assert space.kinds == ("parallel",) * 4 + ("reduction",) * 2
    point = [1, 2, 3, 4, 5, 7]  # b0, b1, i, dv, j, d
    q_map, k_map, v_map, m_map, o_map = op.indexing_maps()
    assert q_map.eval(point, []) == (1, 2, 3, 7)
    assert k_map.eval(point, []) == (1, 2, 5, 7)
    assert v_map.eval(point, []) == (1, 2, 5, 4)
    assert m_map.eval(point, []) == (2, 0, 5)  # mask [3, 1, 6] -> (b1, 0, j)
    assert o_map.eval(point, []) == (1, 2, 3, 4)
    b, lq, lk, d, dv = 6, 4, 6, 8, 5
    assert (
        op.flop_count() == 2 * b * lq * lk * d + 2 * b * lq * lk * dv + 5 * b * lq * lk
    )
    assert op.scale_value() == 1 / math.sqrt(8)
