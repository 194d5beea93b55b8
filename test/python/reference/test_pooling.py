"""Reference semantics of dfg's pooling ops against direct loop-based formulas
of ONNX MaxPool / AveragePool / GlobalMaxPool / GlobalAveragePool, and their
structured-op interface."""

from __future__ import annotations

import itertools
import math

import ml_dtypes
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import dfc


def ttype(shape, element: str) -> str:
    return "tensor<" + "".join(f"{d}x" for d in shape) + element + ">"


def run(text: str, inputs):
    return dfc.interpret(dfc.parse_mlir(text), inputs)


def single_op(text: str):
    module = dfc.parse_mlir(text)
    return next(op for op in module.walk() if op.name.startswith("dfg."))


def pool_text(op, x_shape, out_shape, element="f32", **attrs):
    pieces = []
    for name in ("kernel", "strides", "pads", "dilations"):
        if attrs.get(name) is not None:
            pieces.append(f"{name} = array<i64: {', '.join(map(str, attrs[name]))}>")
    for name in ("ceil_mode", "count_include_pad"):
        if attrs.get(name):
            pieces.append(f"{name} = true")
    attr_text = " {" + ", ".join(pieces) + "}" if pieces else ""
    x, out = ttype(x_shape, element), ttype(out_shape, element)
    return f"""
func.func @main(%x: {x}) -> {out} {{
  %y = dfg.{op} %x{attr_text} : ({x}) -> {out}
  func.return %y : {out}
}}"""


def onnx_output_size(size, kernel, stride, pad_begin, pad_end, dilation, ceil):
    """ONNX pooling output size; in ceil mode a window starting in the right
    padding is dropped."""
    span = (size + pad_begin + pad_end - dilation * (kernel - 1) - 1) / stride
    out = (math.ceil(span) if ceil else math.floor(span)) + 1
    if ceil and (out - 1) * stride >= size + pad_begin:
        out -= 1
    return out


def oracle_pool(x, kind, kernel, strides, pads, dilations, ceil, include_pad):
    """Loop over every output pixel and every window position."""
    n, c, h, w = x.shape
    kh, kw = kernel
    sh, sw = strides
    pt, pl, pb, pr = pads
    dh, dw = dilations
    oh = onnx_output_size(h, kh, sh, pt, pb, dh, ceil)
    ow = onnx_output_size(w, kw, sw, pl, pr, dw, ceil)
    out = np.zeros((n, c, oh, ow))
    for b, ch, y, xx in itertools.product(range(n), range(c), range(oh), range(ow)):
        values, padded_positions = [], 0
        for i, j in itertools.product(range(kh), range(kw)):
            row = y * sh + i * dh - pt
            col = xx * sw + j * dw - pl
            if 0 <= row < h and 0 <= col < w:
                values.append(float(x[b, ch, row, col]))
            if -pt <= row < h + pb and -pl <= col < w + pr:
                padded_positions += 1
        if kind == "max":
            out[b, ch, y, xx] = max(values) if values else -math.inf
        else:
            divisor = padded_positions if include_pad else len(values)
            out[b, ch, y, xx] = sum(values) / divisor
    return out


