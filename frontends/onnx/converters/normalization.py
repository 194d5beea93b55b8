"""Converters for ONNX's normalizations (LayerNormalization, RMSNormalization,
InstanceNormalization, GroupNormalization, MeanVarianceNormalization) and
Attention."""

from __future__ import annotations

import math

import numpy as np
from xdsl.dialects.builtin import FloatAttr, IntegerAttr, f32, i1, i64
from xdsl.ir import SSAValue

from dfc.dialects.dfg import attention as att
from dfc.dialects.dfg import elementwise as ew
from dfc.dialects.dfg import movement as mv
from dfc.dialects.dfg import normalization as norm
from dfc.dialects.dfg import reduction as red
from dfc.dialects.dfg.base import bool_attr, i64_array, is_float, normalize_axis

from ..importer import Unsupported
from ..types import onnx_to_element_type
from . import converter
from .common import binary, cast, element, scalar, shape, tensor, unary
from .linalg import broadcast_to, np_dtype, per_channel, reshape, transpose
from .narrow_float import is_narrow_float, stepwise_attention, where
from .reduction import reduce


def _require_float(x: SSAValue, op_type: str) -> None:
    if not is_float(element(x)):
        raise Unsupported(f"{op_type} on {element(x)} tensors is not supported")


def _epsilon_attr(value: float) -> FloatAttr:
    return FloatAttr(float(value), f32)


def layer_norm(
    ctx,
    x: SSAValue,
    axis: int,
    epsilon: float,
    scale: SSAValue | None = None,
    bias: SSAValue | None = None,
) -> SSAValue:
    op = norm.LayerNormOp.build(
        operands=[x, scale, bias],
        result_types=[x.type],
        attributes={"axis": IntegerAttr(axis, i64), "epsilon": _epsilon_attr(epsilon)},
    )
    return ctx.add(op).results[0]


def _suffix_param(ctx, index: int, x: SSAValue, axis: int) -> SSAValue | None:
    """Input `index` (scale/bias) cast to x's element type, with leading size-1
    dims dropped so that it broadcasts onto the normalized suffix."""
    if not ctx.has_input(index):
        return None
    value = cast(ctx, ctx.input(index), element(x))
    suffix = shape(x)[axis:]
    dims = shape(value)
    while len(dims) > len(suffix) and dims[0] == 1:
        dims = dims[1:]
    if len(dims) > len(suffix):
        raise Unsupported(
            f"input #{index} of shape {shape(value)} does not broadcast to the "
            f"normalized shape {suffix}"
        )
    return reshape(ctx, value, dims)


def _statistics_requested(ctx) -> bool:
    return any(name for name in ctx.node.output[1:])


@converter("LayerNormalization", (17,))
def _layer_normalization(ctx):
    x = ctx.input(0)
    _require_float(x, "LayerNormalization")
    rank = len(shape(x))
    axis = normalize_axis(int(ctx.attrs.get("axis", -1)), rank)
    if axis is None:
        raise Unsupported(
            f"axis {ctx.attrs.get('axis')} is out of range for rank {rank}"
        )
    epsilon = float(ctx.attrs.get("epsilon", 1e-5))
    scale = _suffix_param(ctx, 1, x, axis)
    bias = _suffix_param(ctx, 2, x, axis)
    y = layer_norm(ctx, x, axis, epsilon, scale, bias)
    if not _statistics_requested(ctx):
        return y
    # Mean and InvStdDev: reductions over [axis, rank) with kept dims.
    axes = tuple(range(axis, rank))
    mean = reduce(ctx, red.ReduceMeanOp, x, axes, True)
    centered = binary(ctx, ew.SubOp, x, mean)
    variance = reduce(
        ctx, red.ReduceMeanOp, binary(ctx, ew.MulOp, centered, centered), axes, True
    )
    std = unary(
        ctx, ew.SqrtOp, binary(ctx, ew.AddOp, variance, scalar(ctx, epsilon, variance))
    )
    inv_std = unary(ctx, ew.ReciprocalOp, std)
    outputs = [y]
    for index, value in ((1, mean), (2, inv_std)):
        if len(ctx.node.output) > index and ctx.node.output[index]:
            value = cast(ctx, value, element(ctx.output_type(index)))
        outputs.append(value)
    return outputs


