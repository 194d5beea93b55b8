"""Numerics of the elementwise lowering (`passes/lowering/elementwise.py`):
dfg-compile-graph + convert-dfg-to-su, simulated on tiny and sn40l, against
the reference interpreter."""

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


def unary(op: str, shape: str = "5x7", dtype: str = "f32", attrs: str = "") -> str:
    t = f"tensor<{shape}x{dtype}>"
    return f"""func.func @main(%x: {t}) -> {t} {{
  %r = dfg.{op} %x {attrs} : ({t}) -> {t}
  func.return %r : {t}
}}"""


def binary(
    op: str,
    a: str,
    b: str,
    out: str,
    dtype: str = "f32",
    attrs: str = "",
    rdtype: str | None = None,
) -> str:
    ta, tb, to = (
        f"tensor<{a}x{dtype}>",
        f"tensor<{b}x{dtype}>",
        f"tensor<{out}x{rdtype or dtype}>",
    )
    return f"""func.func @main(%a: {ta}, %b: {tb}) -> {to} {{
  %r = dfg.{op} %a, %b {attrs} : ({ta}, {tb}) -> {to}
  func.return %r : {to}
}}"""


UNARY = ["neg", "abs", "exp", "tanh", "erf", "sigmoid", "relu", "gelu"]
POSITIVE = ["log", "sqrt", "rsqrt", "reciprocal"]


@pytest.mark.parametrize("chip", CHIPS)
@pytest.mark.parametrize("op", UNARY + POSITIVE)
def test_unary_f32(op: str, chip: str) -> None:
    check(unary(op), chip, positive=op in POSITIVE)


@pytest.mark.parametrize("chip", CHIPS)
def test_gelu_tanh_and_clip(chip: str) -> None:
    check(unary("gelu", attrs='{approximate = "tanh"}'), chip)
    check(unary("clip", attrs="{min = -0.5 : f32, max = 0.25 : f32}"), chip)
    check(unary("clip", attrs="{min = 0.0 : f32}"), chip)


@pytest.mark.parametrize("chip", CHIPS)
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "max", "min"])
def test_binary_broadcast(op: str, chip: str) -> None:
    # odd sizes (not multiples of the lanes), both operands broadcast
    check(binary(op, "3x1x7", "5x1", "3x5x7"), chip)
    check(binary(op, "37", "37", "37"), chip)


@pytest.mark.parametrize("chip", CHIPS)
@pytest.mark.parametrize("pred", ["lt", "le", "gt", "ge", "eq", "ne"])
def test_compare(pred: str, chip: str) -> None:
    text = binary(
        "compare", "4x6", "6", "4x6", attrs=f'{{predicate = "{pred}"}}', rdtype="i1"
    )
    rng = np.random.default_rng(1)
    a = rng.integers(-2, 3, (4, 6)).astype(np.float32)  # equal values occur
    b = rng.integers(-2, 3, (6,)).astype(np.float32)
    check(text, chip, inputs=[a, b])


@pytest.mark.parametrize("chip", CHIPS)
def test_where_and_logic(chip: str) -> None:
    text = """func.func @main(%c: tensor<4x6xi1>, %d: tensor<6xi1>, %a: tensor<4x6xf32>, %b: tensor<f32>) -> tensor<4x6xf32> {
  %e = dfg.and %c, %d : (tensor<4x6xi1>, tensor<6xi1>) -> tensor<4x6xi1>
  %f = dfg.not %e : (tensor<4x6xi1>) -> tensor<4x6xi1>
  %g = dfg.or %f, %d : (tensor<4x6xi1>, tensor<6xi1>) -> tensor<4x6xi1>
  %r = dfg.where %g, %a, %b : (tensor<4x6xi1>, tensor<4x6xf32>, tensor<f32>) -> tensor<4x6xf32>
  func.return %r : tensor<4x6xf32>
}"""
    check(text, chip)


@pytest.mark.parametrize("chip", CHIPS)
def test_cast_and_pow(chip: str) -> None:
    text = """func.func @main(%x: tensor<3x5xf32>) -> (tensor<3x5xi32>, tensor<3x5xi1>, tensor<3x5xf32>, tensor<3x5xf32>) {
  %s = dfg.mul %x, %x : (tensor<3x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  %t = dfg.constant dense<4.0> : tensor<f32>
  %u = dfg.mul %s, %t : (tensor<3x5xf32>, tensor<f32>) -> tensor<3x5xf32>
  %i = dfg.cast %u : (tensor<3x5xf32>) -> tensor<3x5xi32>
  %b = dfg.cast %i : (tensor<3x5xi32>) -> tensor<3x5xi1>
  %three = dfg.constant dense<3.0> : tensor<f32>
  %p = dfg.pow %x, %three : (tensor<3x5xf32>, tensor<f32>) -> tensor<3x5xf32>
  %m = dfg.constant dense<-2.0> : tensor<f32>
  %q = dfg.pow %x, %m : (tensor<3x5xf32>, tensor<f32>) -> tensor<3x5xf32>
  func.return %i, %b, %p, %q : tensor<3x5xi32>, tensor<3x5xi1>, tensor<3x5xf32>, tensor<3x5xf32>
}"""
    check(text, chip)


