"""The reference interpreter's elementwise ops against independent formulas.

Expected values are computed per element with Python's `math`, exact integer
arithmetic and `fractions.Fraction` (for the one rounding to narrow floats),
and broadcasting is spelled out as index loops over `np.ndindex`; nothing here
calls the interpreter's own helpers.

Hypothesis draws the shapes and a seed; the values come from a numpy generator
seeded with it (mixed with the edge values of each type), and each example runs
many ops in one function built with xDSL's API, which keeps the file fast. The
hand-written cases go through the MLIR parser.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from fractions import Fraction

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    BFloat16Type,
    Float16Type,
    Float32Type,
    FloatAttr,
    IntegerType,
    ModuleOp,
    StringAttr,
    TensorType,
)
from xdsl.ir import Attribute, Block, Region

import dfc
from dfc.backends.reference import InterpreterError
from dfc.dialects.dfg import elementwise as ew

SETTINGS = settings(max_examples=25, deadline=None)

DTYPES = {
    "f32": np.dtype(np.float32),
    "bf16": np.dtype(ml_dtypes.bfloat16),
    "f16": np.dtype(np.float16),
    "i64": np.dtype(np.int64),
    "i32": np.dtype(np.int32),
    "i8": np.dtype(np.int8),
    "i1": np.dtype(np.bool_),
}
INT_BITS = {"i64": 64, "i32": 32, "i8": 8}
OP_CLASSES = {op.name: op for op in ew.OPS}


# ---------------------------------------------------------------------------
# Building and running modules
# ---------------------------------------------------------------------------


def ttype(shape: Sequence[int], element: str) -> str:
    dims = "".join(f"{d}x" for d in shape)
    return f"tensor<{dims}{element}>"


def one_op_module(
    op: str,
    operands: Sequence[tuple[Sequence[int], str]],
    result: tuple[Sequence[int], str],
    attrs: str = "",
) -> str:
    """MLIR text of `@main` applying `op` to its arguments %x0, %x1, ..."""
    args = ", ".join(f"%x{i}: {ttype(*t)}" for i, t in enumerate(operands))
    names = ", ".join(f"%x{i}" for i in range(len(operands)))
    types = ", ".join(ttype(*t) for t in operands)
    res = ttype(*result)
    attr_text = f" {{{attrs}}}" if attrs else ""
    return (
        f"func.func @main({args}) -> {res} {{\n"
        f"  %0 = {op} {names}{attr_text} : ({types}) -> {res}\n"
        f"  func.return %0 : {res}\n"
        "}\n"
    )


def run_op(
    op: str,
    inputs: Sequence[np.ndarray],
    elements: Sequence[str],
    result: tuple[Sequence[int], str],
    attrs: str = "",
) -> np.ndarray:
    """Parse a one-op module from text and interpret it."""
    text = one_op_module(
        op, [(a.shape, e) for a, e in zip(inputs, elements)], result, attrs
    )
    (out,) = dfc.interpret(dfc.parse_mlir(text), list(inputs))
    assert out.shape == tuple(result[0])
    assert out.dtype == DTYPES[result[1]]
    return out


def element_type(element: str) -> Attribute:
    if element == "f32":
        return Float32Type()
    if element == "bf16":
        return BFloat16Type()
    if element == "f16":
        return Float16Type()
    return IntegerType(1 if element == "i1" else INT_BITS[element])


def tensor(shape: Sequence[int], element: str) -> TensorType:
    return TensorType(element_type(element), list(shape))


def attribute(value: str | float) -> Attribute:
    if isinstance(value, str):
        return StringAttr(value)
    return FloatAttr(value, Float32Type())


OpSpec = tuple[str, Sequence[int], tuple[Sequence[int], str], dict[str, str | float]]
"""An op to run: name, argument indices, result (shape, element), attributes."""


def run_ops(
    inputs: Sequence[tuple[np.ndarray, str]], ops: Sequence[OpSpec]
) -> list[np.ndarray]:
    """Run several ops in one verified `@main` that returns all their results."""
    block = Block(arg_types=[tensor(a.shape, e) for a, e in inputs])
    results = []
    for name, indices, result, attrs in ops:
        op = OP_CLASSES[name].create(
            operands=[block.args[i] for i in indices],
            result_types=[tensor(*result)],
            attributes={k: attribute(v) for k, v in attrs.items()},
        )
        block.add_op(op)
        results.append(op.results[0])
    block.add_op(func.ReturnOp(*results))
    function = func.FuncOp(
        "main",
        ([a.type for a in block.args], [r.type for r in results]),
        Region(block),
    )
    module = ModuleOp([function])
    module.verify()
    outs = dfc.interpret(module, [a for a, _ in inputs])
    for out, (_, _, (shape, element), _) in zip(outs, ops):
        assert out.shape == tuple(shape)
        assert out.dtype == DTYPES[element]
    return outs


# ---------------------------------------------------------------------------
# Independent reference pieces
# ---------------------------------------------------------------------------


def operand_at(array: np.ndarray, index: tuple[int, ...]):
    """The element numpy broadcasting reads from `array` for result `index`:
    leading result dims are dropped, size-1 dims are read at 0."""
    offset = len(index) - array.ndim
    return array[
        tuple(
            0 if array.shape[i] == 1 else index[offset + i] for i in range(array.ndim)
        )
    ]


def broadcast_result_shape(*shapes: Sequence[int]) -> tuple[int, ...]:
    rank = max(len(s) for s in shapes)
    padded = [(1,) * (rank - len(s)) + tuple(s) for s in shapes]
    return tuple(max(dims) for dims in zip(*padded))


def elementwise_expected(
    fn: Callable[..., object], arrays: Sequence[np.ndarray], shape: Sequence[int]
) -> list[tuple[tuple[int, ...], object]]:
    """`fn` of the Python scalars at every result index, by explicit loops."""
    return [
        (index, fn(*(operand_at(a, index).item() for a in arrays)))
        for index in np.ndindex(*shape)
    ]


def to_array(
    entries: list[tuple[tuple[int, ...], object]], shape: Sequence[int], dtype
) -> np.ndarray:
    out = np.empty(tuple(shape), dtype=object)
    for index, value in entries:
        out[index] = value
    return out.astype(dtype)


def wrap(value: int, bits: int) -> int:
    """Two's complement wrap-around of a Python int to `bits` bits."""
    half = 1 << (bits - 1)
    return (value + half) % (1 << bits) - half


