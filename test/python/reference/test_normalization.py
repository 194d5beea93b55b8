"""Reference semantics of dfg's normalization ops (`softmax`, `log_softmax`,
`layer_norm`, `rms_norm`) against explicit per-row formulas in float64, plus
their structured interface."""

from __future__ import annotations

import itertools
import math

import ml_dtypes
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import dfc
from dfc.dialects.dfg import normalization as norm


def tensor(shape, element: str = "f32") -> str:
    dims = "".join(f"{d}x" for d in shape)
    return f"tensor<{dims}{element}>"


def run(text: str, inputs):
    return dfc.interpret(dfc.parse_mlir(text), inputs)


def first_op(text: str, op_type):
    module = dfc.parse_mlir(text)
    return next(op for op in module.walk() if isinstance(op, op_type))


def lines(x: np.ndarray, axes: tuple[int, ...]):
    """Yield (index tuple of every element of one row, row values) for each
    combination of the non-normalized axes."""
    outer = [a for a in range(x.ndim) if a not in axes]
    for fixed in itertools.product(*(range(x.shape[a]) for a in outer)):
        indices = []
        for inner in itertools.product(*(range(x.shape[a]) for a in axes)):
            index = [0] * x.ndim
            for a, i in zip(outer, fixed):
                index[a] = i
            for a, i in zip(axes, inner):
                index[a] = i
            indices.append(tuple(index))
        yield indices, [float(x[i]) for i in indices]


# ---------------------------------------------------------------------------
# softmax / log_softmax
# ---------------------------------------------------------------------------


def softmax_module(kind, shape, axis, element="f32") -> str:
    t = tensor(shape, element)
    attr = "" if axis is None else f" {{axis = {axis} : i64}}"
    return f"""
func.func @main(%x: {t}) -> {t} {{
  %r = dfg.{kind} %x{attr} : ({t}) -> {t}
  func.return %r : {t}
}}
"""


def expected_softmax(x: np.ndarray, axis: int, log: bool) -> np.ndarray:
    out = np.zeros(x.shape, np.float64)
    for indices, values in lines(x, (axis % x.ndim,)):
        total = sum(math.exp(v) for v in values)
        for index, v in zip(indices, values):
            out[index] = v - math.log(total) if log else math.exp(v) / total
    return out


@st.composite
def softmax_cases(draw):
    rank = draw(st.integers(1, 4))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank)))
    axis = draw(st.one_of(st.none(), st.integers(-rank, rank - 1)))
    kind = draw(st.sampled_from(["softmax", "log_softmax"]))
    return kind, shape, axis, draw(st.integers(0, 2**32 - 1))


@settings(max_examples=25, deadline=None)
@given(softmax_cases())
def test_softmax_matches_formula(case):
    kind, shape, axis, seed = case
    x = np.random.default_rng(seed).uniform(-8, 8, shape).astype(np.float32)
    (got,) = run(softmax_module(kind, shape, axis), [x])
    expected = expected_softmax(x, -1 if axis is None else axis, kind == "log_softmax")
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=2e-5, atol=2e-6)


def test_softmax_hand_cases():
    x = np.array([[0.0, math.log(3.0)], [1000.0, 1000.0]], np.float32)
    (s,) = run(softmax_module("softmax", (2, 2), None), [x])
    # Large equal logits must not overflow: the row max is subtracted first.
    np.testing.assert_allclose(s, [[0.25, 0.75], [0.5, 0.5]], rtol=1e-6)
    (ls,) = run(softmax_module("log_softmax", (2, 2), None), [x])
    np.testing.assert_allclose(
        ls, [[math.log(0.25), math.log(0.75)], [-math.log(2), -math.log(2)]], rtol=1e-6
    )
    # axis = 0 normalizes columns.
    (c,) = run(softmax_module("softmax", (2, 2), 0), [np.zeros((2, 2), np.float32)])
    np.testing.assert_array_equal(c, np.full((2, 2), 0.5))
    # -inf entries get probability 0, a size-1 axis gives 1.
    y = np.array([[-np.inf, 0.0]], np.float32)
    (m,) = run(softmax_module("softmax", (1, 2), -1), [y])
    np.testing.assert_array_equal(m, [[0.0, 1.0]])
    (one,) = run(softmax_module("softmax", (1, 2), 0), [y])
    np.testing.assert_array_equal(one, [[np.nan, 1.0]])  # -inf - (-inf) is NaN


