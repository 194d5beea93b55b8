"""`dfg.matmul` / `dfg.batch_matmul` lowered to systolic matmul units
(`passes/lowering/linalg.py`), simulated functionally and compared with the
reference interpreter on `tiny` (4 x 3 array, 4 lanes) and `sn40l` (32 x 6)."""

from __future__ import annotations

from functools import partial as _partial

import pytest
from lowering_util import lower_and_compare, through_placement

from dfc.dialects.su import PcuOp
from dfc.passes.lowering.base import lower_module as _lower_module

UNFUSED = _partial(_lower_module, epilogues=False)
"""The lowering without matmul epilogues (the baseline the fused one beats)."""


def matmul_text(m, k, n, dtype="f32", ta=False, tb=False, tile=""):  # type: ignore[no-untyped-def]
    a = f"{k}x{m}" if ta else f"{m}x{k}"
    b = f"{n}x{k}" if tb else f"{k}x{n}"
    attrs = []
    if ta:
        attrs.append("transpose_a = true")
    if tb:
        attrs.append("transpose_b = true")
    if tile:
        attrs.append(f"tile = {tile}")
    attr = " {" + ", ".join(attrs) + "}" if attrs else ""
    return f"""
func.func @main(%a: tensor<{a}x{dtype}>, %b: tensor<{b}x{dtype}>) -> tensor<{m}x{n}x{dtype}> {{
  %c = dfg.matmul %a, %b{attr} : (tensor<{a}x{dtype}>, tensor<{b}x{dtype}>) -> tensor<{m}x{n}x{dtype}>
  func.return %c : tensor<{m}x{n}x{dtype}>
}}
"""


def pcus(su, template="matmul"):  # type: ignore[no-untyped-def]
    return [
        op for op in su.walk() if isinstance(op, PcuOp) and op.template.data == template
    ]


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
@pytest.mark.parametrize(
    "m,k,n",
    [(4, 8, 3), (8, 16, 6), (6, 8, 5), (1, 1, 1), (37, 19, 13), (64, 40, 48)],
)
def test_matmul_f32(chip, m, k, n):  # type: ignore[no-untyped-def]
    lower_and_compare(matmul_text(m, k, n), chip)


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_matmul_bf16(chip):  # type: ignore[no-untyped-def]
    lower_and_compare(matmul_text(33, 24, 10, "bf16"), chip, dtype="bf16")


@pytest.mark.parametrize("ta,tb", [(True, False), (False, True), (True, True)])
def test_matmul_transposes(ta, tb):  # type: ignore[no-untyped-def]
    lower_and_compare(matmul_text(7, 9, 5, ta=ta, tb=tb), "tiny")


def test_regions_cover_remainders():  # type: ignore[no-untyped-def]
    """6 x 5 on a 4 x 3 array: full tiles, the last rows, the last columns and
    the corner each get their own uniformly tiled unit."""
    su, _ = lower_and_compare(matmul_text(6, 8, 5), "tiny")
    tiles = sorted(tuple(int(v) for v in op.tile.get_values()) for op in pcus(su))
    assert tiles == [(2, 2, 8), (2, 3, 8), (4, 2, 8), (4, 3, 8)]


def test_par_replicates_units():  # type: ignore[no-untyped-def]
    """`par = 3` splits the 4 row tiles of a 16 x 3 product over 3 PCUs."""
    su, _ = lower_and_compare(
        matmul_text(16, 8, 3, tile="#dfg.tile<[4, 3, 8], par = 3>"), "tiny"
    )
    counts = sorted(int(op.counters.get_values()[1]) for op in pcus(su))
    assert counts == [1, 1, 2]


def test_tile_attribute_limits_tile():  # type: ignore[no-untyped-def]
    su, _ = lower_and_compare(
        matmul_text(8, 8, 6, tile="#dfg.tile<[2, 2, 8], par = 1>"), "sn40l"
    )
    assert {tuple(int(v) for v in op.tile.get_values()) for op in pcus(su)} == {
        (2, 2, 8)
    }


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
@pytest.mark.parametrize(
    "a,b,c",
    [
        ("3x5x7", "3x7x4", "3x5x4"),
        ("2x1x5x7", "3x7x4", "2x3x5x4"),  # broadcasting batch dims
        ("5x7", "2x7x4", "2x5x4"),  # rank-2 operand shared by every batch
    ],
)
def test_batch_matmul(chip, a, b, c):  # type: ignore[no-untyped-def]
    text = f"""
func.func @main(%a: tensor<{a}xf32>, %b: tensor<{b}xf32>) -> tensor<{c}xf32> {{
  %c = dfg.batch_matmul %a, %b : (tensor<{a}xf32>, tensor<{b}xf32>) -> tensor<{c}xf32>
  func.return %c : tensor<{c}xf32>
}}
"""
    lower_and_compare(text, chip)