class FloatFormat:
    def __init__(self, digits: int, min_exponent: int, max_exponent: int):
        self.digits = digits  # significant bits, the implicit one included
        self.min_exponent = min_exponent  # of the smallest normal number
        self.max_value = (
            Fraction(2**digits - 1, 2 ** (digits - 1)) * Fraction(2) ** max_exponent
        )


F32 = FloatFormat(24, -126, 127)
BF16 = FloatFormat(8, -126, 127)
F16 = FloatFormat(11, -14, 15)
FORMATS = {"f32": F32, "bf16": BF16, "f16": F16}


def round_even(value: Fraction | int | float, fmt: FloatFormat) -> float:
    """`value` rounded once, to nearest even, to `fmt` (exact rational math)."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return value
    value = Fraction(value)
    if value == 0:
        return 0.0
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    exponent = magnitude.numerator.bit_length() - magnitude.denominator.bit_length()
    if Fraction(2) ** exponent > magnitude:
        exponent -= 1
    exponent = max(exponent, fmt.min_exponent)
    quantum = Fraction(2) ** (exponent - fmt.digits + 1)
    rounded = round(magnitude / quantum) * quantum  # round() is half-to-even
    if rounded > fmt.max_value:
        return sign * math.inf
    return sign * float(rounded)


def ulp(value: float, fmt: FloatFormat) -> float:
    if value == 0 or math.isinf(value):
        return 2.0 ** (fmt.min_exponent - fmt.digits + 1)
    exponent = max(math.frexp(abs(value))[1] - 1, fmt.min_exponent)
    return 2.0 ** (exponent - fmt.digits + 1)


# ---------------------------------------------------------------------------
# Shapes (hypothesis) and values (a generator seeded by hypothesis)
# ---------------------------------------------------------------------------


@st.composite
def broadcast_shapes(draw, count: int):
    """`count` operand shapes that broadcast together: each is a suffix of a
    result shape (rank 0..3) with some dims replaced by 1; also their result."""
    rank = draw(st.integers(0, 3))
    full = draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank))
    shapes = []
    for _ in range(count):
        r = draw(st.integers(0, rank))
        shapes.append(tuple(d if draw(st.booleans()) else 1 for d in full[rank - r :]))
    return shapes, broadcast_result_shape(*shapes, ())


@st.composite
def one_shape(draw):
    rank = draw(st.integers(0, 3))
    return tuple(draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank)))


rngs = st.integers(0, 2**32 - 1).map(np.random.default_rng)


def floats(rng, shape, lo: float, hi: float, nan: bool = False) -> np.ndarray:
    """f32 values in [lo, hi]; a fifth are multiples of 0.5 (ties for floor,
    ceil and the clip bounds), a fifth NaN when `nan`."""
    values = np.asarray(rng.uniform(lo, hi, shape))
    halves = np.clip(np.round(values * 2) / 2, lo, hi)
    values = np.where(rng.random(shape) < 0.2, halves, values)
    if nan:
        values = np.where(rng.random(shape) < 0.2, math.nan, values)
    return values.astype(np.float32)


def nonzero_floats(rng, shape, lo: float, hi: float) -> np.ndarray:
    """f32 values with magnitude in [lo, hi] (log-uniform) and a random sign."""
    magnitude = np.exp(rng.uniform(math.log(lo), math.log(hi), shape))
    sign = np.where(rng.random(shape) < 0.5, -1.0, 1.0)
    return np.asarray(sign * magnitude).astype(np.float32)


def ints(rng, shape, element: str, lo: int | None = None, hi: int | None = None):
    """Integers in [lo, hi] (default: the type's range); a quarter are edge
    values (the bounds, 0, 1, -1), where wrap-around shows."""
    info = np.iinfo(DTYPES[element])
    lo = int(info.min) if lo is None else lo
    hi = int(info.max) if hi is None else hi
    values = np.asarray(rng.integers(lo, hi, shape, dtype=np.int64, endpoint=True))
    edges = np.array([v for v in (lo, hi, 0, 1, -1) if lo <= v <= hi], np.int64)
    picked = edges[rng.integers(0, len(edges), shape)]
    return np.where(rng.random(shape) < 0.25, picked, values).astype(DTYPES[element])


def bools(rng, shape) -> np.ndarray:
    return np.asarray(rng.random(shape) < 0.5)


# ---------------------------------------------------------------------------
# Unary float ops
# ---------------------------------------------------------------------------


def gelu_exact(x: float) -> float:
    return 0.5 * x * (1 + math.erf(x / math.sqrt(2)))


def gelu_tanh(x: float) -> float:
    return 0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


ANY = (-10.0, 10.0)
POSITIVE = (2.0**-10, 100.0)
NONZERO = "nonzero"

# op name, attributes, input domain, formula on one Python float
UNARY_FLOAT = [
    ("neg", {}, ANY, lambda x: -x),
    ("abs", {}, ANY, abs),
    ("exp", {}, ANY, math.exp),
    ("log", {}, POSITIVE, math.log),
    ("sqrt", {}, (0.0, 100.0), math.sqrt),
    ("rsqrt", {}, POSITIVE, lambda x: 1 / math.sqrt(x)),
    ("reciprocal", {}, NONZERO, lambda x: 1 / x),
    ("tanh", {}, ANY, math.tanh),
    ("erf", {}, (-4.0, 4.0), math.erf),
    ("sigmoid", {}, ANY, lambda x: 1 / (1 + math.exp(-x))),
    ("relu", {}, ANY, lambda x: x if x > 0 else 0.0),
    ("sin", {}, ANY, math.sin),
    ("cos", {}, ANY, math.cos),
    ("floor", {}, ANY, math.floor),
    ("ceil", {}, ANY, math.ceil),
    ("gelu", {}, ANY, gelu_exact),
    ("gelu", {"approximate": "none"}, ANY, gelu_exact),
    ("gelu", {"approximate": "tanh"}, ANY, gelu_tanh),
    ("clip", {"min": -1.5, "max": 2.0}, ANY, lambda x: min(max(x, -1.5), 2.0)),
    ("clip", {"min": 0.0}, ANY, lambda x: max(x, 0.0)),
    ("clip", {"max": -2.5}, ANY, lambda x: min(x, -2.5)),
    ("clip", {}, ANY, lambda x: x),
]


def domain_values(rng, domain, shape) -> np.ndarray:
    if domain == NONZERO:
        return nonzero_floats(rng, shape, 2.0**-4, 10.0)
    return floats(rng, shape, *domain)


@SETTINGS
@given(shape=one_shape(), rng=rngs)
def test_unary_float_matches_formula(shape, rng):
    """Every unary float op (one input each, same random shape) in one function."""
    inputs = [domain_values(rng, u[2], shape) for u in UNARY_FLOAT]
    outs = run_ops(
        [(x, "f32") for x in inputs],
        [
            (f"dfg.{name}", [i], (shape, "f32"), attrs)
            for i, (name, attrs, _, _) in enumerate(UNARY_FLOAT)
        ],
    )
    for (name, attrs, _, formula), x, out in zip(UNARY_FLOAT, inputs, outs):
        expected = to_array(
            elementwise_expected(formula, [x], shape), shape, np.float64
        )
        np.testing.assert_allclose(
            out, expected, rtol=1e-5, atol=1e-6, err_msg=f"{name} {attrs}"
        )


# Ops checked on bf16/f16 inputs: computed in f32, rounded once to the type.
NARROW_UNARY = [
    ("exp", {}, (-5.0, 5.0), math.exp),
    ("sigmoid", {}, ANY, lambda x: 1 / (1 + math.exp(-x))),
    ("tanh", {}, ANY, math.tanh),
    ("gelu", {}, ANY, gelu_exact),
    ("gelu", {"approximate": "tanh"}, ANY, gelu_tanh),
    ("sqrt", {}, (0.0, 100.0), math.sqrt),
    ("reciprocal", {}, NONZERO, lambda x: 1 / x),
    ("neg", {}, ANY, lambda x: -x),
    ("clip", {"min": -1.0, "max": 0.3}, ANY, lambda x: min(max(x, -1.0), 0.3)),
]


@pytest.mark.parametrize("element", ["bf16", "f16"])
@SETTINGS
@given(shape=one_shape(), rng=rngs)
def test_unary_narrow_float(element, shape, rng):
    inputs = [
        domain_values(rng, u[2], shape).astype(DTYPES[element]) for u in NARROW_UNARY
    ]
    outs = run_ops(
        [(x, element) for x in inputs],
        [
            (f"dfg.{name}", [i], (shape, element), attrs)
            for i, (name, attrs, _, _) in enumerate(NARROW_UNARY)
        ],
    )
    fmt = FORMATS[element]
    for (name, _, _, formula), x, out in zip(NARROW_UNARY, inputs, outs):
        for index in np.ndindex(*shape):
            value = float(x[index])
            want = round_even(formula(value), fmt)
            got = float(out[index])
            # The f32 intermediate may move a near-tie to the neighbouring
            # value, and gelu's 1 + erf(x) cancels in f32 for very negative x.
            slack = ulp(want, fmt) + 2e-7 * max(1.0, abs(value))
            assert abs(got - want) <= slack, (name, value, got, want)


def test_narrow_float_hand_cases():
    # exp(1) = 2.71828...: bf16 neighbours 2.703125 and 2.71875 -> 2.71875;
    # f16 neighbours 2.716796875 and 2.71875 -> 2.71875.
    x = np.array([1.0, 0.0, -1.0], dtype=ml_dtypes.bfloat16)
    out = run_op("dfg.exp", [x], ["bf16"], ((3,), "bf16"))
    assert [float(v) for v in out] == [2.71875, 1.0, 0.3671875]
    h = np.array([1.0, 0.0], dtype=np.float16)
    out = run_op("dfg.exp", [h], ["f16"], ((2,), "f16"))
    assert [float(v) for v in out] == [2.71875, 1.0]
    # The clip bound 0.3 is applied in f32, then rounded: bf16(0.3) = 0.30078125.
    x = np.array([0.5, -3.0], dtype=ml_dtypes.bfloat16)
    out = run_op(
        "dfg.clip", [x], ["bf16"], ((2,), "bf16"), "min = -1.0 : f32, max = 0.3 : f32"
    )
    assert [float(v) for v in out] == [0.30078125, -1.0]


def test_unary_special_values():
    x = np.array([0.0, -0.0, math.inf, -math.inf, math.nan, -1.0], dtype=np.float32)
    shape = ((6,), "f32")
    log = run_op("dfg.log", [x], ["f32"], shape)
    np.testing.assert_array_equal(
        log, [-math.inf, -math.inf, math.inf, math.nan, math.nan, math.nan]
    )
    sqrt = run_op("dfg.sqrt", [x], ["f32"], shape)
    np.testing.assert_array_equal(
        sqrt[[0, 2, 4, 5]], [0.0, math.inf, math.nan, math.nan]
    )
    sigmoid = run_op("dfg.sigmoid", [x], ["f32"], shape)
    np.testing.assert_array_equal(sigmoid[2:5], [1.0, 0.0, math.nan])
    recip = run_op("dfg.reciprocal", [x], ["f32"], shape)
    np.testing.assert_array_equal(recip[:4], [math.inf, -math.inf, 0.0, -0.0])
    # ONNX Relu is max(x, 0): NaN propagates; Clip keeps NaN as well.
    relu = run_op("dfg.relu", [x], ["f32"], shape)
    np.testing.assert_array_equal(relu, [0.0, 0.0, math.inf, 0.0, math.nan, 0.0])
    clip = run_op("dfg.clip", [x], ["f32"], shape, "min = -1.0 : f32, max = 1.0 : f32")
    np.testing.assert_array_equal(clip, [0.0, -0.0, 1.0, -1.0, math.nan, -1.0])


def test_unary_on_rank0():
    x = np.array(0.5, dtype=np.float32)
    out = run_op("dfg.gelu", [x], ["f32"], ((), "f32"))
    assert out.shape == ()
    assert out.item() == pytest.approx(0.25 * (1 + math.erf(0.5 / math.sqrt(2))))


# ---------------------------------------------------------------------------
# Unary integer ops
# ---------------------------------------------------------------------------


def clip_int(x: int, lo: float | None, hi: float | None, bits: int) -> int:
    """Clamp in exact arithmetic, then saturate into the integer type: the
    integers in [lo, hi] are those in [ceil(lo), floor(hi)]."""
    value = x
    if lo is not None:
        value = max(value, math.ceil(lo))
    if hi is not None:
        value = min(value, math.floor(hi))
    half = 1 << (bits - 1)
    return min(max(value, -half), half - 1)


half_steps = st.none() | st.integers(-600, 600).map(lambda n: n / 2)


@pytest.mark.parametrize("element", ["i8", "i32", "i64"])
@SETTINGS
@given(shape=one_shape(), rng=rngs, lo=half_steps, hi=half_steps)
def test_unary_integer(element, shape, rng, lo, hi):
    bits = INT_BITS[element]
    x = ints(rng, shape, element)
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    bounds = {k: v for k, v in (("min", lo), ("max", hi)) if v is not None}
    cases = [
        ("neg", {}, lambda v: wrap(-v, bits)),
        ("abs", {}, lambda v: wrap(abs(v), bits)),
        ("relu", {}, lambda v: v if v > 0 else 0),
        ("clip", bounds, lambda v: clip_int(v, lo, hi, bits)),
    ]
    outs = run_ops(
        [(x, element)], [(f"dfg.{n}", [0], (shape, element), a) for n, a, _ in cases]
    )
    for (name, _, fn), out in zip(cases, outs):
        for index in np.ndindex(*shape):
            assert int(out[index]) == fn(int(x[index])), (name, int(x[index]))


def test_clip_integer_hand_cases():
    x = np.array([-128, -4, -3, 0, 3, 4, 127], dtype=np.int8)
    shape = ((7,), "i8")
    # Fractional bounds: the integers in [-3.5, 3.5] are -3..3.
    out = run_op("dfg.clip", [x], ["i8"], shape, "min = -3.5 : f32, max = 3.5 : f32")
    assert out.tolist() == [-3, -3, -3, 0, 3, 3, 3]
    # Bounds beyond the type's range saturate instead of wrapping.
    out = run_op("dfg.clip", [x], ["i8"], shape, "min = 200.0 : f32")
    assert out.tolist() == [127] * 7
    out = run_op(
        "dfg.clip", [x], ["i8"], shape, "min = -1.0e3 : f32, max = 1.0e3 : f32"
    )
    assert out.tolist() == x.tolist()
    out = run_op("dfg.relu", [x], ["i8"], shape)
    assert out.tolist() == [0, 0, 0, 0, 3, 4, 127]


# ---------------------------------------------------------------------------
# Cast
# ---------------------------------------------------------------------------

# Float sources span each integer target's range (as far as the source can:
# f16 stops at 65504).
INT_RANGES = {"i8": 127.75, "i32": 2.0**31 - 256, "i64": 2.0**62}
FLOAT_INT_CASTS = [(s, t) for s in ("f32", "bf16", "f16") for t in ("i8", "i32", "i64")]


@SETTINGS
@given(shape=one_shape(), rng=rngs)
def test_cast_float_to_int_truncates(shape, rng):
    inputs = []
    for source, target in FLOAT_INT_CASTS:
        bound = min(INT_RANGES[target], 65504.0 if source == "f16" else math.inf)
        scale = rng.choice([1.0, 1e-3 * bound, bound])  # small values as well
        x = floats(rng, shape, -min(scale, bound), min(scale, bound))
        inputs.append((x.astype(DTYPES[source]), source))
    outs = run_ops(
        inputs,
        [("dfg.cast", [i], (shape, t), {}) for i, (_, t) in enumerate(FLOAT_INT_CASTS)],
    )
    for (x, _), out, (_, target) in zip(inputs, outs, FLOAT_INT_CASTS):
        half = 2 ** (INT_BITS[target] - 1)
        for index in np.ndindex(*shape):
            value = float(x[index])
            if -half <= int(value) < half:  # rounding to bf16 may leave the range
                assert int(out[index]) == int(value), value  # int() truncates to 0


def test_cast_float_to_int_hand_cases():
    x = np.array([2.9, -2.9, 0.5, -0.5, 126.99, -128.5], dtype=np.float32)
    out = run_op("dfg.cast", [x], ["f32"], ((6,), "i8"))
    assert out.tolist() == [2, -2, 0, 0, 126, -128]
    b = np.array([-3.75, 1e9], dtype=ml_dtypes.bfloat16)
    out = run_op("dfg.cast", [b], ["bf16"], ((2,), "i32"))
    assert out.tolist() == [-3, int(float(b[1]))]


FLOAT_CASTS = [
    ("f32", "bf16"),
    ("f32", "f16"),
    ("bf16", "f16"),
    ("f16", "bf16"),
    ("bf16", "f32"),
    ("f16", "f32"),
]


@SETTINGS
@given(shape=one_shape(), rng=rngs)
def test_cast_float_to_float_rounds_to_nearest_even(shape, rng):
    inputs = []
    for source, _ in FLOAT_CASTS:
        # Magnitudes from f16 subnormals to beyond f16's range.
        x = nonzero_floats(rng, shape, 2.0**-26, 2.0**17)
        inputs.append((x.astype(DTYPES[source]), source))
    outs = run_ops(
        inputs,
        [("dfg.cast", [i], (shape, t), {}) for i, (_, t) in enumerate(FLOAT_CASTS)],
    )
    for (x, _), out, (_, target) in zip(inputs, outs, FLOAT_CASTS):
        for index in np.ndindex(*shape):
            want = round_even(float(x[index]), FORMATS[target])
            got = float(out[index])
            assert got == want, (float(x[index]), target, got, want)


def test_cast_to_narrow_float_ties_to_even():
    # bf16 around 1: spacing 2**-7. 1 + 2**-8 is a tie -> 1 (even); 1 + 3 * 2**-8
    # is a tie -> 1 + 2**-6 (even); just above a tie rounds up.
    x = np.array(
        [1 + 2**-8, 1 + 3 * 2**-8, 1 + 2**-8 + 2**-20, 65520.0], dtype=np.float32
    )
    out = run_op("dfg.cast", [x], ["f32"], ((4,), "bf16"))
    assert [float(v) for v in out] == [1.0, 1 + 2**-6, 1 + 2**-7, 65536.0]
    # f16 (spacing 2**-10 at 1) holds the first two exactly; it overflows to inf
    # at the tie above its largest value 65504.
    out = run_op("dfg.cast", [x], ["f32"], ((4,), "f16"))
    assert [float(v) for v in out] == [1 + 2**-8, 1 + 3 * 2**-8, 1 + 2**-8, math.inf]


INT_FLOAT_CASTS = [(s, t) for s in ("i8", "i32", "i64") for t in ("bf16", "f16", "f32")]


@SETTINGS
@given(shape=one_shape(), rng=rngs)
def test_cast_int_to_float_rounds_once(shape, rng):
    inputs = [(ints(rng, shape, s), s) for s, _ in INT_FLOAT_CASTS]
    outs = run_ops(
        inputs,
        [("dfg.cast", [i], (shape, t), {}) for i, (_, t) in enumerate(INT_FLOAT_CASTS)],
    )
    for (x, _), out, (_, target) in zip(inputs, outs, INT_FLOAT_CASTS):
        for index in np.ndindex(*shape):
            want = round_even(int(x[index]), FORMATS[target])
            assert float(out[index]) == want, (int(x[index]), target, float(out[index]))


def test_cast_int_to_bfloat16_single_rounding():
    # 2**24 + 2**16 + 1 lies just above the midpoint of the bf16 neighbours
    # 2**24 and 2**24 + 2**17; rounding through f32 first would hit the tie
    # exactly and pick 2**24.
    v = 2**24 + 2**16 + 1
    x = np.array([v, -v, 2**24 + 2**16, 2**63 - 1, -(2**63)], dtype=np.int64)
    out = run_op("dfg.cast", [x], ["i64"], ((5,), "bf16"))
    assert [float(e) for e in out] == [
        2**24 + 2**17,
        -(2**24 + 2**17),
        2**24,
        2.0**63,
        -(2.0**63),
    ]
    out = run_op("dfg.cast", [x[:3].astype(np.int32)], ["i32"], ((3,), "bf16"))
    assert [float(e) for e in out] == [2**24 + 2**17, -(2**24 + 2**17), 2**24]


@pytest.mark.parametrize("source", ["f32", "bf16", "i8", "i64"])
def test_cast_to_i1_tests_nonzero(source):
    if source.startswith("i"):
        values = [0, 1, -1, 2, 0, -128]
    else:
        values = [0.0, -0.0, 0.5, -3.0, math.nan, math.inf]
    x = np.array(values, dtype=DTYPES[source])
    out = run_op("dfg.cast", [x], [source], ((6,), "i1"))
    assert out.tolist() == [bool(v != 0) for v in values]


def test_cast_between_integers_and_from_i1():
    x = np.array([300, -129, 127, -1], dtype=np.int32)
    out = run_op("dfg.cast", [x], ["i32"], ((4,), "i8"))
    assert out.tolist() == [wrap(v, 8) for v in [300, -129, 127, -1]]
    out = run_op("dfg.cast", [out], ["i8"], ((4,), "i64"))
    assert out.tolist() == [44, 127, 127, -1]
    b = np.array([True, False])
    assert run_op("dfg.cast", [b], ["i1"], ((2,), "f32")).tolist() == [1.0, 0.0]
    assert run_op("dfg.cast", [b], ["i1"], ((2,), "i32")).tolist() == [1, 0]
    s = np.array(-7.5, dtype=np.float32)
    assert run_op("dfg.cast", [s], ["f32"], ((), "i64")).item() == -7


# ---------------------------------------------------------------------------
# Binary arithmetic
# ---------------------------------------------------------------------------


def float_max(a: float, b: float) -> float:
    return math.nan if math.isnan(a) or math.isnan(b) else (a if a >= b else b)


def float_min(a: float, b: float) -> float:
    return math.nan if math.isnan(a) or math.isnan(b) else (a if a <= b else b)


def wide(rng, shape):
    return floats(rng, shape, -100, 100)


def wide_nan(rng, shape):
    return floats(rng, shape, -100, 100, nan=True)


def divisor(rng, shape):
    return nonzero_floats(rng, shape, 2.0**-6, 100)


# op, lhs values, rhs values, formula on Python floats
BINARY_FLOAT = [
    ("add", wide, wide, operator.add),
    ("sub", wide, wide, operator.sub),
    ("mul", wide, wide, operator.mul),
    ("div", wide, divisor, operator.truediv),
    ("max", wide_nan, wide_nan, float_max),
    ("min", wide_nan, wide_nan, float_min),
    (
        "pow",
        lambda rng, s: floats(rng, s, 0.125, 4.0),
        lambda rng, s: floats(rng, s, -3.0, 3.0),
        math.pow,
    ),
]


@SETTINGS
@given(shapes=broadcast_shapes(2), rng=rngs)
def test_binary_float_broadcast(shapes, rng):
    (sa, sb), shape = shapes
    inputs = []
    for _, lhs, rhs, _ in BINARY_FLOAT:
        inputs += [(lhs(rng, sa), "f32"), (rhs(rng, sb), "f32")]
    outs = run_ops(
        inputs,
        [
            (f"dfg.{b[0]}", [2 * i, 2 * i + 1], (shape, "f32"), {})
            for i, b in enumerate(BINARY_FLOAT)
        ],
    )
    for i, ((name, _, _, formula), out) in enumerate(zip(BINARY_FLOAT, outs)):
        a, b = inputs[2 * i][0], inputs[2 * i + 1][0]
        expected = to_array(
            elementwise_expected(formula, [a, b], shape), shape, np.float64
        )
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6, err_msg=name)


def exact_f32_then(op: Callable, fmt: FloatFormat) -> Callable[[float, float], float]:
    """The narrow-float semantics: exact result, rounded to f32, then to `fmt`."""

    def fn(a: float, b: float) -> float:
        return round_even(round_even(op(Fraction(a), Fraction(b)), F32), fmt)

    return fn


NARROW_BINARY = [
    ("add", operator.add),
    ("sub", operator.sub),
    ("mul", operator.mul),
    ("div", operator.truediv),
]


@pytest.mark.parametrize("element", ["bf16", "f16"])
@SETTINGS
@given(shapes=broadcast_shapes(2), rng=rngs)
def test_binary_narrow_float_rounds_once_from_f32(element, shapes, rng):
    (sa, sb), shape = shapes
    a = wide(rng, sa).astype(DTYPES[element])
    b = divisor(rng, sb).astype(DTYPES[element])
    outs = run_ops(
        [(a, element), (b, element)],
        [(f"dfg.{n}", [0, 1], (shape, element), {}) for n, _ in NARROW_BINARY],
    )
    for (name, op), out in zip(NARROW_BINARY, outs):
        fn = exact_f32_then(op, FORMATS[element])
        for index, want in elementwise_expected(fn, [a, b], shape):
            assert float(out[index]) == want, (name, index, want, float(out[index]))


@pytest.mark.parametrize("element", ["bf16", "f16"])
def test_max_min_narrow_float_nan(element):
    a = np.array([math.nan, 1.0, -2.0], dtype=DTYPES[element])
    b = np.array([3.0, math.nan, -1.5], dtype=DTYPES[element])
    out = run_op("dfg.max", [a, b], [element] * 2, ((3,), element)).astype(np.float32)
    np.testing.assert_array_equal(out, [math.nan, math.nan, -1.5])
    out = run_op("dfg.min", [a, b], [element] * 2, ((3,), element)).astype(np.float32)
    np.testing.assert_array_equal(out, [math.nan, math.nan, -2.0])


def test_max_min_propagate_nan():
    a = np.array([math.nan, 1.0, math.nan, -math.inf, 2.0], dtype=np.float32)
    b = np.array([2.0, math.nan, math.nan, math.nan, math.inf], dtype=np.float32)
    for lhs, rhs in ((a, b), (b, a)):
        out = run_op("dfg.max", [lhs, rhs], ["f32"] * 2, ((5,), "f32"))
        np.testing.assert_array_equal(out, [math.nan] * 4 + [math.inf])
        out = run_op("dfg.min", [lhs, rhs], ["f32"] * 2, ((5,), "f32"))
        np.testing.assert_array_equal(out, [math.nan] * 4 + [2.0])
    # A 0-d NaN broadcast over a vector poisons every element.
    nan = np.array(math.nan, dtype=np.float32)
    out = run_op("dfg.min", [b[-2:], nan], ["f32"] * 2, ((2,), "f32"))
    assert np.isnan(out).all()


def trunc_div(a: int, b: int) -> int:
    """C / ONNX integer division: the exact quotient truncated toward zero."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def int_pow(a: int, b: int) -> int:
    """trunc(a ** b) in exact arithmetic (0 ** -n is defined as 0)."""
    if b >= 0:
        return a**b
    if a == 0:
        return 0
    return math.trunc(Fraction(1, a ** (-b)))


INT_BINARY = [
    ("add", operator.add),
    ("sub", operator.sub),
    ("mul", operator.mul),
    ("div", trunc_div),
    ("max", max),
    ("min", min),
]


@pytest.mark.parametrize("element", ["i8", "i32", "i64"])
@SETTINGS
@given(shapes=broadcast_shapes(2), rng=rngs)
def test_binary_integer_broadcast(element, shapes, rng):
    bits = INT_BITS[element]
    (sa, sb), shape = shapes
    a = ints(rng, sa, element)
    b = ints(rng, sb, element)
    b_div = np.where(b == 0, 1, b).astype(b.dtype)  # x / 0 is undefined in ONNX
    base = ints(rng, sa, element, -6, 6)
    exponent = ints(rng, sb, element, -3, 7)
    inputs = [(v, element) for v in (a, b, b_div, base, exponent)]
    ops = [
        (f"dfg.{n}", [0, 2 if n == "div" else 1], (shape, element), {})
        for n, _ in INT_BINARY
    ]
    outs = run_ops(inputs, [*ops, ("dfg.pow", [3, 4], (shape, element), {})])
    for (name, formula), out in zip(INT_BINARY, outs):
        rhs = b_div if name == "div" else b
        for index, want in elementwise_expected(formula, [a, rhs], shape):
            assert int(out[index]) == wrap(want, bits), (name, index)
    for index, want in elementwise_expected(int_pow, [base, exponent], shape):
        assert int(outs[-1][index]) == wrap(want, bits), ("pow", index)


def test_integer_div_truncates_toward_zero():
    a = np.array([7, -7, 7, -7, -128, 6, -1, 0], dtype=np.int8)
    b = np.array([2, 2, -2, -2, 3, 3, 5, -3], dtype=np.int8)
    out = run_op("dfg.div", [a, b], ["i8"] * 2, ((8,), "i8"))
    assert out.tolist() == [int(x / y) for x, y in zip(a.tolist(), b.tolist())]
    assert out.tolist() == [3, -3, -3, 3, -42, 2, 0, 0]
    # Python's int(a / b) per element, on i32 with broadcasting of a 0-d divisor.
    a32 = np.array([[-9, 9], [100, -101]], dtype=np.int32)
    d = np.array(-4, dtype=np.int32)
    out = run_op("dfg.div", [a32, d], ["i32"] * 2, ((2, 2), "i32"))
    assert out.tolist() == [[int(x / -4) for x in row] for row in a32.tolist()]


def test_integer_pow_hand_cases():
    a = np.array([2, 3, -2, 1, -1, -1, 2, 0, 0], dtype=np.int8)
    b = np.array([3, 5, 3, -4, -3, -2, -1, 0, -2], dtype=np.int8)
    out = run_op("dfg.pow", [a, b], ["i8"] * 2, ((9,), "i8"))
    # 3**5 = 243 wraps to -13 in i8; 0**0 = 1.
    assert out.tolist() == [8, -13, -8, 1, -1, 1, 0, 1, 0]


def test_float_pow_hand_cases():
    a = np.array([2.0, 4.0, -8.0, 0.0, -2.0], dtype=np.float32)
    b = np.array([10.0, 0.5, 1.0 / 3.0, -1.0, 3.0], dtype=np.float32)
    out = run_op("dfg.pow", [a, b], ["f32"] * 2, ((5,), "f32"))
    np.testing.assert_array_equal(out[[0, 1, 3, 4]], [1024.0, 2.0, math.inf, -8.0])
    assert math.isnan(out[2])  # negative base, fractional power


def test_broadcast_hand_case():
    a = np.arange(6, dtype=np.float32).reshape(2, 1, 3)
    b = np.array([[10.0], [20.0], [30.0], [40.0]], dtype=np.float32)  # 4x1
    out = run_op("dfg.sub", [a, b], ["f32"] * 2, ((2, 4, 3), "f32"))
    for i, j, k in np.ndindex(2, 4, 3):
        assert out[i, j, k] == a[i, 0, k] - b[j, 0]


# ---------------------------------------------------------------------------
# Logical, compare, where
# ---------------------------------------------------------------------------


@SETTINGS
@given(shapes=broadcast_shapes(2), rng=rngs)
def test_logical_broadcast(shapes, rng):
    (sa, sb), shape = shapes
    a, b = bools(rng, sa), bools(rng, sb)
    and_, or_, not_ = run_ops(
        [(a, "i1"), (b, "i1")],
        [
            ("dfg.and", [0, 1], (shape, "i1"), {}),
            ("dfg.or", [0, 1], (shape, "i1"), {}),
            ("dfg.not", [1], (sb, "i1"), {}),
        ],
    )
    for index, (x, y) in elementwise_expected(lambda x, y: (x, y), [a, b], shape):
        assert bool(and_[index]) == (x and y)
        assert bool(or_[index]) == (x or y)
    for index in np.ndindex(*sb):
        assert bool(not_[index]) == (not b[index])


PREDICATES = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}
COMPARE_VALUES = np.array([-1.5, 0.0, 2.0, math.inf, math.nan])
"""Few distinct values, so that equality is common; NaN compares false except
under 'ne'."""
COMPARE_ELEMENTS = ["f32", "bf16", "f16", "i64", "i32", "i8", "i1"]


