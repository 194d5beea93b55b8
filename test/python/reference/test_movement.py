"""Reference semantics of dfg's movement ops against explicit index arithmetic.

Every expected value is computed here by looping over the result's indices and
working out, with the ONNX formulas written out in this file, which input
element lands there. The structured interface is checked the same way: each
access map, evaluated at every point of a small result, must name the input
element the interpreter put there.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import dfc
from dfc.backends.reference import InterpreterError
from dfc.dialects.dfg import movement as mv

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)

DTYPES = {"f32": np.float32, "i32": np.int32, "i64": np.int64, "f16": np.float16}


def ttype(shape, element="f32") -> str:
    dims = "".join(f"{d}x" for d in shape)
    return f"tensor<{dims}{element}>"


def arr(values) -> str:
    values = list(values)
    return f"array<i64: {', '.join(map(str, values))}>" if values else "array<i64>"


def run_op(op_text: str, inputs: list[tuple[np.ndarray, str]], result: str):
    """Wrap one op line (operands %a0, %a1, ...; result %r) in @main and run it."""
    args = ", ".join(f"%a{i}: {ttype(x.shape, el)}" for i, (x, el) in enumerate(inputs))
    text = (
        f"func.func @main({args}) -> {result} {{\n"
        f"  %r = {op_text}\n"
        f"  func.return %r : {result}\n"
        "}\n"
    )
    module = dfc.parse_mlir(text)
    (out,) = dfc.interpret(module, [x for x, _ in inputs])
    op = next(o for o in module.walk() if isinstance(o, tuple(mv.OPS)))
    return out, op


def signature(inputs: list[tuple[np.ndarray, str]], result: str) -> str:
    operands = ", ".join(ttype(x.shape, el) for x, el in inputs)
    return f"({operands}) -> {result}"


def values(shape, dtype=np.float32, seed=0) -> np.ndarray:
    """Distinct values so a wrong index cannot go unnoticed."""
    n = math.prod(shape)
    data = np.random.default_rng(seed).permutation(max(n, 1))[:n] + 1
    return data.reshape(shape).astype(dtype)


shapes = st.lists(st.integers(1, 4), min_size=0, max_size=4).map(tuple)
nonscalar_shapes = st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple)


def check_maps_match(op, inputs: list[np.ndarray], out: np.ndarray, *, symbols=None):
    """For every result index, each operand map must point at the element the
    interpreter produced (operands whose map is valid on that point only)."""
    maps = op.indexing_maps()
    assert maps[-1].eval(list(range(out.ndim)), []) == tuple(range(out.ndim))
    for index in np.ndindex(*out.shape):
        for k, x in enumerate(inputs):
            syms = symbols(k, index) if symbols else []
            at = maps[k].eval(list(index), syms)
            if all(0 <= a < n for a, n in zip(at, x.shape)):
                yield k, index, at


# ---------------------------------------------------------------------------
# transpose
# ---------------------------------------------------------------------------


def expected_transpose(x: np.ndarray, perm) -> np.ndarray:
    out = np.empty([x.shape[p] for p in perm], x.dtype)
    for r in np.ndindex(*out.shape):
        src = [0] * x.ndim
        for k, p in enumerate(perm):
            src[p] = r[k]
        out[r] = x[tuple(src)]
    return out


@settings(max_examples=25, deadline=None)
@given(shape=shapes, data=st.data(), default=st.booleans())
def test_transpose(shape, data, default):
    perm = (
        tuple(reversed(range(len(shape))))
        if default
        else tuple(data.draw(st.permutations(range(len(shape)))))
    )
    x = values(shape)
    result = ttype([shape[p] for p in perm])
    attrs = "" if default else f" {{perm = {arr(perm)}}}"
    out, _ = run_op(
        f"dfg.transpose %a0{attrs} : {signature([(x, 'f32')], result)}",
        [(x, "f32")],
        result,
    )
    np.testing.assert_array_equal(out, expected_transpose(x, perm))


def test_transpose_hand_computed():
    x = np.array([[1, 2, 3], [4, 5, 6]], np.int32)
    out, op = run_op(
        "dfg.transpose %a0 {perm = array<i64: 1, 0>} : (tensor<2x3xi32>) -> tensor<3x2xi32>",
        [(x, "i32")],
        "tensor<3x2xi32>",
    )
    np.testing.assert_array_equal(out, [[1, 4], [2, 5], [3, 6]])


def test_transpose_interface():
    x = values((2, 3, 4))
    out, op = run_op(
        "dfg.transpose %a0 {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>",
        [(x, "f32")],
        "tensor<4x2x3xf32>",
    )
    space = op.iteration_space()
    assert space.extents == (4, 2, 3) and set(space.kinds) == {"parallel"}
    assert op.indexing_maps()[0].eval([3, 1, 2], []) == (1, 2, 3)
    assert op.flop_count() == 0
    assert op.bytes_touched() == 2 * 24 * 4
    for _, index, at in check_maps_match(op, [x], out):
        assert out[index] == x[at]


# ---------------------------------------------------------------------------
# reshape
# ---------------------------------------------------------------------------


def factorizations(n: int):
    """Shapes (of rank <= 3, 1s allowed) with `n` elements."""
    divisors = [d for d in range(1, n + 1) if n % d == 0]
    result = [(n,), (1, n), (n, 1)]
    for a in divisors:
        for b in divisors:
            if n % (a * b) == 0:
                result.append((a, b, n // (a * b)))
    if n == 1:
        result.append(())
    return result


def expected_reshape(x: np.ndarray, shape) -> np.ndarray:
    out = np.empty(shape, x.dtype)
    for r in np.ndindex(*shape):
        linear = 0
        for axis, i in enumerate(r):
            linear = linear * shape[axis] + i
        src = []
        for dim in reversed(x.shape):
            src.append(linear % dim)
            linear //= dim
        out[r] = x[tuple(reversed(src))]
    return out


@settings(max_examples=25, deadline=None)
@given(shape=shapes, data=st.data())
def test_reshape(shape, data):
    target = data.draw(st.sampled_from(factorizations(math.prod(shape))))
    x = values(shape, np.int64)
    out, op = run_op(
        f"dfg.reshape %a0 : {signature([(x, 'i64')], ttype(target, 'i64'))}",
        [(x, "i64")],
        ttype(target, "i64"),
    )
    np.testing.assert_array_equal(out, expected_reshape(x, target))
    # The delinearizing map names the same element at every result index.
    for _, index, at in check_maps_match(op, [x], out):
        assert out[index] == x[at]


def test_reshape_interface():
    x = values((2, 6))
    out, op = run_op(
        "dfg.reshape %a0 : (tensor<2x6xf32>) -> tensor<3x1x4xf32>",
        [(x, "f32")],
        "tensor<3x1x4xf32>",
    )
    assert op.iteration_space().extents == (3, 1, 4)
    input_map = op.indexing_maps()[0]
    assert "floordiv" in str(input_map) and "mod" in str(input_map)
    # Result (2, 0, 1) is linear position 9 = row 1, column 3 of the 2x6 input.
    assert input_map.eval([2, 0, 1], []) == (1, 3)
    assert op.flop_count() == 0
    np.testing.assert_array_equal(out[2, 0, 1], x[1, 3])


# ---------------------------------------------------------------------------
# broadcast
# ---------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(target=shapes, data=st.data())
def test_broadcast(target, data):
    drop = data.draw(st.integers(0, len(target)))
    source = tuple(d if data.draw(st.booleans()) else 1 for d in target[drop:])
    x = values(source)
    out, _ = run_op(
        f"dfg.broadcast %a0 : {signature([(x, 'f32')], ttype(target))}",
        [(x, "f32")],
        ttype(target),
    )
    expected = np.empty(target, np.float32)
    offset = len(target) - len(source)
    for r in np.ndindex(*target):
        src = tuple(0 if n == 1 else r[k + offset] for k, n in enumerate(source))
        expected[r] = x[src]
    np.testing.assert_array_equal(out, expected)


def test_broadcast_interface():
    x = np.array([[10], [20], [30]], np.float32)
    out, op = run_op(
        "dfg.broadcast %a0 : (tensor<3x1xf32>) -> tensor<2x3x4xf32>",
        [(x, "f32")],
        "tensor<2x3x4xf32>",
    )
    np.testing.assert_array_equal(out[1, 2], [30, 30, 30, 30])
    assert op.iteration_space().extents == (2, 3, 4)
    assert op.indexing_maps()[0].eval([1, 2, 3], []) == (2, 0)
    assert op.flop_count() == 0


# ---------------------------------------------------------------------------
# concat
# ---------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(base=nonscalar_shapes, data=st.data())
def test_concat(base, data):
    rank = len(base)
    axis = data.draw(st.integers(-rank, rank - 1))
    a = axis % rank
    sizes = data.draw(st.lists(st.integers(0, 3), min_size=1, max_size=3))
    inputs = []
    for i, size in enumerate(sizes):
        shape = list(base)
        shape[a] = size
        inputs.append((values(shape, seed=i) + 100 * i, "f16"))
    out_shape = list(base)
    out_shape[a] = sum(sizes)
    result = ttype(out_shape, "f16")
    names = ", ".join(f"%a{i}" for i in range(len(inputs)))
    out, op = run_op(
        f"dfg.concat {names} {{axis = {axis} : i64}} : {signature(inputs, result)}",
        [(x.astype(np.float16), el) for x, el in inputs],
        result,
    )
    expected = np.empty(out_shape, np.float16)
    for r in np.ndindex(*out_shape):
        position = r[a]
        for x, _ in inputs:
            if position < x.shape[a]:
                src = list(r)
                src[a] = position
                expected[r] = x[tuple(src)]
                break
            position -= x.shape[a]
    np.testing.assert_array_equal(out, expected)


def test_concat_interface():
    a = values((2, 3), seed=1)
    b = values((2, 2), seed=2) + 100
    out, op = run_op(
        "dfg.concat %a0, %a1, %a0 {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x3xf32>) -> tensor<2x8xf32>",
        [(a, "f32"), (b, "f32")],
        "tensor<2x8xf32>",
    )
    assert op.iteration_space().extents == (2, 8)
    assert op.offsets() == (0, 3, 5)
    maps = op.indexing_maps()
    assert len(maps) == 4
    assert maps[1].eval([1, 4], []) == (1, 1)
    assert maps[2].eval([0, 7], []) == (0, 2)
    assert op.flop_count() == 0
    # Each operand's map is exact on its sub-range of the axis loop.
    for r in np.ndindex(*out.shape):
        k = 0 if r[1] < 3 else 1 if r[1] < 5 else 2
        x = (a, b, a)[k]
        assert out[r] == x[maps[k].eval(list(r), [])]


# ---------------------------------------------------------------------------
# slice
# ---------------------------------------------------------------------------


def onnx_slice_indices(dim: int, start: int, end: int, step: int) -> list[int]:
    """The indices ONNX Slice keeps, from the spec's clamping rules."""
    if start < 0:
        start += dim
    if end < 0:
        end += dim
    if step > 0:
        start = max(0, min(start, dim))
        end = max(0, min(end, dim))
    else:
        start = max(0, min(start, dim - 1))
        end = max(-1, min(end, dim - 1))
    kept = []
    i = start
    while (step > 0 and i < end) or (step < 0 and i > end):
        kept.append(i)
        i += step
    return kept


