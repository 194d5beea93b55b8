"""The ONNX compute converters (linalg, pooling, reductions, normalizations,
attention), checked against onnxruntime.

Each model is written in ONNX text syntax (weights attached as initializers),
imported with `dfc.import_onnx`, run on the reference interpreter and compared
with onnxruntime on the same model."""

from __future__ import annotations

import warnings

import numpy as np
import onnx
import pytest
from onnx import numpy_helper, parser

import dfc
from dfc.frontends.onnx import OnnxImportError

ort = pytest.importorskip("onnxruntime")

RNG = np.random.default_rng(0)


def f32(*dims: int) -> np.ndarray:
    return RNG.standard_normal(dims).astype(np.float32)


def model(
    signature: str,
    body: str,
    opset: int = 18,
    inits: dict[str, np.ndarray] | None = None,
) -> onnx.ModelProto:
    text = f'<ir_version: 10, opset_import: ["" : {opset}]>\nagraph {signature} {{\n{body}\n}}'
    m = parser.parse_model(text)
    for name, array in (inits or {}).items():
        m.graph.initializer.append(numpy_helper.from_array(array, name))
    return m


def check(
    m: onnx.ModelProto, inputs: list[np.ndarray], rtol: float = 1e-5, atol: float = 1e-6
):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = dfc.import_onnx(m)
    session = ort.InferenceSession(
        m.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    names = [i.name for i in session.get_inputs()]
    expected = session.run(None, dict(zip(names, inputs, strict=True)))
    actual = dfc.interpret(module, inputs)
    assert len(actual) == len(expected)
    for e, a in zip(expected, actual, strict=True):
        assert a.shape == e.shape
        assert a.dtype == e.dtype
        np.testing.assert_allclose(a, e, rtol=rtol, atol=atol)
    return module


def ops_of(module) -> list[str]:
    return [op.name for op in module.walk() if op.name.startswith("dfg.")]


def import_error(m: onnx.ModelProto) -> str:
    with pytest.raises(OnnxImportError) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dfc.import_onnx(m)
    return str(info.value)


# ---------------------------------------------------------------------------
# MatMul / Gemm / Einsum
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "out", "expected_op"),
    [
        ((2, 3), (3, 4), (2, 4), "dfg.matmul"),
        ((3,), (3, 4), (4,), "dfg.matmul"),
        ((2, 3), (3,), (2,), "dfg.matmul"),
        ((3,), (3,), (), "dfg.matmul"),
        ((5, 2, 3), (3, 4), (5, 2, 4), "dfg.batch_matmul"),
        ((2, 1, 2, 3), (4, 3, 5), (2, 4, 2, 5), "dfg.batch_matmul"),
        ((3,), (2, 3, 4), (2, 4), "dfg.batch_matmul"),
    ],
)
def test_matmul(a, b, out, expected_op):
    def ty(dims):
        return f"float[{', '.join(map(str, dims))}]" if dims else "float"

    m = model(f"({ty(a)} a, {ty(b)} b) => ({ty(out)} y)", "y = MatMul (a, b)")
    module = check(m, [f32(*a), f32(*b)], rtol=1e-5, atol=1e-5)
    assert expected_op in ops_of(module)


@pytest.mark.parametrize(
    ("attrs", "a", "b", "c"),
    [
        ("", (2, 3), (3, 4), (4,)),
        ("<transA = 1, transB = 1, alpha = 0.5, beta = 2.0>", (3, 2), (4, 3), (2, 1)),
        ("<transB = 1>", (2, 3), (4, 3), None),
        ("<beta = 0.0>", (2, 3), (3, 4), (2, 4)),
    ],
)
def test_gemm_constant_c(attrs, a, b, c):
    inits = {"w": f32(*b)}
    args = "a, w"
    if c is not None:
        inits["c"] = f32(*c)
        args += ", c"
    m = model(
        "(float[{}, {}] a) => (float[2, 4] y)".format(*a),
        f"y = Gemm {attrs} ({args})",
        13,
        inits,
    )
    module = check(m, [f32(*a)])
    assert "dfg.matmul" in ops_of(module)


def test_gemm_runtime_c_and_alpha():
    m = model(
        "(float[2, 3] a, float[3, 4] b, float[1, 4] c) => (float[2, 4] y)",
        "y = Gemm <alpha = 2.0, beta = 0.5> (a, b, c)",
        13,
    )
    module = check(m, [f32(2, 3), f32(3, 4), f32(1, 4)])
    assert ops_of(module).count("dfg.mul") == 2


