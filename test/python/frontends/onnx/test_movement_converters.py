"""The ONNX shape/data-movement converters, checked against onnxruntime.

Each model is written in ONNX text syntax, imported with `dfc.import_onnx`,
run on the reference interpreter and compared with onnxruntime on the same
model. Shape-like operands are `Constant` nodes (dfg shapes are static)."""

from __future__ import annotations

import warnings

import numpy as np
import onnx
import pytest
from onnx import parser

import dfc
from dfc.frontends.onnx import OnnxImportError

ort = pytest.importorskip("onnxruntime")

RNG = np.random.default_rng(0)


def f32(*dims: int) -> np.ndarray:
    return RNG.standard_normal(dims).astype(np.float32)


def model(signature: str, body: str, opset: int = 18) -> onnx.ModelProto:
    text = f'<ir_version: 8, opset_import: ["" : {opset}]>\nagraph {signature} {{\n{body}\n}}'
    return parser.parse_model(text)


def run_both(m: onnx.ModelProto, inputs: list[np.ndarray]):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = dfc.import_onnx(m)
    session = ort.InferenceSession(
        m.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    names = [i.name for i in session.get_inputs()]
    expected = session.run(None, dict(zip(names, inputs, strict=True)))
    actual = dfc.interpret(module, inputs)
    return module, expected, actual


def check(m: onnx.ModelProto, inputs: list[np.ndarray]):
    module, expected, actual = run_both(m, inputs)
    assert len(actual) == len(expected)
    for e, a in zip(expected, actual, strict=True):
        assert a.shape == e.shape
        assert a.dtype == e.dtype
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-6)
    return module


def ops_of(module) -> list[str]:
    return [op.name for op in module.walk() if op.name.startswith("dfg.")]


def import_error(m: onnx.ModelProto) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(OnnxImportError) as info:
            dfc.import_onnx(m)
    return str(info.value)


# ---------------------------------------------------------------------------
# reshapes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "out"),
    [("0, -1", "2, 12"), ("-1, 4", "6, 4"), ("4, 0, 2", "4, 3, 2"), ("24", "24")],
)
def test_reshape(shape, out):
    n = len(shape.split(","))
    m = model(
        f"(float[2, 3, 4] x) => (float[{out}] y)",
        f"s = Constant <value = int64[{n}] {{{shape}}}> ()\ny = Reshape (x, s)",
    )
    module = check(m, [f32(2, 3, 4)])
    assert ops_of(module) == ["dfg.reshape"]


def test_reshape_allowzero():
    m = model(
        "(float[2, 0, 3] x) => (float[0, 6] y)",
        "s = Constant <value = int64[2] {0, 6}> ()\ny = Reshape <allowzero = 1> (x, s)",
    )
    check(m, [np.zeros((2, 0, 3), np.float32)])


def test_reshape_runtime_shape_is_unsupported():
    m = model("(float[2, 3] x, int64[1] s) => (float[6] y)", "y = Reshape (x, s)")
    assert (
        "Reshape (opset 18) at node 'Reshape:y': input #1 (shape) must be a constant"
        in (import_error(m))
    )


@pytest.mark.parametrize("opset", [11, 13])
def test_squeeze_unsqueeze(opset):
    if opset < 13:
        body = "s = Squeeze <axes = [1, -1]> (x)\ny = Unsqueeze <axes = [0, 3]> (s)"
    else:
        body = (
            "a = Constant <value = int64[2] {1, -1}> ()\ns = Squeeze (x, a)\n"
            "b = Constant <value = int64[2] {0, 3}> ()\ny = Unsqueeze (s, b)"
        )
    m = model("(float[3, 1, 4, 1] x) => (float[1, 3, 4, 1] y)", body, opset)
    check(m, [f32(3, 1, 4, 1)])


def test_squeeze_all():
    m = model("(float[1, 3, 1, 2] x) => (float[3, 2] y)", "y = Squeeze (x)", 13)
    check(m, [f32(1, 3, 1, 2)])


@pytest.mark.parametrize("axis", [0, 1, 2, 3, -1])
def test_flatten(axis):
    m = model("(float[2, 3, 4] x) => (float y)", f"y = Flatten <axis = {axis}> (x)")
    check(m, [f32(2, 3, 4)])


# ---------------------------------------------------------------------------
# permutations, joins, windows
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("perm", [None, [0, 2, 1], [2, 0, 1]])
def test_transpose(perm):
    attr = "" if perm is None else f"<perm = {perm}> "
    m = model("(float[2, 3, 4] x) => (float y)", f"y = Transpose {attr}(x)")
    check(m, [f32(2, 3, 4)])


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concat(axis):
    m = model(
        "(float[2, 3] a, float[2, 3] b, float[2, 3] c) => (float y)",
        f"y = Concat <axis = {axis}> (a, b, c)",
    )
    check(m, [f32(2, 3), f32(2, 3), f32(2, 3)])