bound = st.one_of(st.integers(-7, 7), st.sampled_from([INT64_MAX, INT64_MIN]))


@settings(max_examples=25, deadline=None)
@given(shape=nonscalar_shapes, data=st.data(), explicit=st.booleans())
def test_slice(shape, data, explicit):
    rank = len(shape)
    axes = data.draw(st.permutations(range(rank)))[: data.draw(st.integers(1, rank))]
    axes = [a - rank if data.draw(st.booleans()) else a for a in axes]
    starts = [data.draw(bound) for _ in axes]
    ends = [data.draw(bound) for _ in axes]
    steps = [data.draw(st.sampled_from([-3, -2, -1, 1, 2, 3])) for _ in axes]
    if not explicit:  # default axes 0..n-1 and steps 1
        axes = list(range(len(axes)))
        steps = [1] * len(axes)
    kept = [list(range(d)) for d in shape]
    for a, s, e, t in zip(axes, starts, ends, steps):
        kept[a % rank] = onnx_slice_indices(shape[a % rank], s, e, t)
    out_shape = [len(k) for k in kept]
    x = values(shape)
    attrs = f"starts = {arr(starts)}, ends = {arr(ends)}"
    if explicit:
        attrs += f", axes = {arr(axes)}, steps = {arr(steps)}"
    out, _ = run_op(
        f"dfg.slice %a0 {{{attrs}}} : {signature([(x, 'f32')], ttype(out_shape))}",
        [(x, "f32")],
        ttype(out_shape),
    )
    expected = np.empty(out_shape, np.float32)
    for r in np.ndindex(*out_shape):
        expected[r] = x[tuple(kept[k][i] for k, i in enumerate(r))]
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize(
    ("start", "end", "step", "expected"),
    [
        (1, 4, 1, [1, 2, 3]),
        (-3, INT64_MAX, 1, [7, 8, 9]),
        (-1, INT64_MIN, -3, [9, 6, 3, 0]),
        (-1, -100, -2, [9, 7, 5, 3, 1]),
        (100, 0, -4, [9, 5, 1]),
        (-100, -200, -1, [0]),  # start clamps to 0, end to -1: keeps index 0
        (5, 5, 1, []),
        (8, 2, 1, []),
    ],
)
def test_slice_hand_computed(start, end, step, expected):
    x = np.arange(10, dtype=np.int32)
    result = ttype([len(expected)], "i32")
    out, _ = run_op(
        f"dfg.slice %a0 {{starts = {arr([start])}, ends = {arr([end])}, "
        f"steps = {arr([step])}}} : (tensor<10xi32>) -> {result}",
        [(x, "i32")],
        result,
    )
    np.testing.assert_array_equal(out, expected)


