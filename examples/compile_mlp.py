"""The main job's model: a two-layer MLP with a softmax head, built as an ONNX
file here (onnx.helper, seeded random weights, no download), compiled with
`dfc.compile` for a chip, run on the simulator, and checked against
onnxruntime and dfc's reference interpreter.

    python examples/compile_mlp.py OUT_DIR [--chip sn40l]

Writes OUT_DIR/mlp.onnx, OUT_DIR/inputs.npz and OUT_DIR/mlp.dfcb; exits 1 when
the simulated outputs differ from onnxruntime beyond the f32 tolerance
(rtol 1e-4, atol 1e-5; docs/compiling.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def build_mlp(
    batch: int = 8, width: int = 64, hidden: int = 128, classes: int = 16
) -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    weights = {
        "w1": rng.standard_normal((width, hidden)) / np.sqrt(width),
        "b1": rng.standard_normal(hidden) * 0.1,
        "w2": rng.standard_normal((hidden, classes)) / np.sqrt(hidden),
        "b2": rng.standard_normal(classes) * 0.1,
    }
    weights = {k: v.astype(np.float32) for k, v in weights.items()}
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h0"], name="fc1"),
        helper.make_node("Add", ["h0", "b1"], ["h1"], name="fc1_bias"),
        helper.make_node("Relu", ["h1"], ["h2"], name="relu"),
        helper.make_node("MatMul", ["h2", "w2"], ["l0"], name="fc2"),
        helper.make_node("Add", ["l0", "b2"], ["logits"], name="fc2_bias"),
        helper.make_node("Softmax", ["logits"], ["probs"], name="softmax", axis=-1),
    ]
    graph = helper.make_graph(
        nodes,
        "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, width])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [batch, classes])],
        [numpy_helper.from_array(v, k) for k, v in weights.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--chip", default="sn40l")
    args = parser.parse_args(argv)

    import onnxruntime as ort

    import dfc

    args.out_dir.mkdir(parents=True, exist_ok=True)
    path = args.out_dir / "mlp.onnx"
    onnx.save(build_mlp(), path)
    x = np.random.default_rng(1).standard_normal((8, 64)).astype(np.float32)
    np.savez(args.out_dir / "inputs.npz", x=x)

    artifact = dfc.compile(path, chip=args.chip)
    artifact.save(args.out_dir / "mlp.dfcb")
    (simulated,) = artifact.simulate([x]).outputs.as_list()
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (expected,) = session.run(None, {"x": x})
    (reference,) = dfc.interpret(artifact.source, [x])

    print(
        f"{path.name} on {args.chip}: {artifact.report.sections} section(s), "
        f"{sum(artifact.report.units.values())} units, {len(artifact.bitstream):,} bytes"
    )
    print(
        f"  max |simulator - onnxruntime|  = {np.max(np.abs(simulated - expected)):.3g}"
    )
    print(
        f"  max |simulator - interpreter|  = {np.max(np.abs(simulated - reference)):.3g}"
    )
    print(
        f"  max |interpreter - onnxruntime| = {np.max(np.abs(reference - expected)):.3g}"
    )
    ok = np.allclose(simulated, expected, rtol=1e-4, atol=1e-5)
    print(
        "  simulated outputs match onnxruntime" if ok else "  MISMATCH with onnxruntime"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