@pytest.mark.parametrize(
    ("equation", "a", "b", "out"),
    [
        ("ij,jk->ik", (2, 3), (3, 4), (2, 4)),
        ("bij,bjk->bik", (2, 2, 3), (2, 3, 4), (2, 2, 4)),
        ("bhqd,bhkd->bhqk", (1, 2, 3, 4), (1, 2, 5, 4), (1, 2, 3, 5)),
    ],
)
def test_einsum_matmul_patterns(equation, a, b, out):
    def ty(dims):
        return f"float[{', '.join(map(str, dims))}]"

    m = model(
        f"({ty(a)} a, {ty(b)} b) => ({ty(out)} y)",
        f'y = Einsum <equation = "{equation}"> (a, b)',
        13,
    )
    check(m, [f32(*a), f32(*b)])


@pytest.mark.parametrize(
    ("equation", "out"), [("ij->ji", "3, 2"), ("ij->i", "2"), ("ijk->ki", "4, 2")]
)
def test_einsum_unary_patterns(equation, out):
    dims = (2, 3, 4) if len(equation.split("->")[0]) == 3 else (2, 3)
    ty = ", ".join(map(str, dims))
    m = model(
        f"(float[{ty}] a) => (float[{out}] y)",
        f'y = Einsum <equation = "{equation}"> (a)',
        13,
    )
    check(m, [f32(*dims)])


def test_einsum_other_equation_is_unsupported():
    m = model(
        "(float[3, 3] a) => (float[3] y)", 'y = Einsum <equation = "ii->i"> (a)', 13
    )
    assert "is not a supported einsum pattern" in import_error(m)


# ---------------------------------------------------------------------------
# Conv / pooling
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attrs", "x", "w", "out", "bias"),
    [
        ("", (1, 3, 5, 5), (4, 3, 3, 3), (1, 4, 3, 3), False),
        (
            "<pads = [1, 1, 1, 1], strides = [2, 2]>",
            (2, 3, 7, 6),
            (4, 3, 3, 3),
            (2, 4, 4, 3),
            True,
        ),
        (
            "<dilations = [2, 1], pads = [0, 1, 2, 0]>",
            (1, 2, 7, 7),
            (3, 2, 3, 2),
            (1, 3, 5, 7),
            True,
        ),
        ("<group = 2>", (1, 4, 5, 5), (6, 2, 3, 3), (1, 6, 3, 3), True),
        (
            '<auto_pad = "SAME_UPPER", strides = [2, 2]>',
            (1, 2, 6, 5),
            (2, 2, 4, 3),
            (1, 2, 3, 3),
            False,
        ),
        ('<auto_pad = "SAME_LOWER">', (1, 2, 5, 5), (2, 2, 2, 2), (1, 2, 5, 5), False),
        (
            '<auto_pad = "VALID", kernel_shape = [3, 3]>',
            (1, 2, 5, 5),
            (2, 2, 3, 3),
            (1, 2, 3, 3),
            False,
        ),
        ("<pads = [1, 2], strides = [2]>", (2, 3, 9), (4, 3, 3), (2, 4, 5), True),
    ],
)
def test_conv(attrs, x, w, out, bias):
    def ty(dims):
        return f"float[{', '.join(map(str, dims))}]"

    inits = {"w": f32(*w)}
    args = "x, w"
    if bias:
        inits["b"] = f32(w[0])
        args += ", b"
    m = model(f"({ty(x)} x) => ({ty(out)} y)", f"y = Conv {attrs} ({args})", 11, inits)
    module = check(m, [f32(*x)], atol=1e-5)
    assert "dfg.conv2d" in ops_of(module)


def test_conv_3d_is_unsupported():
    m = model(
        "(float[1, 1, 3, 3, 3] x) => (float[1, 1, 2, 2, 2] y)",
        "y = Conv (x, w)",
        11,
        {"w": f32(1, 1, 2, 2, 2)},
    )
    assert "3-D Conv is not supported" in import_error(m)


