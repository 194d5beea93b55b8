"""Import errors: unsupported ops listed in one error, symbolic shapes named,
and the specialize option; blobs, names and locations of the imported IR."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import dfc  # noqa: E402
from dfc.dialects.resources import BLOBS  # noqa: E402
from dfc.frontends.torch import TorchImportError  # noqa: E402


class Unsupported(torch.nn.Module):
    def forward(self, x):
        y = torch.linalg.inv(x)
        z = torch.fft.fft(x)
        return y + 1, z.real


def test_unsupported_ops_listed_in_one_error():
    with pytest.raises(TorchImportError) as info:
        dfc.import_torch(Unsupported(), (torch.randn(4, 4),))
    message = str(info.value)
    _, start = inspect.getsourcelines(Unsupported.forward)
    assert message.startswith("error: 4 unsupported PyTorch ops:")
    assert (
        f"aten.linalg_inv_ex.default at node 'linalg_inv_ex' ({__file__}:{start + 1})"
        in message
    )
    assert (
        f"aten._fft_r2c.default at node '_fft_r2c' ({__file__}:{start + 2})" in message
    )
    assert "aten.view_as_real.default at node 'view_as_real'" in message


class Double(torch.nn.Module):
    def forward(self, x):
        return x * 2


BATCH = torch.export.Dim("batch", min=2, max=64)


def test_symbolic_shape_error_names_symbol_and_input():
    with pytest.raises(TorchImportError) as info:
        dfc.import_torch(
            Double(), (torch.randn(4, 3),), dynamic_shapes={"x": {0: BATCH}}
        )
    message = str(info.value)
    assert message.startswith("error: 1 symbolic dimension; dfc needs static shapes:")
    assert "input 'x' axis 0: symbol 'batch' (s" in message
    assert "range 2..64" in message
    assert "pass specialize=True" in message


def test_symbolic_exported_program_error():
    ep = torch.export.export(
        Double(), (torch.randn(4, 3),), dynamic_shapes={"x": {0: BATCH}}
    )
    with pytest.raises(TorchImportError, match=r"input 'x' axis 0: symbol 's\d+'"):
        dfc.import_torch(ep)


def test_specialize_from_example_inputs():
    module = dfc.import_torch(
        Double(),
        (torch.randn(4, 3),),
        dynamic_shapes={"x": {0: BATCH}},
        specialize=True,
    )
    x = np.ones((4, 3), np.float32)
    np.testing.assert_array_equal(dfc.interpret(module, [x])[0], 2 * x)
    ep = torch.export.export(
        Double(), (torch.randn(4, 3),), dynamic_shapes={"x": {0: BATCH}}
    )
    stored = dfc.import_torch(ep, specialize=True)
    assert (
        str(stored.body.block.first_op.function_type)
        == "(tensor<4x3xf32>) -> tensor<4x3xf32>"
    )
    given = dfc.import_torch(ep, (torch.randn(5, 3),), specialize=True)
    assert (
        str(given.body.block.first_op.function_type)
        == "(tensor<5x3xf32>) -> tensor<5x3xf32>"
    )


class Rotary(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Linear(8, 8)
        self.register_buffer("table", torch.randn(4, 8), persistent=False)

    def forward(self, x):
        return self.proj(x) * self.table


def test_parameters_and_nonpersistent_buffers_become_blobs():
    model = Rotary().eval()
    x = torch.randn(4, 8)
    module = dfc.import_torch(model, (x,))
    text = dfc.print_mlir(module)
    assert "dense_resource<proj.weight>" in text
    assert "dense_resource<table" in text
    np.testing.assert_allclose(
        dfc.interpret(module, [x.numpy()])[0], model(x).detach().numpy(), rtol=1e-5
    )
    # the blob shares memory with the parameter: no copy, no list round trip
    handle = next(
        op.value.resource_handle.data
        for op in module.walk()
        if op.name == "dfg.constant" and "proj.weight" in str(op.value)
    )
    blob = BLOBS.get(handle)
    assert np.shares_memory(
        np.frombuffer(blob, np.float32), model.proj.weight.detach().numpy()
    )


def test_locations_name_the_node_and_source_line():
    module = dfc.import_torch(Rotary().eval(), (torch.randn(4, 8),))
    _, start = inspect.getsourcelines(Rotary.forward)
    muls = [op for op in module.walk() if op.name == "dfg.mul"]
    assert len(muls) == 1
    location = muls[0].location
    assert location.desc.data == "mul"
    assert location.location.filename.data == __file__
    assert location.location.line.data == start + 1


def test_not_a_module():
    with pytest.raises(
        TorchImportError, match="takes an nn.Module or an ExportedProgram"
    ):
        dfc.import_torch(lambda x: x, (torch.randn(2),))
