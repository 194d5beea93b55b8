"""Reference semantics of dfg.matmul, dfg.batch_matmul and dfg.conv2d against
independent formulas (einsum per batch, a direct nested-loop convolution), and
their structured-op interface."""

from __future__ import annotations

import itertools

import ml_dtypes
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import dfc

FLOAT_DTYPES = {"f32": np.float32, "bf16": ml_dtypes.bfloat16, "f16": np.float16}


def ttype(shape, element: str) -> str:
    return "tensor<" + "".join(f"{d}x" for d in shape) + element + ">"


def run(text: str, inputs):
    return dfc.interpret(dfc.parse_mlir(text), inputs)


def single_op(text: str):
    module = dfc.parse_mlir(text)
    return next(op for op in module.walk() if op.name.startswith("dfg."))


def small_ints(rng: np.random.Generator, shape, low=-3, high=4) -> np.ndarray:
    """Small integers: float products and sums of them are exact in f32."""
    return rng.integers(low, high, size=shape).astype(np.float64)


def bool_attrs(**flags: bool) -> str:
    items = [f"{k} = {'true' if v else 'false'}" for k, v in flags.items() if v]
    return " {" + ", ".join(items) + "}" if items else ""


# ---------------------------------------------------------------------------
# matmul
# ---------------------------------------------------------------------------


def matmul_text(a_shape, b_shape, out_shape, element="f32", out_element=None, **t):
    op = "dfg.matmul" if len(a_shape) == len(b_shape) == 2 else "dfg.batch_matmul"
    out_element = out_element or element
    a, b = ttype(a_shape, element), ttype(b_shape, element)
    out = ttype(out_shape, out_element)
    return f"""
func.func @main(%a: {a}, %b: {b}) -> {out} {{
  %r = {op} %a, %b{bool_attrs(**t)} : ({a}, {b}) -> {out}
  func.return %r : {out}
}}"""


