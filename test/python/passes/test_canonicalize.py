"""The `canonicalize` pass keeps the reference interpreter's results bit for
bit, folds constants up to its `fold-limit`, and applies dfg's patterns."""

from __future__ import annotations

import ml_dtypes
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import get_pass_option_infos

import dfc
from dfc.dialects.dfg.canonicalization import DFG_CANONICALIZATION_PATTERNS
from dfc.passes import PASSES
from dfc.passes.canonicalize import DfcCanonicalizePass
from dfc.tools.mlir_io import parse_pipeline

SHAPE = (2, 3)
CONSTANT_SHAPES = ((), (3,), (1, 3), (2, 3))
DTYPES = {
    "f32": np.dtype(np.float32),
    "bf16": np.dtype(ml_dtypes.bfloat16),
    "f16": np.dtype(np.float16),
    "i32": np.dtype(np.int32),
}
FLOAT_UNARY = ("neg", "abs", "exp", "tanh", "sqrt", "floor", "relu", "sigmoid")
INT_UNARY = ("neg", "abs", "relu")
BINARY = ("add", "sub", "mul", "div", "max", "min")
# Splat values that trigger the identities (and their non-identity neighbours).
SPECIAL = (0.0, -0.0, 1.0, 2.0, 0.5)
SPECIAL_INT = (0, 1, 2, -1)
# Values exactly representable in bf16 and f16.
SMALL_FLOATS = st.sampled_from([v / 4 for v in range(-16, 17)] + [-0.0])


def tensor(shape: tuple[int, ...], element: str) -> str:
    return f"tensor<{'x'.join(map(str, shape))}{'x' if shape else ''}{element}>"


def literal(value: float, element: str) -> str:
    return str(int(value)) if element == "i32" else repr(float(value))


@st.composite
def graphs(draw: st.DrawFn) -> tuple[str, str]:
    """A random function `@main(%a0, %a1)` on `tensor<2x3xT>` values built from
    elementwise ops and constants; returns (MLIR text, element type)."""
    element = draw(st.sampled_from(tuple(DTYPES)))
    is_int = element == "i32"
    full = tensor(SHAPE, element)
    lines: list[str] = []
    values = ["%a0", "%a1"]
    counter = 0

    def fresh() -> str:
        nonlocal counter
        counter += 1
        return f"%v{counter}"

    def constant() -> tuple[str, str]:
        shape = draw(st.sampled_from(CONSTANT_SHAPES))
        t = tensor(shape, element)
        if draw(st.booleans()):
            value = draw(st.sampled_from(SPECIAL_INT if is_int else SPECIAL))
            body = literal(value, element)
        else:
            count = int(np.prod(shape))
            items = [literal(draw(SMALL_FLOATS), element) for _ in range(count)]
            array = np.array(items, dtype=object).reshape(shape)
            body = str(array.tolist()).replace("'", "") if shape else items[0]
        name = fresh()
        lines.append(f"  {name} = dfg.constant dense<{body}> : {t}")
        return name, t

    def operand(allow_constant: bool = True) -> tuple[str, str]:
        if allow_constant and draw(st.integers(0, 2)) == 0:
            return constant()
        return draw(st.sampled_from(values)), full

    def full_operand() -> str:
        """A value of the full shape: an existing one or a broadcast constant."""
        if draw(st.integers(0, 2)) == 0:
            name, t = constant()
            if t == full:
                return name
            result = fresh()
            lines.append(f"  {result} = dfg.broadcast {name} : ({t}) -> {full}")
            return result
        return draw(st.sampled_from(values))

    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(("unary", "binary", "binary", "cast", "where")))
        result = fresh()
        if kind == "unary":
            op = draw(st.sampled_from(INT_UNARY if is_int else FLOAT_UNARY))
            x = full_operand()
            lines.append(f"  {result} = dfg.{op} {x} : ({full}) -> {full}")
        elif kind == "binary":
            op = draw(st.sampled_from(BINARY))
            (a, ta), (b, tb) = operand(), operand()
            if ta != full and tb != full:
                a, ta = draw(st.sampled_from(values)), full
            if draw(st.booleans()):
                (a, ta), (b, tb) = (b, tb), (a, ta)
            lines.append(f"  {result} = dfg.{op} {a}, {b} : ({ta}, {tb}) -> {full}")
        elif kind == "cast":
            x = full_operand()
            via = draw(st.sampled_from((element, "f32", "i32", "f16")))
            if via == element:
                lines.append(f"  {result} = dfg.cast {x} : ({full}) -> {full}")
            else:
                mid = fresh()
                t = tensor(SHAPE, via)
                lines.append(f"  {mid} = dfg.cast {x} : ({full}) -> {t}")
                lines.append(f"  {result} = dfg.cast {mid} : ({t}) -> {full}")
        else:
            (a, ta), (b, tb) = operand(), operand()
            cond = fresh()
            cond_type = tensor(SHAPE, "i1")
            if ta != full and tb != full:
                a, ta = draw(st.sampled_from(values)), full
            lines.append(
                f'  {cond} = dfg.compare {a}, {b} {{predicate = "lt"}} : '
                f"({ta}, {tb}) -> {cond_type}"
            )
            if draw(st.booleans()):
                negated = fresh()
                lines.append(
                    f"  {negated} = dfg.not {cond} : ({cond_type}) -> {cond_type}"
                )
                cond = fresh()
                lines.append(
                    f"  {cond} = dfg.not {negated} : ({cond_type}) -> {cond_type}"
                )
            t, f = full_operand(), full_operand()
            lines.append(
                f"  {result} = dfg.where {cond}, {t}, {f} : "
                f"({cond_type}, {full}, {full}) -> {full}"
            )
        values.append(result)

    outputs = values[2:][-2:]
    types = ", ".join(full for _ in outputs)
    text = (
        f"func.func @main(%a0: {full}, %a1: {full}) -> ({types}) {{\n"
        + "\n".join(lines)
        + f"\n  func.return {', '.join(outputs)} : {types}\n}}\n"
    )
    return text, element


