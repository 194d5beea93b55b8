"""Real models exported by PyTorch's dynamo ONNX exporter, imported by dfc and run
on the reference interpreter, against onnxruntime on the same ONNX file."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
ort = pytest.importorskip("onnxruntime")

import dfc  # noqa: E402


def export(model, args, tmp_path, name: str):
    path = tmp_path / f"{name}.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = torch.onnx.export(model.eval(), args, dynamo=True, verbose=False)
        program.save(str(path))
    return path


def check_against_onnxruntime(path, inputs: list[np.ndarray], rtol=1e-4, atol=1e-5):
    module = dfc.import_onnx(path)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    expected = session.run(None, dict(zip(names, inputs, strict=True)))
    actual = dfc.interpret(module, inputs)
    assert len(actual) == len(expected)
    for e, a in zip(expected, actual, strict=True):
        assert a.shape == e.shape
        np.testing.assert_allclose(a, e, rtol=rtol, atol=atol)
    return module


class SmallCNN(torch.nn.Module):
    """Conv-BN-ReLU-MaxPool, a depthwise block, average pooling and a classifier."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.pool = torch.nn.MaxPool2d(2)
        self.dw = torch.nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.bn2 = torch.nn.BatchNorm2d(8)
        self.avg = torch.nn.AvgPool2d(2)
        self.fc = torch.nn.Linear(8, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn1(self.conv1(x))))
        x = torch.relu(self.bn2(self.dw(x))) + x
        x = self.avg(x)
        x = torch.nn.functional.adaptive_avg_pool2d(x, 1).flatten(1)
        return torch.softmax(self.fc(x), dim=-1)


def _randomize_batchnorm(model) -> None:
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            with torch.no_grad():
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)


def test_cnn_with_batchnorm_and_pooling(tmp_path):
    torch.manual_seed(0)
    model = SmallCNN()
    _randomize_batchnorm(model)
    x = torch.randn(2, 3, 16, 16)
    path = export(model, (x,), tmp_path, "cnn")
    check_against_onnxruntime(path, [x.numpy()])


def test_transformer_encoder_layer(tmp_path):
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(
        d_model=32, nhead=4, dim_feedforward=64, dropout=0.0, batch_first=True
    )
    x = torch.randn(2, 10, 32)
    path = export(layer, (x,), tmp_path, "encoder")
    check_against_onnxruntime(path, [x.numpy()])


def test_gpt2_decoder_with_causal_mask(tmp_path):
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(0)
    config = transformers.GPT2Config(
        n_layer=2, n_embd=64, n_head=4, vocab_size=128, n_positions=64, use_cache=False
    )
    model = transformers.GPT2LMHeadModel(config)
    ids = torch.randint(0, 128, (1, 16))
    path = export(model, (ids,), tmp_path, "gpt2")
    module = check_against_onnxruntime(path, [ids.numpy()])
    # The causal mask must matter: a later token must not change earlier logits.
    changed = ids.clone()
    changed[0, -1] = (changed[0, -1] + 1) % 128
    (first,) = dfc.interpret(module, [ids.numpy()])
    (second,) = dfc.interpret(module, [changed.numpy()])
    np.testing.assert_array_equal(first[0, :-1], second[0, :-1])
    assert not np.array_equal(first[0, -1], second[0, -1])
