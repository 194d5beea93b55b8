"""`canonicalize`: xDSL's canonicalization (the canonicalization patterns and
folders of builtin/func/arith ops) plus dfg's patterns
(`dfc.dialects.dfg.canonicalization`) and constant folding of dfg ops, applied
together greedily by one `PatternRewriteWalker` until a fixed point; dead pure
ops are erased and unreachable blocks removed (`region_dce`) between walks.

Constant folding evaluates the op with the reference interpreter
(`dfc.backends.reference.interpreter.evaluate`), so folded values are exactly
what running the unfolded graph gives; the semantics are not re-implemented
here. A fold happens only when

- every operand is a `dfg.constant` with an inline `dense<...>` literal
  (`dense_resource` weights are never read),
- the result has at most `fold_limit` elements (default 1024), so weights are
  not expanded into text, and
- the folded literal survives printing and re-parsing bit for bit. Values are
  stored as raw little-endian bytes (bf16 and f16 included, so narrow floats
  fold exactly), but xDSL 0.74 prints NaN and infinity (and some large f32
  integers) as hex integers inside `dense<[...]>`, which its parser reads back
  as integer *values*, and prints `[0.0, -0.0]` as the splat `0.0`. Such
  results are left unfolded rather than silently changed by a print/parse
  round trip. (Literals of more than 100 elements print as one hex blob,
  which round-trips exactly, so there they fold.)

Zero-size tensors (a dimension of extent 0) are folded too
(`dfc.passes.fold_zero_size`): an op with only empty results becomes empty
constants, `dfg.concat` drops empty operands, and an op reading empty
operands with a non-empty result (a reduction over an empty axis) becomes the
constant it computes, its identity. No later pass meets a zero-size op.
"""

# No `from __future__ import annotations`: xDSL reads the option types from
# the dataclass fields, which must be real types, not strings.
import io
import sys
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import builtin
from xdsl.dialects.builtin import (
    BytesAttr,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    IntegerType,
    TensorType,
)
from xdsl.ir import Attribute, Operation
from xdsl.parser import Parser
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)
from xdsl.printer import Printer
from xdsl.transforms.canonicalize import CanonicalizationRewritePattern
from xdsl.transforms.dead_code_elimination import region_dce

from dfc.backends.reference import interpreter
from dfc.dialects.dfg import elementwise as ew
from dfc.dialects.dfg.canonicalization import DFG_CANONICALIZATION_PATTERNS
from dfc.dialects.dfg.constant import ConstantOp
from dfc.dialects.dfg.movement import TransposeOp
from dfc.dialects.resources import BLOBS
from dfc.passes.fold_zero_size import ZERO_SIZE_PATTERNS

DEFAULT_FOLD_LIMIT = 1024
"""Largest result (in elements) that constant folding materializes."""

_MOVEMENT_FOLDABLE = ("dfg.transpose", "dfg.reshape", "dfg.broadcast")
"""Movement ops folded by name (their classes live in `dfg.movement`)."""

FOLDABLE_OPS: tuple[type[Operation], ...] = (
    *ew.UNARY_OPS,
    *ew.BINARY_OPS,
    ew.CastOp,
    ew.WhereOp,
)
"""Elementwise op classes that constant folding evaluates."""


def is_foldable(op: Operation) -> bool:
    return isinstance(op, FOLDABLE_OPS) or op.name in _MOVEMENT_FOLDABLE


def dense_attr(
    array: np.ndarray, type: TensorType[Attribute]
) -> DenseIntOrFPElementsAttr:
    """`array` (already of the numpy dtype of `type`'s element type) as a dense
    literal of `type`. Floats keep their exact bits; integers and i1 go through
    xDSL's normalization (i1 `true` is stored as -1, like the parser does).
    The printer shows a splat (`dense<v>`) when all elements are equal."""
    element = type.get_element_type()
    if isinstance(element, IntegerType):
        values = [int(v) for v in array.reshape(-1)]
        return DenseIntOrFPElementsAttr.from_list(type, values)  # pyright: ignore
    data = np.ascontiguousarray(array)
    if sys.byteorder != "little":  # dense literals store little-endian bytes
        data = data.byteswap()
    return DenseIntOrFPElementsAttr(type, BytesAttr(data.tobytes()))  # pyright: ignore


