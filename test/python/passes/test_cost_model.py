"""The cost model (`dfc.backends.cost`) against hand-computed figures, and its
streaming treatment of attention."""

from __future__ import annotations

import math
import re

import pytest
from xdsl.dialects import func

import dfc
from dfc.backends.cost import FuncGraph, choose_tile, footprint, profile
from dfc.backends.cost.ops import buffer_bytes
from dfc.compile import StoppedAfter


def graph(text: str, chip: str) -> FuncGraph:
    module = dfc.parse_mlir(text)
    fn = next(op for op in module.walk() if isinstance(op, func.FuncOp))
    return FuncGraph(fn.body.block, dfc.load_chip(chip))


RELU = """
func.func @main(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %y = dfg.relu %x : (tensor<64x64xf32>) -> tensor<64x64xf32>
  func.return %y : tensor<64x64xf32>
}
"""


def test_elementwise_on_tiny_by_hand() -> None:
    g = graph(RELU, "tiny")
    est = g.group_cost(frozenset({0}))
    # 4096 points / 4 lanes = 1024 vectors, one per cycle, on one PCU.
    assert est.plans[0].template == "map"
    # 16 KiB in + 16 KiB out at 16 GB/s HBM, 1 GHz: 2048 cycles; no need to be
    # faster than that, so one unit.
    assert est.offchip_bytes == {"hbm": 32768}
    assert est.offchip_cycles == pytest.approx(2048.0)
    assert est.plans[0].parallelism == 1
    assert est.pipeline_cycles == pytest.approx(1024.0)
    assert est.bound == "hbm"
    # fill: map latency 5 + HBM latency 50 ns = 50 cycles.
    assert est.fill_cycles == pytest.approx(55.0)
    assert est.total_cycles == pytest.approx(2048 + 55 + est.config_cycles)
    assert est.sram_bytes == 0  # a pure stream stages nothing


MATMUL = """
func.func @main(%a: tensor<1024x1024xbf16>, %b: tensor<1024x1024xbf16>) -> tensor<1024x1024xbf16> {
  %c = dfg.matmul %a, %b : (tensor<1024x1024xbf16>, tensor<1024x1024xbf16>) -> tensor<1024x1024xbf16>
  func.return %c : tensor<1024x1024xbf16>
}
"""


def test_matmul_on_sn40l_by_hand() -> None:
    chip = dfc.load_chip("sn40l")
    est = graph(MATMUL, "sn40l").group_cost(frozenset({0}))
    plan = est.plans[0]
    assert plan.template == "matmul"
    # The lowering cuts C into 32 x 6 blocks of the systolic array: 32 row
    # blocks x 170 whole column blocks, and the last 4 columns (1024 = 170 x
    # 6 + 4) as an edge region with a unit of its own. Units split the row
    # blocks first. The AGCUs (64) allow 29 units (each loads its A row panel
    # and stores its C tile, 2 x 30 + 3 weight streams = 63), but 32 row
    # blocks on 29 units leaves some with two, as on 16 units: the model
    # takes 16 (2 x 17 + 1 shared weight stream + the edge's = 36 AGCUs).
    # The busiest unit: 2 row blocks x 170 column blocks, K = 1024 cycles each.
    assert plan.parallelism == 16
    assert est.agcus == 36
    assert est.pipeline_cycles == pytest.approx(2 * 170 * 1024)
    # both operands are staged (each omits a loop): 2 PMUs per unit
    assert plan.pmus == 2 * plan.parallelism
    assert plan.tile[1] == 256
    # 3 x 2 MiB through HBM at 1.6 TB/s
    assert est.offchip_bytes == {"hbm": 3 * 2 * 1024**2}
    assert est.offchip_cycles == pytest.approx(3 * 2 * 1024**2 / 1.6e12 * chip.clock_hz)
    assert est.bound == "compute"
    assert est.fits


def _contraction(a: str, b: str, c: str) -> str:
    return f"""
func.func @main(%a: {a}, %b: {b}) -> {c} {{
  %c = dfg.matmul %a, %b : ({a}, {b}) -> {c}
  func.return %c : {c}
}}
"""


def _conv3x3(channels: int, size: int) -> str:
    x = f"tensor<1x{channels}x{size}x{size}xf32>"
    w = f"tensor<{channels}x{channels}x3x3xf32>"
    b = f"tensor<{channels}xf32>"
    return f"""
func.func @main(%x: {x}, %w: {w}, %bias: {b}) -> {x} {{
  %y = dfg.conv2d %x, %w, %bias {{pads = array<i64: 1, 1, 1, 1>}} : ({x}, {w}, {b}) -> {x}
  func.return %y : {x}
}}
"""