@converter("RMSNormalization", (23,))
def _rms_normalization(ctx):
    x = ctx.input(0)
    _require_float(x, "RMSNormalization")
    rank = len(shape(x))
    axis = normalize_axis(int(ctx.attrs.get("axis", -1)), rank)
    if axis is None:
        raise Unsupported(
            f"axis {ctx.attrs.get('axis')} is out of range for rank {rank}"
        )
    epsilon = float(ctx.attrs.get("epsilon", 1e-5))
    scale = _suffix_param(ctx, 1, x, axis)
    op = norm.RmsNormOp.build(
        operands=[x, scale],
        result_types=[x.type],
        attributes={"axis": IntegerAttr(axis, i64), "epsilon": _epsilon_attr(epsilon)},
    )
    return ctx.add(op).results[0]


def _channel_param(ctx, index: int, x: SSAValue) -> SSAValue:
    value = ctx.const(index)
    rank = len(shape(x))
    if value is not None:
        return per_channel(ctx, value.reshape(-1), rank, np_dtype(x))
    return per_channel(ctx, cast(ctx, ctx.input(index), element(x)), rank)


@converter("InstanceNormalization", (6, 22))
def _instance_normalization(ctx):
    x = ctx.input(0)
    _require_float(x, "InstanceNormalization")
    if len(shape(x)) < 3:
        raise Unsupported("InstanceNormalization needs an input of rank >= 3")
    epsilon = float(ctx.attrs.get("epsilon", 1e-5))
    y = layer_norm(ctx, x, 2, epsilon)
    y = binary(ctx, ew.MulOp, y, _channel_param(ctx, 1, x))
    return binary(ctx, ew.AddOp, y, _channel_param(ctx, 2, x))


