"""`aten.scaled_dot_product_attention` -> `dfg.attention` (kept whole: it is
left out of the decomposition table)."""

from __future__ import annotations

from xdsl.dialects.builtin import TensorType
from xdsl.ir import SSAValue

from dfc.dialects.dfg.attention import AttentionOp
from dfc.dialects.dfg.base import bool_attr, f64_attr, shape_of
from dfc.dialects.dfg.movement import BroadcastOp

from ..importer import Unsupported
from . import converts
from .common import NodeContext


def _repeat_heads(ctx: NodeContext, x: SSAValue, heads: int) -> SSAValue:
    """Grouped-query attention: query head `h` reads key/value head
    `h // (heads / kv_heads)` (`repeat_interleave` on the head axis)."""
    shape = shape_of(x)
    kv_heads = shape[-3]
    if kv_heads == heads:
        return x
    if heads % kv_heads:
        raise Unsupported(f"{heads} query heads over {kv_heads} key/value heads")
    group = heads // kv_heads
    element = ctx.element_of(x)
    lead, (length, depth) = shape[:-3], shape[-2:]
    x = ctx.reshape(x, (*lead, kv_heads, 1, length, depth))
    wide = TensorType(element, [*lead, kv_heads, group, length, depth])
    x = ctx.emit(BroadcastOp, [x], wide)
    return ctx.reshape(x, (*lead, heads, length, depth))


@converts("aten.scaled_dot_product_attention.default")
def scaled_dot_product_attention(ctx: NodeContext) -> SSAValue:
    if ctx["dropout_p"]:
        raise Unsupported(f"attention dropout (dropout_p={ctx['dropout_p']})")
    t = ctx.result_type()
    q = ctx.tensor(ctx["query"])
    k = ctx.tensor(ctx["key"])
    v = ctx.tensor(ctx["value"])
    if ctx["enable_gqa"] and len(shape_of(q)) >= 3:
        heads = shape_of(q)[-3]
        k = _repeat_heads(ctx, k, heads)
        v = _repeat_heads(ctx, v, heads)
    operands = [q, k, v]
    mask = ctx["attn_mask"]
    if mask is not None:
        m = ctx.tensor(mask)
        if str(ctx.element_of(m)) != "i1":
            m = ctx.cast(m, ctx.element_of(q))
        operands.append(m)
    else:
        operands.append(None)
    attributes = {}
    if ctx["scale"] is not None:
        attributes["scale"] = f64_attr(float(ctx["scale"]))
    if ctx["is_causal"]:
        attributes["causal"] = bool_attr(True)
    return ctx.emit(AttentionOp, operands, t, attributes)