@pytest.mark.parametrize(
    ("op", "attrs", "x", "out"),
    [
        ("MaxPool", "<kernel_shape = [2, 2]>", (1, 2, 4, 4), (1, 2, 3, 3)),
        (
            "MaxPool",
            "<kernel_shape = [3, 3], strides = [2, 2], pads = [1, 1, 1, 1]>",
            (1, 2, 5, 5),
            (1, 2, 3, 3),
        ),
        (
            "MaxPool",
            "<kernel_shape = [3, 3], strides = [2, 2], ceil_mode = 1>",
            (1, 1, 6, 6),
            (1, 1, 3, 3),
        ),
        (
            "MaxPool",
            "<kernel_shape = [2, 2], dilations = [2, 2]>",
            (1, 1, 5, 5),
            (1, 1, 3, 3),
        ),
        (
            "MaxPool",
            '<kernel_shape = [3, 3], auto_pad = "SAME_UPPER", strides = [2, 2]>',
            (1, 1, 6, 6),
            (1, 1, 3, 3),
        ),
        ("MaxPool", "<kernel_shape = [3], strides = [2]>", (1, 2, 7), (1, 2, 3)),
        ("AveragePool", "<kernel_shape = [2, 2]>", (1, 2, 4, 4), (1, 2, 3, 3)),
        (
            "AveragePool",
            "<kernel_shape = [3, 3], pads = [1, 1, 1, 1]>",
            (1, 2, 4, 4),
            (1, 2, 4, 4),
        ),
        (
            "AveragePool",
            "<kernel_shape = [3, 3], pads = [1, 1, 1, 1], count_include_pad = 1>",
            (1, 2, 4, 4),
            (1, 2, 4, 4),
        ),
        (
            "AveragePool",
            '<kernel_shape = [2, 2], auto_pad = "SAME_LOWER">',
            (1, 1, 5, 5),
            (1, 1, 5, 5),
        ),
        ("AveragePool", "<kernel_shape = [2], strides = [2]>", (2, 3, 8), (2, 3, 4)),
    ],
)
def test_pool(op, attrs, x, out):
    def ty(dims):
        return f"float[{', '.join(map(str, dims))}]"

    m = model(f"({ty(x)} x) => ({ty(out)} y)", f"y = {op} {attrs} (x)", 19)
    module = check(m, [f32(*x)])
    assert ("dfg.max_pool2d" if op == "MaxPool" else "dfg.avg_pool2d") in ops_of(module)


def test_maxpool_indices_output_is_unsupported():
    m = model(
        "(float[1, 1, 4, 4] x) => (float[1, 1, 3, 3] y, int64[1, 1, 3, 3] i)",
        "y, i = MaxPool <kernel_shape = [2, 2]> (x)",
        12,
    )
    assert "'Indices' output is not supported" in import_error(m)


@pytest.mark.parametrize(
    ("op", "dfg_op"),
    [
        ("GlobalAveragePool", "dfg.global_avg_pool"),
        ("GlobalMaxPool", "dfg.global_max_pool"),
    ],
)
def test_global_pool(op, dfg_op):
    m = model("(float[2, 3, 4, 5] x) => (float[2, 3, 1, 1] y)", f"y = {op} (x)", 13)
    assert ops_of(check(m, [f32(2, 3, 4, 5)])) == [dfg_op]


# ---------------------------------------------------------------------------
# BatchNormalization / LRN
# ---------------------------------------------------------------------------


def _bn_params(c: int) -> dict[str, np.ndarray]:
    return {
        "scale": f32(c),
        "bias": f32(c),
        "mean": f32(c),
        "var": (np.abs(f32(c)) + 0.5).astype(np.float32),
    }


def test_batch_norm_constant_parameters_fold_to_mul_add():
    m = model(
        "(float[2, 3, 4, 4] x) => (float[2, 3, 4, 4] y)",
        "y = BatchNormalization <epsilon = 0.001> (x, scale, bias, mean, var)",
        15,
        _bn_params(3),
    )
    module = check(m, [f32(2, 3, 4, 4)], atol=1e-5)
    assert [o for o in ops_of(module) if o != "dfg.constant"] == ["dfg.mul", "dfg.add"]


def test_batch_norm_runtime_parameters():
    params = _bn_params(3)
    m = model(
        "(float[2, 3, 5] x, float[3] scale, float[3] bias, float[3] mean, float[3] var) => (float[2, 3, 5] y)",
        "y = BatchNormalization (x, scale, bias, mean, var)",
        15,
    )
    check(m, [f32(2, 3, 5), *params.values()], atol=1e-5)


def test_batch_norm_training_is_unsupported():
    m = model(
        "(float[2, 3, 4] x) => (float[2, 3, 4] y)",
        "y = BatchNormalization <training_mode = 1> (x, scale, bias, mean, var)",
        15,
        _bn_params(3),
    )
    assert "training mode" in import_error(m)


