"""`dfg-pad-attention`: which lengths are padded, and the padded attention
computes the same numbers (interpreter and simulator against a numpy SDPA)."""

from __future__ import annotations

import numpy as np
import pytest

import dfc
from dfc.passes.dfg_pad_attention import DfgPadAttentionPass, padded_length


@pytest.mark.parametrize(
    ("length", "limit", "expected"),
    [
        (197, 32, 203),  # ViT-B/16's tokens: prime -> 7 blocks of 29 (224: 7 of 32)
        (197, 6, 198),  # keys: 33 blocks of 6
        (17, 6, 18),
        (128, 32, 128),  # divides already
        (128, 6, 128),  # 32 blocks of 4; 132 would give 22: not twice fewer
        (5, 4, 6),  # 5 blocks of 1 -> 2 of 3 (8 would be 2 of 4: longer)
        (1, 32, 1),
    ],
)
def test_padded_length(length: int, limit: int, expected: int) -> None:
    assert padded_length(length, limit) == expected


def sdpa(q, k, v, mask=None, causal=False):
    """Scaled dot-product attention in float64 (the independent oracle)."""
    scores = q.astype(np.float64) @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores + mask
    if causal:
        lq, lk = scores.shape[-2:]
        scores = np.where(np.tril(np.ones((lq, lk), bool)), scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    return (weights / weights.sum(axis=-1, keepdims=True)) @ v


def attention_module(
    b: int, lq: int, lk: int, d: int, mask_shape: tuple[int, ...] | None, causal: bool
) -> str:
    q, kv = f"tensor<{b}x{lq}x{d}xf32>", f"tensor<{b}x{lk}x{d}xf32>"
    args = [f"%q: {q}", f"%k: {kv}", f"%v: {kv}"]
    operands, types = "%q, %k, %v", f"{q}, {kv}, {kv}"
    if mask_shape is not None:
        m = "tensor<" + "x".join(map(str, mask_shape)) + "xf32>"
        args.append(f"%m: {m}")
        operands += ", %m"
        types += f", {m}"
    attrs = " {causal = true}" if causal else ""
    return (
        f"func.func @main({', '.join(args)}) -> {q} {{\n"
        f"  %o = dfg.attention {operands}{attrs} : ({types}) -> {q}\n"
        f"  func.return %o : {q}\n}}\n"
    )


CASES = [
    # (batch, Lq, Lk, D, mask shape, causal)
    (2, 17, 17, 8, None, False),  # prime self-attention: keys masked
    (2, 37, 37, 8, None, False),  # queries padded too (37 -> 38: 2 blocks of 19)
    (2, 37, 37, 8, None, True),  # causal: the padded keys are masked already
    (1, 37, 23, 8, (37, 23), False),  # cross-attention with a full additive mask
    (1, 37, 13, 8, (37, 1), False),  # a mask broadcast along the keys
    (1, 17, 13, 8, (13,), False),  # a mask broadcast along the queries
    (1, 37, 43, 8, None, True),  # causal with Lk > Lq: no key mask needed
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[1]}x{c[2]}-{c[4]}-{c[5]}")
def test_padded_attention_matches_sdpa(case) -> None:
    b, lq, lk, d, mask_shape, causal = case
    rng = np.random.default_rng(0)
    q = rng.standard_normal((b, lq, d)).astype(np.float32)
    k = rng.standard_normal((b, lk, d)).astype(np.float32)
    v = rng.standard_normal((b, lk, d)).astype(np.float32)
    inputs = [q, k, v]
    mask = None
    if mask_shape is not None:
        mask = rng.standard_normal(mask_shape).astype(np.float32)
        inputs.append(mask)
    expected = sdpa(q, k, v, mask, causal)

    module = dfc.parse_mlir(attention_module(b, lq, lk, d, mask_shape, causal))
    DfgPadAttentionPass(chip="sn40l").apply(dfc.make_context(), module)
    module.verify()
    (attention,) = [op for op in module.walk() if op.name == "dfg.attention"]
    # sn40l: query blocks of up to 32 rows, key blocks of up to 6 keys
    assert attention.query.type.get_shape()[-2] == padded_length(lq, 32)
    assert attention.key.type.get_shape()[-2] == padded_length(lk, 6)
    assert attention.query.type.get_shape()[-2] + attention.key.type.get_shape()[-2] > lq + lk
    (result,) = dfc.interpret(module, inputs)
    assert result.shape == (b, lq, d)
    np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-5)


def test_divisible_lengths_are_left_alone() -> None:
    text = attention_module(2, 128, 128, 64, None, False)
    module = dfc.parse_mlir(text)
    DfgPadAttentionPass(chip="sn40l").apply(dfc.make_context(), module)
    assert dfc.print_mlir(module) == dfc.print_mlir(dfc.parse_mlir(text))


def test_compiled_padded_attention_simulates_to_sdpa() -> None:
    """The whole pipeline (dfg-pad-attention included) on a ViT-like prime
    length, run on the simulator, against numpy."""
    rng = np.random.default_rng(1)
    q, k, v = (rng.standard_normal((2, 17, 8)).astype(np.float32) for _ in range(3))
    module = dfc.parse_mlir(attention_module(2, 17, 17, 8, None, False))
    artifact = dfc.compile(module, chip="sn40l")
    assert "dfg-pad-attention" in [name for name, _ in artifact.report.stages]
    (out,) = artifact.run([q, k, v])
    np.testing.assert_allclose(out, sdpa(q, k, v), rtol=1e-4, atol=1e-5)


def test_torch_vit_drops_its_keep_all_mask_pads_and_matches_eager(bench_module) -> None:
    """The suite's quick ViT (transformers, 4 x 4 patches + the class token =
    17 tokens) through the torch frontend: SDPA carries a constant all-true
    mask, which `dfg-recognize-attention` drops, so the prime token count is
    padded; the simulated output matches PyTorch eager."""
    torch = pytest.importorskip("torch")
    model, args = bench_module.models.MODELS["vit-b16"].build(True)
    model.eval()
    padded: list[str] = []

    def watch(name: str, module) -> None:
        if name == "dfg-pad-attention":
            padded.extend(
                str(op.key.type) for op in module.walk() if op.name == "dfg.attention"
            )

    artifact = dfc.compile(model, chip="sn40l", example_args=args, after_pass=watch)
    assert padded == ["tensor<1x2x18x32xf32>"] * 2
    with torch.no_grad():
        expected = model(*args).numpy()
    outputs = artifact.run([a.numpy() for a in args])
    np.testing.assert_allclose(outputs[0], expected, rtol=1e-4, atol=1e-4)
