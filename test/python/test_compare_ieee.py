"""Comparisons compiled and simulated with IEEE semantics (one
`cmp.<predicate>` stage, bitstream format 1.1): NaN is unequal to everything,
itself included, and equal infinities are equal. Checked against numpy on
values that the former `max`/`sub`/`select` expansion got wrong (`inf - inf`
is NaN), and on the `IsNaN` and fully-masked-attention patterns of the ONNX
backend tests."""

from __future__ import annotations

import numpy as np
import pytest

import dfc

VALUES = np.array(
    [-np.inf, -3.5, -0.0, 0.0, 1.0, 2.5, np.inf, np.nan, 3.4e38, -3.4e38],
    dtype=np.float32,
)
PREDICATES = {
    "lt": np.less,
    "le": np.less_equal,
    "gt": np.greater,
    "ge": np.greater_equal,
    "eq": np.equal,
    "ne": np.not_equal,
}


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_every_predicate_on_special_values(chip: str) -> None:
    a, b = np.meshgrid(VALUES, VALUES)
    a = a.reshape(-1).astype(np.float32)
    b = b.reshape(-1).astype(np.float32)
    n = a.size
    results = ", ".join(f"tensor<{n}xi1>" for _ in PREDICATES)
    body = "\n".join(
        f'  %{p} = dfg.compare %a, %b {{predicate = "{p}"}} : '
        f"(tensor<{n}xf32>, tensor<{n}xf32>) -> tensor<{n}xi1>"
        for p in PREDICATES
    )
    names = ", ".join(f"%{p}" for p in PREDICATES)
    text = (
        f"func.func @main(%a: tensor<{n}xf32>, %b: tensor<{n}xf32>) -> ({results}) {{\n"
        f"{body}\n  func.return {names} : {results}\n}}\n"
    )
    artifact = dfc.compile(dfc.parse_mlir(text), chip=chip)
    outputs = artifact.run([a, b])
    for (name, predicate), actual in zip(PREDICATES.items(), outputs, strict=True):
        expected = predicate(a, b)
        wrong = np.flatnonzero(actual != expected)
        assert wrong.size == 0, (
            f"{name}: {[(float(a[i]), float(b[i]), bool(actual[i])) for i in wrong[:5]]}"
        )


def test_isnan_pattern() -> None:
    """ONNX IsNaN imports as `x != x`: true only for NaN, not for infinities."""
    text = """
    func.func @main(%x: tensor<6xf32>) -> tensor<6xi1> {
      %0 = dfg.compare %x, %x {predicate = "ne"} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xi1>
      func.return %0 : tensor<6xi1>
    }
    """
    x = np.array([-1.2, np.nan, np.inf, 2.8, -np.inf, np.inf], dtype=np.float32)
    (y,) = dfc.compile(dfc.parse_mlir(text), chip="tiny").run([x])
    np.testing.assert_array_equal(y, np.isnan(x))


def test_fully_masked_row_is_zero_not_nan() -> None:
    """The ONNX Attention expansion zeroes the softmax of a row whose mask is
    all -inf by testing `max(mask row) == -inf`: that must hold for -inf."""
    text = """
    func.func @main(%m: tensor<2x3xf32>, %p: tensor<2x3xf32>, %ninf: tensor<1xf32>) -> tensor<2x3xf32> {
      %zero = dfg.constant dense<0.0> : tensor<1xf32>
      %mx = dfg.reduce_max %m {keepdims = true, axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
      %c = dfg.compare %mx, %ninf {predicate = "eq"} : (tensor<2x1xf32>, tensor<1xf32>) -> tensor<2x1xi1>
      %r = dfg.where %c, %zero, %p : (tensor<2x1xi1>, tensor<1xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
      func.return %r : tensor<2x3xf32>
    }
    """
    module = dfc.parse_mlir(text)
    m = np.array([[0.0, -np.inf, 0.0], [-np.inf, -np.inf, -np.inf]], dtype=np.float32)
    p = np.array([[0.5, 0.25, 0.25], [np.nan, np.nan, np.nan]], dtype=np.float32)
    # -inf as an input: xDSL reads the printed literal 0xFF800000 as an integer
    ninf = np.array([-np.inf], dtype=np.float32)
    (expected,) = dfc.interpret(module, [m, p, ninf])
    (actual,) = dfc.compile(module, chip="tiny").run([m, p, ninf])
    np.testing.assert_array_equal(expected, [[0.5, 0.25, 0.25], [0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(actual, expected)