@pytest.mark.parametrize("chip", CHIPS)
def test_integer_arithmetic(chip: str) -> None:
    text = binary("div", "4x6", "6", "4x6", dtype="i32")
    rng = np.random.default_rng(2)
    a = rng.integers(-50, 50, (4, 6)).astype(np.int32)
    b = rng.integers(1, 7, (6,)).astype(np.int32) * rng.choice([-1, 1], 6).astype(
        np.int32
    )
    check(text, chip, inputs=[a, b])


@pytest.mark.parametrize("chip", CHIPS)
def test_bf16_chain(chip: str) -> None:
    text = """func.func @main(%x: tensor<6x10xbf16>, %y: tensor<10xbf16>) -> tensor<6x10xbf16> {
  %a = dfg.mul %x, %y : (tensor<6x10xbf16>, tensor<10xbf16>) -> tensor<6x10xbf16>
  %b = dfg.gelu %a : (tensor<6x10xbf16>) -> tensor<6x10xbf16>
  %c = dfg.add %b, %x : (tensor<6x10xbf16>, tensor<6x10xbf16>) -> tensor<6x10xbf16>
  func.return %c : tensor<6x10xbf16>
}"""
    check(text, chip, dtype="bf16")


@pytest.mark.parametrize("chip", CHIPS)
def test_mlp_example_fuses_into_one_section(chip: str) -> None:
    with open("examples/mlp.mlir") as f:
        text = f.read()
    su, _ = check(text, chip)
    sections = [op for op in su.body.block.ops if op.name == "su.section"]
    assert len(sections) == 1
    stages = max(len(u.stages.data) for u in sections[0].walk() if isinstance(u, PcuOp))
    limit = 3 if chip == "tiny" else 6
    assert stages <= limit


def test_large_elementwise_streams_without_buffers() -> None:
    # 768 x 3072: a counter chain walks the whole tensor, no PMU needed
    t = "tensor<768x3072xf32>"
    text = f"""func.func @main(%x: {t}, %b: tensor<3072xf32>) -> {t} {{
  %a = dfg.add %x, %b : ({t}, tensor<3072xf32>) -> {t}
  %g = dfg.gelu %a : ({t}) -> {t}
  func.return %g : {t}
}}"""
    su = compile_su(text, "sn40l")
    units = [
        op.name
        for op in su.walk()
        if op.name.startswith("su.p") or op.name == "su.agcu"
    ]
    assert "su.pmu" not in units
    assert units.count("su.agcu") >= 3


def test_parallel_tile_replicates_units() -> None:
    # par = 4 on a 64-row op: four row blocks, each its own load, PCU and store
    t = "tensor<64x512xf32>"
    module = dfc.parse_mlir(
        f"""func.func @main(%x: {t}) -> {t} {{
  %a = dfg.exp %x {{tile = #dfg.tile<[16, 512], par = 4>}} : ({t}) -> {t}
  func.return %a : {t}
}}"""
    )
    su = lower_module(module, load_chip("sn40l"))
    assert len([op for op in su.walk() if isinstance(op, PcuOp)]) == 4
    assert len([op for op in su.walk() if isinstance(op, AgcuOp)]) == 8
    x = np.random.default_rng(0).standard_normal((64, 512)).astype(np.float32)
    got = dfc.simulate(module_to_program(su), [x]).outputs[0]
    np.testing.assert_allclose(got, np.exp(x), rtol=1e-6)


def test_replicas_split_the_first_dimension_larger_than_one() -> None:
    """A batch of one image `[1, C, H, W]`: the replicas split the channels (a
    split of the size-1 batch would leave one unit doing all the work), with a
    per-channel bias broadcast along the rows of each replica."""
    t = "tensor<1x6x5x7xf32>"
    b = "tensor<1x6x1x1xf32>"
    module = dfc.parse_mlir(
        f"""func.func @main(%x: {t}, %b: {b}, %y: {t}) -> {t} {{
  %a = dfg.add %x, %b {{tile = #dfg.tile<[1, 2, 5, 7], par = 3>}} : ({t}, {b}) -> {t}
  %r = dfg.relu %a {{tile = #dfg.tile<[1, 2, 5, 7], par = 3>}} : ({t}) -> {t}
  %s = dfg.add %r, %y {{tile = #dfg.tile<[1, 2, 5, 7], par = 3>}} : ({t}, {t}) -> {t}
  func.return %s : {t}
}}"""
    )
    su = lower_module(module, load_chip("sn40l"))
    stores = [op for op in su.walk() if isinstance(op, AgcuOp) and "st" in op.sym_name.data]
    assert len(stores) == 3
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 6, 5, 7)).astype(np.float32)
    bias = rng.standard_normal((1, 6, 1, 1)).astype(np.float32)
    y = rng.standard_normal((1, 6, 5, 7)).astype(np.float32)
    got = dfc.simulate(module_to_program(su), [x, bias, y]).outputs[0]
    np.testing.assert_allclose(got, np.maximum(x + bias, 0) + y, rtol=1e-6)