def test_slice_interface():
    x = values((4, 10))
    out, op = run_op(
        "dfg.slice %a0 {starts = array<i64: -1, 1>, ends = array<i64: 0, 8>, steps = array<i64: -2, 3>} : (tensor<4x10xf32>) -> tensor<2x3xf32>",
        [(x, "f32")],
        "tensor<2x3xf32>",
    )
    assert op.iteration_space().extents == (2, 3)
    assert op.indexing_maps()[0].eval([1, 2], []) == (1, 7)
    assert op.flop_count() == 0
    for _, index, at in check_maps_match(op, [x], out):
        assert out[index] == x[at]


# ---------------------------------------------------------------------------
# pad
# ---------------------------------------------------------------------------


def expected_pad(x: np.ndarray, pads, mode: str, value: float) -> np.ndarray:
    rank = x.ndim
    begins, ends = pads[:rank], pads[rank:]
    # Per axis: offset of the cropped window in x, its extent, and the pad before.
    windows = []
    for dim, b, e in zip(x.shape, begins, ends):
        first = max(-b, 0)
        extent = dim - max(-b, 0) - max(-e, 0)
        windows.append((first, extent, max(b, 0), extent + max(b, 0) + max(e, 0)))
    out = np.empty([w[3] for w in windows], x.dtype)
    for r in np.ndindex(*out.shape):
        src = []
        inside = True
        for i, (first, extent, before, _) in zip(r, windows):
            c = i - before
            if not 0 <= c < extent:
                inside = False
                if mode == "reflect":
                    c = -c if c < 0 else 2 * (extent - 1) - c
                elif mode == "edge":
                    c = 0 if c < 0 else extent - 1
            src.append(first + c)
        if mode == "constant" and not inside:
            out[r] = value
        else:
            out[r] = x[tuple(src)]
    return out