def assert_bitwise_equal(expected: list[np.ndarray], actual: list[np.ndarray]) -> None:
    assert len(expected) == len(actual)
    for e, a in zip(expected, actual, strict=True):
        assert e.dtype == a.dtype and e.shape == a.shape
        if e.dtype.kind == "f" or e.dtype == ml_dtypes.bfloat16:
            e_nan = np.isnan(e.astype(np.float32))
            a_nan = np.isnan(a.astype(np.float32))
            np.testing.assert_array_equal(e_nan, a_nan)
            bits = np.dtype(f"u{e.dtype.itemsize}")
            np.testing.assert_array_equal(e.view(bits)[~e_nan], a.view(bits)[~a_nan])
        else:
            np.testing.assert_array_equal(e, a)


def canonicalize(module: ModuleOp, **options: int) -> ModuleOp:
    DfcCanonicalizePass(**options).apply(dfc.make_context(), module)
    module.verify()
    return module


def count_ops(module: ModuleOp, name: str) -> int:
    return sum(1 for op in module.walk() if op.name == name)


@settings(max_examples=60, deadline=None)
@given(graph=graphs(), seed=st.integers(0, 2**32 - 1))
def test_canonicalize_preserves_interpreter_results(graph, seed):
    text, element = graph
    rng = np.random.default_rng(seed)
    dtype = DTYPES[element]
    if element == "i32":
        inputs = [rng.integers(-5, 6, SHAPE).astype(dtype) for _ in range(2)]
    else:
        inputs = [(rng.integers(-16, 17, SHAPE) / 4).astype(dtype) for _ in range(2)]
        inputs[0][0, 0] = -0.0  # signed zeros must survive the identities
    before = dfc.interpret(dfc.parse_mlir(text), inputs)
    module = canonicalize(dfc.parse_mlir(text))
    assert_bitwise_equal(before, dfc.interpret(module, inputs))
    # Folded literals survive the textual round trip bit for bit.
    reparsed = dfc.parse_mlir(dfc.print_mlir(module))
    assert_bitwise_equal(before, dfc.interpret(reparsed, inputs))


