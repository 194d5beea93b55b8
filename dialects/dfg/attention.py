"""`dfg.attention`: fused scaled dot-product attention,
`softmax(query @ key^T * scale + mask) @ value`, as PyTorch's
`F.scaled_dot_product_attention` (and ONNX Attention-23 without its cache
inputs).

Batch dimensions (every dimension before the last two) of query, key and value
must match exactly; only the mask broadcasts.
"""

from __future__ import annotations

import math

from xdsl.dialects.builtin import BoolAttr, FloatAttr, TensorType
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.irdl import (
    irdl_op_definition,
    operand_def,
    opt_attr_def,
    opt_operand_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from .base import (
    DfgOp,
    IterationSpace,
    LoopKind,
    StructuredOpInterface,
    bool_value,
    broadcast_shapes,
    element_type_of,
    float_value,
    format_shape,
    is_bool,
    is_float,
    num_elements,
    operand_label,
    require_result_element_type,
    require_result_shape,
    shape_of,
)


@irdl_op_definition
class AttentionOp(DfgOp, StructuredOpInterface):
    """Scaled dot-product attention over `[B..., L, D]` tensors.

    `scores = query @ key^T * scale`; an i1 `mask` keeps the scores where it is
    true (the others become -inf), a float `mask` is added to them; `causal`
    additionally keeps only key positions `j <= i` (top-left aligned, as
    PyTorch's `is_causal`). The softmax runs over the keys; a query row whose
    scores are all -inf (fully masked) yields zeros, as PyTorch's SDPA does.

    ```mlir
    %o = dfg.attention %q, %k, %v, %m {causal = true} : (tensor<2x4x8xf32>, tensor<2x6x8xf32>, tensor<2x6x16xf32>, tensor<4x6xi1>) -> tensor<2x4x16xf32>
    ```
    """

    name = "dfg.attention"
    traits = traits_def(Pure())
    assembly_format = "operands attr-dict `:` functional-type(operands, results)"

    query = operand_def(TensorType)
    """`[B..., Lq, D]` queries (float)."""
    key = operand_def(TensorType)
    """`[B..., Lk, D]` keys; same element type as `query`."""
    value = operand_def(TensorType)
    """`[B..., Lk, Dv]` values; same element type as `query`."""
    mask = opt_operand_def(TensorType)
    """Optional, broadcast to `[B..., Lq, Lk]`: i1 (true = attend) or additive
    float of the query's element type."""
    output = result_def(TensorType)
    """`[B..., Lq, Dv]`, the query's element type."""
    scale = opt_attr_def(FloatAttr)
    """Score multiplier (f32); default `1 / sqrt(D)`."""
    causal = opt_attr_def(BoolAttr)
    """Apply a top-left aligned causal mask (default false)."""

    def scale_value(self) -> float:
        depth = shape_of(self.query)[-1]
        return float_value(self.scale, 1.0 / math.sqrt(depth) if depth else 1.0)

    def is_causal(self) -> bool:
        return bool_value(self.causal, False)

    def verify_semantics(self) -> None:
        element = element_type_of(self.query)
        if not is_float(element):
            raise VerifyException(
                f"{operand_label(self, self.query)} has element type {element}; "
                "'dfg.attention' needs a floating-point tensor"
            )
        for value in (self.key, self.value):
            if element_type_of(value) != element:
                raise VerifyException(
                    f"{operand_label(self, value)} has element type "
                    f"{element_type_of(value)}, expected {element} to match "
                    "'query'"
                )
        for value in (self.query, self.key, self.value):
            if len(shape_of(value)) < 2:
                raise VerifyException(
                    f"{operand_label(self, value)} has rank "
                    f"{len(shape_of(value))}; expected at least 2 ([..., L, D])"
                )
        q, k, v = shape_of(self.query), shape_of(self.key), shape_of(self.value)
        for value, shape in ((self.key, k), (self.value, v)):
            if shape[:-2] != q[:-2]:
                raise VerifyException(
                    f"{operand_label(self, value)} has batch dimensions "
                    f"{format_shape(shape[:-2])}; expected "
                    f"{format_shape(q[:-2])} to match 'query'"
                )
        if k[-1] != q[-1]:
            raise VerifyException(
                f"{operand_label(self, self.key)} has head dimension {k[-1]}; "
                f"expected {q[-1]} to match 'query'"
            )
        if v[-2] != k[-2]:
            raise VerifyException(
                f"{operand_label(self, self.value)} has {v[-2]} positions; "
                f"expected {k[-2]} to match 'key'"
            )
        if self.mask is not None:
            mask_element = element_type_of(self.mask)
            if not (is_bool(mask_element) or mask_element == element):
                raise VerifyException(
                    f"{operand_label(self, self.mask)} has element type "
                    f"{mask_element}; expected i1 or {element}"
                )
            target = (*q[:-1], k[-2])
            mask_shape = shape_of(self.mask)
            if (
                len(mask_shape) > len(target)
                or broadcast_shapes(mask_shape, target) != target
            ):
                raise VerifyException(
                    f"{operand_label(self, self.mask)} of shape "
                    f"{format_shape(mask_shape)} does not broadcast to the score "
                    f"shape {format_shape(target)}"
                )
        require_result_shape(self, (*q[:-1], v[-1]))
        require_result_element_type(self, element)

    # Iteration space: (batch..., Lq, Dv, Lk, D); Lk and D are reductions.

    def iteration_space(self) -> IterationSpace:
        q, k, v = shape_of(self.query), shape_of(self.key), shape_of(self.value)
        batch = q[:-2]
        kinds: tuple[LoopKind, ...] = ("parallel",) * (len(batch) + 2) + (
            "reduction",
            "reduction",
        )
        return IterationSpace((*batch, q[-2], v[-1], k[-2], q[-1]), kinds)

    def indexing_maps(self) -> tuple[AffineMap, ...]:
        nb = len(shape_of(self.query)) - 2
        rank = nb + 4
        batch = [AffineExpr.dimension(i) for i in range(nb)]
        i, dv, j, d = (AffineExpr.dimension(nb + n) for n in range(4))

        def amap(*exprs: AffineExpr) -> AffineMap:
            return AffineMap(rank, 0, (*batch, *exprs))

        maps = [amap(i, d), amap(j, d), amap(j, dv)]
        if self.mask is not None:
            q = shape_of(self.query)
            target = (*q[:-1], shape_of(self.key)[-2])
            score_dims = [*batch, i, j]
            mask_shape = shape_of(self.mask)
            offset = len(target) - len(mask_shape)
            exprs = tuple(
                AffineExpr.constant(0)
                if dim == 1 and target[a + offset] != 1
                else score_dims[a + offset]
                for a, dim in enumerate(mask_shape)
            )
            maps.append(AffineMap(rank, 0, exprs))
        maps.append(amap(i, dv))
        return tuple(maps)

    def flop_count(self) -> int:
        """`2·B·Lq·Lk·D` (scores) + `2·B·Lq·Lk·Dv` (weighted sum) + `5·B·Lq·Lk`
        (scale, mask, max, exp, normalize)."""
        q, k, v = shape_of(self.query), shape_of(self.key), shape_of(self.value)
        b = num_elements(q[:-2])
        lq, lk, d, dv = q[-2], k[-2], q[-1], v[-1]
        return 2 * b * lq * lk * d + 2 * b * lq * lk * dv + 5 * b * lq * lk


OPS = (AttentionOp,)