def test_batch_matmul_bf16_transposed():  # type: ignore[no-untyped-def]
    text = """
func.func @main(%a: tensor<2x9x6xbf16>, %b: tensor<2x5x9xbf16>) -> tensor<2x6x5xbf16> {
  %c = dfg.batch_matmul %a, %b {transpose_a = true, transpose_b = true} : (tensor<2x9x6xbf16>, tensor<2x5x9xbf16>) -> tensor<2x6x5xbf16>
  func.return %c : tensor<2x6x5xbf16>
}
"""
    lower_and_compare(text, "sn40l", dtype="bf16")


def test_matmul_weight_constant():  # type: ignore[no-untyped-def]
    """A constant operand becomes a weight memory with its image."""
    text = """
func.func @main(%a: tensor<5x3xf32>) -> tensor<5x2xf32> {
  %w = dfg.constant dense<[[1.0, -2.0], [0.5, 3.0], [-1.5, 2.5]]> : tensor<3x2xf32>
  %c = dfg.matmul %a, %w : (tensor<5x3xf32>, tensor<3x2xf32>) -> tensor<5x2xf32>
  func.return %c : tensor<5x2xf32>
}
"""
    lower_and_compare(text, "tiny")


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_matmul_survives_partition_place_route(chip):  # type: ignore[no-untyped-def]
    """The matmul units go through su-partition, su-place and su-route (tiny
    has 2 AGCUs: the section is split) and still compute the product."""
    sections = through_placement(matmul_text(6, 8, 5), chip)
    assert sections >= (2 if chip == "tiny" else 1)


def test_integer_matmul():  # type: ignore[no-untyped-def]
    """i8 x i8 -> i32 (ONNX MatMulInteger) and i32, accumulated in i32."""
    import numpy as np

    rng = np.random.default_rng(5)
    a = rng.integers(-128, 128, (5, 7)).astype(np.int8)
    b = rng.integers(-128, 128, (7, 4)).astype(np.int8)
    text = """
func.func @main(%a: tensor<5x7xi8>, %b: tensor<7x4xi8>) -> tensor<5x4xi32> {
  %c = dfg.matmul %a, %b : (tensor<5x7xi8>, tensor<7x4xi8>) -> tensor<5x4xi32>
  func.return %c : tensor<5x4xi32>
}
"""
    lower_and_compare(text, "tiny", [a, b])
    x = rng.integers(-1000, 1000, (6, 3)).astype(np.int32)
    y = rng.integers(-1000, 1000, (3, 5)).astype(np.int32)
    lower_and_compare(matmul_text(6, 3, 5, "i32"), "sn40l", [x, y])


def test_i64_matmul_is_refused_with_the_op_named():  # type: ignore[no-untyped-def]
    import dfc
    from dfc.backends.chip import load_chip
    from dfc.dialects.diagnostics import DfcDiagnosticError
    from dfc.passes.lowering.base import lower_module

    text = matmul_text(4, 4, 4, "i64")
    with pytest.raises(DfcDiagnosticError) as info:
        lower_module(dfc.parse_mlir(text), load_chip("tiny"))
    assert "'dfg.matmul' on i64 cannot be lowered" in info.value.message
    assert "<string>:3:" in info.value.diagnostic().format()


EPILOGUE = """
func.func @main(%x: tensor<{m}x8x{t}>, %r: tensor<{m}x6x{t}>) -> (tensor<{m}x6x{t}>, tensor<{m}x6x{t}>) {{
  %w = dfg.constant dense<0.5> : tensor<8x6x{t}>
  %bias = dfg.constant dense<[1.0, -2.0, 0.5, 3.0, -1.5, 2.5]> : tensor<6x{t}>
  %c = dfg.matmul %x, %w{attr} : (tensor<{m}x8x{t}>, tensor<8x6x{t}>) -> tensor<{m}x6x{t}>
  %b = dfg.add %c, %bias : (tensor<{m}x6x{t}>, tensor<6x{t}>) -> tensor<{m}x6x{t}>
  %y = dfg.relu %b : (tensor<{m}x6x{t}>) -> tensor<{m}x6x{t}>
  %z = dfg.add %y, %r : (tensor<{m}x6x{t}>, tensor<{m}x6x{t}>) -> tensor<{m}x6x{t}>
  func.return %z, %b : tensor<{m}x6x{t}>, tensor<{m}x6x{t}>
}}
"""


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
@pytest.mark.parametrize(
    "m,t,attr",
    [
        (5, "f32", ""),
        (9, "f32", " {tile = #dfg.tile<[4, 3, 8], par = 2>}"),
        (7, "bf16", ""),
    ],
)
def test_matmul_epilogue_fused(chip, m, t, attr):  # type: ignore[no-untyped-def]
    """Bias add, relu and a residual add run on the matmul's tile pieces in its
    section: one section instead of two, the same numbers (also the value `%b`
    that is returned from the middle of the run)."""
    from dfc.passes.lowering.base import lower_module

    text = EPILOGUE.format(m=m, t=t, attr=attr)
    fused, _ = lower_and_compare(text, chip, dtype=t, lower=lower_module)
    plain, _ = lower_and_compare(text, chip, dtype=t, lower=UNFUSED)
    sections = [
        len([op for op in su.walk() if op.name == "su.section"])
        for su in (fused, plain)
    ]
    assert sections[0] < sections[1]