@SETTINGS
@given(shapes=broadcast_shapes(2), rng=rngs)
def test_compare_broadcast(shapes, rng):
    (sa, sb), shape = shapes
    inputs = []
    for element in COMPARE_ELEMENTS:
        for s in (sa, sb):
            if element == "i1":
                inputs.append((bools(rng, s), element))
            elif element.startswith("i"):
                inputs.append((ints(rng, s, element, -3, 3), element))
            else:
                x = COMPARE_VALUES[rng.integers(0, len(COMPARE_VALUES), s)]
                inputs.append((np.asarray(x).astype(DTYPES[element]), element))
    ops = [
        ("dfg.compare", [2 * i, 2 * i + 1], (shape, "i1"), {"predicate": p})
        for i in range(len(COMPARE_ELEMENTS))
        for p in PREDICATES
    ]
    outs = iter(run_ops(inputs, ops))
    for i, element in enumerate(COMPARE_ELEMENTS):
        a, b = inputs[2 * i][0], inputs[2 * i + 1][0]
        for predicate, fn in PREDICATES.items():
            out = next(outs)
            for index, want in elementwise_expected(fn, [a, b], shape):
                assert bool(out[index]) == want, (element, predicate, index)


def test_compare_hand_cases():
    a = np.array([1.0, math.nan, 2.0], dtype=np.float32)
    b = np.array(2.0, dtype=np.float32)
    got = {
        p: run_op(
            "dfg.compare", [a, b], ["f32"] * 2, ((3,), "i1"), f'predicate = "{p}"'
        )
        for p in PREDICATES
    }
    assert got["lt"].tolist() == [True, False, False]
    assert got["le"].tolist() == [True, False, True]
    assert got["eq"].tolist() == [False, False, True]
    assert got["ne"].tolist() == [True, True, False]
    assert got["gt"].tolist() == [False, False, False]
    assert got["ge"].tolist() == [False, False, True]
    t = np.array([True, False])
    f = np.array([False, False])
    out = run_op("dfg.compare", [t, f], ["i1"] * 2, ((2,), "i1"), 'predicate = "gt"')
    assert out.tolist() == [True, False]


