"""Zero-size tensors (a dimension of extent 0) through the whole compiler and
the simulator, against onnxruntime.

`canonicalize` folds every op on an empty tensor (`dfc.passes.fold_zero_size`):
empty results become empty constants, `Concat` drops empty operands, and a
reduction over an empty axis becomes its identity. The lowering turns values
known at compile time into output memories (empty, or with an initial image)
without sections, and `su-emit-bitstream` accepts a program whose outputs are
all known this way even if it has no section at all.
"""

from __future__ import annotations

import numpy as np
import pytest
from onnx import TensorProto, helper

import dfc

ort = pytest.importorskip("onnxruntime")


def model(nodes, inputs, outputs, initializers=(), opset: int = 18):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def vi(name: str, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, list(shape))


def ort_run(m, inputs):
    session = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    return session.run(None, dict(zip(names, inputs, strict=True)))


def check(m, inputs, chip: str = "tiny"):
    artifact = dfc.compile(m, chip=chip)
    actual = artifact.run(inputs)
    expected = ort_run(m, inputs)
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected, strict=True):
        assert a.shape == e.shape
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-6)
    return artifact


def axes(values):
    return helper.make_tensor("axes", TensorProto.INT64, [len(values)], values)


@pytest.mark.parametrize(
    "op, identity",
    [
        ("ReduceSum", 0.0),
        ("ReduceMax", -np.inf),
        ("ReduceMin", np.inf),
        ("ReduceProd", 1.0),
        ("ReduceLogSum", -np.inf),
        ("ReduceSumSquare", 0.0),
    ],
)
def test_reduction_over_empty_axis_is_identity(op: str, identity: float) -> None:
    """The identity as the output's initial image: no section computes it."""
    m = model(
        [helper.make_node(op, ["x", "axes"], ["y"], keepdims=1)],
        [vi("x", (2, 0, 4))],
        [vi("y", (2, 1, 4))],
        [axes([1])],
    )
    x = np.zeros((2, 0, 4), np.float32)
    artifact = check(m, [x])
    (y,) = artifact.run([x])
    assert np.all(y == identity)
    if op != "ReduceLogSum":  # log(0) stays a stage on a constant: -inf does
        # not survive as an inline literal, so canonicalize does not fold it
        assert artifact.report.sections == 0


def test_empty_results_beside_real_work() -> None:
    """An empty slice and a real Relu in one model: the empty output needs no
    unit; the Relu is computed."""
    starts = helper.make_tensor("starts", TensorProto.INT64, [1], [1000])
    ends = helper.make_tensor("ends", TensorProto.INT64, [1], [1000])
    ax = helper.make_tensor("ax", TensorProto.INT64, [1], [1])
    m = model(
        [
            helper.make_node("Slice", ["x", "starts", "ends", "ax"], ["e"]),
            helper.make_node("Relu", ["x"], ["r"]),
        ],
        [vi("x", (4, 10, 5))],
        [vi("e", (4, 0, 5)), vi("r", (4, 10, 5))],
        [starts, ends, ax],
    )
    x = np.random.default_rng(0).standard_normal((4, 10, 5)).astype(np.float32)
    artifact = check(m, [x])
    assert artifact.report.sections >= 1


def test_concat_with_empty_operand() -> None:
    m = model(
        [
            helper.make_node("Concat", ["a", "e", "b"], ["c"], axis=1),
            helper.make_node("Exp", ["c"], ["y"]),
        ],
        [vi("a", (2, 3)), vi("e", (2, 0)), vi("b", (2, 5))],
        [vi("y", (2, 8))],
    )
    rng = np.random.default_rng(1)
    a = rng.standard_normal((2, 3)).astype(np.float32)
    b = rng.standard_normal((2, 5)).astype(np.float32)
    check(m, [a, np.zeros((2, 0), np.float32), b])


def test_only_empty_outputs_compile_to_a_program_without_sections() -> None:
    """Reshape of an empty input (allowzero): nothing to run, yet a valid
    bitstream that the simulator loads and runs."""
    shape = helper.make_tensor("shape", TensorProto.INT64, [3], [3, 4, 0])
    m = model(
        [helper.make_node("Reshape", ["x", "shape"], ["y"], allowzero=1)],
        [vi("x", (0, 3, 4))],
        [vi("y", (3, 4, 0))],
        [shape],
    )
    artifact = check(m, [np.zeros((0, 3, 4), np.float32)])
    assert artifact.report.sections == 0
    assert len(artifact.bitstream) > 0
    result = dfc.simulate(artifact.bitstream, [np.zeros((0, 3, 4), np.float32)])
    assert result.outputs.as_list()[0].size == 0


def test_graph_passes_without_canonicalize_do_not_crash() -> None:
    """dfg-fuse's cost model and dfg-tile on unfolded zero-size ops: tiles of
    1 for the empty loops, no division by zero."""
    text = """
    func.func @f(%a: tensor<2x0x4xf32>, %b: tensor<9xf32>) -> (tensor<2x1x4xf32>, tensor<0xf32>) {
      %0 = dfg.abs %a : (tensor<2x0x4xf32>) -> tensor<2x0x4xf32>
      %1 = dfg.reduce_sum %0 {keepdims = true, axes = array<i64: 1>} : (tensor<2x0x4xf32>) -> tensor<2x1x4xf32>
      %2 = dfg.slice %b {starts = array<i64: 9>, ends = array<i64: 9>, axes = array<i64: 0>, steps = array<i64: 1>} : (tensor<9xf32>) -> tensor<0xf32>
      func.return %1, %2 : tensor<2x1x4xf32>, tensor<0xf32>
    }
    """
    from dfc.dialects import make_context
    from dfc.passes import PASSES

    for strategy in ("greedy", "none"):
        module = dfc.parse_mlir(text)
        ctx = make_context()
        PASSES["dfg-fuse"]()(chip="tiny", strategy=strategy).apply(ctx, module)
        PASSES["dfg-tile"]()(chip="tiny").apply(ctx, module)
        printed = str(module)
        assert "tile = #dfg.tile<[2, 1, 4], par = 1>" in printed
        assert "tile = #dfg.tile<[1], par = 1>" in printed
