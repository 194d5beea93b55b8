"""`dfg.conv2d` (im2col walks into systolic matmuls) and the pools lowered by
`passes/lowering/conv.py`, simulated and compared with the interpreter."""

from __future__ import annotations

from functools import partial as _partial

import pytest
from lowering_util import lower_and_compare, through_placement

from dfc.dialects.su import MemoryOp, PcuOp
from dfc.passes.lowering.base import lower_module as _lower_module

UNFUSED = _partial(_lower_module, epilogues=False)
"""The lowering without matmul epilogues (the baseline the fused one beats)."""


def conv_text(x, w, y, attrs="", bias=None, dtype="f32"):  # type: ignore[no-untyped-def]
    b_arg = f", %b: tensor<{bias}x{dtype}>" if bias else ""
    b_use = ", %b" if bias else ""
    b_type = f", tensor<{bias}x{dtype}>" if bias else ""
    attr = f" {{{attrs}}}" if attrs else ""
    return f"""
func.func @main(%x: tensor<{x}x{dtype}>, %w: tensor<{w}x{dtype}>{b_arg}) -> tensor<{y}x{dtype}> {{
  %y = dfg.conv2d %x, %w{b_use}{attr} : (tensor<{x}x{dtype}>, tensor<{w}x{dtype}>{b_type}) -> tensor<{y}x{dtype}>
  func.return %y : tensor<{y}x{dtype}>
}}
"""


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_conv_plain(chip):  # type: ignore[no-untyped-def]
    lower_and_compare(conv_text("1x3x6x6", "4x3x3x3", "1x4x4x4"), chip)


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_conv_stride2_padding_bias(chip):  # type: ignore[no-untyped-def]
    """Stride 2 with padding 1: a padded scratch (zero init) and the bias added
    by a map unit per piece."""
    su, _ = lower_and_compare(
        conv_text(
            "2x3x9x9",
            "5x3x3x3",
            "2x5x5x5",
            "strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>",
            bias="5",
        ),
        chip,
    )
    scratch = [
        op for op in su.walk() if isinstance(op, MemoryOp) and op.role.data == "scratch"
    ]
    assert [tuple(op.tensor_type.get_shape()) for op in scratch] == [(2, 3, 11, 11)]


def test_conv_asymmetric_pads_dilation():  # type: ignore[no-untyped-def]
    lower_and_compare(
        conv_text(
            "1x2x7x8",
            "3x2x2x3",
            "1x3x6x4",
            "pads = array<i64: 0, 2, 1, 0>, dilations = array<i64: 2, 1>, strides = array<i64: 1, 2>",
        ),
        "tiny",
    )


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_conv_groups_and_depthwise(chip):  # type: ignore[no-untyped-def]
    lower_and_compare(
        conv_text(
            "1x4x5x5",
            "6x2x3x3",
            "1x6x5x5",
            "groups = 2 : i64, pads = array<i64: 1, 1, 1, 1>",
        ),
        chip,
    )
    lower_and_compare(
        conv_text("2x3x6x6", "3x1x3x3", "2x3x4x4", "groups = 3 : i64", bias="3"), chip
    )


def test_conv_bf16():  # type: ignore[no-untyped-def]
    lower_and_compare(
        conv_text(
            "1x8x10x10",
            "16x8x3x3",
            "1x16x5x5",
            "strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>",
            bias="16",
            dtype="bf16",
        ),
        "sn40l",
        dtype="bf16",
    )


def test_conv_is_one_matmul_per_region():  # type: ignore[no-untyped-def]
    """ow = 4 fits one M tile, 4 output channels one 32 x 6 tile on sn40l."""
    su, _ = lower_and_compare(conv_text("1x3x6x6", "4x3x3x3", "1x4x4x4"), "sn40l")
    mms = [
        op for op in su.walk() if isinstance(op, PcuOp) and op.template.data == "matmul"
    ]
    assert [tuple(int(v) for v in op.tile.get_values()) for op in mms] == [(4, 4, 27)]