WHERE_ELEMENTS = ["f32", "bf16", "f16", "i8", "i32", "i64", "i1"]


@SETTINGS
@given(shapes=broadcast_shapes(3), rng=rngs)
def test_where_broadcast(shapes, rng):
    (sc, s_true, s_false), shape = shapes
    c = bools(rng, sc)
    inputs = [(c, "i1")]
    for element in WHERE_ELEMENTS:
        for s in (s_true, s_false):
            if element == "i1":
                inputs.append((bools(rng, s), element))
            elif element.startswith("i"):
                inputs.append((ints(rng, s, element), element))
            else:
                inputs.append((wide(rng, s).astype(DTYPES[element]), element))
    outs = run_ops(
        inputs,
        [
            ("dfg.where", [0, 2 * i + 1, 2 * i + 2], (shape, e), {})
            for i, e in enumerate(WHERE_ELEMENTS)
        ],
    )
    for i, out in enumerate(outs):
        t, f = inputs[2 * i + 1][0], inputs[2 * i + 2][0]
        pick = elementwise_expected(lambda c, t, f: t if c else f, [c, t, f], shape)
        for index, want in pick:
            assert out[index].item() == want, (WHERE_ELEMENTS[i], index)


def test_where_hand_case():
    c = np.array([[True], [False]])
    t = np.array([1.0, 2.0, 3.0], dtype=ml_dtypes.bfloat16)
    f = np.array(-1.0, dtype=ml_dtypes.bfloat16)
    out = run_op("dfg.where", [c, t, f], ["i1", "bf16", "bf16"], ((2, 3), "bf16"))
    assert out.astype(np.float32).tolist() == [[1.0, 2.0, 3.0], [-1.0, -1.0, -1.0]]


