"""Shared machinery of the `dfg` dialect: element types, shape rules, the
structured-op interface and the base classes that op families derive from.

Every dfg op is a *structured op*: it reports an iteration space (one extent and
one kind, parallel or reduction, per loop), one affine access map per operand and
result from that space, a FLOP count and the bytes it touches. Tiling, fusion
legality and the cost model are written against this interface only.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from xdsl.dialects.builtin import (
    BFloat16Type,
    BoolAttr,
    DenseArrayBase,
    Float16Type,
    Float32Type,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    StringAttr,
    TensorType,
    i1,
    i64,
)
from xdsl.ir import Attribute, SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.irdl import IRDLOperation
from xdsl.utils.exceptions import VerifyException

# ---------------------------------------------------------------------------
# Element types
# ---------------------------------------------------------------------------

FLOAT_TYPES = (Float32Type, BFloat16Type, Float16Type)
"""Floating-point element types dfg accepts."""

INTEGER_WIDTHS = (64, 32, 8, 1)
"""Signless integer widths dfg accepts (i1 is the boolean type)."""

ELEMENT_TYPE_NAMES = "f32, bf16, f16, i64, i32, i8, i1"


def is_float(element_type: Attribute) -> bool:
    return isinstance(element_type, FLOAT_TYPES)


def is_integer(element_type: Attribute) -> bool:
    return isinstance(element_type, IntegerType) and element_type.width.data in (
        64,
        32,
        8,
    )


def is_bool(element_type: Attribute) -> bool:
    return isinstance(element_type, IntegerType) and element_type.width.data == 1


def is_supported_element_type(element_type: Attribute) -> bool:
    return is_float(element_type) or (
        isinstance(element_type, IntegerType)
        and element_type.width.data in INTEGER_WIDTHS
    )


def element_byte_size(element_type: Attribute) -> int:
    """Storage bytes of one element (i1 is stored as one byte)."""
    if isinstance(element_type, Float32Type):
        return 4
    if isinstance(element_type, BFloat16Type | Float16Type):
        return 2
    if isinstance(element_type, IntegerType):
        return max(1, element_type.width.data // 8)
    raise ValueError(f"unsupported element type {element_type}")


def tensor_type(value: SSAValue | Attribute) -> TensorType[Attribute]:
    t = value.type if isinstance(value, SSAValue) else value
    assert isinstance(t, TensorType)
    return t  # pyright: ignore[reportUnknownVariableType]


def shape_of(value: SSAValue | Attribute) -> tuple[int, ...]:
    return tuple(tensor_type(value).get_shape())


def element_type_of(value: SSAValue | Attribute) -> Attribute:
    return tensor_type(value).get_element_type()


def num_elements(shape: Sequence[int]) -> int:
    return math.prod(shape)


def tensor_bytes(value: SSAValue | Attribute) -> int:
    return num_elements(shape_of(value)) * element_byte_size(element_type_of(value))


def format_shape(shape: Sequence[int]) -> str:
    return "x".join(str(d) for d in shape) if shape else "scalar"


# ---------------------------------------------------------------------------
# Shape rules shared by verifiers, builders and importers
# ---------------------------------------------------------------------------


def broadcast_shapes(*shapes: Sequence[int]) -> tuple[int, ...] | None:
    """The numpy/ONNX multidirectional broadcast of `shapes`, or None."""
    rank = max((len(s) for s in shapes), default=0)
    result: list[int] = []
    for axis in range(rank):
        size = 1
        for shape in shapes:
            offset = axis - (rank - len(shape))
            if offset < 0:
                continue
            dim = shape[offset]
            if dim == 1:
                continue
            if size not in (1, dim):
                return None
            size = dim
        result.append(size)
    return tuple(result)


def normalize_axis(axis: int, rank: int) -> int | None:
    """Map a possibly negative axis into [0, rank), or None when out of range."""
    if axis < -rank or axis >= rank:
        return None
    return axis % rank if rank else 0


def broadcast_access_map(
    operand_shape: Sequence[int], result_shape: Sequence[int]
) -> AffineMap:
    """The map from a result index to the operand index that numpy broadcasting
    reads: leading dims dropped, size-1 dims pinned to 0."""
    rank = len(result_shape)
    offset = rank - len(operand_shape)
    exprs: list[AffineExpr] = []
    for axis, dim in enumerate(operand_shape):
        if dim == 1 and result_shape[axis + offset] != 1:
            exprs.append(AffineExpr.constant(0))
        else:
            exprs.append(AffineExpr.dimension(axis + offset))
    return AffineMap(rank, 0, tuple(exprs))


# ---------------------------------------------------------------------------
# Attribute helpers
# ---------------------------------------------------------------------------


def i64_array(values: Sequence[int]) -> DenseArrayBase:
    return DenseArrayBase.from_list(i64, list(values))


def int_list(attr: DenseArrayBase | None) -> tuple[int, ...]:
    if attr is None:
        return ()
    return tuple(int(v) for v in attr.get_values())


def bool_attr(value: bool) -> BoolAttr:
    return IntegerAttr(int(value), i1)


def bool_value(attr: Attribute | None, default: bool = False) -> bool:
    if attr is None:
        return default
    assert isinstance(attr, IntegerAttr)
    return bool(attr.value.data)


def f64_attr(value: float) -> FloatAttr:
    return FloatAttr(value, Float32Type())


def float_value(attr: Attribute | None, default: float) -> float:
    if attr is None:
        return default
    assert isinstance(attr, FloatAttr)
    return float(attr.value.data)


def str_value(attr: StringAttr | None, default: str) -> str:
    return default if attr is None else attr.data


# ---------------------------------------------------------------------------
# The structured-op interface
# ---------------------------------------------------------------------------

LoopKind = Literal["parallel", "reduction"]


@dataclass(frozen=True)
class IterationSpace:
    """The loop nest a structured op runs: one extent and kind per loop."""

    extents: tuple[int, ...]
    kinds: tuple[LoopKind, ...]

    def __post_init__(self) -> None:
        assert len(self.extents) == len(self.kinds)

    @property
    def rank(self) -> int:
        return len(self.extents)

    @property
    def num_points(self) -> int:
        return num_elements(self.extents)

    @staticmethod
    def parallel(extents: Sequence[int]) -> IterationSpace:
        return IterationSpace(tuple(extents), ("parallel",) * len(extents))


class StructuredOpInterface(abc.ABC):
    """Implemented by every dfg compute op.

    `indexing_maps()` returns one map per operand followed by one per result,
    each from the iteration space to the tensor's indices. Data-dependent
    indices (gather) appear as symbols of the map.
    """

    @abc.abstractmethod
    def iteration_space(self) -> IterationSpace: ...

    @abc.abstractmethod
    def indexing_maps(self) -> tuple[AffineMap, ...]: ...

    @abc.abstractmethod
    def flop_count(self) -> int:
        """Arithmetic operations the op performs (a multiply-add counts 2)."""

    def bytes_touched(self) -> int:
        """Bytes of every tensor operand read once and every result written once:
        the traffic lower bound of the op run alone."""
        assert isinstance(self, IRDLOperation)
        return sum(tensor_bytes(v) for v in self.operands) + sum(
            tensor_bytes(r) for r in self.results
        )


# ---------------------------------------------------------------------------
# Verifier helpers: each message names the offending operand
# ---------------------------------------------------------------------------


def operand_label(op: IRDLOperation, value: SSAValue) -> str:
    """`operand #i ('name')` for the operand `value` of `op`."""
    index = next(i for i, v in enumerate(op.operands) if v is value)
    names = _operand_names(op)
    name = names[index] if index < len(names) else None
    return f"operand #{index} ('{name}')" if name else f"operand #{index}"


def _operand_names(op: IRDLOperation) -> list[str]:
    op_def = type(op).get_irdl_definition()
    names: list[str] = []
    for name, _ in op_def.operands:
        value = getattr(op, name)
        if isinstance(value, SSAValue):
            names.append(name)
        elif value is None:
            continue
        else:
            names.extend(name for _ in value)
    return names


def require_supported_type(op: IRDLOperation, value: SSAValue, what: str) -> None:
    if not isinstance(value.type, TensorType):
        raise VerifyException(f"{what} must be a ranked tensor, got {value.type}")
    element = element_type_of(value)
    if not is_supported_element_type(element):
        raise VerifyException(
            f"{what} has element type {element}; dfg supports {ELEMENT_TYPE_NAMES}"
        )


def verify_supported_types(op: IRDLOperation) -> None:
    for value in op.operands:
        require_supported_type(op, value, operand_label(op, value))
    for index, result in enumerate(op.results):
        require_supported_type(op, result, f"result #{index}")


def require_same_element_type(
    op: IRDLOperation, values: Sequence[SSAValue], reference: SSAValue, what: str
) -> None:
    expected = element_type_of(reference)
    for value in values:
        if element_type_of(value) != expected:
            raise VerifyException(
                f"{operand_label(op, value)} has element type "
                f"{element_type_of(value)}, expected {expected} ({what})"
            )


def require_result_shape(op: IRDLOperation, expected: Sequence[int]) -> None:
    actual = shape_of(op.results[0])
    if tuple(actual) != tuple(expected):
        raise VerifyException(
            f"result shape {format_shape(actual)} does not match the inferred "
            f"shape {format_shape(expected)}"
        )


def require_result_element_type(op: IRDLOperation, expected: Attribute) -> None:
    actual = element_type_of(op.results[0])
    if actual != expected:
        raise VerifyException(
            f"result element type {actual} does not match the expected {expected}"
        )


def require_axes(axes: Sequence[int], rank: int, what: str = "axes") -> tuple[int, ...]:
    """Normalize `axes` and reject out-of-range or repeated entries."""
    normalized: list[int] = []
    for axis in axes:
        n = normalize_axis(axis, rank)
        if n is None:
            raise VerifyException(
                f"{what} entry {axis} is out of range for rank {rank}"
            )
        if n in normalized:
            raise VerifyException(f"{what} entry {axis} is repeated")
        normalized.append(n)
    return tuple(normalized)


class DfgOp(IRDLOperation):
    """Base of every dfg op: checks element types before the op's own rules."""

    # Ops whose operands may hold types outside the tensor element set (none today).
    SKIP_TYPE_CHECK: ClassVar[bool] = False

    def verify_(self) -> None:
        if not self.SKIP_TYPE_CHECK:
            verify_supported_types(self)
        self.verify_semantics()

    def verify_semantics(self) -> None:
        """Op-specific verification; overridden by each op."""
