"""Reference semantics of dfg's reduction ops (`reduce_*`, `scan`) against
independent per-element Python formulas, plus their structured interface."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dfc
from dfc.dialects.dfg import reduction as red

DTYPES = {"f32": np.float32, "i32": np.int32, "i64": np.int64, "i8": np.int8}


def tensor(shape, element: str) -> str:
    dims = "".join(f"{d}x" for d in shape)
    return f"tensor<{dims}{element}>"


def run(text: str, inputs):
    return dfc.interpret(dfc.parse_mlir(text), inputs)


def first_op(text: str, op_type):
    module = dfc.parse_mlir(text)
    return next(op for op in module.walk() if isinstance(op, op_type))


def attrs_text(axes, keepdims) -> str:
    parts = []
    if axes is not None:
        parts.append(
            "axes = array<i64"
            + (": " + ", ".join(map(str, axes)) if axes else "")
            + ">"
        )
    if keepdims is not None:
        parts.append(f"keepdims = {'true' if keepdims else 'false'}")
    return " {" + ", ".join(parts) + "}" if parts else ""


def reduce_module(kind, shape, element, axes, keepdims, result_shape) -> str:
    ti, to = tensor(shape, element), tensor(result_shape, element)
    return f"""
func.func @main(%x: {ti}) -> {to} {{
  %r = dfg.reduce_{kind} %x{attrs_text(axes, keepdims)} : ({ti}) -> {to}
  func.return %r : {to}
}}
"""


def expected_reduce(kind, x: np.ndarray, axes, keepdims):
    """Group every element by its output index and combine each group in
    Python (floats in double precision)."""
    rank = x.ndim
    reduced = {a % rank for a in axes} if axes else set(range(rank))
    keep = True if keepdims is None else keepdims
    out_shape = tuple(
        (1 if i in reduced else d)
        for i, d in enumerate(x.shape)
        if keep or i not in reduced
    )
    groups: dict[tuple[int, ...], list] = {}
    for index in itertools.product(*(range(d) for d in x.shape)):
        key = tuple(
            (0 if i in reduced else index[i])
            for i in range(rank)
            if keep or i not in reduced
        )
        groups.setdefault(key, []).append(x[index].item())
    result = np.zeros(out_shape, dtype=object)
    for key, values in groups.items():
        if kind == "sum":
            value = sum(values)
        elif kind == "prod":
            value = math.prod(values)
        elif kind == "max":
            value = max(values)
        elif kind == "min":
            value = min(values)
        else:
            total = sum(values)
            if isinstance(total, int):  # integer mean truncates toward zero
                q = abs(total) // len(values)
                value = -q if total < 0 else q
            else:
                value = total / len(values)
        result[key] = value
    return result, out_shape


@st.composite
def reduce_cases(draw):
    rank = draw(st.integers(0, 4))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank)))
    axes_set = (
        draw(st.lists(st.integers(0, max(rank - 1, 0)), unique=True, max_size=rank))
        if rank
        else []
    )
    axes = [a - rank if draw(st.booleans()) else a for a in axes_set]
    axes_attr = draw(st.sampled_from(["absent", "given"]))
    keepdims = draw(st.sampled_from([None, True, False]))
    kind = draw(st.sampled_from(["sum", "mean", "max", "min", "prod"]))
    element = draw(st.sampled_from(["f32", "i32", "i64"]))
    seed = draw(st.integers(0, 2**32 - 1))
    return (
        kind,
        shape,
        element,
        (None if axes_attr == "absent" and not axes else axes),
        keepdims,
        seed,
    )


@settings(max_examples=25, deadline=None)
@given(reduce_cases())
def test_reduce_matches_formula(case):
    kind, shape, element, axes, keepdims, seed = case
    rng = np.random.default_rng(seed)
    dtype = DTYPES[element]
    if element == "f32":
        x = rng.uniform(-2, 2, shape).astype(dtype)
    else:
        x = rng.integers(-5, 6, shape).astype(dtype)
    expected, out_shape = expected_reduce(kind, x, axes or [], keepdims)
    (got,) = run(reduce_module(kind, shape, element, axes, keepdims, out_shape), [x])
    assert got.dtype == dtype and got.shape == out_shape
    if element == "f32":
        np.testing.assert_allclose(
            got, expected.astype(np.float64), rtol=1e-5, atol=1e-5
        )
    else:
        # Integer sums and products wrap modulo 2**bits.
        bits = np.iinfo(dtype).bits
        wrapped = [
            (int(v) + 2 ** (bits - 1)) % 2**bits - 2 ** (bits - 1)
            for v in expected.flat
        ]
        np.testing.assert_array_equal(got, np.array(wrapped, dtype).reshape(out_shape))


def test_reduce_hand_cases():
    x = np.array([[1, 2, 3], [4, 5, 6]], np.float32)
    (s,) = run(reduce_module("sum", (2, 3), "f32", [1], False, (2,)), [x])
    np.testing.assert_array_equal(s, [6, 15])
    (m,) = run(reduce_module("mean", (2, 3), "f32", [-2], None, (1, 3)), [x])
    np.testing.assert_array_equal(m, [[2.5, 3.5, 4.5]])
    (p,) = run(reduce_module("prod", (2, 3), "f32", [], False, ()), [x])
    assert p == 720
    # All axes with keepdims default (true).
    (mx,) = run(reduce_module("max", (2, 3), "f32", None, None, (1, 1)), [x])
    np.testing.assert_array_equal(mx, [[6]])


def test_reduce_nan_propagates():
    x = np.array([1.0, np.nan, 3.0], np.float32)
    for kind in ("max", "min", "sum", "mean"):
        (r,) = run(reduce_module(kind, (3,), "f32", [0], False, ()), [x])
        assert np.isnan(r), kind


def test_reduce_integer_mean_truncates_toward_zero():
    x = np.array([[-3, -4], [3, 4]], np.int32)
    (r,) = run(reduce_module("mean", (2, 2), "i32", [1], False, (2,)), [x])
    np.testing.assert_array_equal(r, [-3, 3])  # -3.5 -> -3, 3.5 -> 3


def test_reduce_integer_sum_wraps():
    x = np.array([100, 100], np.int8)
    (r,) = run(reduce_module("sum", (2,), "i8", [0], False, ()), [x])
    assert r.dtype == np.int8 and r == -56


def test_reduce_bool_max_min_are_any_all():
    x = np.array([[True, False], [True, True]])
    (mx,) = run(reduce_module("max", (2, 2), "i1", [1], False, (2,)), [x])
    (mn,) = run(reduce_module("min", (2, 2), "i1", [1], False, (2,)), [x])
    np.testing.assert_array_equal(mx, [True, True])
    np.testing.assert_array_equal(mn, [False, True])


def test_reduce_bf16_computes_in_f32():
    import ml_dtypes

    x = np.full((256,), 1.0, ml_dtypes.bfloat16)
    x[0] = 256
    (r,) = run(reduce_module("sum", (256,), "bf16", [0], False, ()), [x])
    # 256 + 255 * 1 = 511 exactly in f32, rounded once to bf16 (512).
    assert float(r) == 512.0


def test_reduce_structured_interface():
    text = reduce_module("sum", (2, 3, 4), "f32", [-1, 0], True, (1, 3, 1))
    op = first_op(text, red.ReduceSumOp)
    space = op.iteration_space()
    assert space.extents == (2, 3, 4)
    assert space.kinds == ("reduction", "parallel", "reduction")
    in_map, out_map = op.indexing_maps()
    assert in_map.eval([1, 2, 3], []) == (1, 2, 3)
    assert out_map.eval([1, 2, 3], []) == (0, 2, 0)
    assert op.flop_count() == 24
    dropped = first_op(
        reduce_module("mean", (2, 3, 4), "f32", [1], False, (2, 4)), red.ReduceMeanOp
    )
    assert dropped.indexing_maps()[1].eval([1, 2, 3], []) == (1, 3)
    assert dropped.flop_count() == 24 + 8
    assert dropped.bytes_touched() == 4 * (24 + 8)


# ---------------------------------------------------------------------------
# scan
# ---------------------------------------------------------------------------


def scan_module(shape, element, axis, kind, exclusive=None, reverse=None) -> str:
    t = tensor(shape, element)
    attrs = [f"axis = {axis} : i64", f'kind = "{kind}"']
    if exclusive is not None:
        attrs.append(f"exclusive = {'true' if exclusive else 'false'}")
    if reverse is not None:
        attrs.append(f"reverse = {'true' if reverse else 'false'}")
    return f"""
