"""dfg's canonicalization patterns: algebraic identities and movement-op
simplifications that are exact (bit for bit) under the reference semantics.

The `canonicalize` pass applies `DFG_CANONICALIZATION_PATTERNS` together with
xDSL's canonicalization of builtin/func/arith ops and with constant folding
(which lives in `dfc.passes.canonicalize`, since it runs the reference
interpreter).

Identities follow MLIR's `arith` folders, which only fold when the result is
exactly the input:

- `x + c` / `c + x` → `x` when `c` is a splat zero: `-0.0` for floats (IEEE
  `x + (-0.0)` is `x` for every `x`, whereas `-0.0 + (+0.0)` is `+0.0`), `0` for
  integers;
- `x - c` → `x` when `c` is a splat `+0.0` (floats) or `0` (integers);
- `x * c` / `c * x` and `x / c` → `x` when `c` is a splat `1`;

each only when the result type equals the type of `x` (the constant must not
broadcast `x` to a larger shape). Also `neg(neg(x))` → `x`, `not(not(x))` → `x`,
a cast to the same type → its input, identity transposes, reshapes and
broadcasts → their input, and chains of transposes or reshapes → one op.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from xdsl.dialects.builtin import DenseIntOrFPElementsAttr
from xdsl.ir import SSAValue
from xdsl.pattern_rewriter import (
    PatternRewriter,
    RewritePattern,
    op_type_rewrite_pattern,
)

from . import elementwise as ew
from .base import element_type_of, i64_array, is_float, is_integer
from .constant import ConstantOp
from .movement import BroadcastOp, ReshapeOp, TransposeOp

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def splat_value(value: SSAValue) -> int | float | None:
    """The single element of a `dfg.constant` whose inline dense literal holds
    one repeated value (compared bit for bit, so `[0.0, -0.0]` is no splat), or
    None."""
    op = value.owner
    if not isinstance(op, ConstantOp):
        return None
    attr = op.value
    if not isinstance(attr, DenseIntOrFPElementsAttr):
        return None
    data = attr.data.data
    count = len(attr)
    if count == 0:
        return None
    width = len(data) // count
    first = data[:width]
    if any(data[i : i + width] != first for i in range(width, len(data), width)):
        return None
    return attr.get_values()[0]


def _is_splat_of(value: SSAValue, expected: float, *, negative_zero: bool) -> bool:
    """Whether `value` is a splat constant equal to `expected`; for float zero,
    `negative_zero` selects which signed zero is required."""
    element = element_type_of(value)
    if not (is_float(element) or is_integer(element)):
        return False
    splat = splat_value(value)
    if splat is None:
        return False
    if isinstance(splat, float):
        if math.isnan(splat) or splat != expected:
            return False
        if splat == 0.0:
            return (math.copysign(1.0, splat) < 0) == negative_zero
        return True
    return splat == expected


def _forward(op_result: SSAValue, value: SSAValue) -> bool:
    """Whether `value` may replace `op_result`: same type, so no broadcast or
    conversion is dropped."""
    return value.type == op_result.type


def _identity_operand(
    op: ew.BinaryOp, neutral: float, *, commutative: bool, negative_zero: bool
) -> SSAValue | None:
    """The operand `x` of `x op c` (or `c op x` when commutative) where `c` is
    the splat `neutral` element and the result has the type of `x`."""
    candidates: Sequence[tuple[SSAValue, SSAValue]] = [(op.lhs, op.rhs)]
    if commutative:
        candidates = [(op.lhs, op.rhs), (op.rhs, op.lhs)]
    for kept, constant in candidates:
        if not _forward(op.output, kept):
            continue
        zero_sign = negative_zero if neutral == 0 else False
        if _is_splat_of(constant, neutral, negative_zero=zero_sign):
            return kept
    return None


# ---------------------------------------------------------------------------
# Elementwise identities
# ---------------------------------------------------------------------------


class AddZero(RewritePattern):
    """`x + (-0.0)` (floats) / `x + 0` (integers) → `x`; either operand order."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ew.AddOp, rewriter: PatternRewriter) -> None:
        kept = _identity_operand(op, 0, commutative=True, negative_zero=True)
        if kept is not None:
            rewriter.replace(op, [], [kept])