def oracle_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`sum_k a[m, k] * b[k, n]` by explicit accumulation over k."""
    m, k = a.shape
    _, n = b.shape
    out = np.zeros((m, n), dtype=np.result_type(a, b))
    for kk in range(k):
        out += a[:, kk : kk + 1] * b[kk : kk + 1, :]
    return out


@settings(max_examples=25, deadline=None)
@given(
    m=st.integers(1, 5),
    k=st.integers(1, 6),
    n=st.integers(1, 5),
    transpose_a=st.booleans(),
    transpose_b=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_matmul_matches_explicit_sum(m, k, n, transpose_a, transpose_b, seed):
    rng = np.random.default_rng(seed)
    a = small_ints(rng, (m, k))
    b = small_ints(rng, (k, n))
    stored_a = a.T if transpose_a else a
    stored_b = b.T if transpose_b else b
    text = matmul_text(
        stored_a.shape,
        stored_b.shape,
        (m, n),
        transpose_a=transpose_a,
        transpose_b=transpose_b,
    )
    (out,) = run(text, [stored_a.astype(np.float32), stored_b.astype(np.float32)])
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, oracle_matmul(a, b))


def test_matmul_hand_computed():
    a = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32)
    b = np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32)
    (out,) = run(matmul_text((2, 3), (3, 2), (2, 2)), [a, b])
    np.testing.assert_array_equal(out, [[4, 5], [10, 11]])


def test_matmul_i8_accumulates_in_i32():
    # 127 * 127 * 4 = 64516 does not fit in i8 or i16.
    a = np.full((2, 4), 127, dtype=np.int8)
    b = np.full((4, 3), 127, dtype=np.int8)
    b[0, 0] = -128
    text = matmul_text((2, 4), (4, 3), (2, 3), element="i8", out_element="i32")
    (out,) = run(text, [a, b])
    assert out.dtype == np.int32
    expected = oracle_matmul(a.astype(np.int64), b.astype(np.int64))
    np.testing.assert_array_equal(out, expected)
    assert out[0, 1] == 64516 and out[0, 0] == 127 * -128 + 3 * 127 * 127


@pytest.mark.parametrize("element", ["i32", "i64"])
def test_matmul_integer_same_type(element):
    rng = np.random.default_rng(1)
    dtype = np.int32 if element == "i32" else np.int64
    a = rng.integers(-50, 50, (3, 4)).astype(dtype)
    b = rng.integers(-50, 50, (4, 2)).astype(dtype)
    (out,) = run(matmul_text((3, 4), (4, 2), (3, 2), element=element), [a, b])
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, oracle_matmul(a, b))


@pytest.mark.parametrize("element", ["bf16", "f16"])
def test_matmul_narrow_floats_round_once(element):
    dtype = FLOAT_DTYPES[element]
    a = np.array([[1.5, -2.0, 0.25]], dtype=dtype)
    b = np.array([[2.0], [0.5], [4.0]], dtype=dtype)
    (out,) = run(matmul_text((1, 3), (3, 1), (1, 1), element=element), [a, b])
    assert out.dtype == dtype
    assert float(out[0, 0]) == 3.0  # 3 - 1 + 1


# ---------------------------------------------------------------------------
# batch_matmul
# ---------------------------------------------------------------------------


def oracle_batch_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Loop over the broadcast batch index, reading size-1 dims at 0."""
    a_batch, b_batch = a.shape[:-2], b.shape[:-2]
    rank = max(len(a_batch), len(b_batch))
    a_batch = (1,) * (rank - len(a_batch)) + a_batch
    b_batch = (1,) * (rank - len(b_batch)) + b_batch
    a = a.reshape(a_batch + a.shape[-2:])
    b = b.reshape(b_batch + b.shape[-2:])
    batch = tuple(max(x, y) for x, y in zip(a_batch, b_batch))
    out = np.zeros(batch + (a.shape[-2], b.shape[-1]))
    for index in itertools.product(*(range(d) for d in batch)):
        ia = tuple(i if d != 1 else 0 for i, d in zip(index, a_batch))
        ib = tuple(i if d != 1 else 0 for i, d in zip(index, b_batch))
        out[index] = oracle_matmul(a[ia], b[ib])
    return out


@st.composite
def batch_shapes(draw):
    """Two broadcast-compatible batch shapes (one may be empty), with size-1
    dims on either side."""
    rank = draw(st.integers(1, 3))
    full = [draw(st.integers(1, 3)) for _ in range(rank)]
    a = [d if draw(st.booleans()) else 1 for d in full]
    b = [d if draw(st.booleans()) else 1 for d in full]
    a = a[draw(st.integers(0, rank - 1)) :]  # a keeps at least one batch dim
    b = b[draw(st.integers(0, rank)) :]
    if draw(st.booleans()):
        a, b = b, a
    return tuple(a), tuple(b)


@settings(max_examples=25, deadline=None)
@given(
    batches=batch_shapes(),
    m=st.integers(1, 4),
    k=st.integers(1, 4),
    n=st.integers(1, 4),
    transpose_a=st.booleans(),
    transpose_b=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_batch_matmul_matches_broadcast_loop(
    batches, m, k, n, transpose_a, transpose_b, seed
):
    a_batch, b_batch = batches
    rng = np.random.default_rng(seed)
    a = small_ints(rng, a_batch + (m, k))
    b = small_ints(rng, b_batch + (k, n))
    expected = oracle_batch_matmul(a, b)
    stored_a = np.swapaxes(a, -1, -2) if transpose_a else a
    stored_b = np.swapaxes(b, -1, -2) if transpose_b else b
    text = matmul_text(
        stored_a.shape,
        stored_b.shape,
        expected.shape,
        transpose_a=transpose_a,
        transpose_b=transpose_b,
    )
    # Keep the op a batch matmul even when both batch shapes came out empty.
    assume(len(stored_a.shape) > 2 or len(stored_b.shape) > 2)
    (out,) = run(text, [stored_a.astype(np.float32), stored_b.astype(np.float32)])
    np.testing.assert_array_equal(out, expected)


def test_batch_matmul_hand_computed_shared_rhs():
    a = np.arange(12, dtype=np.float32).reshape(2, 2, 3)
    b = np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32)
    text = matmul_text((2, 2, 3), (3, 2), (2, 2, 2))
    (out,) = run(text, [a, b])
    # rows [0,1,2] [3,4,5] [6,7,8] [9,10,11] -> [r0 + r2, r1 + r2]
    np.testing.assert_array_equal(out, [[[2, 3], [8, 9]], [[14, 15], [20, 21]]])


