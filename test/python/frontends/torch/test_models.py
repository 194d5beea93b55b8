"""Hugging Face transformers models built from small configs (random weights,
no downloads), imported with dfc.import_torch and run on the reference
interpreter against PyTorch eager (f32, 1e-4 relative)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import dfc  # noqa: E402

SMALL = {"num_hidden_layers": 2, "hidden_size": 32, "num_attention_heads": 4}


def gpt2():
    config = transformers.GPT2Config(
        n_layer=2, n_embd=32, n_head=4, vocab_size=100, n_positions=64, use_cache=False
    )
    return transformers.GPT2Model(config), (torch.randint(0, 100, (2, 8)),)


def bert():
    config = transformers.BertConfig(
        **SMALL, intermediate_size=64, vocab_size=100, max_position_embeddings=64
    )
    return transformers.BertModel(config), (torch.randint(0, 100, (2, 8)),)


def llama():
    config = transformers.LlamaConfig(
        **SMALL,
        num_key_value_heads=2,
        intermediate_size=64,
        vocab_size=100,
        max_position_embeddings=64,
        use_cache=False,
    )
    return transformers.LlamaModel(config), (torch.randint(0, 100, (2, 8)),)


def vit():
    config = transformers.ViTConfig(
        **SMALL, intermediate_size=64, image_size=16, patch_size=4
    )
    return transformers.ViTModel(config), (torch.randn(2, 3, 16, 16),)


def resnet():
    config = transformers.ResNetConfig(
        embedding_size=16, hidden_sizes=[16, 32], depths=[1, 1], layer_type="basic"
    )
    model = transformers.ResNetModel(config)
    for module in model.modules():  # non-trivial batch-norm statistics
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 1.5)
    return model, (torch.randn(2, 3, 32, 32),)


@pytest.mark.parametrize(
    "build", [gpt2, bert, llama, vit, resnet], ids=lambda f: f.__name__
)
def test_model_matches_eager(build):
    torch.manual_seed(0)
    model, args = build()
    model.eval()
    module = dfc.import_torch(model, args)
    outputs = dfc.interpret(module, [a.numpy() for a in args])
    with torch.no_grad():
        expected = list(model(*args).values())
    assert len(outputs) == len(expected)
    for got, want in zip(outputs, expected, strict=True):
        want = want.numpy()
        relative = np.linalg.norm(got - want) / np.linalg.norm(want)
        assert relative < 1e-4
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_llama_keeps_rotary_tables_and_attention():
    torch.manual_seed(0)
    model, args = llama()
    text = dfc.print_mlir(dfc.import_torch(model.eval(), args))
    assert text.count("dfg.attention") == 2
    assert text.count("dfg.sin") == 0  # the rotary cos/sin tables fold at import
    assert "dfg.sigmoid" in text  # SiLU gating = x * sigmoid(x)


def test_output_names_come_from_the_model_output():
    torch.manual_seed(0)
    model, args = bert()
    module = dfc.import_torch(model.eval(), args)
    function = module.body.block.first_op
    names = [a.data["dfc.name"].data for a in function.res_attrs.data]
    assert names == ["last_hidden_state", "pooler_output"]
    assert function.arg_attrs.data[0].data["dfc.name"].data == "input_ids"