@converter("GroupNormalization", (18, 21))
def _group_normalization(ctx):
    x = ctx.input(0)
    _require_float(x, "GroupNormalization")
    dims = shape(x)
    if len(dims) < 3:
        raise Unsupported("GroupNormalization needs an input of rank >= 3")
    groups = int(ctx.attrs["num_groups"])
    epsilon = float(ctx.attrs.get("epsilon", 1e-5))
    n, c = dims[:2]
    if groups <= 0 or c % groups:
        raise Unsupported(f"{c} channels are not divisible into {groups} groups")
    grouped = reshape(ctx, x, (n, groups, (c // groups) * math.prod(dims[2:])))
    y = reshape(ctx, layer_norm(ctx, grouped, 2, epsilon), dims)
    rank = len(dims)
    params = []
    for index in (1, 2):
        value = ctx.const(index)
        per_group = shape(ctx.input(index))[0] == groups and groups != c
        if value is not None:
            array = value.reshape(-1)
            if per_group:
                array = np.repeat(array, c // groups)
            params.append(per_channel(ctx, array, rank, np_dtype(x)))
            continue
        param = cast(ctx, ctx.input(index), element(x))
        if per_group:
            param = broadcast_to(
                ctx, reshape(ctx, param, (groups, 1)), (groups, c // groups)
            )
            param = reshape(ctx, param, (c,))
        params.append(per_channel(ctx, param, rank))
    y = binary(ctx, ew.MulOp, y, params[0])
    return binary(ctx, ew.AddOp, y, params[1])


@converter("MeanVarianceNormalization", (9, 13))
def _mean_variance_normalization(ctx):
    x = ctx.input(0)
    _require_float(x, "MeanVarianceNormalization")
    rank = len(shape(x))
    raw = ctx.attrs.get("axes", [0, 2, 3])
    axes = []
    for axis in raw:
        a = normalize_axis(int(axis), rank)
        if a is None:
            raise Unsupported(f"axis {axis} is out of range for rank {rank}")
        axes.append(a)
    axes_t = tuple(sorted(set(axes)))
    # ONNX's function: (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9).
    mean = reduce(ctx, red.ReduceMeanOp, x, axes_t, True)
    mean_square = reduce(
        ctx, red.ReduceMeanOp, binary(ctx, ew.MulOp, x, x), axes_t, True
    )
    variance = binary(ctx, ew.SubOp, mean_square, binary(ctx, ew.MulOp, mean, mean))
    std = binary(ctx, ew.AddOp, unary(ctx, ew.SqrtOp, variance), scalar(ctx, 1e-9, x))
    return binary(ctx, ew.DivOp, binary(ctx, ew.SubOp, x, mean), std)


# ---------------------------------------------------------------------------
# Attention
# ---------------------------------------------------------------------------


def _split_heads(ctx, value: SSAValue, heads: int) -> SSAValue:
    """`[B, L, H*D]` -> `[B, H, L, D]`."""
    b, length, hidden = shape(value)
    if hidden % heads:
        raise Unsupported(f"hidden size {hidden} is not divisible by {heads} heads")
    viewed = reshape(ctx, value, (b, length, heads, hidden // heads))
    return transpose(ctx, viewed, (0, 2, 1, 3))


def _repeat_heads(ctx, value: SSAValue, repeats: int) -> SSAValue:
    """`[B, H, L, D]` -> `[B, H*repeats, L, D]`, each head repeated in place."""
    if repeats == 1:
        return value
    b, h, length, d = shape(value)
    expanded = broadcast_to(
        ctx, reshape(ctx, value, (b, h, 1, length, d)), (b, h, repeats, length, d)
    )
    return reshape(ctx, expanded, (b, h * repeats, length, d))


def _concat(ctx, values: list[SSAValue], axis: int) -> SSAValue:
    dims = list(shape(values[0]))
    dims[axis] = sum(shape(v)[axis] for v in values)
    op = mv.ConcatOp.build(
        operands=[values],
        result_types=[tensor(element(values[0]), dims)],
        attributes={"axis": IntegerAttr(axis, i64)},
    )
    return ctx.add(op).results[0]


def _output_requested(ctx, index: int) -> bool:
    return len(ctx.node.output) > index and bool(ctx.node.output[index])


@converter("Attention", (23, 24, 25))
def _attention(ctx):
    if ctx.has_input(6):
        raise Unsupported(
            "input 'nonpad_kv_seqlen' (external KV cache) is not supported"
        )
    if ctx.has_input(4) != ctx.has_input(5):
        raise Unsupported("'past_key' and 'past_value' must be given together")
    if float(ctx.attrs.get("softcap", 0.0)) != 0.0:
        raise Unsupported("attribute 'softcap' != 0 is not supported")
    qk_mode = int(ctx.attrs.get("qk_matmul_output_mode", 0))
    if _output_requested(ctx, 3) and qk_mode not in (0, 1):
        raise Unsupported(
            f"output 'qk_matmul_output' with qk_matmul_output_mode = {qk_mode} is not supported"
        )
    for name in ("left_window_size", "right_window_size"):
        if int(ctx.attrs.get(name, -1)) != -1:
            raise Unsupported(f"attribute '{name}' (sliding window) is not supported")
    q, k, v = ctx.input(0), ctx.input(1), ctx.input(2)
    _require_float(q, "Attention")
    rank = len(shape(q))
    if rank == 3:
        if "q_num_heads" not in ctx.attrs or "kv_num_heads" not in ctx.attrs:
            raise Unsupported(
                "3-D inputs need attributes 'q_num_heads' and 'kv_num_heads'"
            )
        q_heads, kv_heads = (
            int(ctx.attrs["q_num_heads"]),
            int(ctx.attrs["kv_num_heads"]),
        )
        q = _split_heads(ctx, q, q_heads)
        k = _split_heads(ctx, k, kv_heads)
        v = _split_heads(ctx, v, kv_heads)
    elif rank != 4:
        raise Unsupported(f"rank-{rank} inputs are not supported (expected 3 or 4)")
    past = 0
    if ctx.has_input(4):
        past_key, past_value = ctx.input(4), ctx.input(5)
        past = shape(past_key)[2]
        k = _concat(ctx, [past_key, k], 2)
        v = _concat(ctx, [past_value, v], 2)
    present = [k, v]
    q_heads, kv_heads = shape(q)[1], shape(k)[1]
    if shape(v)[1] != kv_heads or q_heads % kv_heads:
        raise Unsupported(
            f"{q_heads} query heads cannot share {kv_heads} key/value heads"
        )
    k = _repeat_heads(ctx, k, q_heads // kv_heads)
    v = _repeat_heads(ctx, v, q_heads // kv_heads)
    lq, lk = shape(q)[2], shape(k)[2]
    mask: SSAValue | None = None
    if ctx.has_input(3):
        mask = ctx.input(3)
        missing = lk - shape(mask)[-1]
        if missing < 0:
            raise Unsupported("attn_mask is longer than the key sequence")
        if missing:
            mask_rank = len(shape(mask))
            pads = [0] * (2 * mask_rank)
            pads[2 * mask_rank - 1] = missing
            fill = 0.0 if element(mask) == i1 else -math.inf
            op = mv.PadOp.build(
                operands=[mask],
                result_types=[tensor(element(mask), (*shape(mask)[:-1], lk))],
                attributes={"pads": i64_array(pads), "value": FloatAttr(fill, f32)},
            )
            mask = ctx.add(op).results[0]
        if element(mask) != i1:
            mask = cast(ctx, mask, element(q))
    if is_narrow_float(element(q)):
        # bf16/f16: one dfg op per step of onnx.reference's computation, so
        # the result rounds where the reference's does (narrow_float.py).
        precision = ctx.attrs.get("softmax_precision")
        softmax_element = None
        if precision is not None:
            softmax_element = onnx_to_element_type(int(precision))
            if softmax_element is None or not is_float(softmax_element):
                raise Unsupported(f"softmax_precision {precision} is not supported")
        y, scores = stepwise_attention(
            ctx,
            q,
            k,
            v,
            mask,
            float(ctx.attrs["scale"]) if "scale" in ctx.attrs else None,
            past if ctx.attrs.get("is_causal", 0) else None,
            softmax_element,
        )
        return _attention_outputs(ctx, y, present, scores, rank)
    attributes = {}
    if "scale" in ctx.attrs:
        attributes["scale"] = FloatAttr(float(ctx.attrs["scale"]), f32)
    if ctx.attrs.get("is_causal", 0):
        if past == 0:
            attributes["causal"] = bool_attr(True)
        else:
            # Bottom-right aligned: query i attends key j iff j <= i + past.
            rows = np.arange(lq).reshape(lq, 1)
            cols = np.arange(lk).reshape(1, lk)
            allowed = ctx.constant(cols <= rows + past)
            if mask is None:
                mask = allowed
            elif element(mask) == i1:
                mask = binary(ctx, ew.AndOp, mask, allowed)
            else:
                mask = where(ctx, allowed, mask, scalar(ctx, -np.inf, mask))
    b, h = shape(q)[:2]
    op = att.AttentionOp.build(
        operands=[q, k, v, mask],
        result_types=[tensor(element(q), (b, h, lq, shape(v)[-1]))],
        attributes=attributes,
    )
    y = ctx.add(op).results[0]
    scores = None
    if _output_requested(ctx, 3):
        from .linalg import matmul

        scores = matmul(ctx, q, k, transpose_b=True)
        scale = float(ctx.attrs.get("scale", 1.0 / math.sqrt(shape(q)[-1])))
        scores = binary(ctx, ew.MulOp, scores, scalar(ctx, scale, scores))
    return _attention_outputs(ctx, y, present, scores, rank)


def _attention_outputs(
    ctx, y: SSAValue, present: list[SSAValue], scores, rank: int
) -> list:
    """`[Y, present_key, present_value]`, plus `qk_matmul_output` when the
    node asks for it; a 3-D model gets `Y` back as `[B, Lq, H*Dv]`."""
    if rank == 3:
        b, h, lq, dv = shape(y)
        y = transpose(ctx, y, (0, 2, 1, 3))
        y = reshape(ctx, y, (b, lq, h * dv))
    outputs: list = [y, *present]
    if _output_requested(ctx, 3):
        outputs.append(scores)
    return outputs