def test_batch_matmul_i8_to_i32():
    a = np.full((2, 1, 3), 100, dtype=np.int8)
    b = np.full((1, 3, 2), -100, dtype=np.int8)
    text = matmul_text((2, 1, 3), (1, 3, 2), (2, 1, 2), element="i8", out_element="i32")
    (out,) = run(text, [a, b])
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, np.full((2, 1, 2), -30000))


# ---------------------------------------------------------------------------
# conv2d
# ---------------------------------------------------------------------------


def conv_text(x_shape, w_shape, out_shape, *, bias, element="f32", **attrs):
    pieces = []
    for name in ("strides", "pads", "dilations"):
        if attrs.get(name) is not None:
            pieces.append(f"{name} = array<i64: {', '.join(map(str, attrs[name]))}>")
    if attrs.get("groups") is not None:
        pieces.append(f"groups = {attrs['groups']} : i64")
    attr_text = " {" + ", ".join(pieces) + "}" if pieces else ""
    x, w = ttype(x_shape, element), ttype(w_shape, element)
    out = ttype(out_shape, element)
    if bias:
        b = ttype((w_shape[0],), element)
        args = f"%x: {x}, %w: {w}, %b: {b}"
        operands, types = "%x, %w, %b", f"{x}, {w}, {b}"
    else:
        args = f"%x: {x}, %w: {w}"
        operands, types = "%x, %w", f"{x}, {w}"
    return f"""
func.func @main({args}) -> {out} {{
  %y = dfg.conv2d {operands}{attr_text} : ({types}) -> {out}
  func.return %y : {out}
}}"""


