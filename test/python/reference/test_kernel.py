"""`dfg.kernel`: the interpreter runs the body on the operands and returns what
`dfg.yield` yields; compared with the same computation written in plain numpy
and explicit loops."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dfc
from dfc.backends.reference import InterpreterError
from dfc.dialects.dfg import StructuredOpInterface
from dfc.dialects.dfg.kernel import KernelOp, YieldOp


def ttype(shape, element="f32") -> str:
    dims = "".join(f"{d}x" for d in shape)
    return f"tensor<{dims}{element}>"


# Rank >= 1: on rank-0 tensors the elementwise ops in the body currently return
# numpy scalars that `evaluate` rejects (reported; not a kernel issue).
shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**16))
def test_fused_add_relu_mul(shape, seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape).astype(np.float32)
    b = rng.standard_normal(shape).astype(np.float32)
    t = ttype(shape)
    text = f"""
func.func @main(%a: {t}, %b: {t}) -> {t} {{
  %k = dfg.kernel @k0 ins(%a, %b : {t}, {t}) -> {t} {{
  ^bb0(%x: {t}, %y: {t}):
    %s = dfg.add %x, %y : ({t}, {t}) -> {t}
    %r = dfg.relu %s : ({t}) -> {t}
    %m = dfg.mul %r, %x : ({t}, {t}) -> {t}
    dfg.yield %m : {t}
  }}
  func.return %k : {t}
}}
"""
    (out,) = dfc.interpret(dfc.parse_mlir(text), [a, b])
    expected = np.empty(shape, np.float32)
    for i in np.ndindex(*shape):
        s = np.float32(a[i] + b[i])
        expected[i] = (s if s > 0 else np.float32(0)) * a[i]
    np.testing.assert_array_equal(out, expected)


@settings(max_examples=25, deadline=None)
@given(rows=st.integers(1, 4), cols=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_multiple_results_and_operand_passthrough(rows, cols, seed):
    x = np.random.default_rng(seed).integers(-50, 50, (rows, cols)).astype(np.int32)
    t, tt = ttype((rows, cols), "i32"), ttype((cols, rows), "i32")
    text = f"""
func.func @main(%a: {t}) -> ({tt}, {t}, {t}) {{
  %k:3 = dfg.kernel ins(%a : {t}) -> ({tt}, {t}, {t}) {{
  ^bb0(%x: {t}):
    %tr = dfg.transpose %x {{perm = array<i64: 1, 0>}} : ({t}) -> {tt}
    %n = dfg.neg %x : ({t}) -> {t}
    dfg.yield %tr, %x, %n : {tt}, {t}, {t}
  }}
  func.return %k#0, %k#1, %k#2 : {tt}, {t}, {t}
}}
"""
    transposed, same, negated = dfc.interpret(dfc.parse_mlir(text), [x])
    for i in range(rows):
        for j in range(cols):
            assert transposed[j, i] == x[i, j]
            assert same[i, j] == x[i, j]
            assert negated[i, j] == -x[i, j]


def test_kernel_without_operands_and_nested_kernels():
    text = """
func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {
  %c = dfg.kernel @consts ins() -> tensor<2xf32> {
    %v = dfg.constant dense<[1.5, -2.0]> : tensor<2xf32>
    dfg.yield %v : tensor<2xf32>
  }
  %k = dfg.kernel @outer ins(%a, %c : tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%x: tensor<2xf32>, %y: tensor<2xf32>):
    %inner = dfg.kernel @inner ins(%x : tensor<2xf32>) -> tensor<2xf32> {
    ^bb0(%z: tensor<2xf32>):
      %d = dfg.add %z, %z : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
      dfg.yield %d : tensor<2xf32>
    }
    %s = dfg.sub %inner, %y : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    dfg.yield %s : tensor<2xf32>
  }
  func.return %k : tensor<2xf32>
}
"""
    (out,) = dfc.interpret(dfc.parse_mlir(text), [np.array([1.0, 3.0], np.float32)])
    # 2 * a - [1.5, -2.0]
    np.testing.assert_array_equal(out, np.array([0.5, 8.0], np.float32))


def test_errors_inside_the_body_propagate():
    text = """
func.func @main(%t: tensor<3xf32>, %i: tensor<1xi64>) -> tensor<1xf32> {
  %k = dfg.kernel ins(%t, %i : tensor<3xf32>, tensor<1xi64>) -> tensor<1xf32> {
  ^bb0(%x: tensor<3xf32>, %j: tensor<1xi64>):
    %g = dfg.gather %x, %j : (tensor<3xf32>, tensor<1xi64>) -> tensor<1xf32>
    dfg.yield %g : tensor<1xf32>
  }
  func.return %k : tensor<1xf32>
}
"""
    module = dfc.parse_mlir(text)
    t = np.zeros(3, np.float32)
    np.testing.assert_array_equal(dfc.interpret(module, [t, np.array([-3])]), [[0]])
    with pytest.raises(InterpreterError, match="out of range"):
        dfc.interpret(module, [t, np.array([3])])


def test_structure_accessors():
    text = """
func.func @main(%a: tensor<4xbf16>) -> tensor<4xbf16> {
  %k = dfg.kernel @k7 ins(%a : tensor<4xbf16>) -> tensor<4xbf16> attributes {stage = 2 : i64} {
  ^bb0(%x: tensor<4xbf16>):
    dfg.yield %x : tensor<4xbf16>
  }
  func.return %k : tensor<4xbf16>
}
"""
    module = dfc.parse_mlir(text)
    kernel = next(op for op in module.walk() if isinstance(op, KernelOp))
    assert kernel.sym_name is not None and kernel.sym_name.data == "k7"
    assert "stage" in kernel.attributes
    assert isinstance(kernel.yield_op(), YieldOp)
    assert kernel.yield_op().values[0] is kernel.block.args[0]
    # A kernel is a region holder, not a structured op.
    assert not isinstance(kernel, StructuredOpInterface)
    assert YieldOp.IS_TERMINATOR_YIELD
    x = np.array([1, 2, 3, 4], np.float32)
    (out,) = dfc.interpret(module, [x])
    np.testing.assert_array_equal(out.astype(np.float32), x)
