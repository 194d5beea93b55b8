"""bf16/f16 Attention and Softmax imported from ONNX give exactly what
`onnx.reference` gives (0 ulp), on random inputs.

The reference runs numpy on the narrow dtype and rounds after every step; the
importer expands both ops step by step (frontends/onnx/converters/
narrow_float.py) so the interpreter rounds at the same places. f32 keeps the
fused `dfg.attention` / `dfg.softmax`."""

from __future__ import annotations

import warnings

import ml_dtypes
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import dfc
from dfc.frontends.onnx.converters.narrow_float import SEQUENTIAL_SUM_LIMIT

BF16 = np.dtype(ml_dtypes.bfloat16)
F16 = np.dtype(np.float16)
ONNX_TYPE = {
    BF16: TensorProto.BFLOAT16,
    F16: TensorProto.FLOAT16,
    np.dtype(np.float32): TensorProto.FLOAT,
    np.dtype(np.bool_): TensorProto.BOOL,
}


def _model(op_type, inputs, outputs, opset, **attrs) -> onnx.ModelProto:
    """One-node model; `inputs`/`outputs` are `(name, array or (dtype, shape))`."""

    def info(name, spec):
        dtype, dims = (spec.dtype, spec.shape) if isinstance(spec, np.ndarray) else spec
        return helper.make_tensor_value_info(
            name, ONNX_TYPE[np.dtype(dtype)], list(dims)
        )

    node = helper.make_node(
        op_type, [n for n, _ in inputs], [n for n, _ in outputs], **attrs
    )
    graph = helper.make_graph(
        [node], "g", [info(n, a) for n, a in inputs], [info(n, s) for n, s in outputs]
    )
    return helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=10
    )


def _run_both(m: onnx.ModelProto, feeds: list[np.ndarray]):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = dfc.import_onnx(m)
        names = [i.name for i in m.graph.input]
        expected = ReferenceEvaluator(m).run(None, dict(zip(names, feeds, strict=True)))
    actual = dfc.interpret(module, feeds)
    return module, expected, actual


def _assert_exact(expected, actual) -> None:
    assert len(actual) == len(expected)
    for e, a in zip(expected, actual, strict=True):
        assert a.dtype == e.dtype and a.shape == e.shape
        # 0 ulp: equal values (NaN == NaN); -0.0 == 0.0 is accepted.
        np.testing.assert_array_equal(a.astype(np.float64), e.astype(np.float64))


def _random(rng, dtype, *dims, spread=2.0):
    return (rng.standard_normal(dims) * spread).astype(dtype)


def _ops(module) -> set[str]:
    return {op.name for op in module.walk()}


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("dtype", [BF16, F16], ids=["bf16", "f16"])
def test_causal_4d_matches_reference(dtype, seed):
    rng = np.random.default_rng(seed)
    q, k, v = (
        _random(rng, dtype, 2, 3, 5, 8),
        _random(rng, dtype, 2, 3, 7, 8),
        _random(rng, dtype, 2, 3, 7, 8),
    )
    m = _model(
        "Attention",
        [("q", q), ("k", k), ("v", v)],
        [("y", (dtype, (2, 3, 5, 8)))],
        23,
        is_causal=1,
    )
    module, expected, actual = _run_both(m, [q, k, v])
    _assert_exact(expected, actual)
    assert "dfg.attention" not in _ops(module)


@pytest.mark.parametrize("seed", range(3))
def test_3d_gqa_bool_mask_with_masked_rows(seed):
    rng = np.random.default_rng(10 + seed)
    q, k, v = (
        _random(rng, BF16, 2, 4, 16),
        _random(rng, BF16, 2, 6, 8),
        _random(rng, BF16, 2, 6, 8),
    )
    # A mask shorter than the keys (padded with False), with a fully masked row.
    mask = rng.random((4, 5)) < 0.6
    mask[2] = False
    m = _model(
        "Attention",
        [("q", q), ("k", k), ("v", v), ("mask", mask)],
        [("y", (BF16, (2, 4, 16)))],
        23,
        q_num_heads=4,
        kv_num_heads=2,
        scale=0.3,
    )
    _, expected, actual = _run_both(m, [q, k, v, mask])
    _assert_exact(expected, actual)
    assert not actual[0].astype(np.float32)[:, 2].any()


