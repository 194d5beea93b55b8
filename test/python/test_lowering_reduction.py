"""Numerics of the reduction and normalization lowerings
(`passes/lowering/reduction.py`, `normalization.py`) on tiny and sn40l against
the reference interpreter."""

from __future__ import annotations

import pytest
from core_lowering_util import check, compile_su

from dfc.dialects.su import PcuOp, SectionOp

CHIPS = ("tiny", "sn40l")


def reduce_text(
    op: str,
    shape: tuple[int, ...],
    axes: tuple[int, ...],
    keepdims: bool,
    dtype: str = "f32",
) -> str:
    out = (
        [1 if k in axes else d for k, d in enumerate(shape)]
        if keepdims
        else [d for k, d in enumerate(shape) if k not in axes]
    )
    ti = f"tensor<{'x'.join(map(str, shape))}x{dtype}>"
    to = f"tensor<{'x'.join(map(str, out))}x{dtype}>" if out else f"tensor<{dtype}>"
    ax = ", ".join(map(str, axes))
    return f"""func.func @main(%x: {ti}) -> {to} {{
  %r = dfg.{op} %x {{axes = array<i64: {ax}>, keepdims = {str(keepdims).lower()}}} : ({ti}) -> {to}
  func.return %r : {to}
}}"""


@pytest.mark.parametrize("chip", CHIPS)
@pytest.mark.parametrize(
    "op", ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min"]
)
@pytest.mark.parametrize(
    "shape,axes",
    [
        ((3, 5, 7), (2,)),
        ((3, 5, 7), (1,)),
        ((3, 5, 7), (0, 2)),
        ((4, 9), (0, 1)),
        ((2, 3, 1, 5), (0, 3)),
    ],
)
def test_reduce(op: str, shape, axes, chip: str) -> None:  # type: ignore[no-untyped-def]
    check(reduce_text(op, shape, axes, keepdims=True), chip)
    check(reduce_text(op, shape, axes, keepdims=False), chip)


@pytest.mark.parametrize("chip", CHIPS)
def test_reduce_bf16_and_int(chip: str) -> None:
    check(reduce_text("reduce_sum", (6, 33), (1,), False, "bf16"), chip, dtype="bf16")
    check(reduce_text("reduce_max", (6, 33), (0,), False, "i32"), chip)
    check(reduce_text("reduce_sum", (6, 33), (1,), False, "i32"), chip)


def norm_text(
    op: str, shape: str, axis: int, params: str = "", dtype: str = "f32"
) -> str:
    t = f"tensor<{shape}x{dtype}>"
    last = shape.split("x")[axis:]
    pt = f"tensor<{'x'.join(last)}x{dtype}>"
    args = "".join(f", %{p}: {pt}" for p in params.split())
    kw = "".join(f" {'scale' if p == 'g' else 'bias'} %{p}" for p in params.split())
    types = "".join(f", {pt}" for p in params.split())
    return f"""func.func @main(%x: {t}{args}) -> {t} {{
  %r = dfg.{op} %x{kw} {{axis = {axis} : i64}} : ({t}{types}) -> {t}
  func.return %r : {t}
}}"""


@pytest.mark.parametrize("chip", CHIPS)
@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
@pytest.mark.parametrize("axis", [-1, 1, 0])
def test_softmax(op: str, axis: int, chip: str) -> None:
    check(norm_text(op, "3x5x7", axis), chip)


@pytest.mark.parametrize("chip", CHIPS)
@pytest.mark.parametrize("params", ["", "g", "g b"])
def test_layer_norm(params: str, chip: str) -> None:
    check(norm_text("layer_norm", "3x10", -1, params), chip)
    check(norm_text("layer_norm", "2x3x5", 1, params), chip)


@pytest.mark.parametrize("chip", CHIPS)
@pytest.mark.parametrize("params", ["", "g"])
def test_rms_norm(params: str, chip: str) -> None:
    check(norm_text("rms_norm", "4x9", -1, params), chip)


@pytest.mark.parametrize("chip", CHIPS)
def test_bf16_normalizations(chip: str) -> None:
    check(norm_text("softmax", "4x12", -1, dtype="bf16"), chip, dtype="bf16")
    check(norm_text("layer_norm", "4x12", -1, "g b", dtype="bf16"), chip, dtype="bf16")


def test_softmax_is_three_sections() -> None:
    su = compile_su(norm_text("softmax", "4x8", -1), "tiny")
    sections = [op for op in su.body.block.ops if isinstance(op, SectionOp)]
    assert len(sections) == 3
    templates = [
        u.template.data for s in sections for u in s.walk() if isinstance(u, PcuOp)
    ]
    assert templates.count("reduce") == 2


def test_gpt2_sized_rows_on_sn40l() -> None:
    # 64 rows of 768: layer_norm with scale and bias, then softmax over the
    # rows and a mean; odd row counts for the lanes (768 = 24 x 32)
    text = """func.func @main(%x: tensor<64x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>) -> (tensor<64x768xf32>, tensor<768xf32>) {
  %n = dfg.layer_norm %x scale %g bias %b {axis = -1 : i64} : (tensor<64x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<64x768xf32>
  %s = dfg.softmax %n {axis = 0 : i64} : (tensor<64x768xf32>) -> tensor<64x768xf32>
  %m = dfg.reduce_mean %n {axes = array<i64: 0>, keepdims = false} : (tensor<64x768xf32>) -> tensor<768xf32>
  func.return %s, %m : tensor<64x768xf32>, tensor<768xf32>
}"""
    check(text, "sn40l")
