"""Converters for ONNX's linear-algebra and windowed ops: MatMul, Gemm, Conv,
the pools, BatchNormalization (inference), LRN and simple Einsum patterns.

1-D convolutions and pools run as their 2-D forms over an `H = 1` reshape.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import IntegerAttr, i64
from xdsl.ir import SSAValue

from dfc.dialects.dfg import elementwise as ew
from dfc.dialects.dfg import linalg as la
from dfc.dialects.dfg import movement as mv
from dfc.dialects.dfg import pooling as pl
from dfc.dialects.dfg.base import bool_attr, broadcast_shapes, i64_array

from ..importer import Unsupported
from . import converter
from .common import binary, element, scalar, shape, tensor, unary

# ---------------------------------------------------------------------------
# shared helpers (also used by the reduction and normalization converters)
# ---------------------------------------------------------------------------


def reshape(ctx, x: SSAValue, dims: Sequence[int]) -> SSAValue:
    """`x` viewed with shape `dims` (no op when the shape already matches)."""
    dims = tuple(int(d) for d in dims)
    if shape(x) == dims:
        return x
    op = mv.ReshapeOp.build(operands=[x], result_types=[tensor(element(x), dims)])
    return ctx.add(op).results[0]


def transpose(ctx, x: SSAValue, perm: Sequence[int]) -> SSAValue:
    perm = [int(p) for p in perm]
    if perm == list(range(len(perm))):
        return x
    dims = shape(x)
    op = mv.TransposeOp.build(
        operands=[x],
        result_types=[tensor(element(x), [dims[p] for p in perm])],
        attributes={"perm": i64_array(perm)},
    )
    return ctx.add(op).results[0]


def broadcast_to(ctx, x: SSAValue, dims: Sequence[int]) -> SSAValue:
    dims = tuple(int(d) for d in dims)
    if shape(x) == dims:
        return x
    op = mv.BroadcastOp.build(operands=[x], result_types=[tensor(element(x), dims)])
    return ctx.add(op).results[0]


def per_channel(ctx, value: np.ndarray | SSAValue, rank: int, dtype=None) -> SSAValue:
    """A `[C]` parameter shaped `[C, 1, ..., 1]` to broadcast over `[N, C, ...]`."""
    if isinstance(value, np.ndarray):
        array = value if dtype is None else value.astype(dtype)
        return ctx.constant(array.reshape((-1,) + (1,) * (rank - 2)))
    return reshape(ctx, value, (shape(value)[0],) + (1,) * (rank - 2))


def np_dtype(x: SSAValue) -> np.dtype:
    import onnx

    from dfc.frontends.onnx.types import element_type_to_onnx

    return np.dtype(
        onnx.helper.tensor_dtype_to_np_dtype(element_type_to_onnx(element(x)))
    )


# ---------------------------------------------------------------------------
# MatMul / Gemm
# ---------------------------------------------------------------------------


def matmul(
    ctx,
    a: SSAValue,
    b: SSAValue,
    transpose_a: bool = False,
    transpose_b: bool = False,
    result_element=None,
) -> SSAValue:
    """`a @ b` (rank >= 2 each) as `dfg.matmul` or `dfg.batch_matmul`."""
    sa, sb = shape(a), shape(b)
    m = sa[-1] if transpose_a else sa[-2]
    n = sb[-2] if transpose_b else sb[-1]
    batch = broadcast_shapes(sa[:-2], sb[:-2])
    if batch is None:
        raise Unsupported(f"batch dims of shapes {sa} and {sb} do not broadcast")
    op_cls = la.MatmulOp if len(sa) == 2 and len(sb) == 2 else la.BatchMatmulOp
    attributes = {}
    if transpose_a:
        attributes["transpose_a"] = bool_attr(True)
    if transpose_b:
        attributes["transpose_b"] = bool_attr(True)
    op = op_cls.build(
        operands=[a, b],
        result_types=[tensor(result_element or element(a), (*batch, m, n))],
        attributes=attributes,
    )
    return ctx.add(op).results[0]


@converter("MatMul", (1, 9, 13))
def _matmul(ctx):
    a, b = ctx.input(0), ctx.input(1)
    out = ctx.output_type()
    if len(shape(a)) == 0 or len(shape(b)) == 0:
        raise Unsupported("scalar operands are not valid for MatMul")
    if len(shape(a)) == 1:
        a = reshape(ctx, a, (1, shape(a)[0]))
    if len(shape(b)) == 1:
        b = reshape(ctx, b, (shape(b)[0], 1))
    result = matmul(ctx, a, b)
    return reshape(ctx, result, out.get_shape())


@converter("Gemm", (7, 9, 11, 13))
def _gemm(ctx):
    a, b = ctx.input(0), ctx.input(1)
    alpha = float(ctx.attrs.get("alpha", 1.0))
    beta = float(ctx.attrs.get("beta", 1.0))
    trans_a = bool(ctx.attrs.get("transA", 0))
    trans_b = bool(ctx.attrs.get("transB", 0))
    if len(shape(a)) != 2 or len(shape(b)) != 2:
        raise Unsupported("Gemm needs rank-2 A and B")
    result = matmul(ctx, a, b, trans_a, trans_b)
    if alpha != 1.0:
        result = binary(ctx, ew.MulOp, result, scalar(ctx, alpha, result))
    if ctx.has_input(2) and beta != 0.0:
        c_const = ctx.const(2)
        if c_const is not None:
            folded = (
                c_const.astype(np_dtype(result))
                if beta == 1.0
                else ((c_const * beta).astype(np_dtype(result)))
            )
            c = ctx.constant(np.asarray(folded))
        else:
            c = ctx.input(2)
            if beta != 1.0:
                c = binary(ctx, ew.MulOp, c, scalar(ctx, beta, c))
        result = binary(ctx, ew.AddOp, result, c)
    return broadcast_to(ctx, result, ctx.output_type().get_shape())


# ---------------------------------------------------------------------------
# Convolution and pooling
# ---------------------------------------------------------------------------


def resolve_pads(
    ctx,
    spatial: Sequence[int],
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
    ceil_mode: bool = False,
) -> list[int]:
    """ONNX `pads` ([begins..., ends...]) with `auto_pad` resolved."""
    rank = len(spatial)
    auto_pad = ctx.attrs.get("auto_pad", "NOTSET") or "NOTSET"
    if auto_pad == "NOTSET":
        pads = list(ctx.attrs.get("pads", [0] * (2 * rank)))
        if len(pads) != 2 * rank:
            raise Unsupported(
                f"attribute 'pads' has {len(pads)} entries; expected {2 * rank}"
            )
        return pads
    if auto_pad == "VALID":
        return [0] * (2 * rank)
    if auto_pad not in ("SAME_UPPER", "SAME_LOWER"):
        raise Unsupported(f"auto_pad '{auto_pad}' is not supported")
    begins, ends = [], []
    for size, k, s, d in zip(spatial, kernel, strides, dilations, strict=True):
        out = -(-size // s)
        total = max(0, (out - 1) * s + (k - 1) * d + 1 - size)
        small, large = total // 2, total - total // 2
        if auto_pad == "SAME_UPPER":
            begins.append(small)
            ends.append(large)
        else:
            begins.append(large)
            ends.append(small)
    return begins + ends


def _window_attrs(ctx, spatial: Sequence[int], kernel: Sequence[int], ceil_mode=False):
    rank = len(spatial)
    strides = list(ctx.attrs.get("strides", [1] * rank))
    dilations = list(ctx.attrs.get("dilations", [1] * rank))
    if len(strides) != rank or len(dilations) != rank:
        raise Unsupported(
            "attributes 'strides'/'dilations' do not match the spatial rank"
        )
    pads = resolve_pads(ctx, spatial, kernel, strides, dilations, ceil_mode)
    return strides, dilations, pads


def _lift_1d(values: Sequence[int], fill: int) -> list[int]:
    return [fill, *values]


def _spatial_rank(ctx, x: SSAValue, op_type: str) -> int:
    rank = len(shape(x)) - 2
    if rank not in (1, 2):
        raise Unsupported(
            f"{rank}-D {op_type} is not supported (dfg has 2-D windows; 1-D runs as 2-D)"
        )
    return rank


@converter("Conv", (1, 11, 22))
def _conv(ctx):
    x, w = ctx.input(0), ctx.input(1)
    rank = _spatial_rank(ctx, x, "Conv")
    spatial = shape(x)[2:]
    kernel = list(ctx.attrs.get("kernel_shape", shape(w)[2:]))
    if tuple(kernel) != shape(w)[2:]:
        raise Unsupported("attribute 'kernel_shape' does not match the weight's shape")
    strides, dilations, pads = _window_attrs(ctx, spatial, kernel)
    groups = int(ctx.attrs.get("group", 1))
    if rank == 1:
        n, c, length = shape(x)
        x = reshape(ctx, x, (n, c, 1, length))
        o, cg, k = shape(w)
        w = reshape(ctx, w, (o, cg, 1, k))
        strides, dilations = _lift_1d(strides, 1), _lift_1d(dilations, 1)
        pads = [0, pads[0], 0, pads[1]]
    operands = [x, w]
    if ctx.has_input(2):
        operands.append(ctx.input(2))
    out = ctx.output_type()
    out_shape = out.get_shape()
    result_shape = out_shape if rank == 2 else (*out_shape[:2], 1, out_shape[2])
    attributes = {
        "strides": i64_array(strides),
        "pads": i64_array(pads),
        "dilations": i64_array(dilations),
    }
    if groups != 1:
        attributes["groups"] = IntegerAttr(groups, i64)
    op = la.Conv2dOp.build(
        operands=[operands[0], operands[1], operands[2] if len(operands) > 2 else None],
        result_types=[tensor(element(x), result_shape)],
        attributes=attributes,
    )
    return reshape(ctx, ctx.add(op).results[0], out_shape)


def _pool(ctx, op_cls, op_type: str, extra: dict) -> SSAValue:
    x = ctx.input(0)
    rank = _spatial_rank(ctx, x, op_type)
    if "kernel_shape" not in ctx.attrs:
        raise Unsupported("attribute 'kernel_shape' is required")
    kernel = list(ctx.attrs["kernel_shape"])
    if len(kernel) != rank:
        raise Unsupported("attribute 'kernel_shape' does not match the spatial rank")
    ceil_mode = bool(ctx.attrs.get("ceil_mode", 0))
    strides, dilations, pads = _window_attrs(ctx, shape(x)[2:], kernel, ceil_mode)
    out_shape = ctx.output_type().get_shape()
    if rank == 1:
        n, c, length = shape(x)
        x = reshape(ctx, x, (n, c, 1, length))
        kernel, strides = _lift_1d(kernel, 1), _lift_1d(strides, 1)
        dilations = _lift_1d(dilations, 1)
        pads = [0, pads[0], 0, pads[1]]
    attributes = {
        "kernel": i64_array(kernel),
        "strides": i64_array(strides),
        "pads": i64_array(pads),
    }
    if ceil_mode:
        attributes["ceil_mode"] = bool_attr(True)
    if op_cls is pl.MaxPool2dOp:
        if any(d != 1 for d in dilations):
            attributes["dilations"] = i64_array(dilations)
    elif any(d != 1 for d in dilations):
        raise Unsupported("attribute 'dilations' != 1 is not supported for AveragePool")
    attributes.update(extra)
    result_shape = out_shape if rank == 2 else (*out_shape[:2], 1, out_shape[2])
    op = op_cls.build(
        operands=[x],
        result_types=[tensor(element(x), result_shape)],
        attributes=attributes,
    )
    return reshape(ctx, ctx.add(op).results[0], out_shape)


@converter("MaxPool", (1, 8, 10, 11, 12, 22))
def _max_pool(ctx):
    if len(ctx.node.output) > 1 and ctx.node.output[1]:
        raise Unsupported("the 'Indices' output is not supported")
    if ctx.attrs.get("storage_order", 0) != 0:
        raise Unsupported("attribute 'storage_order' != 0 is not supported")
    return _pool(ctx, pl.MaxPool2dOp, "MaxPool", {})


@converter("AveragePool", (1, 7, 10, 11, 19, 22))
def _avg_pool(ctx):
    extra = {}
    if ctx.attrs.get("count_include_pad", 0):
        extra["count_include_pad"] = bool_attr(True)
    return _pool(ctx, pl.AvgPool2dOp, "AveragePool", extra)


def _register_global(op_type: str, op_cls) -> None:
    @converter(op_type, (1, 22))
    def convert(ctx):
        x = ctx.input(0)
        if len(shape(x)) < 3:
            raise Unsupported(f"{op_type} needs an input of rank >= 3")
        op = op_cls.build(operands=[x], result_types=[ctx.output_type()])
        return ctx.add(op).results[0]


_register_global("GlobalAveragePool", pl.GlobalAvgPoolOp)
_register_global("GlobalMaxPool", pl.GlobalMaxPoolOp)


# ---------------------------------------------------------------------------
# BatchNormalization (inference) and LRN
# ---------------------------------------------------------------------------


@converter("BatchNormalization", (7, 9, 14, 15))
def _batch_norm(ctx):
    if ctx.attrs.get("training_mode", 0):
        raise Unsupported(
            "training mode (attribute 'training_mode' = 1) is not supported"
        )
    if any(name for name in ctx.node.output[1:]):
        raise Unsupported(
            "the running-statistics outputs (training mode) are not supported"
        )
    x = ctx.input(0)
    rank = len(shape(x))
    if rank < 2:
        raise Unsupported("BatchNormalization needs an input of rank >= 2")
    epsilon = float(ctx.attrs.get("epsilon", 1e-5))
    params = [ctx.const(i) for i in range(1, 5)]
    dtype = np_dtype(x)
    if all(p is not None for p in params):
        scale, bias, mean, var = (p.astype(np.float64) for p in params)  # type: ignore[union-attr]
        multiplier = scale / np.sqrt(var + epsilon)
        offset = bias - mean * multiplier
        scaled = binary(ctx, ew.MulOp, x, per_channel(ctx, multiplier, rank, dtype))
        return binary(ctx, ew.AddOp, scaled, per_channel(ctx, offset, rank, dtype))
    from .common import cast

    def param(i: int) -> SSAValue:
        value = params[i - 1]
        if value is not None:
            return per_channel(ctx, value, rank, dtype)
        return per_channel(ctx, cast(ctx, ctx.input(i), element(x)), rank)

    scale, bias, mean, var = (param(i) for i in range(1, 5))
    std = unary(ctx, ew.SqrtOp, binary(ctx, ew.AddOp, var, scalar(ctx, epsilon, var)))
    normalized = binary(ctx, ew.DivOp, binary(ctx, ew.SubOp, x, mean), std)
    return binary(ctx, ew.AddOp, binary(ctx, ew.MulOp, normalized, scale), bias)


@converter("LRN", (1, 13))
def _lrn(ctx):
    x = ctx.input(0)
    dims = shape(x)
    if len(dims) < 3:
        raise Unsupported("LRN needs an input of rank >= 3")
    size = int(ctx.attrs["size"])
    alpha = float(ctx.attrs.get("alpha", 1e-4))
    beta = float(ctx.attrs.get("beta", 0.75))
    bias = float(ctx.attrs.get("bias", 1.0))
    n, c = dims[:2]
    rest = math.prod(dims[2:])
    square = binary(ctx, ew.MulOp, x, x)
    # Sum of squares over the channel window as a count-including-pad average
    # over [N, 1, C, rest] with a [size, 1] window: mean * size = sum.
    viewed = reshape(ctx, square, (n, 1, c, rest))
    lo, hi = (size - 1) // 2, size - 1 - (size - 1) // 2
    op = pl.AvgPool2dOp.build(
        operands=[viewed],
        result_types=[tensor(element(x), (n, 1, c, rest))],
        attributes={
            "kernel": i64_array([size, 1]),
            "strides": i64_array([1, 1]),
            "pads": i64_array([lo, 0, hi, 0]),
            "count_include_pad": bool_attr(True),
        },
    )
    mean = reshape(ctx, ctx.add(op).results[0], dims)
    base = binary(
        ctx,
        ew.AddOp,
        binary(ctx, ew.MulOp, mean, scalar(ctx, alpha, x)),
        scalar(ctx, bias, x),
    )
    denominator = binary(ctx, ew.PowOp, base, scalar(ctx, beta, x))
    return binary(ctx, ew.DivOp, x, denominator)


# ---------------------------------------------------------------------------
# Einsum: plain (batched) matrix products only
# ---------------------------------------------------------------------------


@converter("Einsum", (12, 28))
def _einsum(ctx):
    equation = ctx.attrs.get("equation", "").replace(" ", "")
    if ctx.num_inputs == 1 and "->" in equation and "." not in equation:
        return _einsum_unary(ctx, equation)
    if ctx.num_inputs != 2 or "->" not in equation or "." in equation:
        raise Unsupported(
            f"equation '{equation}' is not a supported matrix-product pattern"
        )
    inputs, output = equation.split("->")
    lhs, rhs = inputs.split(",")
    if not (len(lhs) == len(rhs) == len(output) >= 2):
        raise Unsupported(
            f"equation '{equation}' is not a supported matrix-product pattern"
        )
    batch = output[:-2]
    m, n = output[-2], output[-1]
    shared = set(lhs) & set(rhs) - set(output)
    if len(shared) != 1 or lhs[:-2] != batch or rhs[:-2] != batch:
        raise Unsupported(
            f"equation '{equation}' is not a supported matrix-product pattern"
        )
    (k,) = shared
    a, b = ctx.input(0), ctx.input(1)
    if lhs[-2:] == m + k:
        trans_a = False
    elif lhs[-2:] == k + m:
        trans_a = True
    else:
        raise Unsupported(
            f"equation '{equation}' is not a supported matrix-product pattern"
        )
    if rhs[-2:] == k + n:
        trans_b = False
    elif rhs[-2:] == n + k:
        trans_b = True
    else:
        raise Unsupported(
            f"equation '{equation}' is not a supported matrix-product pattern"
        )
    if len(set(output)) != len(output):
        raise Unsupported(f"equation '{equation}' repeats an output index")
    return matmul(ctx, a, b, trans_a, trans_b)


def _einsum_unary(ctx, equation: str) -> SSAValue:
    """`"ij->ji"`, `"ij->i"`, ...: a sum over the dropped indices, then a transpose."""
    from dfc.dialects.dfg import reduction as red

    source, output = equation.split("->")
    x = ctx.input(0)
    if (
        len(set(source)) != len(source)
        or len(set(output)) != len(output)
        or not set(output) <= set(source)
        or len(source) != len(shape(x))
    ):
        raise Unsupported(f"equation '{equation}' is not a supported einsum pattern")
    dropped = [i for i, c in enumerate(source) if c not in output]
    if dropped:
        kept = [d for i, d in enumerate(shape(x)) if i not in dropped]
        op = red.ReduceSumOp.build(
            operands=[x],
            result_types=[tensor(element(x), kept)],
            attributes={"axes": i64_array(dropped), "keepdims": bool_attr(False)},
        )
        x = ctx.add(op).results[0]
    remaining = [c for c in source if c in output]
    return transpose(ctx, x, [remaining.index(c) for c in output])