@pytest.mark.parametrize("seed", range(3))
def test_float_mask_causal_with_cache(seed):
    rng = np.random.default_rng(20 + seed)
    q, k, v = (
        _random(rng, BF16, 1, 2, 3, 4),
        _random(rng, BF16, 1, 2, 3, 4),
        _random(rng, BF16, 1, 2, 3, 4),
    )
    past_k, past_v = _random(rng, BF16, 1, 2, 2, 4), _random(rng, BF16, 1, 2, 2, 4)
    mask = _random(rng, BF16, 3, 5, spread=1.5)
    m = _model(
        "Attention",
        [("q", q), ("k", k), ("v", v), ("mask", mask), ("pk", past_k), ("pv", past_v)],
        [
            ("y", (BF16, (1, 2, 3, 4))),
            ("present_k", (BF16, (1, 2, 5, 4))),
            ("present_v", (BF16, (1, 2, 5, 4))),
        ],
        23,
        is_causal=1,
    )
    _, expected, actual = _run_both(m, [q, k, v, mask, past_k, past_v])
    _assert_exact(expected, actual)


def test_softmax_precision_and_qk_output():
    rng = np.random.default_rng(30)
    q, k, v = (
        _random(rng, BF16, 1, 2, 4, 8),
        _random(rng, BF16, 1, 2, 6, 8),
        _random(rng, BF16, 1, 2, 6, 8),
    )
    m = _model(
        "Attention",
        [("q", q), ("k", k), ("v", v)],
        [("y", (BF16, (1, 2, 4, 8)))],
        23,
        softmax_precision=TensorProto.FLOAT,
    )
    _, expected, actual = _run_both(m, [q, k, v])
    _assert_exact(expected, actual)
    # qk_matmul_output (mode 0): the product of the scaled Q and K^T.
    node = helper.make_node("Attention", ["q", "k", "v"], ["y", "", "", "qk"])
    m.graph.ClearField("node")
    m.graph.node.append(node)
    m.graph.output.append(
        helper.make_tensor_value_info("qk", TensorProto.BFLOAT16, [1, 2, 4, 6])
    )
    _, expected, actual = _run_both(m, [q, k, v])
    _assert_exact(expected, actual)


@pytest.mark.parametrize("dtype", [BF16, F16], ids=["bf16", "f16"])
@pytest.mark.parametrize("axis", [-1, 1])
def test_softmax_matches_reference(dtype, axis):
    rng = np.random.default_rng(40)
    x = _random(rng, dtype, 3, 9, 11, spread=3.0)
    m = _model("Softmax", [("x", x)], [("y", (dtype, x.shape))], 13, axis=axis)
    module, expected, actual = _run_both(m, [x])
    _assert_exact(expected, actual)
    assert "dfg.softmax" not in _ops(module)


def test_long_bf16_row_sums_once():
    """Past `SEQUENTIAL_SUM_LIMIT` elements the denominator is one
    `reduce_sum` (f32 accumulator, one rounding); every other step still
    rounds to bf16. Checked against that rounding done in numpy."""
    rng = np.random.default_rng(50)
    n = SEQUENTIAL_SUM_LIMIT + 8
    x = _random(rng, BF16, 2, n)
    m = _model("Softmax", [("x", x)], [("y", (BF16, x.shape))], 13)
    module, _, actual = _run_both(m, [x])
    assert "dfg.reduce_sum" in _ops(module)
    wide = x.astype(np.float32)
    exps = np.exp(
        (wide - wide.max(axis=-1, keepdims=True)).astype(BF16).astype(np.float32)
    ).astype(BF16)
    total = exps.astype(np.float32).sum(axis=-1, keepdims=True).astype(BF16)
    expected = (exps.astype(np.float32) / total.astype(np.float32)).astype(BF16)
    _assert_exact([expected], actual)


def test_f32_stays_fused():
    rng = np.random.default_rng(60)
    q, k, v = (
        _random(rng, np.float32, 1, 2, 4, 8),
        _random(rng, np.float32, 1, 2, 6, 8),
        _random(rng, np.float32, 1, 2, 6, 8),
    )
    m = _model(
        "Attention",
        [("q", q), ("k", k), ("v", v)],
        [("y", (np.float32, (1, 2, 4, 8)))],
        23,
        is_causal=1,
    )
    module, expected, actual = _run_both(m, [q, k, v])
    assert "dfg.attention" in _ops(module)
    np.testing.assert_allclose(actual[0], expected[0], rtol=1e-5, atol=1e-6)
