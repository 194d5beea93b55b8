"""The benchmark suite's models, built locally with random weights (never downloaded).

    spec = MODELS["bert-base"]
    model, args = spec.build(quick=False)      # a torch.nn.Module and example inputs
    path = export_onnx(model, args, tmp / "bert-base.onnx")

Full size (issue 9) and `quick` (the same architecture, a few layers, narrow):

| name | architecture | full size | quick |
|---|---|---|---|
| resnet50 | transformers ResNet, bottleneck blocks | 3-4-6-3, 224 x 224 | 2 basic stages, 32 x 32 |
| mobilenetv2 | transformers MobileNetV2 | depth 1.0, 224 x 224 | depth 0.35, 32 x 32 |
| bert-base | transformers BERT encoder | 12 x 768, seq 128 | 2 x 64, seq 16 |
| gpt2-prefill | transformers GPT-2 LM head | 12 x 768, seq 512 | 2 x 64, seq 32 |
| gpt2-decode | `KVCacheDecoder` below (GPT-2 block) | 12 x 768, 1 token, cache 512 | 2 x 64, cache 32 |
| llama-1b | transformers Llama layers (GQA, RoPE, SwiGLU) | 16 x 2048 (8 KV heads), seq 128 | 2 x 64, seq 16 |
| vit-b16 | transformers ViT | 12 x 768, 224 x 224 / 16 | 2 x 64, 32 x 32 / 8 |

`gpt2_layers(n, quick)` is the GPT-2 prefill of the scaling study (depth only
changes). Every builder seeds torch, so a model is the same in every run.
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ModelSpec:
    name: str
    kind: str
    """`vision`, `encoder`, `prefill` or `decode` (decode gets the HBM-limit figures)."""
    build: Callable[[bool], tuple[Any, tuple[Any, ...]]]
    transformer: bool
    """Counted in the transformer geomean of the fused speedup (issue 9's target)."""
    description: Callable[[bool], str]


def export_onnx(model: Any, args: tuple[Any, ...], path: Path) -> Path:
    """torch's dynamo ONNX exporter, as `bench/compile_models.py` uses it."""
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = torch.onnx.export(model.eval(), args, dynamo=True, verbose=False)
        program.save(str(path))
    return path


def _seed() -> None:
    import torch

    torch.manual_seed(0)


class _HiddenStates:
    """Wraps a transformers model so its one output is the last hidden state
    (the exporters then see a plain tensor, not a ModelOutput)."""

    @staticmethod
    def wrap(model: Any, keyword: str | None = None) -> Any:
        import torch

        class Wrapped(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.inner = model

            def forward(self, x: Any) -> Any:
                out = self.inner(**{keyword: x}) if keyword else self.inner(x)
                return out.last_hidden_state

        return Wrapped()


def resnet_config(quick: bool) -> tuple[Any, int]:
    """The ResNet-50 shape (bottleneck stages of 3, 4, 6, 3 blocks, 224 x 224)
    or, `quick`, two basic stages on 32 x 32: the config and the image size."""
    import transformers

    if quick:
        config = transformers.ResNetConfig(
            embedding_size=16, hidden_sizes=[16, 32], depths=[1, 1], layer_type="basic"
        )
        return config, 32
    config = transformers.ResNetConfig(
        embedding_size=64,
        hidden_sizes=[256, 512, 1024, 2048],
        depths=[3, 4, 6, 3],
        layer_type="bottleneck",
    )
    return config, 224


def build_resnet50(quick: bool) -> tuple[Any, tuple[Any, ...]]:
    import torch
    import transformers

    _seed()
    config, image = resnet_config(quick)
    model = _HiddenStates.wrap(transformers.ResNetModel(config))
    return model, (torch.randn(1, 3, image, image),)


def build_mobilenetv2(quick: bool) -> tuple[Any, tuple[Any, ...]]:
    import torch
    import transformers

    _seed()
    image = 32 if quick else 224
    config = transformers.MobileNetV2Config(
        image_size=image, depth_multiplier=0.35 if quick else 1.0
    )
    model = _HiddenStates.wrap(transformers.MobileNetV2Model(config))
    return model, (torch.randn(1, 3, image, image),)


def _bert_config(quick: bool) -> Any:
    import transformers

    if quick:
        return transformers.BertConfig(
            vocab_size=512,
            hidden_size=64,
            num_hidden_layers=2,
            num_attention_heads=2,
            intermediate_size=256,
            max_position_embeddings=64,
        )
    return transformers.BertConfig()  # BERT-base: 12 x 768, 12 heads, 3072


def build_bert(quick: bool) -> tuple[Any, tuple[Any, ...]]:
    import torch
    import transformers

    _seed()
    config = _bert_config(quick)
    tokens = 16 if quick else 128
    bert = transformers.BertModel(config, add_pooling_layer=False)

    class Encoder(torch.nn.Module):
        # Token types given explicitly (all segment 0, a constant buffer):
        # without them BERT gathers them from a buffer with `torch.gather`
        # (ONNX GatherElements, which the ONNX importer does not convert).
        def __init__(self) -> None:
            super().__init__()
            self.inner = bert
            self.register_buffer("types", torch.zeros(1, tokens, dtype=torch.int64))

        def forward(self, ids: Any) -> Any:
            return self.inner(
                input_ids=ids, token_type_ids=self.types
            ).last_hidden_state

    return Encoder(), (torch.randint(0, config.vocab_size, (1, tokens)),)


def gpt2_config(layers: int, quick: bool, positions: int) -> Any:
    import transformers

    if quick:
        return transformers.GPT2Config(
            vocab_size=512,
            bos_token_id=0,
            eos_token_id=0,
            n_layer=layers,
            n_embd=64,
            n_head=2,
            n_positions=max(positions, 32),
            use_cache=False,
        )
    return transformers.GPT2Config(
        n_layer=layers, n_positions=max(positions, 1024), use_cache=False
    )


def gpt2_layers(layers: int, quick: bool) -> tuple[Any, tuple[Any, ...]]:
    """GPT-2 prefill (LM head included) with `layers` blocks."""
    import torch
    import transformers

    _seed()
    tokens = 32 if quick else 512
    config = gpt2_config(layers, quick, tokens)
    model = transformers.GPT2LMHeadModel(config)

    class Logits(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, ids: Any) -> Any:
            return self.inner(input_ids=ids).logits

    return Logits(), (torch.randint(0, config.vocab_size, (1, tokens)),)


def build_gpt2_prefill(quick: bool) -> tuple[Any, tuple[Any, ...]]:
    return gpt2_layers(2 if quick else 12, quick)


def _kv_decoder_class() -> type:
    import torch
    from torch import nn

    class KVCacheDecoder(nn.Module):
        """GPT-2 decoding one token against an explicit KV cache.

        Inputs: `ids` (1, 1) int64, `position` (1, 1) int64, `past_keys` and
        `past_values` (layers, 1, heads, cache, head_dim). Outputs: logits
        (1, 1, vocab) and this token's keys and values (layers, 1, heads, 1,
        head_dim), which a runtime appends to the cache in place (returning
        the whole grown cache would copy it every token). The new token
        attends to all `cache` past positions and itself, so no mask is
        needed. Same weights layout as GPT-2 (LayerNorm, fused QKV, GELU-tanh
        MLP, learned positions)."""

        def __init__(
            self, layers: int, width: int, heads: int, vocab: int, positions: int
        ):
            super().__init__()
            self.heads = heads
            self.head_dim = width // heads
            self.wte = nn.Embedding(vocab, width)
            self.wpe = nn.Embedding(positions, width)
            self.ln1 = nn.ModuleList(nn.LayerNorm(width) for _ in range(layers))
            self.qkv = nn.ModuleList(nn.Linear(width, 3 * width) for _ in range(layers))
            self.proj = nn.ModuleList(nn.Linear(width, width) for _ in range(layers))
            self.ln2 = nn.ModuleList(nn.LayerNorm(width) for _ in range(layers))
            self.fc = nn.ModuleList(nn.Linear(width, 4 * width) for _ in range(layers))
            self.fc_out = nn.ModuleList(
                nn.Linear(4 * width, width) for _ in range(layers)
            )
            self.ln_f = nn.LayerNorm(width)
            self.head = nn.Linear(width, vocab, bias=False)

        def forward(self, ids, position, past_keys, past_values):  # noqa: ANN001, ANN201
            h = self.wte(ids) + self.wpe(position)  # (1, 1, W)
            new_keys, new_values = [], []
            scale = 1.0 / math.sqrt(self.head_dim)
            for layer in range(len(self.qkv)):
                x = self.ln1[layer](h)
                q, k, v = self.qkv[layer](x).split(h.shape[-1], dim=-1)
                q = q.view(1, 1, self.heads, self.head_dim).transpose(1, 2)
                k = k.view(1, 1, self.heads, self.head_dim).transpose(1, 2)
                v = v.view(1, 1, self.heads, self.head_dim).transpose(1, 2)
                keys = torch.cat([past_keys[layer], k], dim=2)
                values = torch.cat([past_values[layer], v], dim=2)
                scores = torch.matmul(q, keys.transpose(-1, -2)) * scale
                attn = torch.matmul(torch.softmax(scores, dim=-1), values)
                attn = attn.transpose(1, 2).reshape(1, 1, -1)
                h = h + self.proj[layer](attn)
                x = self.ln2[layer](h)
                mlp = nn.functional.gelu(self.fc[layer](x), approximate="tanh")
                h = h + self.fc_out[layer](mlp)
                new_keys.append(k)
                new_values.append(v)
            logits = self.head(self.ln_f(h))
            return logits, torch.stack(new_keys), torch.stack(new_values)

    return KVCacheDecoder


def build_gpt2_decode(quick: bool) -> tuple[Any, tuple[Any, ...]]:
    import torch

    _seed()
    layers, width, heads, vocab, cache = (
        (2, 64, 2, 512, 32) if quick else (12, 768, 12, 50257, 512)
    )
    model = _kv_decoder_class()(layers, width, heads, vocab, max(1024, cache + 1))
    head_dim = width // heads
    past = (layers, 1, heads, cache, head_dim)
    args = (
        torch.randint(0, vocab, (1, 1)),
        torch.full((1, 1), cache, dtype=torch.int64),
        torch.randn(past),
        torch.randn(past),
    )
    return model, args


def build_llama(quick: bool) -> tuple[Any, tuple[Any, ...]]:
    """The decoder layers of a Llama-3.2-1B-shaped model (16 x 2048, 32 query and
    8 KV heads, SwiGLU 8192, RoPE, RMSNorm) on input embeddings: the layer
    stack without the 128k-vocabulary embedding."""
    import torch
    import transformers

    _seed()
    if quick:
        config = transformers.LlamaConfig(
            vocab_size=256,
            hidden_size=64,
            intermediate_size=256,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=64,
            use_cache=False,
        )
        tokens = 16
    else:
        config = transformers.LlamaConfig(
            vocab_size=256,  # unused: the stack takes embeddings
            hidden_size=2048,
            intermediate_size=8192,
            num_hidden_layers=16,
            num_attention_heads=32,
            num_key_value_heads=8,
            max_position_embeddings=2048,
            use_cache=False,
        )
        tokens = 128
    model = _HiddenStates.wrap(transformers.LlamaModel(config), "inputs_embeds")
    return model, (torch.randn(1, tokens, config.hidden_size),)


def build_vit(quick: bool) -> tuple[Any, tuple[Any, ...]]:
    import torch
    import transformers

    _seed()
    if quick:
        config = transformers.ViTConfig(
            hidden_size=64,
            num_hidden_layers=2,
            num_attention_heads=2,
            intermediate_size=256,
            image_size=32,
            patch_size=8,
        )
    else:
        config = transformers.ViTConfig()  # ViT-B/16: 12 x 768, 224 / 16
    model = _HiddenStates.wrap(
        transformers.ViTModel(config, add_pooling_layer=False), "pixel_values"
    )
    size = config.image_size
    return model, (torch.randn(1, 3, size, size),)


def _text(full: str, quick: str) -> Callable[[bool], str]:
    return lambda q: quick if q else full


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            "resnet50",
            "vision",
            build_resnet50,
            False,
            _text("ResNet-50, 224x224", "ResNet 2 basic stages, 32x32"),
        ),
        ModelSpec(
            "mobilenetv2",
            "vision",
            build_mobilenetv2,
            False,
            _text("MobileNetV2 1.0, 224x224", "MobileNetV2 0.35, 32x32"),
        ),
        ModelSpec(
            "bert-base",
            "encoder",
            build_bert,
            True,
            _text("BERT-base 12x768, seq 128", "BERT 2x64, seq 16"),
        ),
        ModelSpec(
            "gpt2-prefill",
            "prefill",
            build_gpt2_prefill,
            True,
            _text("GPT-2 small 12x768, seq 512", "GPT-2 2x64, seq 32"),
        ),
        ModelSpec(
            "gpt2-decode",
            "decode",
            build_gpt2_decode,
            True,
            _text(
                "GPT-2 small 12x768, 1 token, KV cache 512",
                "GPT-2 2x64, 1 token, KV cache 32",
            ),
        ),
        ModelSpec(
            "llama-1b",
            "prefill",
            build_llama,
            True,
            _text(
                "Llama-1B layers 16x2048 (GQA 32/8), seq 128",
                "Llama 2x64 (GQA 4/2), seq 16",
            ),
        ),
        ModelSpec(
            "vit-b16",
            "encoder",
            build_vit,
            True,
            _text("ViT-B/16 12x768, 224x224", "ViT 2x64, 32x32 / 8"),
        ),
    )
}


def parse_models(text: str) -> list[str] | None:
    """The model names of a comma-separated `--models` option; None (after
    saying which are unknown on stderr) when one is not in `MODELS`."""
    models = [m for m in text.split(",") if m]
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        print(f"unknown model(s): {', '.join(unknown)}; known: {', '.join(MODELS)}",
              file=sys.stderr)
        return None
    return models