@st.composite
def pool_cases(draw, with_dilation: bool):
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    strides = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilations = (
        (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if with_dilation else (1, 1)
    )
    # ONNX requires pads smaller than the kernel.
    pads = (
        draw(st.integers(0, kernel[0] - 1)),
        draw(st.integers(0, kernel[1] - 1)),
        draw(st.integers(0, kernel[0] - 1)),
        draw(st.integers(0, kernel[1] - 1)),
    )
    ceil = draw(st.booleans())
    oh = onnx_output_size(
        h, kernel[0], strides[0], pads[0], pads[2], dilations[0], ceil
    )
    ow = onnx_output_size(
        w, kernel[1], strides[1], pads[1], pads[3], dilations[1], ceil
    )
    assume(oh > 0 and ow > 0)
    return dict(
        x_shape=(n, c, h, w),
        out_shape=(n, c, oh, ow),
        kernel=kernel,
        strides=strides,
        pads=pads,
        dilations=dilations,
        ceil_mode=ceil,
        seed=draw(st.integers(0, 2**32 - 1)),
    )


@settings(max_examples=25, deadline=None)
@given(case=pool_cases(with_dilation=True))
def test_max_pool_matches_window_loop(case):
    rng = np.random.default_rng(case["seed"])
    # Strictly negative inputs: padding must read as -inf, never as 0.
    x = -rng.random(case["x_shape"]).astype(np.float32) - 0.5
    text = pool_text(
        "max_pool2d",
        case["x_shape"],
        case["out_shape"],
        kernel=case["kernel"],
        strides=case["strides"],
        pads=case["pads"],
        dilations=case["dilations"],
        ceil_mode=case["ceil_mode"],
    )
    (out,) = run(text, [x])
    expected = oracle_pool(
        x,
        "max",
        case["kernel"],
        case["strides"],
        case["pads"],
        case["dilations"],
        case["ceil_mode"],
        False,
    )
    np.testing.assert_array_equal(out, expected.astype(np.float32))


@settings(max_examples=25, deadline=None)
@given(case=pool_cases(with_dilation=False), include_pad=st.booleans())
def test_avg_pool_matches_window_loop(case, include_pad):
    rng = np.random.default_rng(case["seed"])
    x = rng.standard_normal(case["x_shape"]).astype(np.float32)
    text = pool_text(
        "avg_pool2d",
        case["x_shape"],
        case["out_shape"],
        kernel=case["kernel"],
        strides=case["strides"],
        pads=case["pads"],
        ceil_mode=case["ceil_mode"],
        count_include_pad=include_pad,
    )
    (out,) = run(text, [x])
    expected = oracle_pool(
        x,
        "avg",
        case["kernel"],
        case["strides"],
        case["pads"],
        (1, 1),
        case["ceil_mode"],
        include_pad,
    )
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_max_pool_hand_computed():
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    text = pool_text(
        "max_pool2d", (1, 1, 4, 4), (1, 1, 2, 2), kernel=(2, 2), strides=(2, 2)
    )
    (out,) = run(text, [x])
    np.testing.assert_array_equal(out[0, 0], [[5, 7], [13, 15]])


def test_max_pool_ceil_mode_hand_computed():
    x = np.arange(25, dtype=np.float32).reshape(1, 1, 5, 5)
    text = pool_text(
        "max_pool2d",
        (1, 1, 5, 5),
        (1, 1, 3, 3),
        kernel=(2, 2),
        strides=(2, 2),
        ceil_mode=True,
    )
    (out,) = run(text, [x])
    # The last row/column of windows holds only row/column 4.
    np.testing.assert_array_equal(out[0, 0], [[6, 8, 9], [16, 18, 19], [21, 23, 24]])


def test_max_pool_nan_propagates():
    x = np.zeros((1, 1, 2, 4), dtype=np.float32)
    x[0, 0, 1, 1] = np.nan
    text = pool_text(
        "max_pool2d", (1, 1, 2, 4), (1, 1, 1, 2), kernel=(2, 2), strides=(2, 2)
    )
    (out,) = run(text, [x])
    assert np.isnan(out[0, 0, 0, 0]) and out[0, 0, 0, 1] == 0


def test_max_pool_int8_padding_is_not_zero():
    x = np.full((1, 1, 2, 2), -7, dtype=np.int8)
    x[0, 0, 0, 0] = -128
    text = pool_text(
        "max_pool2d",
        (1, 1, 2, 2),
        (1, 1, 3, 3),
        element="i8",
        kernel=(2, 2),
        pads=(1, 1, 1, 1),
    )
    (out,) = run(text, [x])
    assert out.dtype == np.int8
    expected = [[-128, -7, -7], [-7, -7, -7], [-7, -7, -7]]
    np.testing.assert_array_equal(out[0, 0], expected)


def test_avg_pool_padding_hand_computed():
    x = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
    common = dict(kernel=(3, 3), pads=(1, 1, 1, 1))
    (excluded,) = run(
        pool_text("avg_pool2d", (1, 1, 3, 3), (1, 1, 3, 3), **common), [x]
    )
    (included,) = run(
        pool_text(
            "avg_pool2d", (1, 1, 3, 3), (1, 1, 3, 3), count_include_pad=True, **common
        ),
        [x],
    )
    # Corner window covers x[0:2, 0:2] = 0 + 1 + 3 + 4.
    assert excluded[0, 0, 0, 0] == pytest.approx(8 / 4)
    assert included[0, 0, 0, 0] == pytest.approx(8 / 9)
    assert excluded[0, 0, 1, 1] == pytest.approx(36 / 9)
    assert included[0, 0, 1, 1] == pytest.approx(36 / 9)


def test_avg_pool_ceil_overhang_is_not_counted_with_count_include_pad():
    # W = 3, kernel 2, stride 2, ceil: the second window covers column 2 and
    # the overhang column 3, which is neither input nor explicit padding.
    x = np.array([[[[1.0, 3.0, 5.0]]]], dtype=np.float32)
    text = pool_text(
        "avg_pool2d",
        (1, 1, 1, 3),
        (1, 1, 1, 2),
        kernel=(1, 2),
        strides=(1, 2),
        ceil_mode=True,
        count_include_pad=True,
    )
    (out,) = run(text, [x])
    np.testing.assert_allclose(out[0, 0, 0], [2.0, 5.0])


def test_avg_pool_bf16():
    x = np.array([[[[1, 2], [3, 5]]]], dtype=ml_dtypes.bfloat16)
    text = pool_text(
        "avg_pool2d", (1, 1, 2, 2), (1, 1, 1, 1), element="bf16", kernel=(2, 2)
    )
    (out,) = run(text, [x])
    assert out.dtype == ml_dtypes.bfloat16
    assert float(out.reshape(())) == 2.75


# ---------------------------------------------------------------------------
# Global pools
# ---------------------------------------------------------------------------


def global_text(op, shape, element="f32"):
    out_shape = shape[:2] + (1,) * (len(shape) - 2)
    x, out = ttype(shape, element), ttype(out_shape, element)
    return f"""
func.func @main(%x: {x}) -> {out} {{
  %y = dfg.{op} %x : ({x}) -> {out}
  func.return %y : {out}
}}"""


def oracle_global(x: np.ndarray, kind: str) -> np.ndarray:
    n, c = x.shape[:2]
    out = np.zeros((n, c) + (1,) * (x.ndim - 2))
    for b, ch in itertools.product(range(n), range(c)):
        values = [float(v) for v in x[b, ch].ravel()]
        out[(b, ch) + (0,) * (x.ndim - 2)] = (
            max(values) if kind == "max" else sum(values) / len(values)
        )
    return out


@settings(max_examples=25, deadline=None)
@given(
    shape=st.lists(st.integers(1, 4), min_size=3, max_size=5).map(tuple),
    seed=st.integers(0, 2**32 - 1),
)
def test_global_pools_match_loops(shape, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(np.float32)
    (mx,) = run(global_text("global_max_pool", shape), [x])
    (avg,) = run(global_text("global_avg_pool", shape), [x])
    np.testing.assert_array_equal(mx, oracle_global(x, "max").astype(np.float32))
    np.testing.assert_allclose(avg, oracle_global(x, "avg"), rtol=1e-5, atol=1e-6)


def test_global_pools_hand_computed():
    x = np.array([[[[1, 2], [3, 6]], [[-1, -2], [-3, -6]]]], dtype=np.float32)
    (mx,) = run(global_text("global_max_pool", (1, 2, 2, 2)), [x])
    (avg,) = run(global_text("global_avg_pool", (1, 2, 2, 2)), [x])
    np.testing.assert_array_equal(mx.reshape(2), [6, -1])
    np.testing.assert_array_equal(avg.reshape(2), [3, -3])


def test_global_max_pool_integer_and_nan():
    x = np.array([[[-5, -3, -9]]], dtype=np.int32)
    (out,) = run(global_text("global_max_pool", (1, 1, 3), "i32"), [x])
    assert out.dtype == np.int32 and out.reshape(()) == -3
    y = np.array([[[1.0, np.nan, 2.0]]], dtype=np.float32)
    (out,) = run(global_text("global_max_pool", (1, 1, 3)), [y])
    assert np.isnan(out.reshape(()))


# ---------------------------------------------------------------------------
# Structured-op interface
# ---------------------------------------------------------------------------


def test_max_pool_structured_interface():
    op = single_op(
        pool_text(
            "max_pool2d",
            (2, 3, 9, 9),
            (2, 3, 3, 6),
            kernel=(3, 2),
            strides=(2, 2),
            pads=(1, 2, 0, 1),
            dilations=(2, 1),
        )
    )
    space = op.iteration_space()
    assert space.extents == (2, 3, 3, 6, 3, 2)
    assert space.kinds == ("parallel",) * 4 + ("reduction",) * 2
    x_map, out_map = op.indexing_maps()
    point = (1, 2, 2, 4, 2, 1)  # n, c, oh, ow, kh, kw
    # row 2*2 + 2*2 - 1 = 7; col 4*2 + 1 - 2 = 7.
    assert x_map.eval(point, []) == (1, 2, 7, 7)
    assert out_map.eval(point, []) == (1, 2, 2, 4)
    # the top-left window starts in the padding: row -1, col -2
    assert x_map.eval((0, 0, 0, 0, 0, 0), []) == (0, 0, -1, -2)
    assert op.flop_count() == 2 * 3 * 3 * 6 * 3 * 2


def test_avg_pool_structured_interface():
    op = single_op(
        pool_text(
            "avg_pool2d", (1, 2, 4, 4), (1, 2, 2, 2), kernel=(2, 2), strides=(2, 2)
        )
    )
    assert op.iteration_space().extents == (1, 2, 2, 2, 2, 2)
    x_map, _ = op.indexing_maps()
    assert x_map.eval((0, 1, 1, 1, 1, 0), []) == (0, 1, 3, 2)
    # one add per window element plus one divide per output
    assert op.flop_count() == 1 * 2 * 2 * 2 * 4 + 1 * 2 * 2 * 2


def test_global_pool_structured_interface():
    op = single_op(global_text("global_avg_pool", (2, 3, 4, 5)))
    space = op.iteration_space()
    assert space.extents == (2, 3, 4, 5)
    assert space.kinds == ("parallel", "parallel", "reduction", "reduction")
    x_map, out_map = op.indexing_maps()
    assert x_map.eval((1, 2, 3, 4), []) == (1, 2, 3, 4)
    assert out_map.eval((1, 2, 3, 4), []) == (1, 2, 0, 0)
    assert op.flop_count() == 2 * 3 * 4 * 5 + 2 * 3
    assert single_op(global_text("global_max_pool", (2, 3, 4, 5))).flop_count() == 120