def test_concat_with_constant():
    m = model(
        "(float[2, 3] a) => (float[2, 4] y)",
        "c = Constant <value = float[2, 1] {1.5, -2}> ()\ny = Concat <axis = 1> (a, c)",
    )
    check(m, [f32(2, 3)])


@pytest.mark.parametrize(
    ("starts", "ends", "axes", "steps"),
    [
        ([1], [3], [0], [1]),
        ([0, 1], [-1, 1000], [0, 1], [1, 2]),
        ([-1], [-1000], [1], [-1]),
        ([5, -2], [-9223372036854775807, 0], [1, 0], [-2, -1]),
        ([10], [20], [0], [1]),
    ],
)
def test_slice(starts, ends, axes, steps):
    def const(name, values):
        return f"{name} = Constant <value = int64[{len(values)}] {{{', '.join(map(str, values))}}}> ()"

    body = "\n".join(
        [
            const("s", starts),
            const("e", ends),
            const("a", axes),
            const("t", steps),
            "y = Slice (x, s, e, a, t)",
        ]
    )
    m = model("(float[4, 6] x) => (float y)", body)
    check(m, [f32(4, 6)])


def test_slice_default_axes_and_steps():
    m = model(
        "(float[4, 6] x) => (float y)",
        "s = Constant <value = int64[2] {1, 2}> ()\n"
        "e = Constant <value = int64[2] {3, 5}> ()\ny = Slice (x, s, e)",
        13,
    )
    check(m, [f32(4, 6)])


def test_slice_opset1_attributes():
    # Opset 7 keeps Slice-1: bounds are attributes.
    m = model(
        "(float[4, 6] x) => (float y)",
        "y = Slice <starts = [1, -3], ends = [100, -1], axes = [0, 1]> (x)",
        7,
    )
    check(m, [f32(4, 6)])


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_gather(axis):
    m = model(
        "(float[4, 5, 3] x, int64[2, 2] i) => (float y)",
        f"y = Gather <axis = {axis}> (x, i)",
    )
    indices = np.array([[0, -1], [2, 1]], dtype=np.int64)
    check(m, [f32(4, 5, 3), indices])


def test_gather_scalar_index_and_constant_table():
    m = model(
        "(int32 i) => (float y)",
        "t = Constant <value = float[3, 2] {1, 2, 3, 4, 5, 6}> ()\ny = Gather (t, i)",
    )
    check(m, [np.array(2, dtype=np.int32)])


@pytest.mark.parametrize(
    ("opset", "attrs", "extra", "outputs"),
    [
        (11, "<axis = 1, split = [1, 4]>", "", 2),
        (11, "<axis = 1>", "", 5),
        (13, "<axis = -1>", "s = Constant <value = int64[3] {2, 0, 3}> ()", 3),
        (18, "<axis = 1, num_outputs = 2>", "", 2),
        (18, "<axis = 1, num_outputs = 3>", "", 3),
        (18, "<axis = 0, num_outputs = 2>", "", 2),
    ],
)
def test_split(opset, attrs, extra, outputs):
    names = ", ".join(f"y{i}" for i in range(outputs))
    args = "(x, s)" if extra else "(x)"
    m = model(
        f"(float[2, 5] x) => ({', '.join(f'float y{i}' for i in range(outputs))})",
        f"{extra}\n{names} = Split {attrs} {args}",
        opset,
    )
    check(m, [f32(2, 5)])


# ---------------------------------------------------------------------------
# Expand, Tile, Pad
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("in_shape", "shape"),
    [((3, 1), [2, 1, 4]), ((3, 1), [3, 1]), ((1, 4), [1]), ((2, 1, 3), [4, 1])],
)
def test_expand(in_shape, shape):
    dims = ", ".join(map(str, in_shape))
    m = model(
        f"(float[{dims}] x) => (float y)",
        f"s = Constant <value = int64[{len(shape)}] {{{', '.join(map(str, shape))}}}> ()\n"
        "y = Expand (x, s)",
    )
    check(m, [f32(*in_shape)])


@pytest.mark.parametrize("repeats", [[2, 3], [1, 1], [1, 3], [3, 1], [0, 2]])
def test_tile(repeats):
    m = model(
        "(float[2, 3] x) => (float y)",
        f"r = Constant <value = int64[2] {{{repeats[0]}, {repeats[1]}}}> ()\ny = Tile (x, r)",
    )
    check(m, [f32(2, 3)])


@pytest.mark.parametrize("mode", ["constant", "reflect", "edge", "wrap"])
@pytest.mark.parametrize(
    "pads", [[1, 2, 2, 1], [0, -1, 1, 2], [-1, 0, 0, -1], [0, 0, 0, 0]]
)
def test_pad(mode, pads):
    body = f"p = Constant <value = int64[4] {{{', '.join(map(str, pads))}}}> ()\n"
    if mode == "constant":
        body += 'v = Constant <value = float {2.5}> ()\ny = Pad <mode = "constant"> (x, p, v)'
    else:
        body += f'y = Pad <mode = "{mode}"> (x, p)'
    m = model("(float[3, 4] x) => (float y)", body, 19)
    check(m, [f32(3, 4)])


