"""What a converter sees of its FX node, and the helpers converters share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, TensorType
from xdsl.ir import Attribute, Operation, SSAValue

from dfc.dialects.dfg.base import element_type_of, shape_of
from dfc.dialects.dfg.constant import ConstantOp
from dfc.dialects.dfg.elementwise import CastOp
from dfc.dialects.dfg.movement import ReshapeOp

from ..importer import Constant, GraphImporter, Unsupported, node_location
from ..types import element_type_to_torch, torch_to_element_type


class Unavailable:
    """A result of a multi-result ATen op that dfg does not compute (the mean
    and rstd of `native_layer_norm`, max-pool indices)."""

    def __init__(self, what: str) -> None:
        self.what = what


class NodeContext:
    """One FX node being converted: its arguments by schema name, its result
    types, and builders that locate every op at the node."""

    def __init__(
        self, importer: GraphImporter, node: torch.fx.Node, args: Any, kwargs: Any
    ) -> None:
        self.importer = importer
        self.node = node
        self.args = args
        self.params: dict[str, Any] = {}
        schema = node.target._schema  # pyright: ignore[reportAttributeAccessIssue]
        for index, argument in enumerate(schema.arguments):
            if index < len(args):
                self.params[argument.name] = args[index]
            elif argument.name in kwargs:
                self.params[argument.name] = kwargs[argument.name]
            elif argument.has_default_value():
                self.params[argument.name] = argument.default_value
            else:
                self.params[argument.name] = None

    def __getitem__(self, name: str) -> Any:
        return self.params[name]

    # -- values ---------------------------------------------------------------

    def tensor(self, value: Any) -> SSAValue:
        """`value` as an SSA value (constants are materialized)."""
        if isinstance(value, SSAValue):
            return value
        if isinstance(value, Constant):
            return self.importer.materialize(value, self.node)
        if isinstance(value, Unavailable):
            raise Unsupported(f"uses {value.what}, which dfc does not compute")
        raise Unsupported(f"expected a tensor, got {type(value).__name__} {value!r}")

    def const(self, value: Any) -> torch.Tensor | None:
        """The tensor behind `value` if it is known at import time."""
        return value.tensor if isinstance(value, Constant) else None

    def element_of(self, value: Any) -> Attribute:
        if isinstance(value, SSAValue):
            return element_type_of(value)
        if isinstance(value, Constant):
            element = torch_to_element_type(value.tensor.dtype)
            if element is None:
                raise Unsupported(f"constant of dtype {value.tensor.dtype}")
            return element
        raise Unsupported(f"expected a tensor, got {type(value).__name__}")

    def shape_of(self, value: Any) -> tuple[int, ...]:
        if isinstance(value, Constant):
            return tuple(value.tensor.shape)
        return shape_of(self.tensor(value))

    def val(self, index: int | None = None) -> Any:
        value = self.node.meta.get("val")
        if index is not None:
            value = value[index]
        return value

    def result_type(self, index: int | None = None) -> TensorType[Attribute]:
        """The result type from the node's FakeTensor (`meta["val"]`)."""
        value = self.val(index)
        if not isinstance(value, torch.Tensor):
            raise Unsupported("the node's result is not a tensor")
        dims: list[int] = []
        for dim in value.shape:
            if isinstance(dim, torch.SymInt):
                raise Unsupported(f"symbolic result dimension '{dim}'")
            dims.append(int(dim))
        element = torch_to_element_type(value.dtype)
        if element is None:
            raise Unsupported(f"result dtype {value.dtype}, which dfg does not support")
        return TensorType(element, dims)

    def result_element(self, index: int | None = None) -> Attribute:
        return self.result_type(index).get_element_type()

    def result_shape(self, index: int | None = None) -> tuple[int, ...]:
        return tuple(self.result_type(index).get_shape())

    # -- builders -------------------------------------------------------------

    def add(self, op: Operation) -> Operation:
        return self.importer.add_op(op, self.node)

    def emit(
        self,
        op_class: type[Operation],
        operands: Sequence[SSAValue | Sequence[SSAValue] | None],
        result_type: Attribute,
        attributes: dict[str, Attribute] | None = None,
    ) -> SSAValue:
        """Build `op_class` located at the node and return its result."""
        op = op_class.build(  # pyright: ignore[reportAttributeAccessIssue]
            operands=list(operands),
            result_types=[result_type],
            attributes=attributes or {},
        )
        self.add(op)
        return op.results[0]

    def scalar(self, value: float | int | bool, element: Attribute) -> SSAValue:
        """A rank-0 inline `dfg.constant` of `element` type."""
        cache: dict[tuple[Any, ...], SSAValue] = self.importer.__dict__.setdefault(
            "_scalars", {}
        )
        key = (type(value).__name__, value, str(element))
        if key not in cache:
            dtype = element_type_to_torch(element)
            if dtype.is_floating_point:
                literal: float | int = float(value)
            elif dtype == torch.bool:
                literal = int(bool(value))
            else:
                literal = int(value)
            t = TensorType(element, [])
            op = ConstantOp(DenseIntOrFPElementsAttr.from_list(t, [literal]))
            op.location = node_location(self.node)
            self.importer.block.add_op(op)
            cache[key] = op.output
        return cache[key]

    def cast(self, value: SSAValue, element: Attribute) -> SSAValue:
        if element_type_of(value) == element:
            return value
        return self.emit(CastOp, [value], TensorType(element, list(shape_of(value))))

    def operand(self, value: Any, element: Attribute) -> SSAValue:
        """A tensor or Python scalar as an SSA value of `element` type."""
        if isinstance(value, bool | int | float):
            return self.scalar(value, element)
        return self.cast(self.tensor(value), element)

    def reshape(self, value: SSAValue, shape: Sequence[int]) -> SSAValue:
        if tuple(shape_of(value)) == tuple(shape):
            return value
        t = TensorType(element_type_of(value), list(shape))
        return self.emit(ReshapeOp, [value], t)

    def constant(self, tensor: torch.Tensor, hint: str) -> SSAValue:
        return self.importer.materialize(Constant(tensor, hint), self.node)


def promoted_element(ctx: NodeContext, *values: Any) -> Attribute:
    """The element type PyTorch's type promotion gives `values` (tensors and
    Python scalars), as `torch.result_type` applied pairwise."""
    tensors: list[torch.Tensor] = []
    scalars: list[bool | int | float] = []
    for value in values:
        if isinstance(value, bool | int | float):
            scalars.append(value)
            continue
        dtype = element_type_to_torch(ctx.element_of(value))
        tensors.append(torch.empty((1,) * len(ctx.shape_of(value)), dtype=dtype))
    if not tensors:
        result = torch.tensor(scalars[0]).dtype
    else:
        acc = tensors[0]
        for other in [*tensors[1:], *scalars]:
            rank = max(acc.dim(), other.dim() if isinstance(other, torch.Tensor) else 0)
            acc = torch.empty((1,) * rank, dtype=torch.result_type(acc, other))
        result = acc.dtype
    element = torch_to_element_type(result)
    if element is None:
        raise Unsupported(f"operands promote to {result}, which dfg does not support")
    return element


def normalize_dim(dim: int, rank: int) -> int:
    return dim % rank if rank else 0


def int_list(value: Any) -> list[int]:
    if isinstance(value, int):
        return [value]
    return [int(v) for v in value]
