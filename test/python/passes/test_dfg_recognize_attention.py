"""`dfg-recognize-attention` on models imported from ONNX: the rewrite keeps the
numbers (reference interpreter before and after, onnxruntime), and after the
graph pipeline the attention streams: its on-chip bytes do not depend on the
sequence length and no tensor of the score matrix's size exists anywhere."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp, TensorType

import dfc
from dfc.backends.cost import choose_tile, estimate_kernel_op, profile
from dfc.backends.cost.ops import buffer_bytes
from dfc.dialects.dfg.annotations import TileAttr
from dfc.dialects.dfg.attention import AttentionOp
from dfc.dialects.dfg.kernel import KernelOp
from dfc.passes.dfg_recognize_attention import DfgRecognizeAttentionPass

ort = pytest.importorskip("onnxruntime")

# The ONNX block builders live with the benchmark that reports on them.
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
try:
    from bench import fusion_blocks as fb
finally:
    sys.path.pop(0)


def _inputs(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    feeds = {}
    for value in model.graph.input:
        shape = [d.dim_value for d in value.type.tensor_type.shape.dim]
        feeds[value.name] = rng.standard_normal(shape).astype(np.float32)
    return feeds


def _ops(module: ModuleOp, name: str) -> list:
    return [op for op in module.walk() if op.name == name]


def _check_rewrite(model, feeds: dict[str, np.ndarray]) -> ModuleOp:
    session = ort.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    (expected,) = session.run(None, feeds)
    module = dfc.import_onnx(model)
    (before,) = dfc.interpret(module, feeds)
    DfgRecognizeAttentionPass().apply(dfc.make_context(), module)
    module.verify()
    (after,) = dfc.interpret(module, feeds)
    scale = float(np.max(np.abs(expected)))
    assert np.max(np.abs(before - expected)) <= 1e-5 * scale
    assert np.max(np.abs(after - expected)) <= 1e-5 * scale
    assert np.max(np.abs(after - before)) <= 1e-5 * scale
    return module


def test_gpt2_block_causal_where() -> None:
    """MatMul(Q, Transpose(K)) / sqrt(d), Where(Trilu causal, ., f32 min)."""
    model = fb.gpt2_block(tokens=16, width=64, heads=4)
    module = _check_rewrite(model, _inputs(model, np.random.default_rng(0)))
    (att,) = _ops(module, "dfg.attention")
    assert isinstance(att, AttentionOp)
    assert att.is_causal() and att.mask is None
    assert att.scale_value() == pytest.approx(1 / 4)
    assert not _ops(module, "dfg.softmax")
    assert not _ops(module, "dfg.where")


def test_bert_layer_padding_mask_and_nan_guard() -> None:
    """sqrt(scale) on Q and K, an additive padding mask input, torch's
    IsNaN/Where guard after the softmax."""
    model = fb.bert_layer(tokens=12, width=64, heads=2)
    feeds = _inputs(model, np.random.default_rng(1))
    bias = np.zeros((1, 1, 1, 12), np.float32)
    bias[..., 9:] = np.finfo(np.float32).min  # three padded positions
    feeds["bias"] = bias
    module = _check_rewrite(model, feeds)
    (att,) = _ops(module, "dfg.attention")
    assert isinstance(att, AttentionOp)
    assert not att.is_causal() and att.mask is not None
    assert att.scale_value() == pytest.approx(1 / math.sqrt(32), rel=1e-6)
    assert not _ops(module, "dfg.softmax")


@pytest.mark.slow
def test_torch_exported_gpt2() -> None:
    """GPT-2 from transformers (random weights), torch's dynamo exporter."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    import io
    import warnings

    import onnx

    torch.manual_seed(0)
    config = transformers.GPT2Config(
        n_layer=2, n_embd=64, n_head=4, vocab_size=100, n_positions=32,
        use_cache=False,
    )  # fmt: skip
    model = transformers.GPT2LMHeadModel(config).eval()
    ids = torch.randint(0, 100, (1, 8))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = torch.onnx.export(model, (ids,), dynamo=True, verbose=False)
    buffer = io.BytesIO()
    onnx.save(program.model_proto, buffer)
    proto = onnx.load_from_string(buffer.getvalue())
    module = _check_rewrite(proto, {proto.graph.input[0].name: ids.numpy()})
    atts = _ops(module, "dfg.attention")
    assert len(atts) == 2
    assert all(a.is_causal() and a.mask is None for a in atts)


def _values(module: ModuleOp):
    for op in module.walk():
        yield from op.results
        for region in op.regions:
            for block in region.blocks:
                yield from block.args


