"""`dfg.attention` lowered as a streaming kernel over key blocks
(`passes/lowering/attention.py`): simulated against the interpreter, and its
on-chip memory checked not to grow with the sequence length."""

from __future__ import annotations

import numpy as np
import pytest
from lowering_util import lower_and_compare, through_placement

import dfc
from dfc.backends.bitstream.su_codec import module_to_program
from dfc.backends.chip import load_chip
from dfc.dialects.su import MemoryOp, PmuOp
from dfc.passes.lowering.base import lower_module


def attention_text(b, lq, lk, d, dv, causal=False, dtype="f32", scale=None):  # type: ignore[no-untyped-def]
    attrs = []
    if causal:
        attrs.append("causal = true")
    if scale is not None:
        attrs.append(f"scale = {scale} : f32")
    attr = " {" + ", ".join(attrs) + "}" if attrs else ""
    q, k, v, o = (f"{b}x{lq}x{d}", f"{b}x{lk}x{d}", f"{b}x{lk}x{dv}", f"{b}x{lq}x{dv}")
    t = dtype
    return f"""
func.func @main(%q: tensor<{q}x{t}>, %k: tensor<{k}x{t}>, %v: tensor<{v}x{t}>) -> tensor<{o}x{t}> {{
  %o = dfg.attention %q, %k, %v{attr} : (tensor<{q}x{t}>, tensor<{k}x{t}>, tensor<{v}x{t}>) -> tensor<{o}x{t}>
  func.return %o : tensor<{o}x{t}>
}}
"""


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("seq", [8, 24, 64])
def test_attention_f32(chip, causal, seq):  # type: ignore[no-untyped-def]
    lower_and_compare(attention_text(2, seq, seq, 8, 8, causal), chip)


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_attention_uneven_shapes(chip):  # type: ignore[no-untyped-def]
    """Lq != Lk, D != Dv, sizes that are not multiples of the array, a scale."""
    lower_and_compare(attention_text(3, 10, 14, 5, 7, False, scale=0.3), chip)
    lower_and_compare(attention_text(1, 12, 15, 6, 9, True), chip)


@pytest.mark.parametrize("causal", [False, True])
def test_attention_bf16(causal):  # type: ignore[no-untyped-def]
    lower_and_compare(
        attention_text(2, 32, 32, 16, 16, causal, "bf16"), "sn40l", dtype="bf16"
    )


def test_attention_multi_head_batch():  # type: ignore[no-untyped-def]
    text = """
func.func @main(%q: tensor<2x3x16x8xf32>, %k: tensor<2x3x16x8xf32>, %v: tensor<2x3x16x8xf32>) -> tensor<2x3x16x8xf32> {
  %o = dfg.attention %q, %k, %v {causal = true} : (tensor<2x3x16x8xf32>, tensor<2x3x16x8xf32>, tensor<2x3x16x8xf32>) -> tensor<2x3x16x8xf32>
  func.return %o : tensor<2x3x16x8xf32>
}
"""
    lower_and_compare(text, "sn40l")
    lower_and_compare(text, "tiny")


def pmu_bytes(seq: int, chip: str) -> tuple[int, list[MemoryOp]]:
    module = dfc.parse_mlir(attention_text(1, seq, seq, 64, 64, True, "bf16"))
    su = lower_module(module, load_chip(chip))
    total = sum(op.physical_bytes for op in su.walk() if isinstance(op, PmuOp))
    return total, [op for op in su.walk() if isinstance(op, MemoryOp)]


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_attention_memory_does_not_grow_with_sequence(chip):  # type: ignore[no-untyped-def]
    """Lowered (not simulated) at 512, 2048 and 8192 tokens: the same PMU bytes,
    and no memory region of seq x seq elements (only q, k, v and the output)."""
    sizes = {}
    for seq in (512, 2048, 8192):
        total, memories = pmu_bytes(seq, chip)
        sizes[seq] = total
        assert len(memories) == 4
        for memory in memories:
            assert memory.num_elements <= seq * 64
            assert memory.role.data != "scratch"
    assert len(set(sizes.values())) == 1, sizes
    assert sizes[512] < 64 * 1024  # a few tiles and row blocks on either chip