def test_softmax_bf16():
    x = np.array([1.0, 2.0, 3.0], ml_dtypes.bfloat16)
    (s,) = run(softmax_module("softmax", (3,), None, "bf16"), [x])
    assert s.dtype == ml_dtypes.bfloat16
    expected = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()
    np.testing.assert_allclose(s.astype(np.float64), expected, rtol=1e-2)


def test_softmax_structured_interface():
    op = first_op(softmax_module("log_softmax", (2, 3, 4), 1), norm.LogSoftmaxOp)
    space = op.iteration_space()
    assert space.extents == (2, 3, 4)
    assert space.kinds == ("parallel", "reduction", "parallel")
    assert [m.eval([1, 2, 3], []) for m in op.indexing_maps()] == [(1, 2, 3)] * 2
    assert op.flop_count() == 8 * 24 + 4 * 8
    sm = first_op(softmax_module("softmax", (2, 3, 4), None), norm.SoftmaxOp)
    assert sm.iteration_space().kinds == ("parallel", "parallel", "reduction")
    assert sm.flop_count() == 8 * 24


# ---------------------------------------------------------------------------
# layer_norm / rms_norm
# ---------------------------------------------------------------------------


def norm_module(kind, shape, axis, params: dict, epsilon=None, element="f32") -> str:
    """`params` maps 'scale'/'bias' to shapes (absent = operand absent)."""
    t = tensor(shape, element)
    args = [f"%x: {t}"]
    operands = "%x"
    types = [t]
    for name in ("scale", "bias"):
        if name in params:
            pt = tensor(params[name], element)
            args.append(f"%{name}: {pt}")
            operands += f" {name} %{name}"
            types.append(pt)
    attrs = []
    if axis is not None:
        attrs.append(f"axis = {axis} : i64")
    if epsilon is not None:
        attrs.append(f"epsilon = {epsilon!r} : f32")
    attr = f" {{{', '.join(attrs)}}}" if attrs else ""
    return f"""
func.func @main({", ".join(args)}) -> {t} {{
  %r = dfg.{kind} {operands}{attr} : ({", ".join(types)}) -> {t}
  func.return %r : {t}
}}
"""


def param_at(param: np.ndarray | None, index: tuple[int, ...], default: float) -> float:
    """Read `param` (broadcast to the trailing dims) at the full input index."""
    if param is None:
        return default
    tail = index[len(index) - param.ndim :] if param.ndim else ()
    return float(param[tuple(0 if d == 1 else i for d, i in zip(param.shape, tail))])


def expected_norm(kind, x, axis, scale, bias, epsilon) -> np.ndarray:
    axis %= x.ndim
    out = np.zeros(x.shape, np.float64)
    for indices, values in lines(x, tuple(range(axis, x.ndim))):
        n = len(values)
        if kind == "layer_norm":
            mean = sum(values) / n
            var = sum((v - mean) ** 2 for v in values) / n
            denominator = math.sqrt(var + epsilon)
        else:
            mean = 0.0
            denominator = math.sqrt(sum(v * v for v in values) / n + epsilon)
        for index, v in zip(indices, values):
            y = (v - mean) / denominator
            out[index] = y * param_at(scale, index, 1.0) + param_at(bias, index, 0.0)
    return out


@st.composite
def norm_cases(draw):
    kind = draw(st.sampled_from(["layer_norm", "rms_norm"]))
    rank = draw(st.integers(1, 4))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank)))
    axis = draw(st.one_of(st.none(), st.integers(-rank, rank - 1)))
    first = (-1 if axis is None else axis) % rank
    suffix = shape[first:]
    params = {}
    names = ("scale", "bias") if kind == "layer_norm" else ("scale",)
    for name in names:
        if draw(st.booleans()):
            # A trailing part of the suffix, some dims pinned to 1 (broadcast).
            keep = draw(st.integers(0, len(suffix)))
            tail = suffix[len(suffix) - keep :]
            params[name] = tuple(1 if draw(st.booleans()) else d for d in tail)
    epsilon = draw(st.sampled_from([None, 1e-3, 0.5]))
    return kind, shape, axis, params, epsilon, draw(st.integers(0, 2**32 - 1))