class SubZero(RewritePattern):
    """`x - (+0.0)` (floats) / `x - 0` (integers) → `x`."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ew.SubOp, rewriter: PatternRewriter) -> None:
        kept = _identity_operand(op, 0, commutative=False, negative_zero=False)
        if kept is not None:
            rewriter.replace(op, [], [kept])


class MulOne(RewritePattern):
    """`x * 1` / `1 * x` → `x`."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ew.MulOp, rewriter: PatternRewriter) -> None:
        kept = _identity_operand(op, 1, commutative=True, negative_zero=False)
        if kept is not None:
            rewriter.replace(op, [], [kept])


class DivOne(RewritePattern):
    """`x / 1` → `x`."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ew.DivOp, rewriter: PatternRewriter) -> None:
        kept = _identity_operand(op, 1, commutative=False, negative_zero=False)
        if kept is not None:
            rewriter.replace(op, [], [kept])


class DoubleNeg(RewritePattern):
    """`neg(neg(x))` → `x` (exact, also for the wrapping integer minimum)."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ew.NegOp, rewriter: PatternRewriter) -> None:
        inner = op.input.owner
        if isinstance(inner, ew.NegOp) and _forward(op.output, inner.input):
            rewriter.replace(op, [], [inner.input])


class DoubleNot(RewritePattern):
    """`not(not(x))` → `x`."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ew.NotOp, rewriter: PatternRewriter) -> None:
        inner = op.input.owner
        if isinstance(inner, ew.NotOp) and _forward(op.output, inner.input):
            rewriter.replace(op, [], [inner.input])


class CastToSameType(RewritePattern):
    """`dfg.cast` whose result type is its input type → the input."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ew.CastOp, rewriter: PatternRewriter) -> None:
        if _forward(op.output, op.input):
            rewriter.replace(op, [], [op.input])


ELEMENTWISE_PATTERNS: tuple[RewritePattern, ...] = (
    AddZero(),
    SubZero(),
    MulOne(),
    DivOne(),
    DoubleNeg(),
    DoubleNot(),
    CastToSameType(),
)


# ---------------------------------------------------------------------------
# Movement
# ---------------------------------------------------------------------------


class IdentityTranspose(RewritePattern):
    """`dfg.transpose` with `perm = 0..n-1` → its input."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: TransposeOp, rewriter: PatternRewriter) -> None:
        perm = op.permutation()
        if perm == tuple(range(len(perm))) and _forward(op.output, op.input):
            rewriter.replace(op, [], [op.input])


class TransposeOfTranspose(RewritePattern):
    """`transpose(transpose(x, p), q)` → `transpose(x, [p[q[i]]])`, or `x` when
    the composition is the identity."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: TransposeOp, rewriter: PatternRewriter) -> None:
        inner = op.input.owner
        if not isinstance(inner, TransposeOp):
            return
        inner_perm = inner.permutation()
        composed = tuple(inner_perm[p] for p in op.permutation())
        if composed == tuple(range(len(composed))):
            if _forward(op.output, inner.input):
                rewriter.replace(op, [], [inner.input])
            return
        rewriter.replace(
            op,
            TransposeOp.build(
                operands=[inner.input],
                attributes={"perm": i64_array(composed)},
                result_types=[op.output.type],
            ),
        )


class IdentityReshape(RewritePattern):
    """`dfg.reshape` to its input's type → the input."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ReshapeOp, rewriter: PatternRewriter) -> None:
        if _forward(op.output, op.input):
            rewriter.replace(op, [], [op.input])


class ReshapeOfReshape(RewritePattern):
    """`reshape(reshape(x))` → `reshape(x)` (row-major order is kept by both)."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ReshapeOp, rewriter: PatternRewriter) -> None:
        inner = op.input.owner
        if not isinstance(inner, ReshapeOp):
            return
        if _forward(op.output, inner.input):
            rewriter.replace(op, [], [inner.input])
            return
        rewriter.replace(
            op, ReshapeOp.build(operands=[inner.input], result_types=[op.output.type])
        )


class IdentityBroadcast(RewritePattern):
    """`dfg.broadcast` to its input's type → the input."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: BroadcastOp, rewriter: PatternRewriter) -> None:
        if _forward(op.output, op.input):
            rewriter.replace(op, [], [op.input])


MOVEMENT_PATTERNS: tuple[RewritePattern, ...] = (
    IdentityTranspose(),
    TransposeOfTranspose(),
    IdentityReshape(),
    ReshapeOfReshape(),
    IdentityBroadcast(),
)

DFG_CANONICALIZATION_PATTERNS: tuple[RewritePattern, ...] = (
    *ELEMENTWISE_PATTERNS,
    *MOVEMENT_PATTERNS,
)
"""Every dfg canonicalization pattern, applied by the `canonicalize` pass."""