# ---------------------------------------------------------------------------
# Structured interface
# ---------------------------------------------------------------------------


def only_op(text: str):
    module = dfc.parse_mlir(text)
    (function,) = module.ops
    return next(iter(function.body.block.ops))


def test_broadcast_add_structured_interface():
    op = only_op(
        one_op_module(
            "dfg.add", [((2, 1, 4), "f32"), ((3, 1), "f32")], ((2, 3, 4), "f32")
        )
    )
    assert isinstance(op, ew.AddOp)
    space = op.iteration_space()
    assert space.extents == (2, 3, 4)
    assert space.kinds == ("parallel",) * 3
    lhs, rhs, result = op.indexing_maps()
    # lhs 2x1x4: its size-1 middle dim is pinned to 0.
    assert (lhs.num_dims, lhs.num_symbols) == (3, 0)
    assert lhs.eval([1, 2, 3], []) == (1, 0, 3)
    # rhs 3x1: the leading result dim is dropped, the size-1 last dim pinned.
    assert rhs.eval([1, 2, 3], []) == (2, 0)
    assert result.eval([1, 2, 3], []) == (1, 2, 3)
    # Every point of the space reads what numpy broadcasting reads.
    a = np.zeros((2, 1, 4))

    for index in np.ndindex(2, 3, 4):
        assert lhs.eval(list(index), []) == tuple(
            0 if a.shape[i] == 1 else index[i] for i in range(3)
        )
        assert rhs.eval(list(index), []) == (index[1], 0)
    assert op.flop_count() == 24
    assert op.bytes_touched() == (8 + 3 + 24) * 4


