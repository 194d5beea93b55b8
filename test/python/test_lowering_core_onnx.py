"""The core lowerings on graphs imported from ONNX (`dfc.import_onnx`),
checked against onnxruntime; the pass's option errors; a core program
through su-partition / su-place / su-route."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from core_lowering_util import compile_su
from onnx import TensorProto, helper

import dfc
from dfc.backends.bitstream.su_codec import module_to_program
from dfc.dialects.diagnostics import DfcDiagnosticError


def _block_model() -> onnx.ModelProto:
    """LayerNorm-free transformer-ish block: x * w + b, Gelu via Erf, Softmax
    over the last axis, ReduceMean, Transpose, Where on a comparison."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 10])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [10, 3])
    z = helper.make_tensor_value_info("z", TensorProto.FLOAT, [3, 1])
    rng = np.random.default_rng(3)
    w = helper.make_tensor(
        "w", TensorProto.FLOAT, [10], rng.standard_normal(10).tolist()
    )
    b = helper.make_tensor(
        "b", TensorProto.FLOAT, [10], rng.standard_normal(10).tolist()
    )
    half = helper.make_tensor("half", TensorProto.FLOAT, [], [0.5])
    one = helper.make_tensor("one", TensorProto.FLOAT, [], [1.0])
    rsq = helper.make_tensor("rsq", TensorProto.FLOAT, [], [0.7071067811865476])
    zero = helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0])
    axes = helper.make_tensor("axes", TensorProto.INT64, [1], [1])
    nodes = [
        helper.make_node("Mul", ["x", "w"], ["m"]),
        helper.make_node("Add", ["m", "b"], ["a"]),
        helper.make_node("Mul", ["a", "rsq"], ["s"]),
        helper.make_node("Erf", ["s"], ["e"]),
        helper.make_node("Add", ["e", "one"], ["e1"]),
        helper.make_node("Mul", ["a", "e1"], ["g0"]),
        helper.make_node("Mul", ["g0", "half"], ["g"]),
        helper.make_node("Greater", ["g", "zero"], ["pos"]),
        helper.make_node("Where", ["pos", "g", "x"], ["h"]),
        helper.make_node("Softmax", ["h"], ["p"], axis=-1),
        helper.make_node("Transpose", ["p"], ["y"], perm=[1, 0]),
        helper.make_node("ReduceMean", ["h", "axes"], ["z"], keepdims=1),
    ]
    graph = helper.make_graph(
        nodes, "block", [x], [y, z], [w, b, half, one, rsq, zero, axes]
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 9
    return model


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_onnx_block_matches_onnxruntime(chip: str) -> None:
    import onnxruntime

    model = _block_model()
    x = np.random.default_rng(0).standard_normal((3, 10)).astype(np.float32)
    session = onnxruntime.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    want = session.run(None, {"x": x})
    text = str(dfc.import_onnx(model))
    su = compile_su(text, chip)
    got = dfc.simulate(module_to_program(su), [x]).outputs.as_list()
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(
            np.asarray(g).reshape(w.shape), w, rtol=1e-5, atol=1e-5
        )


def test_unknown_chip_is_a_located_error() -> None:
    from dfc.dialects import make_context
    from dfc.passes import PASSES

    module = dfc.parse_mlir(
        """func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = dfg.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  func.return %r : tensor<4xf32>
}"""
    )
    with pytest.raises(DfcDiagnosticError, match="convert-dfg-to-su: .*unknown chip"):
        PASSES["convert-dfg-to-su"]()(chip="nochip").apply(make_context(), module)  # type: ignore[call-arg]


def test_core_program_through_placement() -> None:
    from lowering_util import through_placement

    text = """func.func @main(%x: tensor<4x6xf32>, %g: tensor<6xf32>) -> tensor<4x6xf32> {
  %n = dfg.layer_norm %x scale %g {axis = -1 : i64} : (tensor<4x6xf32>, tensor<6xf32>) -> tensor<4x6xf32>
  %s = dfg.softmax %n {axis = 0 : i64} : (tensor<4x6xf32>) -> tensor<4x6xf32>
  func.return %s : tensor<4x6xf32>
}"""
    assert through_placement(text, "tiny") >= 6