@pytest.mark.parametrize(
    "text",
    [
        # decoding: M = 1, one row of the systolic array in use
        _contraction("tensor<1x768xf32>", "tensor<768x8192xf32>", "tensor<1x8192xf32>"),
        _contraction("tensor<128x768xf32>", "tensor<768x3072xf32>", "tensor<128x3072xf32>"),
        MATMUL,
        _conv3x3(512, 7),  # ResNet's last stage: 7 of the array's 32 rows
        _conv3x3(64, 56),
    ],
    ids=["gemv", "prefill", "square", "conv7x7", "conv56x56"],
)
def test_agcus_and_time_match_the_lowering(text: str) -> None:
    """The cost model counts the AGCUs the lowering gives a contraction's
    section (row panels, shared weight streams, edge regions, conv bias per
    unit) exactly, and prices its array passes as the simulator does (an M
    or N smaller than the array takes whole passes)."""
    chip = dfc.load_chip("sn40l")
    g = graph(text, "sn40l")
    est = g.group_cost(frozenset(range(len(g.profiles))))
    assert est.agcus <= chip.count("agcu")
    with pytest.raises(StoppedAfter) as stopped:
        dfc.compile(dfc.parse_mlir(text), chip="sn40l", stop_after="convert-dfg-to-su")
    sections = dfc.print_mlir(stopped.value.module).split("su.section @")[1:]
    # a convolution's padding is a section of its own before the matmul's
    body = next(s for s in sections if '"matmul"' in s)
    assert body.count("su.agcu @") == est.agcus
    # every matmul unit runs whole passes: its tile's [tm, tn, K] with tm, tn
    # at most the array's; the slowest unit's passes bound the section
    slowest = 0
    for line in body.splitlines():
        if '"matmul"' not in line:
            continue
        tm, tn, k = map(int, re.search(r"tile = array<i64: (\d+), (\d+), (\d+)>", line).groups())
        assert tm <= 32 and tn <= 6
        tiles = math.prod(
            (hi - lo) // step
            for lo, hi, step in zip(*[iter(map(int, re.search(
                r"counters = array<i64: ([\d, ]+)>", line).group(1).split(", ")))] * 3)
        )
        slowest = max(slowest, tiles * k / chip.compute.rate(g.profiles[0].dtype))
    assert est.pipeline_cycles == pytest.approx(slowest, rel=0.1)


def test_matmul_tile_fits_one_pmu_double_buffered() -> None:
    for chip in ("tiny", "sn40l"):
        est = graph(MATMUL, chip).group_cost(frozenset({0}))
        p = graph(MATMUL, chip).profiles[0]
        tile = est.plans[0].tile
        for m, nbytes in zip(p.operand_maps, p.operand_bytes, strict=True):
            assert 2 * footprint(m, tile) * nbytes <= dfc.load_chip(chip).memory.bytes


TWO_MATMULS = """
func.func @main(%x: tensor<256x256xf32>, %w: tensor<256x256xf32>, %v: tensor<256x256xf32>) -> tensor<256x256xf32> {
  %a = dfg.matmul %x, %w : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
  %r = dfg.relu %a : (tensor<256x256xf32>) -> tensor<256x256xf32>
  %b = dfg.matmul %r, %v : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
  func.return %b : tensor<256x256xf32>
}
"""


def test_kernel_costs_the_sections_it_lowers_to() -> None:
    """matmul -> relu -> matmul lowers to two sections (the relu is the first
    matmul's epilogue; the second matmul reads its row panels from memory):
    the kernel costs exactly the two of them, one after the other, each with
    the whole chip (the same parallelism as alone)."""
    g = graph(TWO_MATMULS, "sn40l")
    whole = g.group_cost(frozenset({0, 1, 2}))
    first, second = g.group_cost(frozenset({0, 1})), g.group_cost(frozenset({2}))
    assert (whole.sections, first.sections, second.sections) == (2, 1, 1)
    assert whole.total_cycles == pytest.approx(first.total_cycles + second.total_cycles)
    assert [p.parallelism for p in whole.plans] == [
        *(p.parallelism for p in first.plans),
        second.plans[0].parallelism,
    ]
    # 256 KiB each: x, w, v in and b out, and the relu's result between the
    # two sections out to HBM and back in
    assert whole.offchip_bytes["hbm"] == (4 + 2) * 262144


CHAIN = """
func.func @main(%x: tensor<64x64xf32>, %y: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %a = dfg.add %x, %y : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %b = dfg.exp %a : (tensor<64x64xf32>) -> tensor<64x64xf32>
  %c = dfg.mul %b, %x : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  func.return %c : tensor<64x64xf32>
}
"""


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_fused_chain_moves_fewer_bytes(chip: str) -> None:
    g = graph(CHAIN, chip)
    fused = g.group_cost(frozenset({0, 1, 2}))
    # fused: x, y in, c out, 16 KiB each; unfused: add 3, exp 2, mul 3 tensors.
    assert fused.offchip_bytes == {"hbm": 3 * 16384}
    unfused = sum(g.group_cost(frozenset({i})).offchip_bytes["hbm"] for i in range(3))
    assert unfused == 8 * 16384
    assert fused.total_cycles < sum(
        g.group_cost(frozenset({i})).total_cycles for i in range(3)
    )