def mask_text(q, k, v, m, mtype, causal=False):  # type: ignore[no-untyped-def]
    o = q[:-1] + (v[-1],)
    t = ["x".join(map(str, shape)) for shape in (q, k, v, m, o)]
    attr = " {causal = true}" if causal else ""
    return f"""
func.func @main(%q: tensor<{t[0]}xf32>, %k: tensor<{t[1]}xf32>, %v: tensor<{t[2]}xf32>, %m: tensor<{t[3]}x{mtype}>) -> tensor<{t[4]}xf32> {{
  %o = dfg.attention %q, %k, %v, %m{attr} : (tensor<{t[0]}xf32>, tensor<{t[1]}xf32>, tensor<{t[2]}xf32>, tensor<{t[3]}x{mtype}>) -> tensor<{t[4]}xf32>
  func.return %o : tensor<{t[4]}xf32>
}}
"""


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("mshape", [(2, 1, 1, 12), (10, 12), (2, 3, 10, 12)])
def test_attention_bool_mask(chip, causal, mshape):  # type: ignore[no-untyped-def]
    """A padding-style boolean mask (broadcast over heads and rows), a full one;
    row 3 of the full mask keeps nothing: its output is zeros."""
    rng = np.random.default_rng(3)
    q = rng.standard_normal((2, 3, 10, 8)).astype(np.float32)
    k = rng.standard_normal((2, 3, 12, 8)).astype(np.float32)
    v = rng.standard_normal((2, 3, 12, 4)).astype(np.float32)
    keep = rng.random(mshape) > 0.3
    keep[..., 0] = True
    if len(mshape) >= 2 and mshape[-2] > 1:
        keep[..., 3, :] = False
    text = mask_text(q.shape, k.shape, v.shape, mshape, "i1", causal)
    module = dfc.parse_mlir(text)
    su = lower_module(module, load_chip(chip))
    expected = dfc.interpret(module, [q, k, v, keep])[0]
    got = dfc.simulate(module_to_program(su), [q, k, v, keep.astype(np.int8)]).outputs[
        0
    ]
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    if len(mshape) >= 2 and mshape[-2] > 1:
        assert not np.any(got[:, :, 3, :])


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_attention_additive_mask(chip):  # type: ignore[no-untyped-def]
    """An additive mask with finite values and -inf (a fully masked row: zeros)."""
    rng = np.random.default_rng(4)
    q = rng.standard_normal((2, 6, 8)).astype(np.float32)
    k = rng.standard_normal((2, 9, 8)).astype(np.float32)
    v = rng.standard_normal((2, 9, 5)).astype(np.float32)
    mask = rng.standard_normal((6, 9)).astype(np.float32)
    mask[1, 4:] = -np.inf
    mask[2, :] = -np.inf
    text = mask_text(q.shape, k.shape, v.shape, mask.shape, "f32")
    lower_and_compare(text, chip, [q, k, v, mask])


def test_attention_large_head_on_tiny():  # type: ignore[no-untyped-def]
    """Head size 128 on tiny (4 KiB memory units): the query block shrinks so
    that Q's panel and the row sums fit (f32: 2 x 128 x 4 x tq <= 4096)."""
    su, _ = lower_and_compare(attention_text(1, 8, 8, 128, 64, True), "tiny")
    pmus = [op for op in su.walk() if isinstance(op, PmuOp)]
    assert max(op.physical_bytes for op in pmus) <= 4096


def test_attention_head_too_large_is_refused():  # type: ignore[no-untyped-def]
    from dfc.dialects.diagnostics import DfcDiagnosticError

    module = dfc.parse_mlir(attention_text(1, 4, 4, 1024, 8))
    with pytest.raises(DfcDiagnosticError, match="head size 1024 / value size 8"):
        lower_module(module, load_chip("tiny"))


def test_attention_survives_partition_place_route_on_sn40l():  # type: ignore[no-untyped-def]
    """One section on sn40l, placed and routed. (On tiny, with 2 AGCUs, the
    attention section cannot be partitioned: see docs/lowering.md.)"""
    assert through_placement(attention_text(2, 8, 8, 4, 4, True), "sn40l") == 1
