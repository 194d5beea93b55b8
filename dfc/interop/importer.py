"""Import upstream MLIR (linalg on tensors, TOSA) into dfg.

`dfc-translate --import-mlir model.mlir` / `import_mlir(text)`: for modules
written by other MLIR tools — torch-mlir's linalg-on-tensors output, TFLite's
TOSA path — so their users reach dfc without ONNX. The text is parsed and
verified by upstream MLIR (the MLIR Python bindings), then each `func.func`
is rebuilt op by op as dfg:

```mlir
%e = tensor.empty() : tensor<4x16xf32>
%f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
%m = linalg.matmul ins(%a, %b : ...) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
// becomes
%m = dfg.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
```

TOSA's NHWC convolutions and pools become NCHW dfg ops between
`dfg.transpose`s (dfg follows ONNX layouts). Every op that has no mapping is
reported, all at once, with its location (`MlirImportError`);
`SUPPORTED_OPS` lists what maps.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xdsl.builder import Builder, InsertPoint
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    AnyFloat,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    FloatAttr,
    FunctionType,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    StringAttr,
    TensorType,
    f32,
    i64,
)
from xdsl.ir import Attribute, Block, Region, SSAValue
from xdsl.parser import Parser

LINALG_ELEMENTWISE = {
    "linalg.add": "dfg.add",
    "linalg.sub": "dfg.sub",
    "linalg.mul": "dfg.mul",
    "linalg.div": "dfg.div",
    "linalg.max": "dfg.max",
    "linalg.min": "dfg.min",
    "linalg.powf": "dfg.pow",
    "linalg.exp": "dfg.exp",
    "linalg.log": "dfg.log",
    "linalg.sqrt": "dfg.sqrt",
    "linalg.rsqrt": "dfg.rsqrt",
    "linalg.tanh": "dfg.tanh",
    "linalg.abs": "dfg.abs",
    "linalg.negf": "dfg.neg",
    "linalg.erf": "dfg.erf",
    "linalg.floor": "dfg.floor",
    "linalg.ceil": "dfg.ceil",
    "linalg.reciprocal": "dfg.reciprocal",
}
"""Named linalg elementwise ops (their `outs` is only the destination)."""

SCALAR_OPS = {
    "arith.addf": "dfg.add",
    "arith.subf": "dfg.sub",
    "arith.mulf": "dfg.mul",
    "arith.divf": "dfg.div",
    "arith.maximumf": "dfg.max",
    "arith.maxnumf": "dfg.max",
    "arith.minimumf": "dfg.min",
    "arith.minnumf": "dfg.min",
    "arith.negf": "dfg.neg",
    "arith.select": "dfg.where",
    "arith.cmpf": "dfg.compare",
    "math.exp": "dfg.exp",
    "math.log": "dfg.log",
    "math.sqrt": "dfg.sqrt",
    "math.rsqrt": "dfg.rsqrt",
    "math.tanh": "dfg.tanh",
    "math.erf": "dfg.erf",
    "math.absf": "dfg.abs",
    "math.powf": "dfg.pow",
    "math.floor": "dfg.floor",
    "math.ceil": "dfg.ceil",
    "math.sin": "dfg.sin",
    "math.cos": "dfg.cos",
}
"""Ops of a `linalg.generic` body, applied to whole tensors."""

# arith.cmpf, by predicate number (MLIR's CmpFPredicate), as dfg: dfg.compare
# follows numpy, where every comparison with NaN is false except `ne`. An
# ordered predicate is one compare; an unordered one (true on NaN) is the
# negation of the opposite ordered one (`ugt` = not `ole`); `one` and `ueq`
# need `lt or gt`.
CMPF = {
    1: ("eq", False),  # oeq
    2: ("gt", False),  # ogt
    3: ("ge", False),  # oge
    4: ("lt", False),  # olt
    5: ("le", False),  # ole
    6: ("lt|gt", False),  # one
    8: ("lt|gt", True),  # ueq
    9: ("le", True),  # ugt
    10: ("lt", True),  # uge
    11: ("ge", True),  # ult
    12: ("gt", True),  # ule
    13: ("ne", False),  # une
}

TOSA_BINARY = {
    "tosa.add": "dfg.add",
    "tosa.sub": "dfg.sub",
    "tosa.mul": "dfg.mul",
    "tosa.maximum": "dfg.max",
    "tosa.minimum": "dfg.min",
    "tosa.pow": "dfg.pow",
}
TOSA_UNARY = {
    "tosa.exp": "dfg.exp",
    "tosa.log": "dfg.log",
    "tosa.tanh": "dfg.tanh",
    "tosa.sigmoid": "dfg.sigmoid",
    "tosa.abs": "dfg.abs",
    "tosa.reciprocal": "dfg.reciprocal",
    "tosa.rsqrt": "dfg.rsqrt",
    "tosa.floor": "dfg.floor",
    "tosa.ceil": "dfg.ceil",
    "tosa.erf": "dfg.erf",
    "tosa.negate": "dfg.neg",
}
TOSA_REDUCE = {
    "tosa.reduce_sum": "dfg.reduce_sum",
    "tosa.reduce_max": "dfg.reduce_max",
    "tosa.reduce_min": "dfg.reduce_min",
    "tosa.reduce_product": "dfg.reduce_prod",
}
OTHER_OPS = (
    "func.return",
    "arith.constant",
    "tensor.empty",
    "tensor.expand_shape",
    "tensor.collapse_shape",
    "linalg.fill",
    "linalg.matmul",
    "linalg.batch_matmul",
    "linalg.generic",
    "linalg.transpose",
    "linalg.broadcast",
    "tosa.const",
    "tosa.const_shape",
    "tosa.reshape",
    "tosa.transpose",
    "tosa.clamp",
    "tosa.matmul",
    "tosa.conv2d",
    "tosa.depthwise_conv2d",
    "tosa.max_pool2d",
    "tosa.avg_pool2d",
    "tosa.concat",
    "tosa.cast",
)
SUPPORTED_OPS = tuple(
    sorted({*LINALG_ELEMENTWISE, *TOSA_BINARY, *TOSA_UNARY, *TOSA_REDUCE, *OTHER_OPS})
)
"""Every upstream op `import_mlir` maps onto dfg."""

_LOCATION = re.compile(r'^loc\(".*?":(\d+):(\d+)')

NHWC_TO_NCHW = (0, 3, 1, 2)
NCHW_TO_NHWC = (0, 2, 3, 1)


class MlirImportError(Exception):
    """The module uses ops (or forms of them) that have no dfg mapping."""

    def __init__(self, filename: str, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(self.problems)
        super().__init__(
            f"{filename}: error: cannot import {len(self.problems)} op(s) into "
            f"dfg (supported: docs/mlir-interop.md)\n{lines}"
        )


class _Unsupported(Exception):
    """One op that cannot be converted: why."""


class _FollowOn(Exception):
    """An op that uses the result of an op already reported."""


@dataclass(frozen=True)
class _Scalar:
    """A scalar `arith.constant` (used by `linalg.fill` and generic bodies)."""

    value: float | int
    type: Attribute


@dataclass(frozen=True)
class _Empty:
    """`tensor.empty`: a destination whose contents are never read."""

    type: TensorType


@dataclass(frozen=True)
class _Fill:
    """`linalg.fill` of a scalar: a splat, materialized only when read."""

    value: float | int
    type: TensorType


class _Failed:
    """The result of an op that could not be imported (already reported)."""


@dataclass(frozen=True)
class _Shape:
    """`tosa.const_shape`."""

    dims: tuple[int, ...]


def _shape(value: SSAValue) -> tuple[int, ...]:
    assert isinstance(value.type, TensorType)
    return tuple(value.type.get_shape())


def _element(value: SSAValue | Attribute) -> Attribute:
    type_ = value.type if isinstance(value, SSAValue) else value
    assert isinstance(type_, TensorType)
    return type_.element_type


def _i64_array(values: Sequence[int]) -> DenseArrayBase:
    return DenseArrayBase.from_list(i64, list(values))


def broadcast(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    rank = max(len(s) for s in shapes)
    out: list[int] = []
    for i in range(rank):
        dims = {s[i - rank + len(s)] for s in shapes if i - rank + len(s) >= 0}
        dims.discard(1)
        if len(dims) > 1:
            raise _Unsupported(f"shapes {shapes} do not broadcast")
        out.append(dims.pop() if dims else 1)
    return tuple(out)


class MlirImporter:
    """Rebuilds the functions of one upstream module as dfg."""

    def __init__(self, ir: Any, filename: str) -> None:
        from dfc.dialects import make_context

        self.ir = ir
        self.filename = filename
        self.ctx = make_context()
        self.values: dict[Any, SSAValue | _Scalar | _Empty | _Fill | _Shape] = {}
        self.problems: list[str] = []
        self.builder: Builder | None = None

    # -- helpers --------------------------------------------------------------

    def where(self, op: Any) -> str:
        """`file:line:col` of an upstream op (its location names `-`)."""
        match = _LOCATION.search(str(op.location))
        if match is None:
            return self.filename
        return f"{self.filename}:{match.group(1)}:{match.group(2)}"

    def parse_type(self, upstream_type: Any) -> Attribute:
        return Parser(self.ctx, str(upstream_type)).parse_type()

    def parse_attr(self, upstream_attr: Any) -> Attribute:
        return Parser(self.ctx, str(upstream_attr)).parse_attribute()

    def emit(
        self,
        name: str,
        operands: Sequence[SSAValue],
        result: Attribute,
        attributes: dict[str, Attribute] | None = None,
    ) -> SSAValue:
        op_class = self.ctx.get_op(name)
        op = op_class.create(
            operands=list(operands), result_types=[result], attributes=attributes or {}
        )
        assert self.builder is not None
        self.builder.insert(op)
        return op.results[0]

    def tensor(self, value: Any) -> SSAValue:
        """The dfg tensor for an upstream value (splats become constants)."""
        known = self.values.get(value)
        if known is None:
            raise _Unsupported(f"uses a value it cannot import: {value}")
        if isinstance(known, _Failed):
            raise _FollowOn
        if isinstance(known, _Fill):
            return self.splat(known.value, known.type)
        if isinstance(known, _Empty):
            raise _Unsupported("reads the contents of a tensor.empty")
        if isinstance(known, _Scalar | _Shape):
            raise _Unsupported("uses a scalar or shape where a tensor is needed")
        return known

    def splat(self, value: float | int, type_: TensorType) -> SSAValue:
        attr = DenseIntOrFPElementsAttr.from_list(type_, [value])
        return self.emit("dfg.constant", [], type_, {"value": attr})

    def transpose(self, value: SSAValue, perm: Sequence[int]) -> SSAValue:
        if list(perm) == list(range(len(perm))):
            return value
        shape = _shape(value)
        out = TensorType(_element(value), [shape[p] for p in perm])
        return self.emit("dfg.transpose", [value], out, {"perm": _i64_array(perm)})

    def reshape(self, value: SSAValue, shape: Sequence[int]) -> SSAValue:
        if tuple(shape) == _shape(value):
            return value
        return self.emit("dfg.reshape", [value], TensorType(_element(value), shape))

    def int_array(self, op: Any, name: str) -> list[int]:
        attr = op.attributes[name]
        return (
            [int(v) for v in self.ir.DenseI64ArrayAttr(attr)]
            if _isa(self.ir.DenseI64ArrayAttr, attr)
            else [int(v) for v in self.ir.DenseI32ArrayAttr(attr)]
        )

    def scalar_value(self, attr: Any) -> float | int:
        if _isa(self.ir.FloatAttr, attr):
            return float(self.ir.FloatAttr(attr).value)
        if _isa(self.ir.IntegerAttr, attr):
            return int(self.ir.IntegerAttr(attr).value)
        raise _Unsupported(f"constant {attr} is not a scalar")

    # -- module and functions -------------------------------------------------

    def import_module(self, upstream_module: Any) -> ModuleOp:
        module = ModuleOp([])
        for op in upstream_module.body.operations:
            if op.operation.name != "func.func":
                self.problems.append(
                    f"{self.where(op)}: error: '{op.operation.name}' at module level"
                )
                continue
            function = self.function(op)
            if function is not None:
                module.body.block.add_op(function)
        if self.problems:
            raise MlirImportError(self.filename, self.problems)
        return module

    def function(self, op: Any) -> func.FuncOp | None:
        function_type = self.parse_type(
            self.ir.TypeAttr(op.attributes["function_type"]).value
        )
        assert isinstance(function_type, FunctionType)
        name = self.ir.StringAttr(op.attributes["sym_name"]).value
        blocks = list(op.regions[0].blocks)
        if len(blocks) != 1:
            self.problems.append(
                f"{self.where(op)}: error: function @{name} has {len(blocks)} blocks"
            )
            return None
        block = Block(arg_types=function_type.inputs.data)
        for upstream_arg, arg in zip(blocks[0].arguments, block.args):
            self.values[upstream_arg] = arg
        self.builder = Builder(InsertPoint.at_end(block))
        for inner in blocks[0].operations:
            try:
                self.convert(inner)
            except (_Unsupported, _FollowOn) as why:
                for result in inner.results:
                    self.values[result] = _Failed()
                if isinstance(why, _Unsupported):
                    self.problems.append(
                        f"{self.where(inner)}: error: '{inner.operation.name}': {why}"
                    )
        # Zero points and other constants only consulted at import time.
        for inner_op in reversed(list(block.ops)):
            if inner_op.name == "dfg.constant" and not inner_op.results[0].uses:
                inner_op.detach()
                inner_op.erase()
        return func.FuncOp(name, function_type, Region(block))

    def convert(self, op: Any) -> None:
        name = op.operation.name
        handler = getattr(self, "op_" + name.replace(".", "_"), None)
        if handler is not None:
            handler(op)
        elif name in LINALG_ELEMENTWISE:
            self.linalg_named_elementwise(op, LINALG_ELEMENTWISE[name])
        elif name in TOSA_BINARY:
            self.tosa_binary(op, TOSA_BINARY[name])
        elif name in TOSA_UNARY:
            self.bind(
                op,
                self.emit(
                    TOSA_UNARY[name],
                    [self.tensor(op.operands[0])],
                    self.result_type(op),
                ),
            )
        elif name in TOSA_REDUCE:
            self.tosa_reduce(op, TOSA_REDUCE[name])
        else:
            raise _Unsupported("no dfg mapping")

    def result_type(self, op: Any, index: int = 0) -> Attribute:
        return self.parse_type(op.results[index].type)

    def bind(
        self, op: Any, value: SSAValue | _Scalar | _Empty | _Fill | _Shape
    ) -> None:
        self.values[op.results[0]] = value

    # -- func / arith / tensor --------------------------------------------------

    def op_func_return(self, op: Any) -> None:
        assert self.builder is not None
        self.builder.insert(func.ReturnOp(*[self.tensor(v) for v in op.operands]))

    def op_arith_constant(self, op: Any) -> None:
        attr = op.attributes["value"]
        result = self.result_type(op)
        if isinstance(result, TensorType):
            value = self.parse_attr(attr)
            if not isinstance(value, DenseIntOrFPElementsAttr):
                raise _Unsupported(f"constant {str(attr)[:60]} is not dense")
            self.bind(op, self.emit("dfg.constant", [], result, {"value": value}))
        else:
            self.bind(op, _Scalar(self.scalar_value(attr), result))

    def op_tensor_empty(self, op: Any) -> None:
        result = self.result_type(op)
        assert isinstance(result, TensorType)
        self.bind(op, _Empty(result))

    def op_tensor_expand_shape(self, op: Any) -> None:
        result = self.result_type(op)
        self.bind(op, self.reshape(self.tensor(op.operands[0]), result.get_shape()))  # type: ignore[attr-defined]

    op_tensor_collapse_shape = op_tensor_expand_shape

    # -- linalg -------------------------------------------------------------------

    def op_linalg_fill(self, op: Any) -> None:
        scalar = self.values.get(op.operands[0])
        if not isinstance(scalar, _Scalar):
            raise _Unsupported("fills with a value that is not a constant")
        result = self.result_type(op)
        assert isinstance(result, TensorType)
        self.bind(op, _Fill(scalar.value, result))

    def _accumulate(self, op: Any, product: SSAValue, init: Any) -> SSAValue:
        """`linalg.matmul` adds its product to `outs`: nothing to add for a
        zero fill, an add otherwise."""
        known = self.values.get(init)
        if isinstance(known, _Fill) and known.value == 0:
            return product
        if isinstance(known, _Empty):
            raise _Unsupported("accumulates into a tensor.empty (undefined contents)")
        return self.emit("dfg.add", [product, self.tensor(init)], product.type)

    def _maps(self, op: Any) -> list[str]:
        if "indexing_maps" not in op.attributes:
            return []
        return [str(m) for m in self.ir.ArrayAttr(op.attributes["indexing_maps"])]

    def op_linalg_matmul(self, op: Any) -> None:
        maps = self._maps(op)
        attributes: dict[str, Attribute] = {}
        default = ["(d0, d2)", "(d2, d1)", "(d0, d1)"]
        layouts = {
            tuple(default): {},
            ("(d2, d0)", "(d2, d1)", "(d0, d1)"): {
                "transpose_a": IntegerAttr.from_bool(True)
            },
            ("(d0, d2)", "(d1, d2)", "(d0, d1)"): {
                "transpose_b": IntegerAttr.from_bool(True)
            },
        }
        if maps:
            key = tuple(m.split("->")[1].strip()[:-1].strip() for m in maps)
            if key not in layouts:
                raise _Unsupported(
                    f"indexing maps {maps} are not a (transposed) matmul"
                )
            attributes = layouts[key]
        lhs, rhs = self.tensor(op.operands[0]), self.tensor(op.operands[1])
        product = self.emit("dfg.matmul", [lhs, rhs], self.result_type(op), attributes)
        self.bind(op, self._accumulate(op, product, op.operands[2]))

    def op_linalg_batch_matmul(self, op: Any) -> None:
        maps = self._maps(op)
        if maps and [m.split("->")[1].strip() for m in maps] != [
            "(d0, d1, d3)>",
            "(d0, d3, d2)>",
            "(d0, d1, d2)>",
        ]:
            raise _Unsupported(f"indexing maps {maps} are not a batch matmul")
        lhs, rhs = self.tensor(op.operands[0]), self.tensor(op.operands[1])
        product = self.emit("dfg.batch_matmul", [lhs, rhs], self.result_type(op))
        self.bind(op, self._accumulate(op, product, op.operands[2]))

    def linalg_named_elementwise(self, op: Any, name: str) -> None:
        ins = [self.tensor(v) for v in list(op.operands)[:-1]]
        self.bind(op, self.emit(name, ins, self.result_type(op)))

    def op_linalg_transpose(self, op: Any) -> None:
        perm = self.int_array(op, "permutation")
        self.bind(op, self.transpose(self.tensor(op.operands[0]), perm))

    def op_linalg_broadcast(self, op: Any) -> None:
        added = set(self.int_array(op, "dimensions"))
        result = self.result_type(op)
        assert isinstance(result, TensorType)
        out_shape = result.get_shape()
        value = self.tensor(op.operands[0])
        expanded = [1 if d in added else out_shape[d] for d in range(len(out_shape))]
        value = self.reshape(value, expanded)
        self.bind(op, self.emit("dfg.broadcast", [value], result))

    def op_linalg_generic(self, op: Any) -> None:
        """An all-parallel generic with an identity output map: its body,
        op by op, on whole tensors (inputs aligned to the output's dims)."""
        ir = self.ir
        iterators = [str(i) for i in ir.ArrayAttr(op.attributes["iterator_types"])]
        if any("parallel" not in i for i in iterators):
            raise _Unsupported("reduction iterators (only elementwise generics map)")
        maps = [
            ir.AffineMapAttr(m).value
            for m in ir.ArrayAttr(op.attributes["indexing_maps"])
        ]
        operands = list(op.operands)
        if len(op.results) != 1:
            raise _Unsupported(f"{len(op.results)} results (one is supported)")
        n_inputs = len(operands) - 1
        out_map = maps[-1]
        rank = out_map.n_dims
        if out_map != ir.AffineMap.get_identity(rank):
            raise _Unsupported(f"output map {out_map} is not the identity")
        result = self.result_type(op)
        assert isinstance(result, TensorType)
        out_shape = tuple(result.get_shape())
        body = op.regions[0].blocks[0]
        env: dict[Any, SSAValue] = {}
        for i in range(n_inputs):
            env[body.arguments[i]] = self.align(operands[i], maps[i], out_shape)
        out_known = self.values.get(operands[-1])
        if not isinstance(out_known, _Empty):
            env[body.arguments[n_inputs]] = self.align(
                operands[-1], maps[-1], out_shape
            )
        yielded: SSAValue | None = None
        for inner in body.operations:
            if inner.operation.name == "linalg.yield":
                yielded = self.body_value(inner.operands[0], env)
                continue
            if inner.operation.name not in SCALAR_OPS:
                raise _Unsupported(
                    f"body op '{inner.operation.name}' has no dfg mapping"
                )
            args = [self.body_value(v, env) for v in inner.operands]
            shape = broadcast(*[_shape(a) for a in args])
            element = self.parse_type(inner.results[0].type)
            if inner.operation.name == "arith.cmpf":
                env[inner.results[0]] = self.cmpf(inner, args, shape)
                continue
            env[inner.results[0]] = self.emit(
                SCALAR_OPS[inner.operation.name], args, TensorType(element, shape)
            )
        assert yielded is not None
        if _shape(yielded) != out_shape:
            yielded = self.emit(
                "dfg.broadcast", [yielded], TensorType(_element(yielded), out_shape)
            )
        self.bind(op, yielded)

    def cmpf(self, op: Any, args: list[SSAValue], shape: tuple[int, ...]) -> SSAValue:
        number = int(self.ir.IntegerAttr(op.attributes["predicate"]).value)
        if number not in CMPF:
            raise _Unsupported(f"cmpf predicate {number} (ord/uno/constant)")
        predicates, negate = CMPF[number]
        result = TensorType(IntegerType(1), shape)
        values = [
            self.emit("dfg.compare", args, result, {"predicate": StringAttr(p)})
            for p in predicates.split("|")
        ]
        value = values[0]
        if len(values) == 2:
            value = self.emit("dfg.or", values, result)
        if negate:
            value = self.emit("dfg.not", [value], result)
        return value

    def body_value(self, value: Any, env: dict[Any, SSAValue]) -> SSAValue:
        if value in env:
            return env[value]
        known = self.values.get(value)
        if isinstance(known, _Scalar):
            # A scalar from outside the body: a rank-0 constant broadcasts.
            splat = self.splat(known.value, TensorType(known.type, []))
            env[value] = splat
            return splat
        raise _Unsupported(f"body uses {value} from outside (not a constant)")

    def align(self, value: Any, map_: Any, out_shape: tuple[int, ...]) -> SSAValue:
        """The operand as a tensor of the output's rank, size 1 where its map
        does not reach a dim (numpy broadcasting does the rest)."""
        ir = self.ir
        tensor = self.tensor(value)
        dims: list[int] = []
        kept: list[int] = []
        for position, expr in enumerate(map_.results):
            if _isa(ir.AffineDimExpr, expr):
                dims.append(ir.AffineDimExpr(expr).position)
                kept.append(_shape(tensor)[position])
            elif (
                _isa(ir.AffineConstantExpr, expr)
                and ir.AffineConstantExpr(expr).value == 0
            ):
                continue
            else:
                raise _Unsupported(
                    f"indexing map {map_} is not a broadcast/permutation"
                )
        order = sorted(range(len(dims)), key=lambda i: dims[i])
        if order != list(range(len(dims))):
            tensor = self.transpose(self.reshape(tensor, kept), order)
            kept = [kept[i] for i in order]
        full = [1] * len(out_shape)
        for d, extent in zip(sorted(dims), kept):
            full[d] = extent
        return self.reshape(tensor, full)

    # -- tosa -------------------------------------------------------------------

    def op_tosa_const(self, op: Any) -> None:
        value = self.parse_attr(op.attributes["values"])
        if not isinstance(value, DenseIntOrFPElementsAttr):
            raise _Unsupported("constant is not dense (dense_resource is not imported)")
        self.bind(
            op, self.emit("dfg.constant", [], self.result_type(op), {"value": value})
        )

    def op_tosa_const_shape(self, op: Any) -> None:
        attr = op.attributes["values"]
        self.bind(op, _Shape(tuple(int(v) for v in self.ir.DenseIntElementsAttr(attr))))

    def tosa_binary(self, op: Any, name: str) -> None:
        if op.operation.name == "tosa.mul" and len(op.operands) == 3:
            shift = self.values.get(op.operands[2])
            # The shift operand is a tosa.const already turned into dfg.constant.
            if not (isinstance(shift, SSAValue) and _is_zero_constant(shift)):
                raise _Unsupported("a non-zero shift (quantized multiply)")
        lhs, rhs = self.tensor(op.operands[0]), self.tensor(op.operands[1])
        self.bind(op, self.emit(name, [lhs, rhs], self.result_type(op)))

    def tosa_reduce(self, op: Any, name: str) -> None:
        axis = int(self.ir.IntegerAttr(op.attributes["axis"]).value)
        attributes = {
            "axes": _i64_array([axis]),
            "keepdims": IntegerAttr.from_bool(True),
        }
        self.bind(
            op,
            self.emit(
                name, [self.tensor(op.operands[0])], self.result_type(op), attributes
            ),
        )

    def op_tosa_cast(self, op: Any) -> None:
        value = self.tensor(op.operands[0])
        result = self.result_type(op)
        if isinstance(_element(value), AnyFloat) and not isinstance(
            _element(result), AnyFloat
        ):
            # TOSA rounds float -> int to nearest; dfg.cast (ONNX) truncates.
            raise _Unsupported("float to integer (TOSA rounds, dfg.cast truncates)")
        self.bind(op, self.emit("dfg.cast", [value], result))

    def op_tosa_reshape(self, op: Any) -> None:
        result = self.result_type(op)
        self.bind(op, self.reshape(self.tensor(op.operands[0]), result.get_shape()))  # type: ignore[attr-defined]

    def op_tosa_transpose(self, op: Any) -> None:
        self.bind(
            op, self.transpose(self.tensor(op.operands[0]), self.int_array(op, "perms"))
        )

    def op_tosa_clamp(self, op: Any) -> None:
        attributes = {
            key: FloatAttr(float(self.scalar_value(op.attributes[name])), f32)
            for key, name in (("min", "min_val"), ("max", "max_val"))
        }
        self.bind(
            op,
            self.emit(
                "dfg.clip",
                [self.tensor(op.operands[0])],
                self.result_type(op),
                attributes,
            ),
        )

    def op_tosa_concat(self, op: Any) -> None:
        axis = int(self.ir.IntegerAttr(op.attributes["axis"]).value)
        ins = [self.tensor(v) for v in op.operands]
        self.bind(
            op,
            self.emit(
                "dfg.concat",
                ins,
                self.result_type(op),
                {"axis": IntegerAttr(axis, i64)},
            ),
        )

    def op_tosa_matmul(self, op: Any) -> None:
        lhs, rhs = self.tensor(op.operands[0]), self.tensor(op.operands[1])
        self.bind(op, self.emit("dfg.batch_matmul", [lhs, rhs], self.result_type(op)))

    def _nhwc_result(self, op: Any) -> tuple[TensorType, TensorType]:
        result = self.result_type(op)
        assert isinstance(result, TensorType)
        n, h, w, c = result.get_shape()
        return result, TensorType(result.element_type, [n, c, h, w])

    def _conv_attributes(self, op: Any) -> dict[str, Attribute]:
        top, bottom, left, right = self.int_array(op, "pad")
        return {
            "strides": _i64_array(self.int_array(op, "stride")),
            "pads": _i64_array([top, left, bottom, right]),
            "dilations": _i64_array(self.int_array(op, "dilation")),
        }

    def _check_zero_points(self, op: Any, first: int) -> None:
        for value in list(op.operands)[first:]:
            known = self.values.get(value)
            if not (isinstance(known, SSAValue) and _is_zero_constant(known)):
                raise _Unsupported("a non-zero zero point (quantized)")

    def op_tosa_conv2d(self, op: Any) -> None:
        self._check_zero_points(op, 3)
        x = self.transpose(self.tensor(op.operands[0]), NHWC_TO_NCHW)
        w = self.transpose(self.tensor(op.operands[1]), NHWC_TO_NCHW)  # OHWI -> OIHW
        bias = self.tensor(op.operands[2])
        result, nchw = self._nhwc_result(op)
        bias = self._bias(bias, nchw.get_shape()[1])
        y = self.emit("dfg.conv2d", [x, w, bias], nchw, self._conv_attributes(op))
        self.bind(op, self.transpose(y, NCHW_TO_NHWC))

    def _bias(self, bias: SSAValue, channels: int) -> SSAValue:
        # TOSA allows a one-element bias broadcast over the channels.
        if _shape(bias) == (channels,):
            return bias
        return self.emit(
            "dfg.broadcast", [bias], TensorType(_element(bias), [channels])
        )

    def op_tosa_depthwise_conv2d(self, op: Any) -> None:
        self._check_zero_points(op, 3)
        x = self.transpose(self.tensor(op.operands[0]), NHWC_TO_NCHW)
        weight = self.tensor(op.operands[1])
        kh, kw, c, m = _shape(weight)
        # [KH, KW, C, M] -> [C*M, 1, KH, KW]: output channel c*M + m.
        w = self.reshape(weight, [kh, kw, c * m])
        w = self.transpose(w, [2, 0, 1])
        w = self.reshape(w, [c * m, 1, kh, kw])
        result, nchw = self._nhwc_result(op)
        bias = self._bias(self.tensor(op.operands[2]), c * m)
        attributes = self._conv_attributes(op) | {"groups": IntegerAttr(c, i64)}
        y = self.emit("dfg.conv2d", [x, w, bias], nchw, attributes)
        self.bind(op, self.transpose(y, NCHW_TO_NHWC))

    def _pool(self, op: Any, name: str, extra: dict[str, Attribute]) -> None:
        x = self.transpose(self.tensor(op.operands[0]), NHWC_TO_NCHW)
        top, bottom, left, right = self.int_array(op, "pad")
        _, nchw = self._nhwc_result(op)
        attributes = {
            "kernel": _i64_array(self.int_array(op, "kernel")),
            "strides": _i64_array(self.int_array(op, "stride")),
            "pads": _i64_array([top, left, bottom, right]),
        } | extra
        y = self.emit(name, [x], nchw, attributes)
        self.bind(op, self.transpose(y, NCHW_TO_NHWC))

    def op_tosa_max_pool2d(self, op: Any) -> None:
        self._pool(op, "dfg.max_pool2d", {})

    def op_tosa_avg_pool2d(self, op: Any) -> None:
        self._check_zero_points(op, 1)
        # TOSA averages over the valid (unpadded) elements only.
        self._pool(
            op, "dfg.avg_pool2d", {"count_include_pad": IntegerAttr.from_bool(False)}
        )


def _isa(cls: Any, obj: Any) -> bool:
    """`isinstance` for MLIR binding objects: recent bindings downcast
    attributes and expressions to their class; older ones (a user's LLVM
    build) have a static `isinstance` instead."""
    check = getattr(cls, "isinstance", None)
    return bool(check(obj)) if check is not None else isinstance(obj, cls)


def _is_zero_constant(value: SSAValue) -> bool:
    from dfc.dialects.dfg import ConstantOp

    owner = value.owner
    if not isinstance(owner, ConstantOp):
        return False
    attr = owner.value
    if not isinstance(attr, DenseIntOrFPElementsAttr):
        return False
    return all(v == 0 for v in attr.get_values())


def import_mlir(
    source: str | os.PathLike[str], filename: str | None = None
) -> ModuleOp:
    """Parse linalg / TOSA MLIR with upstream MLIR and rebuild it as a dfg
    module. `source` is the text, or a path (a `Path`, or a one-line string
    naming an existing file)."""
    if isinstance(source, os.PathLike) or (
        "\n" not in source and os.path.isfile(source)
    ):
        path = os.fspath(source)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        filename = filename or path
    else:
        text = str(source)
        filename = filename or "<input>"
    from xdsl.utils.exceptions import VerifyException

    from .mlir import UpstreamError, _diagnostics_text, _import_mlir

    _import_mlir()
    from mlir import ir

    context = ir.Context()
    with context:
        try:
            upstream_module = ir.Module.parse(text)
            upstream_module.operation.verify()
        except ir.MLIRError as error:
            raise UpstreamError(_diagnostics_text(error, filename)) from None
        importer = MlirImporter(ir, filename)
        module = importer.import_module(upstream_module)
    try:
        module.verify()
    except VerifyException as error:
        raise MlirImportError(
            filename, [f"the imported dfg does not verify: {error}"]
        ) from None
    return module
