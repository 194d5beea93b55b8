"""End to end: real models compiled by `dfc.compile` (the whole pipeline) for a
chip, the bitstream run on the simulator's functional model, and the outputs
compared with onnxruntime (ONNX models) or PyTorch eager (torch models).

Tolerances (docs/compiling.md, "Numerics"):
- f32 models: `rtol=1e-4, atol=1e-5` per element (different summation orders
  only);
- bf16 models: max |simulated - eager| <= 3e-2 x max |eager| (the simulator
  rounds to bf16 after every stage; eager torch rounds after every op).

Every test skips, naming the passes, while a pass of `COMPILE_PIPELINE` is not
registered. Models are built from small configs with random weights (no
downloads); the ones that take longer than ~10 s are marked slow.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import dfc
from dfc.passes import PASSES
from dfc.passes.pipelines import COMPILE_PIPELINE

torch = pytest.importorskip("torch")
ort = pytest.importorskip("onnxruntime")

F32 = {"rtol": 1e-4, "atol": 1e-5}
BF16_RELATIVE = 3e-2


@pytest.fixture(autouse=True)
def require_pipeline() -> None:
    missing = [name for name in COMPILE_PIPELINE if name.split("{")[0] not in PASSES]
    # Every pass of the pipeline is part of dfc: a missing one is a failure.
    assert not missing, "passes of COMPILE_PIPELINE not registered: " + ", ".join(
        missing
    )


def export_onnx(model, args, tmp_path, name: str):
    path = tmp_path / f"{name}.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = torch.onnx.export(model.eval(), args, dynamo=True, verbose=False)
        program.save(str(path))
    return path


def onnxruntime_outputs(path, inputs: list[np.ndarray]) -> list[np.ndarray]:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    return session.run(None, dict(zip(names, inputs, strict=True)))


def compile_and_simulate(model, inputs, chip: str, **kwargs):
    artifact = dfc.compile(model, chip=chip, **kwargs)
    assert artifact.report.routing_ok
    assert artifact.report.placed_units == sum(artifact.report.units.values())
    result = artifact.simulate(list(inputs))
    return artifact, result.outputs.as_list()


def assert_f32_close(actual, expected) -> None:
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected, strict=True):
        e = np.asarray(e)
        np.testing.assert_allclose(np.asarray(a, np.float32).reshape(e.shape), e, **F32)


def assert_bf16_close(actual, expected) -> None:
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected, strict=True):
        e = np.asarray(e, np.float32)
        a = np.asarray(a).astype(np.float32).reshape(e.shape)
        scale = float(np.max(np.abs(e))) or 1.0
        assert float(np.max(np.abs(a - e))) <= BF16_RELATIVE * scale


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------


class MLP(torch.nn.Module):
    def __init__(self, width: int = 32, hidden: int = 64, out: int = 16) -> None:
        super().__init__()
        self.fc1 = torch.nn.Linear(width, hidden)
        self.fc2 = torch.nn.Linear(hidden, out)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class ResidualCNN(torch.nn.Module):
    """Conv-BN-ReLU, max pooling, a residual conv block, global average pooling
    and a classifier."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.pool = torch.nn.MaxPool2d(2)
        self.conv2 = torch.nn.Conv2d(8, 8, 3, padding=1)
        self.bn2 = torch.nn.BatchNorm2d(8)
        self.fc = torch.nn.Linear(8, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn1(self.conv1(x))))
        x = torch.relu(self.bn2(self.conv2(x)) + x)
        return self.fc(torch.nn.functional.adaptive_avg_pool2d(x, 1).flatten(1))


def _randomize_batchnorm(model) -> None:
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            with torch.no_grad():
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)


def encoder_layer():
    return torch.nn.TransformerEncoderLayer(
        d_model=32, nhead=4, dim_feedforward=64, dropout=0.0, batch_first=True
    ).eval()


