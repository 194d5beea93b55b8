"""The ONNX importer's model-level behaviour: external data, names and
locations, constants, opset upgrades and the library errors."""

from __future__ import annotations

import warnings

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from xdsl.dialects.builtin import DenseResourceAttr, NameLoc

import dfc
from dfc.dialects.dfg import ConstantOp
from dfc.dialects.resources import BLOBS
from dfc.frontends.onnx import OnnxImportError


def linear_model(weight: np.ndarray, opset: int = 17) -> onnx.ModelProto:
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "w"], ["y"], name="fc"),
            helper.make_node("Relu", ["y"], ["out"], name="act"),
        ],
        "linear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, weight.shape[0]])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [2, weight.shape[1]])],
        initializer=[numpy_helper.from_array(weight, "w")],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def test_external_data_model_loads(tmp_path):
    rng = np.random.default_rng(0)
    weight = rng.standard_normal((64, 32)).astype(np.float32)
    model = linear_model(weight)
    path = tmp_path / "model.onnx"
    onnx.save_model(
        model,
        str(path),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location="weights.bin",
        size_threshold=0,
    )
    assert (tmp_path / "weights.bin").stat().st_size == weight.nbytes
    module = dfc.import_onnx(path)
    x = rng.standard_normal((2, 64)).astype(np.float32)
    (out,) = dfc.interpret(module, [x])
    np.testing.assert_allclose(out, np.maximum(x @ weight, 0), rtol=1e-5, atol=1e-6)


def test_large_initializers_become_blobs_holding_the_weights():
    weight = np.arange(64 * 32, dtype=np.float32).reshape(64, 32)
    module = dfc.import_onnx(linear_model(weight))
    constants = [op for op in module.walk() if isinstance(op, ConstantOp)]
    assert len(constants) == 1
    value = constants[0].value
    assert isinstance(value, DenseResourceAttr)
    stored = np.frombuffer(BLOBS.get(value.resource_handle.data), dtype=np.float32)
    np.testing.assert_array_equal(stored.reshape(64, 32), weight)


def test_ops_are_located_at_their_nodes_and_io_keeps_names():
    module = dfc.import_onnx(linear_model(np.ones((4, 3), np.float32)))
    text = dfc.print_mlir(module)
    assert '{dfc.name = "x"}' in text and '{dfc.name = "out"}' in text
    names = {
        op.location.desc.data
        for op in module.walk()
        if isinstance(op.location, NameLoc)
    }
    assert {"fc", "act"} <= names


def test_old_opset_is_upgraded_and_says_so():
    model = linear_model(np.ones((4, 3), np.float32), opset=6)
    with pytest.warns(UserWarning, match="upgraded the model from opset 6"):
        module = dfc.import_onnx(model)
    (out,) = dfc.interpret(module, [np.ones((2, 4), np.float32)])
    np.testing.assert_allclose(out, np.full((2, 3), 4.0))


def test_caller_model_is_not_modified_by_pinning():
    model = linear_model(np.ones((4, 3), np.float32))
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "batch"
    before = model.SerializeToString()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dfc.import_onnx(model, input_shapes={"x": (5, 4)})
    assert model.SerializeToString() == before


def test_dynamic_dimension_error_names_the_input():
    model = linear_model(np.ones((4, 3), np.float32))
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "batch"
    with pytest.raises(OnnxImportError, match="input 'x' has dynamic dimension 'batch'"):
        dfc.import_onnx(model)


def test_unsupported_nodes_are_listed_together():
    graph = helper.make_graph(
        [
            helper.make_node("NonZero", ["x"], ["a"], name="nz"),
            helper.make_node("Unique", ["x"], ["b"], name="uq"),
        ],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
        [
            helper.make_tensor_value_info("a", TensorProto.INT64, [1, 4]),
            helper.make_tensor_value_info("b", TensorProto.FLOAT, [4]),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    with pytest.raises(OnnxImportError) as info:
        dfc.import_onnx(model)
    message = str(info.value)
    assert "2 unsupported ONNX nodes" in message
    assert "NonZero (opset 17) at node 'nz'" in message
    assert "Unique (opset 17) at node 'uq'" in message