@settings(max_examples=25, deadline=None)
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple),
    data=st.data(),
    mode=st.sampled_from(["constant", "reflect", "edge"]),
    element=st.sampled_from(["f32", "i32"]),
)
def test_pad(shape, data, mode, element):
    rank = len(shape)
    pads = [data.draw(st.integers(-2, 3)) for _ in range(2 * rank)]
    for axis, dim in enumerate(shape):
        b, e = pads[axis], pads[axis + rank]
        cropped = dim + min(b, 0) + min(e, 0)
        assume(cropped >= 1)
        if mode == "reflect":
            assume(max(b, e) < cropped)
    value = data.draw(st.sampled_from([0.0, -2.0, 7.0]))
    x = values(shape, DTYPES[element])
    expected = expected_pad(x, pads, mode, value)
    result = ttype(expected.shape, element)
    attrs = f'pads = {arr(pads)}, mode = "{mode}"'
    if mode == "constant" and value != 0.0:
        attrs += f", value = {value} : f32"
    out, op = run_op(
        f"dfg.pad %a0 {{{attrs}}} : {signature([(x, element)], result)}",
        [(x, element)],
        result,
    )
    np.testing.assert_array_equal(out, expected)


def test_pad_hand_computed():
    x = np.array([[1, 2, 3], [4, 5, 6]], np.float32)
    cases = {
        # ONNX Pad spec examples style, computed by hand.
        ("constant", (0, 1, 0, 0), "tensor<2x4xf32>"): [[0, 1, 2, 3], [0, 4, 5, 6]],
        ("reflect", (0, 2, 0, 0), "tensor<2x5xf32>"): [
            [3, 2, 1, 2, 3],
            [6, 5, 4, 5, 6],
        ],
        ("edge", (1, 0, 0, 1), "tensor<3x4xf32>"): [
            [1, 2, 3, 3],
            [1, 2, 3, 3],
            [4, 5, 6, 6],
        ],
        # Crop the first row, pad one column of edge values after.
        ("edge", (-1, 0, 0, 1), "tensor<1x4xf32>"): [[4, 5, 6, 6]],
    }
    for (mode, pads, result), expected in cases.items():
        out, _ = run_op(
            f'dfg.pad %a0 {{pads = {arr(pads)}, mode = "{mode}"}} : '
            f"(tensor<2x3xf32>) -> {result}",
            [(x, "f32")],
            result,
        )
        np.testing.assert_array_equal(out, expected, err_msg=f"{mode} {pads}")
    out, _ = run_op(
        "dfg.pad %a0 {pads = array<i64: 0, -1, 1, 0>, value = 9.5 : f32} : "
        "(tensor<2x3xf32>) -> tensor<3x2xf32>",
        [(x, "f32")],
        "tensor<3x2xf32>",
    )
    np.testing.assert_array_equal(out, [[2, 3], [5, 6], [9.5, 9.5]])


