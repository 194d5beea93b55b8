"""Numerics of the movement lowerings (`passes/lowering/movement.py`) and of
programs mixing families, on tiny and sn40l against the reference
interpreter."""

from __future__ import annotations

import numpy as np
import pytest
from core_lowering_util import check, compile_su

import dfc
from dfc.backends.bitstream.su_codec import module_to_program
from dfc.backends.chip import load_chip
from dfc.dialects.su import AgcuOp, PcuOp
from dfc.passes.lowering.base import lower_module

CHIPS = ("tiny", "sn40l")

CASES = {
    "transpose": """func.func @main(%x: tensor<3x5x7xf32>) -> tensor<7x3x5xf32> {
  %r = dfg.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<3x5x7xf32>) -> tensor<7x3x5xf32>
  func.return %r : tensor<7x3x5xf32>
}""",
    "broadcast": """func.func @main(%x: tensor<5x1xf32>) -> tensor<3x5x7xf32> {
  %r = dfg.broadcast %x : (tensor<5x1xf32>) -> tensor<3x5x7xf32>
  func.return %r : tensor<3x5x7xf32>
}""",
    "slice": """func.func @main(%x: tensor<6x9xf32>) -> tensor<2x3xf32> {
  %r = dfg.slice %x {starts = array<i64: 1, 8>, ends = array<i64: 5, 0>, steps = array<i64: 2, -3>} : (tensor<6x9xf32>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}""",
    "concat": """func.func @main(%x: tensor<3x5xf32>, %y: tensor<3x2xf32>) -> tensor<3x7xf32> {
  %r = dfg.concat %x, %y {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x2xf32>) -> tensor<3x7xf32>
  func.return %r : tensor<3x7xf32>
}""",
    "pad": """func.func @main(%x: tensor<3x5xf32>) -> tensor<4x6xf32> {
  %r = dfg.pad %x {pads = array<i64: 2, -1, -1, 2>, mode = "constant", value = 1.5 : f32} : (tensor<3x5xf32>) -> tensor<4x6xf32>
  func.return %r : tensor<4x6xf32>
}""",
    "reshape": """func.func @main(%x: tensor<3x4xf32>) -> (tensor<2x6xf32>, tensor<3x4xf32>) {
  %r = dfg.reshape %x : (tensor<3x4xf32>) -> tensor<2x6xf32>
  %s = dfg.exp %r : (tensor<2x6xf32>) -> tensor<2x6xf32>
  %t = dfg.reshape %s : (tensor<2x6xf32>) -> tensor<3x4xf32>
  func.return %r, %t : tensor<2x6xf32>, tensor<3x4xf32>
}""",
}


@pytest.mark.parametrize("chip", CHIPS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_movement(name: str, chip: str) -> None:
    su, _ = check(CASES[name], chip)
    if name != "reshape":
        # pure DMA: no compute unit
        assert not [op for op in su.walk() if isinstance(op, PcuOp)]


@pytest.mark.parametrize("chip", CHIPS)
def test_transformer_block_mix(chip: str) -> None:
    # layer_norm -> transpose -> elementwise -> softmax -> reduce -> returned
    # argument and constant: every core family and the output copies
    text = """func.func @main(%x: tensor<4x6xf32>, %g: tensor<6xf32>) -> (tensor<6x4xf32>, tensor<6xf32>, tensor<4x6xf32>, tensor<3xf32>) {
  %n = dfg.layer_norm %x scale %g {axis = -1 : i64} : (tensor<4x6xf32>, tensor<6xf32>) -> tensor<4x6xf32>
  %t = dfg.transpose %n {perm = array<i64: 1, 0>} : (tensor<4x6xf32>) -> tensor<6x4xf32>
  %w = dfg.constant dense<[1.0, -2.0, 0.5, 3.0]> : tensor<4xf32>
  %m = dfg.mul %t, %w : (tensor<6x4xf32>, tensor<4xf32>) -> tensor<6x4xf32>
  %s = dfg.softmax %m {axis = 0 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %r = dfg.reduce_sum %s {axes = array<i64: 1>, keepdims = false} : (tensor<6x4xf32>) -> tensor<6xf32>
  %c = dfg.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  func.return %s, %r, %x, %c : tensor<6x4xf32>, tensor<6xf32>, tensor<4x6xf32>, tensor<3xf32>
}"""
    check(text, chip)
    check(text, chip, strategy="none")


def test_bf16_movement() -> None:
    text = CASES["transpose"].replace("f32", "bf16")
    check(text, "tiny", dtype="bf16")


def test_memories_and_roles() -> None:
    text = """func.func @main(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  %w = dfg.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : tensor<8xf32>
  %a = dfg.add %x, %w : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %t = dfg.transpose %a {perm = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
  func.return %t : tensor<8x4xf32>
}"""
    su = compile_su(text, "tiny")
    roles = {
        m.sym_name.data: m.role.data for m in su.body.block.ops if m.name == "su.memory"
    }
    assert roles["x"] == "input" and roles["out0"] == "output"
    assert sorted(roles.values()) == ["input", "output", "scratch", "weight"]
    assert all(
        op.attributes.get("at") is None for op in su.walk() if isinstance(op, AgcuOp)
    )


@pytest.mark.parametrize("chip", CHIPS)
def test_kernel_sections_forward_streams(chip: str) -> None:
    # exp then a row sum in one kernel: the reduction reads exp's result in
    # the order it was stored, so the stream is forwarded and no scratch or
    # second section remains; outside a kernel they stay apart
    body = """  %e = dfg.exp %a : (tensor<6x10xf32>) -> tensor<6x10xf32>
      %s = dfg.reduce_sum %e {axes = array<i64: 1>, keepdims = false} : (tensor<6x10xf32>) -> tensor<6xf32>"""
    kernel = f"""func.func @main(%x: tensor<6x10xf32>) -> tensor<6xf32> {{
  %r = dfg.kernel @k0 ins(%x : tensor<6x10xf32>) -> tensor<6xf32> {{
    ^bb0(%a: tensor<6x10xf32>):
    {body}
      dfg.yield %s : tensor<6xf32>
  }}
  func.return %r : tensor<6xf32>
}}"""
    plain = f"""func.func @main(%a: tensor<6x10xf32>) -> tensor<6xf32> {{
  {body}
  func.return %s : tensor<6xf32>
}}"""
    x = np.random.default_rng(0).standard_normal((6, 10)).astype(np.float32)
    counts = []
    for text in (kernel, plain):
        su = lower_module(dfc.parse_mlir(text), load_chip(chip))
        names = [op.name for op in su.body.block.ops]
        counts.append(names.count("su.section"))
        got = dfc.simulate(module_to_program(su), [x]).outputs[0]
        np.testing.assert_allclose(got, np.exp(x).sum(axis=1), rtol=1e-5)
        if text is kernel:
            roles = [op.role.data for op in su.body.block.ops if op.name == "su.memory"]
            assert "scratch" not in roles
    assert counts == [1, 2]