def attention(length: int) -> str:
    q = f"tensor<4x{length}x64xbf16>"
    return f"""
func.func @main(%q: {q}, %k: {q}, %v: {q}) -> {q} {{
  %o = dfg.attention %q, %k, %v {{causal = true}} : ({q}, {q}, {q}) -> {q}
  func.return %o : {q}
}}
"""


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_attention_sram_independent_of_sequence_length(chip: str) -> None:
    """Attention streams over the keys (online softmax): its staged tiles, and
    so its SRAM per unit, do not grow with Lk; the L x L scores are never a
    buffer."""
    chip_model = dfc.load_chip(chip)
    staged = set()
    for length in (512, 2048, 8192):
        g = graph(attention(length), chip)
        p = g.profiles[0]
        assert not p.two_pass
        tile = choose_tile(p, chip_model)
        staged.add(sum(buffer_bytes(p, tile)))
        assert tile[-2] < length  # the key loop is streamed in tiles
        plan = g.group_cost(frozenset({0})).plans[0]
        # each unit stages at most that tile (more units: smaller tiles)
        assert plan.sram_bytes // plan.parallelism <= sum(buffer_bytes(p, tile))
        # no staged buffer is the 4 x L x L bf16 score matrix
        assert max(buffer_bytes(p, plan.tile)) < 4 * length * length * 2
    assert len(staged) == 1


def test_layer_norm_is_two_pass() -> None:
    text = """
func.func @main(%x: tensor<8x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>) -> tensor<8x768xf32> {
  %y = dfg.layer_norm %x scale %g bias %b : (tensor<8x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<8x768xf32>
  func.return %y : tensor<8x768xf32>
}
"""
    p = profile(graph(text, "sn40l").ops[0])
    assert p.two_pass and p.buffered[0]


LAYER_NORM = """
func.func @main(%x: tensor<512x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>) -> tensor<512x768xf32> {
  %y = dfg.layer_norm %x scale %g bias %b : (tensor<512x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<512x768xf32>
  func.return %y : tensor<512x768xf32>
}
"""

MAX_POOL = """
func.func @main(%x: tensor<1x64x112x112xf32>) -> tensor<1x64x56x56xf32> {
  %y = dfg.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x64x112x112xf32>) -> tensor<1x64x56x56xf32>
  func.return %y : tensor<1x64x56x56xf32>
}
"""


def test_row_operation_is_priced_as_its_passes() -> None:
    """layer_norm lowers to three sections on one unit chain (mean, deviation,
    normalize), each streaming x from HBM through one off-chip port (64 bytes
    a cycle on sn40l: half an f32 vector). The model prices exactly that, and
    lands within 10 % of the simulator."""
    chip = dfc.load_chip("sn40l")
    est = graph(LAYER_NORM, "sn40l").group_cost(frozenset({0}))
    assert est.sections == 3
    assert est.plans[0].parallelism == 1
    x_bytes = 512 * 768 * 4
    assert est.pipeline_cycles == pytest.approx(3 * x_bytes / 64)
    assert est.offchip_bytes["hbm"] >= 3 * x_bytes + x_bytes  # 3 reads, 1 write
    simulated = dfc.compile(dfc.parse_mlir(LAYER_NORM), chip="sn40l").simulate(
        functional=False
    )
    assert len(simulated.report.sections) == 3
    assert chip.seconds(est.total_cycles) == pytest.approx(simulated.seconds, rel=0.1)


def test_ops_the_lowering_does_not_replicate_get_one_unit() -> None:
    """A pool lowers to one unit chain whatever `par` says: the model must
    not price it as if 1,040 PCUs shared it."""
    est = graph(MAX_POOL, "sn40l").group_cost(frozenset({0}))
    assert [p.parallelism for p in est.plans] == [1]


def test_row_operation_with_a_reshape_is_still_priced_as_its_passes() -> None:
    """A reshape of the normalized rows (GPT-2's ln -> view) is an alias in
    the same segment: the kernel is still the layer_norm's three sections."""
    text = LAYER_NORM.replace(
        "  func.return %y : tensor<512x768xf32>",
        "  %r = dfg.reshape %y : (tensor<512x768xf32>) -> tensor<1x512x768xf32>\n"
        "  func.return %r : tensor<1x512x768xf32>",
    ).replace("-> tensor<512x768xf32> {", "-> tensor<1x512x768xf32> {")
    g = graph(text, "sn40l")
    alone = graph(LAYER_NORM, "sn40l").group_cost(frozenset({0}))
    both = g.group_cost(frozenset({0, 1}))
    assert both.sections == 3
    assert both.total_cycles == pytest.approx(alone.total_cycles, rel=0.01)