def test_pad_interface():
    x = values((2, 3))
    out, op = run_op(
        "dfg.pad %a0 {pads = array<i64: 1, -1, 0, 2>} : (tensor<2x3xf32>) -> tensor<3x4xf32>",
        [(x, "f32")],
        "tensor<3x4xf32>",
    )
    assert op.iteration_space().extents == (3, 4)
    (input_map, result_map) = op.indexing_maps()
    assert input_map.num_symbols == 0
    assert input_map.eval([2, 0], []) == (1, 1)
    assert op.flop_count() == 0
    # Inside the non-padded sub-range the map names the element read.
    for _, index, at in check_maps_match(op, [x], out):
        assert out[index] == x[at]
    assert out[0, 0] == 0 and out[1, 3] == 0
    # Reflect/edge read a padded axis at a symbol (the mirrored position).
    _, edge = run_op(
        'dfg.pad %a0 {pads = array<i64: 0, 1, 0, 0>, mode = "edge"} : (tensor<2x3xf32>) -> tensor<2x4xf32>',
        [(x, "f32")],
        "tensor<2x4xf32>",
    )
    edge_map = edge.indexing_maps()[0]
    assert edge_map.num_symbols == 1
    assert edge_map.eval([1, 0], [0]) == (1, 0)


# ---------------------------------------------------------------------------
# gather
# ---------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    shape=nonscalar_shapes,
    index_shape=st.lists(st.integers(1, 3), min_size=0, max_size=2).map(tuple),
    data=st.data(),
    element=st.sampled_from(["i32", "i64"]),
)
def test_gather(shape, index_shape, data, element):
    rank = len(shape)
    axis = data.draw(st.integers(-rank, rank - 1))
    a = axis % rank
    n = shape[a]
    flat = data.draw(
        st.lists(
            st.integers(-n, n - 1),
            min_size=math.prod(index_shape),
            max_size=math.prod(index_shape),
        )
    )
    indices = np.array(flat, DTYPES[element]).reshape(index_shape)
    x = values(shape)
    out_shape = shape[:a] + index_shape + shape[a + 1 :]
    inputs = [(x, "f32"), (indices, element)]
    out, op = run_op(
        f"dfg.gather %a0, %a1 {{axis = {axis} : i64}} : "
        f"{signature(inputs, ttype(out_shape))}",
        inputs,
        ttype(out_shape),
    )
    q = len(index_shape)
    expected = np.empty(out_shape, np.float32)
    for r in np.ndindex(*out_shape):
        i = int(indices[r[a : a + q]])
        if i < 0:
            i += n
        expected[r] = x[r[:a] + (i,) + r[a + q :]]
    np.testing.assert_array_equal(out, expected)
    # The data map with the index value as its symbol names the same element.
    data_map, index_map, _ = op.indexing_maps()
    for r in itertools.islice(np.ndindex(*out_shape), 20):
        at_index = index_map.eval(list(r), [])
        i = int(indices[at_index]) % n
        assert out[r] == x[data_map.eval(list(r), [i])]