def oracle_conv(x, w, bias, strides, pads, dilations, groups):
    """Direct convolution: every output pixel sums its window, skipping
    positions that fall in the zero padding."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    sh, sw = strides
    pt, pl, pb, pr = pads
    dh, dw = dilations
    oh = (h + pt + pb - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + pl + pr - dw * (kw - 1) - 1) // sw + 1
    og = o // groups
    out = np.zeros((n, o, oh, ow))
    for b, oc, y, xx in itertools.product(range(n), range(o), range(oh), range(ow)):
        g = oc // og
        total = 0.0 if bias is None else float(bias[oc])
        for ic, i, j in itertools.product(range(cg), range(kh), range(kw)):
            row = y * sh + i * dh - pt
            col = xx * sw + j * dw - pl
            if 0 <= row < h and 0 <= col < wd:
                total += x[b, g * cg + ic, row, col] * w[oc, ic, i, j]
        out[b, oc, y, xx] = total
    return out


@st.composite
def conv_cases(draw):
    groups = draw(st.integers(1, 3))
    cg = draw(st.integers(1, 2))
    og = draw(st.integers(1, 2))
    n = draw(st.integers(1, 2))
    h, w = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    strides = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilations = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    pads = tuple(draw(st.integers(0, 2)) for _ in range(4))
    oh = (h + pads[0] + pads[2] - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (w + pads[1] + pads[3] - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    assume(oh > 0 and ow > 0)
    return dict(
        x_shape=(n, groups * cg, h, w),
        w_shape=(groups * og, cg, kh, kw),
        out_shape=(n, groups * og, oh, ow),
        strides=strides,
        pads=pads,
        dilations=dilations,
        groups=groups,
        bias=draw(st.booleans()),
        seed=draw(st.integers(0, 2**32 - 1)),
    )


@settings(max_examples=25, deadline=None)
@given(case=conv_cases())
def test_conv2d_matches_direct_convolution(case):
    rng = np.random.default_rng(case["seed"])
    x = small_ints(rng, case["x_shape"])
    w = small_ints(rng, case["w_shape"])
    bias = small_ints(rng, (case["w_shape"][0],)) if case["bias"] else None
    text = conv_text(
        case["x_shape"],
        case["w_shape"],
        case["out_shape"],
        bias=case["bias"],
        strides=case["strides"],
        pads=case["pads"],
        dilations=case["dilations"],
        groups=case["groups"],
    )
    inputs = [x, w] + ([bias] if bias is not None else [])
    (out,) = run(text, [v.astype(np.float32) for v in inputs])
    expected = oracle_conv(
        x, w, bias, case["strides"], case["pads"], case["dilations"], case["groups"]
    )
    np.testing.assert_array_equal(out, expected)


def test_conv2d_defaults_hand_computed():
    x = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
    w = np.ones((1, 1, 2, 2), dtype=np.float32)
    (out,) = run(
        conv_text((1, 1, 3, 3), (1, 1, 2, 2), (1, 1, 2, 2), bias=False), [x, w]
    )
    np.testing.assert_array_equal(out[0, 0], [[8, 12], [20, 24]])


def test_conv2d_padding_and_bias_hand_computed():
    # 3x3 all-ones kernel over a 2x2 all-ones image with pad 1: each output
    # pixel sees all 4 input pixels; bias adds 0.5.
    x = np.ones((1, 1, 2, 2), dtype=np.float32)
    w = np.ones((1, 1, 3, 3), dtype=np.float32)
    b = np.array([0.5], dtype=np.float32)
    text = conv_text(
        (1, 1, 2, 2), (1, 1, 3, 3), (1, 1, 2, 2), bias=True, pads=(1, 1, 1, 1)
    )
    (out,) = run(text, [x, w, b])
    np.testing.assert_array_equal(out, np.full((1, 1, 2, 2), 4.5))


def test_conv2d_depthwise():
    rng = np.random.default_rng(7)
    x = small_ints(rng, (2, 4, 5, 5))
    w = small_ints(rng, (4, 1, 3, 3))
    text = conv_text(
        (2, 4, 5, 5),
        (4, 1, 3, 3),
        (2, 4, 5, 5),
        bias=False,
        pads=(1, 1, 1, 1),
        groups=4,
    )
    (out,) = run(text, [x.astype(np.float32), w.astype(np.float32)])
    # Depthwise: channel c only ever sees input channel c.
    for c in range(4):
        single = oracle_conv(
            x[:, c : c + 1], w[c : c + 1], None, (1, 1), (1, 1, 1, 1), (1, 1), 1
        )
        np.testing.assert_array_equal(out[:, c : c + 1], single)


def test_conv2d_bf16_computes_in_f32():
    x = np.full((1, 2, 3, 3), 1.0, dtype=ml_dtypes.bfloat16)
    w = np.full((1, 2, 3, 3), 0.5, dtype=ml_dtypes.bfloat16)
    text = conv_text(
        (1, 2, 3, 3), (1, 2, 3, 3), (1, 1, 1, 1), bias=False, element="bf16"
    )
    (out,) = run(text, [x, w])
    assert out.dtype == ml_dtypes.bfloat16
    assert float(out.reshape(())) == 9.0


def test_conv2d_resnet_layer_spot_check():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 64, 56, 56), dtype=np.float32)
    w = rng.standard_normal((64, 64, 3, 3), dtype=np.float32)
    b = rng.standard_normal(64, dtype=np.float32)
    text = conv_text(x.shape, w.shape, (1, 64, 56, 56), bias=True, pads=(1, 1, 1, 1))
    module = dfc.parse_mlir(text)
    (out,) = dfc.interpret(module, [x, w, b])
    # Spot-check one interior and one corner pixel against the direct sum.
    for oc, row, col in ((5, 10, 20), (63, 0, 55)):
        window = np.zeros((64, 3, 3), dtype=np.float64)
        for i, j in itertools.product(range(3), range(3)):
            r, c = row + i - 1, col + j - 1
            if 0 <= r < 56 and 0 <= c < 56:
                window[:, i, j] = x[0, :, r, c]
        expected = float((window * w[oc]).sum() + b[oc])
        assert out[0, oc, row, col] == pytest.approx(expected, rel=1e-4, abs=1e-3)


# ---------------------------------------------------------------------------
# Structured-op interface
# ---------------------------------------------------------------------------


def test_matmul_structured_interface():
    op = single_op(
        matmul_text((3, 2), (5, 3), (2, 5), transpose_a=True, transpose_b=True)
    )
    space = op.iteration_space()
    assert space.extents == (2, 5, 3)
    assert space.kinds == ("parallel", "parallel", "reduction")
    lhs, rhs, out = op.indexing_maps()
    point = (1, 4, 2)  # m, n, k
    assert lhs.eval(point, []) == (2, 1)  # stored [K, M]
    assert rhs.eval(point, []) == (4, 2)  # stored [N, K]
    assert out.eval(point, []) == (1, 4)
    assert op.flop_count() == 2 * 2 * 5 * 3


def test_batch_matmul_structured_interface():
    op = single_op(matmul_text((4, 1, 2, 3), (5, 3, 6), (4, 5, 2, 6)))
    space = op.iteration_space()
    assert space.extents == (4, 5, 2, 6, 3)
    assert space.kinds == ("parallel",) * 4 + ("reduction",)
    lhs, rhs, out = op.indexing_maps()
    point = (3, 4, 1, 5, 2)  # b0, b1, m, n, k
    assert lhs.eval(point, []) == (3, 0, 1, 2)  # broadcast dim pinned to 0
    assert rhs.eval(point, []) == (4, 2, 5)  # leading batch dim dropped
    assert out.eval(point, []) == (3, 4, 1, 5)
    assert op.flop_count() == 2 * 4 * 5 * 2 * 6 * 3


def test_conv2d_structured_interface():
    text = conv_text(
        (2, 6, 9, 9),
        (4, 3, 3, 2),
        (2, 4, 3, 6),
        bias=True,
        strides=(2, 2),
        pads=(1, 2, 0, 1),
        dilations=(2, 1),
        groups=2,
    )
    op = single_op(text)
    space = op.iteration_space()
    assert space.extents == (2, 4, 3, 6, 3, 3, 2)
    assert space.kinds == ("parallel",) * 4 + ("reduction",) * 3
    x_map, w_map, b_map, out_map = op.indexing_maps()
    point = (1, 3, 2, 4, 1, 2, 1)  # n, o, oh, ow, c, kh, kw
    # group of o=3 is 3 // (4/2) = 1 -> channel 1*3 + 1 = 4;
    # row 2*2 + 2*2 - 1 = 7; col 4*2 + 1*1 - 2 = 7.
    assert x_map.eval(point, []) == (1, 4, 7, 7)
    assert w_map.eval(point, []) == (3, 1, 2, 1)
    assert b_map.eval(point, []) == (3,)
    assert out_map.eval(point, []) == (1, 3, 2, 4)
    macs = 2 * 4 * 3 * 6 * 3 * 3 * 2
    assert op.flop_count() == 2 * macs + 2 * 4 * 3 * 6


def test_conv2d_structured_interface_padding_reads_outside():
    op = single_op(
        conv_text(
            (1, 1, 4, 4), (1, 1, 3, 3), (1, 1, 4, 4), bias=False, pads=(1, 1, 1, 1)
        )
    )
    x_map = op.indexing_maps()[0]
    assert x_map.eval((0, 0, 0, 0, 0, 0, 0), []) == (0, 0, -1, -1)
    assert op.flop_count() == 2 * 16 * 9