def round_trips(attr: DenseIntOrFPElementsAttr, ctx: Context) -> bool:
    """Whether printing `attr` and parsing the text back gives the same bytes."""
    text = _print_attribute(attr)
    try:
        parsed = Parser(ctx, text).parse_attribute()
    except Exception:  # any parse failure means: do not fold
        return False
    return parsed == attr


def _print_attribute(attr: Attribute) -> str:
    stream = io.StringIO()
    Printer(stream=stream).print_attribute(attr)
    return stream.getvalue()


@dataclass
class FoldConstantOperands(RewritePattern):
    """Replace a foldable dfg op whose operands are all inline `dfg.constant`s
    by the `dfg.constant` of its reference-interpreter result."""

    ctx: Context
    fold_limit: int = DEFAULT_FOLD_LIMIT

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not is_foldable(op) or len(op.results) != 1 or not op.operands:
            return
        result_type = op.results[0].type
        if not isinstance(result_type, TensorType):
            return
        if int(np.prod(result_type.get_shape())) > self.fold_limit:
            return
        arrays: list[np.ndarray] = []
        for operand in op.operands:
            owner = operand.owner
            if not isinstance(owner, ConstantOp) or not isinstance(
                owner.value, DenseIntOrFPElementsAttr
            ):
                return
            arrays.append(interpreter.attribute_array(owner.value))
        try:
            (result,) = interpreter.evaluate(op, arrays)
        except interpreter.InterpreterError:
            return
        attr = dense_attr(result, result_type)  # pyright: ignore[reportUnknownArgumentType]
        if not round_trips(attr, self.ctx):
            return
        rewriter.replace(op, ConstantOp(attr))


class FoldWeightTranspose(RewritePattern):
    """A `dfg.transpose` of a weight (a `dfg.constant` held as a
    `dense_resource` blob) becomes the transposed weight, at any size: the
    layout of a weight is chosen once, at compile time, instead of moving
    every element through the chip on every run (GPT-2's tied LM head reads
    the 50,257 x 768 embedding transposed: 2.4 M cycles on sn40l, a third of
    a 2-layer model's time). The new blob is named after the old one (`_t`
    suffix, deterministic); the original stays while other ops use it.

    ```mlir
    %w = dfg.constant dense_resource<wte> : tensor<50257x768xf32>
    %t = dfg.transpose %w {perm = array<i64: 1, 0>} : (tensor<50257x768xf32>) -> tensor<768x50257xf32>
    // after
    %t = dfg.constant dense_resource<wte_t> : tensor<768x50257xf32>
    ```
    """

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, TransposeOp):
            return
        source = op.operands[0].owner
        if not isinstance(source, ConstantOp) or not isinstance(
            source.value, DenseResourceAttr
        ):
            return
        result_type = op.results[0].type
        if not isinstance(result_type, TensorType):
            return
        try:
            (result,) = interpreter.evaluate(
                op, [interpreter.attribute_array(source.value)]
            )
        except (interpreter.InterpreterError, KeyError, ValueError):
            return  # a missing blob is reported where the weight is used
        stored = result.astype(np.uint8) if result.dtype == np.bool_ else result
        handle = BLOBS.add(
            f"{source.value.resource_handle.data}_t", np.ascontiguousarray(stored)
        )
        rewriter.replace(
            op, ConstantOp(DenseResourceAttr.from_params(handle, result_type))
        )


@dataclass(frozen=True)
class DfcCanonicalizePass(ModulePass):
    """Apply canonicalization patterns, folders and dfg constant folding to a fixed point.

    ```mlir
    // before
    %0 = dfg.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
    %1 = dfg.transpose %0 {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
    %c = dfg.constant dense<2.0> : tensor<3xf32>
    %2 = dfg.mul %c, %c : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    // after: uses of %1 are replaced by %x, and
    %2 = dfg.constant dense<4.000000e+00> : tensor<3xf32>
    ```
    """

    name = "canonicalize"

    fold_limit: int = DEFAULT_FOLD_LIMIT
    """Largest constant-folding result, in elements (`fold-limit`)."""

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        patterns: list[RewritePattern] = [
            CanonicalizationRewritePattern(),
            FoldConstantOperands(ctx, self.fold_limit),
            FoldWeightTranspose(),
            *DFG_CANONICALIZATION_PATTERNS,
            *ZERO_SIZE_PATTERNS,
        ]
        applier = GreedyRewritePatternApplier(patterns, ctx=ctx, folding_enabled=True)
        PatternRewriteWalker(applier, post_walk_func=region_dce).rewrite_module(op)