@settings(max_examples=25, deadline=None)
@given(norm_cases())
def test_norm_matches_formula(case):
    kind, shape, axis, params, epsilon, seed = case
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 2, shape).astype(np.float32)
    values = {
        name: rng.uniform(-2, 2, s).astype(np.float32) for name, s in params.items()
    }
    (got,) = run(norm_module(kind, shape, axis, params, epsilon), [x, *values.values()])
    eps = 1e-5 if epsilon is None else epsilon
    eps = float(np.float32(eps))
    expected = expected_norm(
        kind,
        x,
        -1 if axis is None else axis,
        values.get("scale"),
        values.get("bias"),
        eps,
    )
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


def test_layer_norm_hand_case():
    x = np.array([[1.0, 3.0], [2.0, 2.0]], np.float32)
    g = np.array([2.0, 1.0], np.float32)
    b = np.array([0.5, -0.5], np.float32)
    text = norm_module("layer_norm", (2, 2), None, {"scale": (2,), "bias": (2,)}, 0.0)
    (y,) = run(text, [x, g, b])
    # Row 0: mean 2, var 1 -> [-1, 1] -> [-2 + 0.5, 1 - 0.5]; row 1: var 0, eps 0 -> NaN.
    np.testing.assert_allclose(y[0], [-1.5, 0.5], rtol=1e-6)
    assert np.isnan(y[1]).all()
    # Default epsilon is 1e-5: a constant row gives exactly the bias.
    (z,) = run(norm_module("layer_norm", (2, 2), None, {"bias": (2,)}), [x, b])
    np.testing.assert_allclose(z[1], b)


def test_rms_norm_hand_case():
    x = np.array([[3.0, 4.0]], np.float32)
    g = np.array([1.0, 2.0], np.float32)
    (y,) = run(norm_module("rms_norm", (1, 2), -1, {"scale": (2,)}, 0.0), [x, g])
    rms = math.sqrt((9 + 16) / 2)
    np.testing.assert_allclose(y, [[3 / rms, 8 / rms]], rtol=1e-6)
    # Default epsilon 1e-5 (ONNX RMSNormalization-23).
    (z,) = run(norm_module("rms_norm", (1, 2), None, {}), [x])
    np.testing.assert_allclose(
        z, [[3 / math.sqrt(12.5 + 1e-5), 4 / math.sqrt(12.5 + 1e-5)]], rtol=1e-6
    )


def test_layer_norm_bf16():
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (3, 16)).astype(ml_dtypes.bfloat16)
    (y,) = run(norm_module("layer_norm", (3, 16), None, {}, None, "bf16"), [x])
    assert y.dtype == ml_dtypes.bfloat16
    expected = expected_norm("layer_norm", x.astype(np.float32), -1, None, None, 1e-5)
    np.testing.assert_allclose(y.astype(np.float64), expected, rtol=2e-2, atol=2e-2)


def test_norm_structured_interface():
    text = norm_module("layer_norm", (2, 3, 4), -2, {"scale": (1, 4), "bias": (4,)})
    op = first_op(text, norm.LayerNormOp)
    space = op.iteration_space()
    assert space.extents == (2, 3, 4)
    assert space.kinds == ("parallel", "reduction", "reduction")
    x_map, g_map, b_map, y_map = op.indexing_maps()
    assert x_map.eval([1, 2, 3], []) == (1, 2, 3)
    assert g_map.eval([1, 2, 3], []) == (0, 3)
    assert b_map.eval([1, 2, 3], []) == (3,)
    assert y_map.eval([1, 2, 3], []) == (1, 2, 3)
    assert op.flop_count() == 7 * 24 + 5 * 2
    rms = first_op(
        norm_module("rms_norm", (2, 3, 4), None, {"scale": (4,)}), norm.RmsNormOp
    )
    assert rms.iteration_space().kinds == ("parallel", "parallel", "reduction")
    assert [m.eval([1, 2, 3], []) for m in rms.indexing_maps()] == [
        (1, 2, 3),
        (3,),
        (1, 2, 3),
    ]
    assert rms.flop_count() == 4 * 24 + 4 * 6