def test_lrn():
    m = model(
        "(float[2, 5, 3, 3] x) => (float[2, 5, 3, 3] y)",
        "y = LRN <size = 3, alpha = 0.001, beta = 0.75, bias = 2.0> (x)",
        13,
    )
    check(m, [f32(2, 5, 3, 3)])


# ---------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "op", ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd"]
)
@pytest.mark.parametrize(
    ("axes", "keepdims", "out"),
    [([1], 1, "2, 1, 4"), ([0, -1], 0, "3"), (None, 1, "1, 1, 1")],
)
def test_reduce_axes_input(op, axes, keepdims, out):
    opset = 13 if op == "ReduceSum" else 18
    inits = {} if axes is None else {"axes": np.array(axes, dtype=np.int64)}
    args = "x" if axes is None else "x, axes"
    m = model(
        f"(float[2, 3, 4] x) => (float[{out}] y)",
        f"y = {op} <keepdims = {keepdims}> ({args})",
        opset,
        inits,
    )
    check(m, [f32(2, 3, 4)])


@pytest.mark.parametrize("op", ["ReduceSum", "ReduceMean", "ReduceMax"])
def test_reduce_axes_attribute(op):
    m = model(
        "(float[2, 3, 4] x) => (float[3] y)",
        f"y = {op} <axes = [0, 2], keepdims = 0> (x)",
        11,
    )
    check(m, [f32(2, 3, 4)])


def test_reduce_noop_with_empty_axes_is_identity():
    m = model(
        "(float[2, 3] x) => (float[2, 3] y)",
        "y = ReduceMean <noop_with_empty_axes = 1> (x)",
        18,
    )
    module = check(m, [f32(2, 3)])
    assert ops_of(module) == []


def test_reduce_integer():
    m = model(
        "(int32[2, 3] x) => (int32[2] y)",
        "y = ReduceSum <keepdims = 0> (x, axes)",
        13,
        {"axes": np.array([1])},
    )
    check(m, [RNG.integers(-5, 5, (2, 3)).astype(np.int32)])


@pytest.mark.parametrize(
    "op", ["ReduceSumSquare", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp"]
)
@pytest.mark.parametrize("keepdims", [0, 1])
def test_reduce_compositions(op, keepdims):
    out = "2, 1, 4" if keepdims else "2, 4"
    m = model(
        f"(float[2, 3, 4] x) => (float[{out}] y)",
        f"y = {op} <keepdims = {keepdims}> (x, axes)",
        18,
        {"axes": np.array([1], dtype=np.int64)},
    )
    x = np.abs(f32(2, 3, 4)) + 0.1 if op == "ReduceLogSum" else f32(2, 3, 4) * 10
    check(m, [x.astype(np.float32)])


def test_reduce_runtime_axes_is_unsupported():
    m = model(
        "(float[2, 3] x, int64[1] axes) => (float[2, 1] y)",
        "y = ReduceSum (x, axes)",
        13,
    )
    assert "axes" in import_error(m)


def test_argmax_is_unsupported():
    m = model("(float[2, 3] x) => (int64[2, 1] y)", "y = ArgMax <axis = 1> (x)", 13)
    assert "ArgMax has no dfg op" in import_error(m)


@pytest.mark.parametrize("op", ["Softmax", "LogSoftmax"])
@pytest.mark.parametrize(
    ("opset", "axis"), [(13, -1), (13, 1), (11, 1), (11, 0), (11, -1)]
)
def test_softmax(op, opset, axis):
    m = model(
        "(float[2, 3, 4] x) => (float[2, 3, 4] y)",
        f"y = {op} <axis = {axis}> (x)",
        opset,
    )
    module = check(m, [f32(2, 3, 4) * 3])
    assert ("dfg.softmax" if op == "Softmax" else "dfg.log_softmax") in ops_of(module)


@pytest.mark.parametrize(("exclusive", "reverse"), [(0, 0), (1, 0), (0, 1), (1, 1)])
def test_cumsum(exclusive, reverse):
    m = model(
        "(float[3, 4] x) => (float[3, 4] y)",
        f"y = CumSum <exclusive = {exclusive}, reverse = {reverse}> (x, axis)",
        14,
        {"axis": np.array(1, dtype=np.int64)},
    )
    assert ops_of(check(m, [f32(3, 4)])) == ["dfg.scan"]


# ---------------------------------------------------------------------------
# Normalizations
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("axis", "param"), [(-1, (4,)), (1, (3, 4)), (2, (4,))])
def test_layer_norm(axis, param):
    m = model(
        "(float[2, 3, 4] x) => (float[2, 3, 4] y)",
        f"y = LayerNormalization <axis = {axis}, epsilon = 0.001> (x, scale, bias)",
        17,
        {"scale": f32(*param), "bias": f32(*param)},
    )
    assert ops_of(check(m, [f32(2, 3, 4)], atol=1e-5)).count("dfg.layer_norm") == 1