def test_size_one_result_dims_keep_their_dimension():
    # When the result dim is 1 too, the map keeps the dimension (it is 0 anyway).
    op = only_op(
        one_op_module("dfg.mul", [((1, 5), "i8"), ((5,), "i8")], ((1, 5), "i8"))
    )
    lhs, rhs, result = op.indexing_maps()
    assert lhs.eval([0, 4], []) == (0, 4)
    assert rhs.eval([0, 4], []) == (4,)
    assert op.bytes_touched() == 5 + 5 + 5


def test_rank0_structured_interface():
    op = only_op(
        one_op_module(
            "dfg.where", [((), "i1"), ((3,), "bf16"), ((), "bf16")], ((3,), "bf16")
        )
    )
    space = op.iteration_space()
    assert space.extents == (3,)
    condition, on_true, on_false, result = op.indexing_maps()
    assert condition.eval([2], []) == ()
    assert on_true.eval([2], []) == (2,)
    assert on_false.eval([2], []) == ()
    assert result.eval([2], []) == (2,)
    assert op.flop_count() == 3
    assert op.bytes_touched() == 1 + 6 + 2 + 6

    scalar = only_op(one_op_module("dfg.exp", [((), "f32")], ((), "f32")))
    assert scalar.iteration_space().extents == ()
    assert [m.eval([], []) for m in scalar.indexing_maps()] == [(), ()]
    assert scalar.flop_count() == 4