func.func @main(%x: {t}) -> {t} {{
  %r = dfg.scan %x {{{", ".join(attrs)}}} : ({t}) -> {t}
  func.return %r : {t}
}}
"""


def expected_scan(x: np.ndarray, axis: int, kind: str, exclusive: bool, reverse: bool):
    combine = {
        "sum": lambda a, b: a + b,
        "prod": lambda a, b: a * b,
        "max": max,
        "min": min,
    }[kind]
    identity = {"sum": 0, "prod": 1, "max": -math.inf, "min": math.inf}[kind]
    axis %= x.ndim
    n = x.shape[axis]
    result = np.zeros(x.shape, np.float64)
    for index in itertools.product(*(range(d) for d in x.shape)):
        position = index[axis]
        if reverse:
            sources = range(position + (1 if exclusive else 0), n)
        else:
            sources = range(0, position + (0 if exclusive else 1))
        acc = identity
        for source in sources:
            value = x[index[:axis] + (source,) + index[axis + 1 :]].item()
            acc = combine(acc, value)
        result[index] = acc
    return result


@st.composite
def scan_cases(draw):
    rank = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=rank, max_size=rank)))
    axis = draw(st.integers(-rank, rank - 1))
    kind = draw(st.sampled_from(["sum", "prod", "max", "min"]))
    exclusive = draw(st.sampled_from([None, False, True]))
    reverse = draw(st.sampled_from([None, False, True]))
    element = draw(st.sampled_from(["f32", "i32"]))
    seed = draw(st.integers(0, 2**32 - 1))
    return shape, axis, kind, exclusive, reverse, element, seed


@settings(max_examples=25, deadline=None)
@given(scan_cases())
def test_scan_matches_formula(case):
    shape, axis, kind, exclusive, reverse, element, seed = case
    rng = np.random.default_rng(seed)
    dtype = DTYPES[element]
    if element == "f32":
        x = rng.uniform(-2, 2, shape).astype(dtype)
    else:
        x = rng.integers(-3, 4, shape).astype(dtype)
    expected = expected_scan(x, axis, kind, bool(exclusive), bool(reverse))
    (got,) = run(scan_module(shape, element, axis, kind, exclusive, reverse), [x])
    assert got.dtype == dtype and got.shape == shape
    if element == "f32":
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    else:
        # Exclusive max/min start from the integer type's lowest/highest value.
        info = np.iinfo(dtype)
        expected = np.clip(expected, info.min, info.max)
        np.testing.assert_array_equal(got, expected.astype(dtype))


@pytest.mark.parametrize(
    ("exclusive", "reverse", "expected"),
    [
        (False, False, [1, 3, 6, 10, 15]),
        (True, False, [0, 1, 3, 6, 10]),
        (False, True, [15, 14, 12, 9, 5]),
        (True, True, [14, 12, 9, 5, 0]),
    ],
)
def test_scan_onnx_cumsum_examples(exclusive, reverse, expected):
    x = np.array([1, 2, 3, 4, 5], np.float32)
    (r,) = run(scan_module((5,), "f32", 0, "sum", exclusive, reverse), [x])
    np.testing.assert_array_equal(r, expected)


def test_scan_exclusive_max_starts_at_minus_infinity():
    x = np.array([[3, 1, 4]], np.float32)
    (r,) = run(scan_module((1, 3), "f32", 1, "max", True), [x])
    np.testing.assert_array_equal(r, [[-np.inf, 3, 3]])


def test_scan_structured_interface():
    op = first_op(scan_module((2, 3, 4), "f32", -2, "prod"), red.ScanOp)
    space = op.iteration_space()
    assert space.extents == (2, 3, 4)
    assert space.kinds == ("parallel", "reduction", "parallel")
    assert [m.eval([1, 2, 3], []) for m in op.indexing_maps()] == [(1, 2, 3)] * 2
    assert op.flop_count() == 24