def test_gather_hand_computed():
    table = np.array([[1.0, 1.2], [2.3, 3.4], [4.5, 5.7]], np.float32)
    ids = np.array([[0, 1], [1, 2]], np.int64)
    out, _ = run_op(
        "dfg.gather %a0, %a1 : (tensor<3x2xf32>, tensor<2x2xi64>) -> tensor<2x2x2xf32>",
        [(table, "f32"), (ids, "i64")],
        "tensor<2x2x2xf32>",
    )
    expected = np.array([[[1.0, 1.2], [2.3, 3.4]], [[2.3, 3.4], [4.5, 5.7]]])
    np.testing.assert_array_equal(out, expected.astype(np.float32))
    data = np.array([[1, 2, 3], [4, 5, 6]], np.int32)
    cols = np.array([-1, 0], np.int32)
    out, _ = run_op(
        "dfg.gather %a0, %a1 {axis = 1 : i64} : (tensor<2x3xi32>, tensor<2xi32>) -> tensor<2x2xi32>",
        [(data, "i32"), (cols, "i32")],
        "tensor<2x2xi32>",
    )
    np.testing.assert_array_equal(out, [[3, 1], [6, 4]])


@pytest.mark.parametrize("bad", [3, -4])
def test_gather_out_of_range_is_an_error(bad):
    table = values((3, 2))
    ids = np.array([0, bad], np.int64)
    with pytest.raises(
        InterpreterError, match=rf"dfg.gather' index {bad} is out of range"
    ):
        run_op(
            "dfg.gather %a0, %a1 : (tensor<3x2xf32>, tensor<2xi64>) -> tensor<2x2xf32>",
            [(table, "f32"), (ids, "i64")],
            "tensor<2x2xf32>",
        )


def test_gather_interface():
    table = values((10, 4))
    ids = np.array([[3, -1, 0]], np.int64)
    out, op = run_op(
        "dfg.gather %a0, %a1 {axis = 0 : i64} : (tensor<10x4xf32>, tensor<1x3xi64>) -> tensor<1x3x4xf32>",
        [(table, "f32"), (ids, "i64")],
        "tensor<1x3x4xf32>",
    )
    space = op.iteration_space()
    assert space.extents == (1, 3, 4) and space.kinds == ("parallel",) * 3
    data_map, index_map, result_map = op.indexing_maps()
    assert data_map.num_symbols == 1
    assert data_map.eval([0, 2, 3], [7]) == (7, 3)
    assert index_map.eval([0, 2, 3], []) == (0, 2)
    assert result_map.eval([0, 2, 3], []) == (0, 2, 3)
    assert op.flop_count() == 0
    np.testing.assert_array_equal(out[0, 1], table[9])