# FLOPs per element each op declares.
FLOPS = {
    "neg": 1, "abs": 1, "exp": 4, "log": 4, "sqrt": 2, "rsqrt": 2, "reciprocal": 1,
    "tanh": 4, "erf": 4, "sigmoid": 4, "relu": 1, "sin": 4, "cos": 4, "floor": 1,
    "ceil": 1, "gelu": 8, "clip": 2, "add": 1, "sub": 1, "mul": 1, "div": 1,
    "max": 1, "min": 1, "pow": 8,
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(FLOPS))
def test_flop_count(name):
    arity = 1 if name in {op.name[4:] for op in ew.UNARY_OPS} else 2
    text = one_op_module(f"dfg.{name}", [((3, 4), "f32")] * arity, ((3, 4), "f32"))
    assert only_op(text).flop_count() == FLOPS[name] * 12


def test_flop_count_logical_compare_cast_where():
    cases = [
        one_op_module("dfg.not", [((5,), "i1")], ((5,), "i1")),
        one_op_module("dfg.and", [((5,), "i1"), ((), "i1")], ((5,), "i1")),
        one_op_module("dfg.or", [((5,), "i1"), ((5,), "i1")], ((5,), "i1")),
        one_op_module(
            "dfg.compare",
            [((5,), "f32"), ((1,), "f32")],
            ((5,), "i1"),
            'predicate = "lt"',
        ),
        one_op_module("dfg.cast", [((5,), "f32")], ((5,), "bf16")),
        one_op_module(
            "dfg.where", [((5,), "i1"), ((5,), "f32"), ((), "f32")], ((5,), "f32")
        ),
    ]
    for text in cases:
        assert only_op(text).flop_count() == 5