def test_canonicalize_reaches_fixed_point():
    text = """
func.func @main(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %z = dfg.constant dense<-0.0> : tensor<f32>
  %one = dfg.constant dense<1.0> : tensor<3xf32>
  %two = dfg.constant dense<2.0> : tensor<3xf32>
  %c = dfg.sub %two, %one : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %a = dfg.add %x, %z : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %m = dfg.mul %a, %c : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %n = dfg.neg %m : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %r = dfg.neg %n : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}
"""
    module = canonicalize(dfc.parse_mlir(text))
    # 2 - 1 folds to a splat 1, then x * 1, x + (-0.0) and neg(neg) vanish.
    (function,) = module.ops
    ops = [op.name for op in function.body.block.ops]  # type: ignore[attr-defined]
    assert ops == ["func.return"]


FOLD_TEXT = """
func.func @main() -> tensor<2x3xbf16> {
  %a = dfg.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xbf16>
  %b = dfg.constant dense<0.1> : tensor<bf16>
  %r = dfg.mul %a, %b : (tensor<2x3xbf16>, tensor<bf16>) -> tensor<2x3xbf16>
  func.return %r : tensor<2x3xbf16>
}
"""


def test_fold_limit_option():
    expected = dfc.interpret(dfc.parse_mlir(FOLD_TEXT), [])
    below = canonicalize(dfc.parse_mlir(FOLD_TEXT), fold_limit=5)
    assert count_ops(below, "dfg.mul") == 1
    at = canonicalize(dfc.parse_mlir(FOLD_TEXT), fold_limit=6)
    assert count_ops(at, "dfg.mul") == 0
    assert count_ops(at, "dfg.constant") == 1
    assert_bitwise_equal(expected, dfc.interpret(at, []))
    assert DfcCanonicalizePass().fold_limit == 1024


def test_fold_limit_from_pipeline_text():
    (pass_,) = parse_pipeline("builtin.module(canonicalize{fold-limit=5})").passes
    assert isinstance(pass_, DfcCanonicalizePass) and pass_.fold_limit == 5
    options = {o.name: o for o in get_pass_option_infos(DfcCanonicalizePass)}
    assert options["fold_limit"].expected_type == "int"
    assert options["fold_limit"].default_value == "1024"


def test_bf16_fold_is_bit_exact():
    """1000 finite bf16 values spread over the encoding, tripled: the folded
    literal holds the interpreter's bits, also after printing and parsing."""
    bits = np.arange(0, 1 << 16, 97, dtype=np.uint16).view(ml_dtypes.bfloat16)
    magnitude = np.abs(bits.astype(np.float32))
    values = bits[magnitude < 1e37][:1000]  # finite also when tripled
    items = ", ".join(repr(float(v)) for v in values)
    n = values.size
    text = f"""
func.func @main(%x: tensor<{n}xbf16>) -> tensor<{n}xbf16> {{
  %c = dfg.constant dense<[{items}]> : tensor<{n}xbf16>
  %k = dfg.constant dense<3.0> : tensor<bf16>
  %m = dfg.mul %c, %k : (tensor<{n}xbf16>, tensor<bf16>) -> tensor<{n}xbf16>
  %r = dfg.add %m, %x : (tensor<{n}xbf16>, tensor<{n}xbf16>) -> tensor<{n}xbf16>
  func.return %r : tensor<{n}xbf16>
}}
"""
    x = np.zeros(n, dtype=ml_dtypes.bfloat16)
    expected = dfc.interpret(dfc.parse_mlir(text), [x])
    assert np.isfinite(expected[0].astype(np.float32)).all()
    module = canonicalize(dfc.parse_mlir(text))
    assert count_ops(module, "dfg.mul") == 0  # folded: n <= 1024, all finite
    reparsed = dfc.parse_mlir(dfc.print_mlir(module))
    assert_bitwise_equal(expected, dfc.interpret(reparsed, [x]))


def test_non_finite_results_are_not_folded():
    text = """
func.func @main() -> tensor<2xf32> {
  %c = dfg.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %r = dfg.log %c : (tensor<2xf32>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}
"""
    module = canonicalize(dfc.parse_mlir(text))
    assert count_ops(module, "dfg.log") == 1


def test_registry_and_docstring():
    assert PASSES["canonicalize"]() is DfcCanonicalizePass
    doc = DfcCanonicalizePass.__doc__ or ""
    summary, _, rest = doc.strip().partition("\n")
    assert summary.endswith(".") and "```mlir" in rest
    assert len(DFG_CANONICALIZATION_PATTERNS) >= 12