def pool_text(op, x, y, attrs="", dtype="f32"):  # type: ignore[no-untyped-def]
    attr = f" {{{attrs}}}" if attrs else ""
    return f"""
func.func @main(%x: tensor<{x}x{dtype}>) -> tensor<{y}x{dtype}> {{
  %y = dfg.{op} %x{attr} : (tensor<{x}x{dtype}>) -> tensor<{y}x{dtype}>
  func.return %y : tensor<{y}x{dtype}>
}}
"""


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
@pytest.mark.parametrize(
    "op,x,y,attrs",
    [
        (
            "max_pool2d",
            "1x3x8x8",
            "1x3x4x4",
            "kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>",
        ),
        (
            "max_pool2d",
            "2x2x7x7",
            "2x2x4x4",
            "kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>",
        ),
        (
            "max_pool2d",
            "1x2x7x7",
            "1x2x3x3",
            "kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 2, 2>",
        ),
        (
            "avg_pool2d",
            "1x3x8x8",
            "1x3x4x4",
            "kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>",
        ),
        (
            "avg_pool2d",
            "2x2x7x7",
            "2x2x4x4",
            "kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>",
        ),
        (
            "avg_pool2d",
            "1x2x7x7",
            "1x2x4x4",
            "kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = true",
        ),
        (
            "avg_pool2d",
            "1x2x6x6",
            "1x2x3x3",
            "kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, ceil_mode = true",
        ),
        (
            "max_pool2d",
            "1x2x6x6",
            "1x2x3x3",
            "kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, ceil_mode = true",
        ),
    ],
)
def test_pool2d(chip, op, x, y, attrs):  # type: ignore[no-untyped-def]
    lower_and_compare(pool_text(op, x, y, attrs), chip)


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
@pytest.mark.parametrize("op", ["global_max_pool", "global_avg_pool"])
def test_global_pool(chip, op):  # type: ignore[no-untyped-def]
    lower_and_compare(pool_text(op, "2x3x5x7", "2x3x1x1"), chip)


def test_pool_bf16():  # type: ignore[no-untyped-def]
    lower_and_compare(
        pool_text(
            "avg_pool2d",
            "1x4x6x6",
            "1x4x3x3",
            "kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>",
            "bf16",
        ),
        "sn40l",
        dtype="bf16",
    )
    lower_and_compare(
        pool_text("global_max_pool", "1x4x6x6", "1x4x1x1", "", "bf16"),
        "tiny",
        dtype="bf16",
    )


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_conv_and_pool_survive_partition_place_route(chip):  # type: ignore[no-untyped-def]
    through_placement(
        conv_text(
            "1x3x9x9",
            "5x3x3x3",
            "1x5x5x5",
            "strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>",
            bias="5",
        ),
        chip,
    )
    through_placement(
        pool_text(
            "avg_pool2d",
            "1x2x7x7",
            "1x2x4x4",
            "kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>",
        ),
        chip,
    )


CONV_EPILOGUE = """
func.func @main(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %s: tensor<4x1x1xf32>, %r: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %y = dfg.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>{attr}} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %m = dfg.mul %y, %s : (tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %a = dfg.add %m, %r : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %z = dfg.relu %a : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  func.return %z : tensor<1x4x8x8xf32>
}
"""


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
@pytest.mark.parametrize(
    "attr", ["", ", tile = #dfg.tile<[1, 4, 8, 8, 3, 3, 3], par = 3>"]
)
def test_conv_epilogue_fused(chip, attr):  # type: ignore[no-untyped-def]
    """A per-channel scale (folded batch norm), a residual add and relu run on
    the conv's tile pieces: the padding section and one compute section."""
    from dfc.passes.lowering.base import lower_module

    text = CONV_EPILOGUE.replace("{attr}", attr)
    fused, _ = lower_and_compare(text, chip, lower=lower_module)
    plain, _ = lower_and_compare(text, chip, lower=UNFUSED)
    count = [
        len([op for op in su.walk() if op.name == "su.section"])
        for su in (fused, plain)
    ]
    assert count[0] == 2 and count[0] < count[1]