@pytest.mark.parametrize("chip", ["sn40l"])
def test_streaming_attention_independent_of_sequence_length(chip: str) -> None:
    """After the whole graph pipeline: one causal `dfg.attention` inside a
    kernel; its tile streams the keys in blocks whose size, and so the on-chip
    bytes of one streaming tile, are the same for 512, 2048 and 8192 tokens;
    no value anywhere (function, kernels, weights, tiers) has the score
    matrix's size."""
    chip_model = dfc.load_chip(chip)
    per_tile: set[int] = set()
    key_blocks: set[int] = set()
    for tokens in (512, 2048, 8192):
        module, _ = fb.compile_graph(fb.gpt2_block(tokens, 64, 2), chip, "greedy")
        (att,) = _ops(module, "dfg.attention")
        assert isinstance(att, AttentionOp) and att.is_causal() and att.mask is None
        kernel = att.parent_op()
        assert isinstance(kernel, KernelOp)
        tile = att.attributes["tile"]
        assert isinstance(tile, TileAttr)
        # iteration space (B, H, Lq, Dv, Lk, D): the key loop is cut in blocks
        key_block = tile.tile[4]
        assert key_block < tokens
        key_blocks.add(key_block)
        p = profile(att)
        one_tile = sum(buffer_bytes(p, choose_tile(p, chip_model)))
        per_tile.add(one_tile)
        estimate = estimate_kernel_op(kernel, chip_model)
        index = [o for o in kernel.block.ops if o.name != "dfg.yield"].index(att)
        plan = estimate.plans[index]
        # every unit holds at most one streaming tile, whatever the length
        assert sum(buffer_bytes(p, plan.tile)) <= one_tile
        assert plan.sram_bytes <= plan.parallelism * one_tile
        score = tokens * tokens
        for value in _values(module):
            if isinstance(value.type, TensorType):
                elements = math.prod(value.type.get_shape())
                assert elements < score, (
                    f"{value.type} ({elements} elements) at {tokens} tokens"
                )
    assert len(per_tile) == 1
    assert len(key_blocks) == 1


@pytest.mark.parametrize(
    "build",
    [
        lambda: fb.gpt2_block(32, 128, 2),
        lambda: fb.bert_layer(32, 128, 2),
        lambda: fb.resnet_bottleneck(64, 16, 14),
    ],
    ids=["gpt2-block", "bert-layer", "resnet-bottleneck"],
)
def test_fused_blocks_beat_unfused(build) -> None:
    """`python -m bench fusion-blocks` at a small size: the cost model's total
    for greedy and optimal fusion is below the unfused baseline's."""
    from dfc.backends.cost import kernel_report

    chip = dfc.load_chip("sn40l")
    model = build()
    totals = {}
    for strategy in ("none", "greedy", "optimal"):
        module, _ = fb.compile_graph(model, "sn40l", strategy)
        totals[strategy] = sum(r.seconds for r in kernel_report(module, chip))
    assert totals["greedy"] < totals["none"]
    assert totals["optimal"] <= totals["greedy"] * (1 + 1e-9)


def test_sliding_window_is_recognised_and_skips_blocks() -> None:
    """A banded (sliding-window) causal mask stays the mask operand (exact
    numerics) and is recorded as a `dfg.band` hint; the cost model then skips
    the key blocks outside the band."""
    from dfc.backends.cost import work_cycles
    from dfc.backends.cost.ops import band_fraction

    model = fb.gpt2_block(tokens=16, width=64, heads=4, window=4)
    module = _check_rewrite(model, _inputs(model, np.random.default_rng(2)))
    (att,) = _ops(module, "dfg.attention")
    assert isinstance(att, AttentionOp) and att.mask is not None
    assert not att.is_causal()
    band = att.attributes["dfg.band"]
    # loops (B, H, Lq, Dv, Lk, D): Lq = loop 2, Lk = loop 4; keys i-3 .. i
    assert tuple(band.get_values()) == (2, 4, 3, 0)  # pyright: ignore

    chip = dfc.load_chip("sn40l")
    tokens, window = 4096, 256
    module = dfc.import_onnx(fb.gpt2_block(tokens, 64, 2, window=window))
    DfgRecognizeAttentionPass().apply(dfc.make_context(), module)
    (att,) = _ops(module, "dfg.attention")
    p = profile(att)
    assert p.band == (2, 4, window - 1, 0)
    tile = choose_tile(p, chip)
    fraction = band_fraction(p, tile)
    # blocks of 256 x 256: each query block touches its own key block and
    # the previous one
    assert fraction == pytest.approx((2 * (tokens // 256) - 1) / (tokens // 256) ** 2)
    unbanded = profile(att)
    object.__setattr__(unbanded, "band", None)
    assert work_cycles(p, tile, chip) < work_cycles(unbanded, tile, chip) * 0.2


def test_attention_kernel_sram_identical_on_tiny() -> None:
    """On `tiny` (one unit per op) the attention kernel's whole on-chip
    footprint is the same for 512, 2048 and 8192 positions."""
    from dfc.passes.dfg_fuse import DfgFusePass
    from dfc.passes.dfg_tile import DfgTilePass

    chip = dfc.load_chip("tiny")
    sram = set()
    for length in (512, 2048, 8192):
        t = f"tensor<1x{length}x16xf32>"
        module = dfc.parse_mlir(
            f"func.func @main(%q: {t}, %k: {t}, %v: {t}) -> {t} {{\n"
            f"  %o = dfg.attention %q, %k, %v {{causal = true}} : ({t}, {t}, {t}) -> {t}\n"
            f"  func.return %o : {t}\n}}\n"
        )
        ctx = dfc.make_context()
        DfgFusePass(strategy="none", chip="tiny").apply(ctx, module)
        DfgTilePass(chip="tiny").apply(ctx, module)
        (kernel,) = [op for op in module.walk() if isinstance(op, KernelOp)]
        estimate = estimate_kernel_op(kernel, chip)
        assert estimate.fits
        sram.add(estimate.sram_bytes)
    assert len(sram) == 1
    assert sram.pop() <= chip.sram_bytes