def gpt2(layers: int = 2):
    transformers = pytest.importorskip("transformers")
    config = transformers.GPT2Config(
        n_layer=layers,
        n_embd=32,
        n_head=4,
        vocab_size=64,
        n_positions=32,
        use_cache=False,
    )
    return transformers.GPT2LMHeadModel(config).eval()


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_mlp_onnx(tmp_path, chip):
    torch.manual_seed(0)
    x = torch.randn(4, 32)
    path = export_onnx(MLP(), (x,), tmp_path, "mlp")
    artifact, actual = compile_and_simulate(path, [x.numpy()], chip)
    assert_f32_close(actual, onnxruntime_outputs(path, [x.numpy()]))


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_mlp_torch_bf16(chip):
    torch.manual_seed(0)
    model = MLP().to(torch.bfloat16).eval()
    x = torch.randn(4, 32).to(torch.bfloat16)
    with torch.no_grad():
        expected = model(x).float().numpy()
    import ml_dtypes

    inputs = [x.float().numpy().astype(ml_dtypes.bfloat16)]
    _, actual = compile_and_simulate(model, inputs, chip, example_args=(x,))
    assert_bf16_close(actual, [expected])


@pytest.mark.slow
@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_residual_cnn_onnx(tmp_path, chip):
    torch.manual_seed(0)
    model = ResidualCNN()
    _randomize_batchnorm(model)
    x = torch.randn(1, 3, 16, 16)
    path = export_onnx(model, (x,), tmp_path, "cnn")
    _, actual = compile_and_simulate(path, [x.numpy()], chip)
    assert_f32_close(actual, onnxruntime_outputs(path, [x.numpy()]))


@pytest.mark.slow
@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_transformer_encoder_layer_torch_f32(chip):
    torch.manual_seed(0)
    layer = encoder_layer()
    x = torch.randn(1, 8, 32)
    with torch.no_grad():
        expected = layer(x).numpy()
    _, actual = compile_and_simulate(layer, [x.numpy()], chip, example_args=(x,))
    assert_f32_close(actual, [expected])


@pytest.mark.slow
def test_gpt2_two_layers_causal_onnx(tmp_path):
    torch.manual_seed(0)
    model = gpt2(2)
    ids = torch.randint(0, 64, (1, 16))
    path = export_onnx(model, (ids,), tmp_path, "gpt2")
    artifact, actual = compile_and_simulate(path, [ids.numpy()], "sn40l")
    assert_f32_close(actual, onnxruntime_outputs(path, [ids.numpy()]))
    # The causal mask must hold on the chip too: changing the last token leaves
    # the earlier positions' logits unchanged.
    changed = ids.clone()
    changed[0, -1] = (changed[0, -1] + 1) % 64
    second = artifact.simulate([changed.numpy()]).outputs.as_list()[0]
    np.testing.assert_array_equal(actual[0][0, :-1], second[0, :-1])
    assert not np.array_equal(actual[0][0, -1], second[0, -1])


@pytest.mark.slow
def test_fused_build_is_faster_than_unfused(tmp_path):
    """The point of fusion: fewer sections and less HBM traffic in simulated time."""
    torch.manual_seed(0)
    x = torch.randn(4, 32)
    path = export_onnx(MLP(), (x,), tmp_path, "mlp")
    fused = dfc.compile(path, chip="sn40l", fusion="auto")
    unfused = dfc.compile(path, chip="sn40l", fusion="none")
    assert unfused.report.sections >= fused.report.sections
    fused_time = fused.simulate(functional=False).seconds
    unfused_time = unfused.simulate(functional=False).seconds
    assert fused_time < unfused_time


@pytest.mark.slow
def test_gpt2_does_not_fit_tiny_and_says_why(tmp_path):
    """tiny has 2 AGCUs; GPT-2 has a section that needs 3 off-chip streams at
    once: the compile stops with the explained su-partition error."""
    from dfc.compile import CompileError

    torch.manual_seed(0)
    ids = torch.randint(0, 64, (1, 16))
    path = export_onnx(gpt2(2), (ids,), tmp_path, "gpt2")
    with pytest.raises(CompileError) as error:
        dfc.compile(path, chip="tiny")
    assert error.value.stage == "su-partition"
    assert "cannot be split to fit 'tiny'" in str(error.value)
    assert "more AGCUs than the chip's 2" in str(error.value)