def test_layer_norm_statistics_outputs():
    m = model(
        "(float[2, 3, 4] x) => (float[2, 3, 4] y, float[2, 3, 1] mean, float[2, 3, 1] inv)",
        "y, mean, inv = LayerNormalization (x, scale)",
        17,
        {"scale": f32(4)},
    )
    check(m, [f32(2, 3, 4)], atol=1e-5)


def test_rms_norm():
    m = model(
        "(float[2, 3, 4] x) => (float[2, 3, 4] y)",
        "y = RMSNormalization <axis = -1, epsilon = 0.0001> (x, scale)",
        23,
        {"scale": f32(4)},
    )
    assert "dfg.rms_norm" in ops_of(check(m, [f32(2, 3, 4)], atol=1e-5))


def test_instance_norm():
    m = model(
        "(float[2, 3, 4, 5] x) => (float[2, 3, 4, 5] y)",
        "y = InstanceNormalization <epsilon = 0.01> (x, scale, bias)",
        22,
        {"scale": f32(3), "bias": f32(3)},
    )
    check(m, [f32(2, 3, 4, 5)], atol=1e-5)


def test_group_norm():
    m = model(
        "(float[2, 6, 3, 2] x, float[6] scale, float[6] bias) => (float[2, 6, 3, 2] y)",
        "y = GroupNormalization <num_groups = 3, epsilon = 0.001> (x, scale, bias)",
        21,
    )
    check(m, [f32(2, 6, 3, 2), f32(6), f32(6)], atol=1e-5)


def test_mean_variance_normalization():
    m = model(
        "(float[2, 3, 4, 5] x) => (float[2, 3, 4, 5] y)",
        "y = MeanVarianceNormalization (x)",
        13,
    )
    check(m, [f32(2, 3, 4, 5)], atol=1e-5)


# ---------------------------------------------------------------------------
# Attention
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("causal", [0, 1])
def test_attention_4d(causal):
    m = model(
        "(float[2, 2, 3, 4] q, float[2, 2, 5, 4] k, float[2, 2, 5, 6] v) => (float[2, 2, 3, 6] y)",
        f"y = Attention <is_causal = {causal}> (q, k, v)",
        23,
    )
    assert ops_of(
        check(m, [f32(2, 2, 3, 4), f32(2, 2, 5, 4), f32(2, 2, 5, 6)], atol=1e-5)
    ) == ["dfg.attention"]


def test_attention_3d_gqa_with_float_mask():
    m = model(
        "(float[2, 3, 8] q, float[2, 5, 4] k, float[2, 5, 6] v, float[3, 5] mask) => (float[2, 3, 12] y)",
        "y = Attention <q_num_heads = 4, kv_num_heads = 2, scale = 0.3> (q, k, v, mask)",
        23,
    )
    check(m, [f32(2, 3, 8), f32(2, 5, 4), f32(2, 5, 6), f32(3, 5)], atol=1e-5)


def test_attention_bool_mask_and_past_cache():
    m = model(
        "(float[1, 2, 2, 4] q, float[1, 2, 2, 4] k, float[1, 2, 2, 4] v, bool[2, 5] mask, "
        "float[1, 2, 3, 4] pk, float[1, 2, 3, 4] pv) => "
        "(float[1, 2, 2, 4] y, float[1, 2, 5, 4] present_k, float[1, 2, 5, 4] present_v)",
        "y, present_k, present_v = Attention <is_causal = 1> (q, k, v, mask, pk, pv)",
        23,
    )
    mask = np.array([[1, 0, 1, 1, 1], [1, 1, 0, 1, 1]], dtype=np.bool_)
    check(
        m,
        [
            f32(1, 2, 2, 4),
            f32(1, 2, 2, 4),
            f32(1, 2, 2, 4),
            mask,
            f32(1, 2, 3, 4),
            f32(1, 2, 3, 4),
        ],
        atol=1e-5,
    )


def test_attention_softcap_is_unsupported():
    m = model(
        "(float[1, 1, 2, 4] q, float[1, 1, 2, 4] k, float[1, 1, 2, 4] v) => (float[1, 1, 2, 4] y)",
        "y = Attention <softcap = 2.0> (q, k, v)",
        23,
    )
    assert "softcap" in import_error(m)