def test_every_elementwise_op_is_exercised():
    exercised = {u[0] for u in UNARY_FLOAT} | {b[0] for b in BINARY_FLOAT}
    exercised |= {"not", "cast", "and", "or", "compare", "where"}
    assert {op.name[4:] for op in ew.OPS} == exercised


# ---------------------------------------------------------------------------
# Interpreter errors and named inputs
# ---------------------------------------------------------------------------

TWO_INPUTS = """
func.func @main(%a: tensor<2x3xf32>, %bias: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = dfg.add %a, %bias : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  func.return %0 : tensor<2x3xf32>
}
"""


def test_wrong_input_count_raises():
    module = dfc.parse_mlir(TWO_INPUTS)
    with pytest.raises(InterpreterError, match="takes 2 inputs, got 1"):
        dfc.interpret(module, [np.zeros((2, 3), np.float32)])
    with pytest.raises(InterpreterError):
        dfc.interpret(module, [np.zeros((2, 3), np.float32)] * 3)


def test_wrong_input_shape_raises():
    module = dfc.parse_mlir(TWO_INPUTS)
    with pytest.raises(InterpreterError, match=r"input #1 has shape \(2,\)"):
        dfc.interpret(module, [np.zeros((2, 3), np.float32), np.zeros(2, np.float32)])
    with pytest.raises(InterpreterError, match="input #0"):
        dfc.interpret(module, [np.zeros((3, 2), np.float32), np.zeros(3, np.float32)])


def test_inputs_by_name(run_mlir):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    bias = np.array([10.0, 20.0, 30.0], dtype=np.float32)
    (out,) = run_mlir(TWO_INPUTS, {"bias": bias, "a": a})
    for i, j in np.ndindex(2, 3):
        assert out[i, j] == a[i, j] + bias[j]
    with pytest.raises(InterpreterError, match="missing inputs: bias"):
        run_mlir(TWO_INPUTS, {"a": a})


def test_multiple_functions_by_name(run_mlir):
    text = TWO_INPUTS.replace("@main", "@first") + TWO_INPUTS.replace(
        "@main", "@second"
    ).replace("dfg.add", "dfg.sub")
    a = np.ones((2, 3), np.float32)
    bias = np.full(3, 2.0, np.float32)
    (out,) = run_mlir(text, [a, bias], function="second")
    assert (out == -1.0).all()