def test_pad_wrap_larger_than_extent():
    m = model(
        "(float[2, 3] x) => (float y)",
        'p = Constant <value = int64[4] {3, 4, 5, 7}> ()\ny = Pad <mode = "wrap"> (x, p)',
        19,
    )
    check(m, [f32(2, 3)])


def test_pad_axes_and_int_value():
    m = model(
        "(int64[2, 3, 2] x) => (int64 y)",
        "p = Constant <value = int64[2] {1, 2}> ()\n"
        "v = Constant <value = int64 {-7}> ()\n"
        "a = Constant <value = int64[1] {-2}> ()\n"
        "y = Pad (x, p, v, a)",
    )
    check(m, [RNG.integers(-5, 5, (2, 3, 2)).astype(np.int64)])


def test_pad_opset2_attributes():
    m = model(
        "(float[2, 3] x) => (float y)",
        'y = Pad <pads = [0, 1, 1, 0], mode = "constant", value = -1.0> (x)',
        7,
    )
    check(m, [f32(2, 3)])


def test_pad_reflect_too_wide_is_unsupported():
    m = model(
        "(float[2, 3] x) => (float y)",
        'p = Constant <value = int64[4] {0, 3, 0, 0}> ()\ny = Pad <mode = "reflect"> (x, p)',
    )
    assert "reflect-pads axis 1 by 3, not less than its extent 3" in import_error(m)


# ---------------------------------------------------------------------------
# Trilu, DepthToSpace, SpaceToDepth
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("upper", [0, 1])
@pytest.mark.parametrize("k", [None, 0, 1, -1, 5, -7])
def test_trilu(upper, k):
    if k is None:
        body = f"y = Trilu <upper = {upper}> (x)"
    else:
        body = f"k = Constant <value = int64 {{{k}}}> ()\ny = Trilu <upper = {upper}> (x, k)"
    m = model("(float[2, 3, 5] x) => (float y)", body, 14)
    check(m, [f32(2, 3, 5)])


def test_trilu_runtime_k_is_unsupported():
    m = model("(float[3, 3] x, int64 k) => (float y)", "y = Trilu (x, k)", 14)
    assert "input #1 (k) must be a constant" in import_error(m)


@pytest.mark.parametrize("mode", ["DCR", "CRD"])
def test_depth_to_space(mode):
    m = model(
        "(float[2, 8, 3, 2] x) => (float y)",
        f'y = DepthToSpace <blocksize = 2, mode = "{mode}"> (x)',
        13,
    )
    check(m, [f32(2, 8, 3, 2)])


def test_space_to_depth():
    m = model(
        "(float[2, 3, 4, 6] x) => (float y)", "y = SpaceToDepth <blocksize = 2> (x)", 13
    )
    check(m, [f32(2, 3, 4, 6)])


def test_space_to_depth_crd_matches_reference_evaluator():
    # Opset 28's CRD mode is newer than onnxruntime: compare with ONNX's evaluator.
    from onnx.reference import ReferenceEvaluator

    m = model(
        "(float[1, 2, 4, 6] x) => (float y)",
        'y = SpaceToDepth <blocksize = 2, mode = "CRD"> (x)',
        28,
    )
    x = f32(1, 2, 4, 6)
    expected = ReferenceEvaluator(m).run(None, {"x": x})[0]
    (actual,) = dfc.interpret(dfc.import_onnx(m), [x])
    np.testing.assert_array_equal(actual, expected)


# ---------------------------------------------------------------------------
# generators: folded at import when their operands are constants
# ---------------------------------------------------------------------------


def test_constant_of_shape_and_range_fold():
    m = model(
        "(float[2, 3] x) => (float[2, 3] y, int64[3] r)",
        "s = Shape (x)\n"
        "c = ConstantOfShape <value = float[1] {0.5}> (s)\n"
        "y = Add (x, c)\n"
        "a = Constant <value = int64 {1}> ()\n"
        "b = Constant <value = int64 {7}> ()\n"
        "d = Constant <value = int64 {2}> ()\n"
        "r = Range (a, b, d)",
    )
    module = check(m, [f32(2, 3)])
    assert "dfg.add" in ops_of(module)


def test_runtime_generators_are_unsupported():
    m = model(
        "(int64[2] s, int64 n) => (float y, int64 r)",
        "y = ConstantOfShape (s)\n"
        "z = Constant <value = int64 {0}> ()\n"
        "o = Constant <value = int64 {1}> ()\n"
        "r = Range (z, n, o)",
    )
    message = import_error(m)
    assert "2 unsupported ONNX nodes" in message
    assert (
        "ConstantOfShape (opset 18) at node 'ConstantOfShape:y': input #0 (shape)"
        in message
    )
    assert (
        "Range (opset 18) at node 'Range:r': input #1 (limit) must be a constant"
        in message
    )
