"""torch.nn building blocks imported with dfc.import_torch and run on the
reference interpreter against PyTorch eager (f32)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

import dfc  # noqa: E402


def check(model, *args, rtol=1e-4, atol=1e-5):
    torch.manual_seed(0)
    model = model.eval()
    module = dfc.import_torch(model, args)
    outputs = dfc.interpret(module, [a.numpy() for a in args])
    with torch.no_grad():
        expected = model(*args)
    if isinstance(expected, torch.Tensor):
        expected = (expected,)
    expected = [e for e in expected if e is not None]
    assert len(outputs) == len(expected)
    for got, want in zip(outputs, expected, strict=True):
        np.testing.assert_allclose(got, want.numpy(), rtol=rtol, atol=atol)
    return module


class Lambda(torch.nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *args):
        return self.fn(*args)


def test_linear():
    check(torch.nn.Linear(8, 5), torch.randn(3, 8))


def test_linear_3d_no_bias():
    check(torch.nn.Linear(8, 5, bias=False), torch.randn(2, 3, 8))


@pytest.mark.parametrize("groups", [1, 4])
def test_conv2d(groups):
    conv = torch.nn.Conv2d(4, 8, 3, stride=2, padding=1, groups=groups)
    check(conv, torch.randn(2, 4, 9, 9))


def test_conv1d():
    check(torch.nn.Conv1d(3, 6, 3, padding=1), torch.randn(2, 3, 10))


def test_batchnorm2d_eval():
    bn = torch.nn.BatchNorm2d(4)
    bn.running_mean.uniform_(-1, 1)
    bn.running_var.uniform_(0.5, 2)
    bn.weight.data.uniform_(0.5, 1.5)
    bn.bias.data.uniform_(-1, 1)
    check(bn, torch.randn(2, 4, 5, 5))


def test_pooling():
    model = torch.nn.Sequential(
        torch.nn.MaxPool2d(3, stride=2, padding=1),
        torch.nn.AvgPool2d(2),
        torch.nn.AdaptiveAvgPool2d(1),
    )
    check(model, torch.randn(2, 3, 16, 16))


def test_adaptive_avg_pool_even():
    check(torch.nn.AdaptiveAvgPool2d((2, 3)), torch.randn(1, 2, 4, 6))


def test_layer_norm():
    check(torch.nn.LayerNorm(16), torch.randn(2, 5, 16))


def test_rms_norm():
    check(torch.nn.RMSNorm(16, eps=1e-6), torch.randn(2, 5, 16))


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu(approximate):
    check(torch.nn.GELU(approximate=approximate), torch.randn(4, 16))


def test_silu_gating():
    up, gate = torch.nn.Linear(8, 16), torch.nn.Linear(8, 16)
    model = Lambda(lambda x: F.silu(gate(x)) * up(x))
    model.up, model.gate = up, gate
    check(model, torch.randn(3, 8))


def test_embedding():
    check(torch.nn.Embedding(50, 8), torch.randint(0, 50, (2, 7)))


@pytest.mark.parametrize("need_weights", [False, True])
def test_multihead_attention(need_weights):
    mha = torch.nn.MultiheadAttention(16, 4, batch_first=True)
    model = Lambda(lambda x: mha(x, x, x, need_weights=need_weights)[0])
    model.mha = mha
    check(model, torch.randn(2, 5, 16))


@pytest.mark.parametrize("causal", [False, True])
def test_sdpa(causal):
    model = Lambda(
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    )
    q, k, v = (torch.randn(2, 3, 6, 8) for _ in range(3))
    module = check(model, q, k, v)
    assert "dfg.attention" in dfc.print_mlir(module)


@pytest.mark.parametrize("mask_dtype", [torch.bool, torch.float32])
def test_sdpa_attn_mask(mask_dtype):
    if mask_dtype == torch.bool:
        mask = torch.rand(6, 6) > 0.3
        mask[:, 0] = True
    else:
        mask = torch.randn(6, 6)
    model = Lambda(
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    )
    q, k, v = (torch.randn(2, 3, 6, 8) for _ in range(3))
    check(model, q, k, v)


def test_softmax_and_elementwise():
    def fn(x, y):
        z = torch.softmax(x, dim=-1) + torch.log_softmax(y, dim=1)
        z = torch.where(x > 0, z, -z).clamp(-0.5, 2.0)
        return torch.sqrt(z.abs() + 1) / (1 + torch.exp(-y)), z.sum(dim=1), z.mean()

    check(Lambda(fn), torch.randn(3, 7), torch.randn(3, 7))


def test_movement():
    def fn(x):
        a, b = x.split([2, 4], dim=-1)
        c = torch.cat([b, a], dim=-1).transpose(0, 1).reshape(6, -1)
        return F.pad(c[1:5, ::2], (1, 2)), x[:, 1], x.unsqueeze(1).expand(3, 2, 4, 6)

    check(Lambda(fn), torch.randn(3, 4, 6))