def test_matmul_epilogue_not_fused_when_c_is_used_elsewhere():  # type: ignore[no-untyped-def]
    from dfc.passes.lowering.base import lower_module

    text = """
func.func @main(%x: tensor<4x8xf32>, %w: tensor<8x3xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %c = dfg.matmul %x, %w : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
  %y = dfg.relu %c : (tensor<4x3xf32>) -> tensor<4x3xf32>
  func.return %y, %c : tensor<4x3xf32>, tensor<4x3xf32>
}
"""
    lower_and_compare(text, "tiny", lower=lower_module)


def _swapped(su, m):  # type: ignore[no-untyped-def]
    """Whether the matmul units compute C^T: their tiles' columns span at most
    C's `m` rows, and some tile's rows more."""
    tiles = [tuple(int(v) for v in op.tile.get_values()) for op in pcus(su)]
    return all(t[1] <= m for t in tiles) and any(t[0] > m for t in tiles)


@pytest.mark.parametrize(
    "chip,m,k,n,ta,tb",
    [
        ("sn40l", 1, 768, 200, False, False),  # a decoding step's GEMV
        ("sn40l", 2, 64, 300, False, True),
        ("sn40l", 1, 40, 70, True, True),
        ("tiny", 1, 8, 13, False, False),
    ],
)
def test_few_rows_put_n_on_the_array_rows(chip, m, k, n, ta, tb):  # type: ignore[no-untyped-def]
    """An M far below the array's rows is computed as C^T = B^T A^T (N on the
    rows): fewer passes, the same numbers."""
    su, _ = lower_and_compare(matmul_text(m, k, n, ta=ta, tb=tb), chip)
    assert _swapped(su, m)


def test_few_rows_batch_matmul_swapped():  # type: ignore[no-untyped-def]
    """Attention's scores for one query: `[h, 1, d] x [h, d, L]`."""
    text = """
func.func @main(%q: tensor<4x1x16xf32>, %k: tensor<4x16x45xf32>) -> tensor<4x1x45xf32> {
  %s = dfg.batch_matmul %q, %k : (tensor<4x1x16xf32>, tensor<4x16x45xf32>) -> tensor<4x1x45xf32>
  func.return %s : tensor<4x1x45xf32>
}
"""
    su, _ = lower_and_compare(text, "sn40l")
    assert _swapped(su, 1)


@pytest.mark.parametrize("t", ["f32", "bf16"])
def test_swapped_matmul_epilogue(t):  # type: ignore[no-untyped-def]
    """The epilogue (bias, relu, residual) walks the swapped pieces of C."""
    from dfc.passes.lowering.base import lower_module

    text = EPILOGUE.replace("6x", "40x").replace(
        "[1.0, -2.0, 0.5, 3.0, -1.5, 2.5]", "0.25"
    ).format(m=1, t=t, attr="")
    su, _ = lower_and_compare(text, "sn40l", dtype=t, lower=lower_module)
    assert _swapped(su, 1)
    assert len([op for op in su.walk() if op.name == "su.section"]) == 1


def test_units_with_the_same_rows_share_one_a_panel():  # type: ignore[no-untyped-def]
    """par = 6 on 2 row blocks x 9 column blocks (64 x 54 on sn40l's 32 x 6
    array): 2 x 3 units of 3 column blocks each; the 3 units of a row block
    read the same A panel in the same order, so A is loaded twice (one panel
    PMU each, fanned out), not six times. The numbers match the interpreter."""
    su, _ = lower_and_compare(
        matmul_text(64, 16, 54, tile="#dfg.tile<[32, 54, 16], par = 6>"), "sn40l"
    )
    assert len(pcus(su)) == 6
    a_loads = [
        op for op in su.walk()
        if op.name == "su.agcu" and op.memory.root_reference.data == "a"
    ]
    assert len(a_loads) == 2
