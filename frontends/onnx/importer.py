"""ONNX model -> dfg module.

The importer loads the model (external data included), upgrades old opsets with
ONNX's version converter when a converter needs it, pins input shapes, runs ONNX
shape inference, and then walks the graph once:

- values known at import time (initializers, `Constant`, and every node whose
  inputs are all known, such as the Shape/Gather/Concat/Unsqueeze chains that
  exporters emit) are folded with ONNX's own reference evaluator and kept as
  numpy arrays; they become `dfg.constant` ops only where a runtime op uses
  them (large ones as `dense_resource` blobs);
- every other node goes through the converter registered for its op type
  (`converters/`), which builds dfg ops located at `loc("<node name>")`;
- unsupported nodes are collected, and the import fails with one error that
  lists all of them.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import helper, numpy_helper, shape_inference
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    DictionaryAttr,
    ModuleOp,
    NameLoc,
    NoneAttr,
    StringAttr,
    TensorType,
    UnknownLoc,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue

from dfc.dialects.dfg.constant import ConstantOp
from dfc.dialects.resources import BLOBS

from .types import dtype_to_element_type, onnx_to_element_type

INLINE_CONSTANT_LIMIT = 16
"""Constants with at most this many elements print inline (`dense<...>`);
larger ones become `dense_resource` blobs."""

FOLD_ELEMENT_LIMIT = 1 << 24
"""Nodes whose constant inputs are larger than this are not folded at import."""

NON_FOLDABLE = {"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli"}


class OnnxImportError(Exception):
    """A model dfc cannot import; the message lists every problem found."""


class Unsupported(Exception):
    """Raised by a converter for an attribute or form it does not handle."""


@dataclass
class UnsupportedNode:
    op_type: str
    opset: int
    node_name: str
    reason: str = ""

    def format(self) -> str:
        text = f"{self.op_type} (opset {self.opset}) at node '{self.node_name}'"
        return f"{text}: {self.reason}" if self.reason else text


@dataclass
class ImportOptions:
    input_shapes: Mapping[str, Sequence[int]] = field(default_factory=dict)
    """Static shapes pinned for inputs with dynamic dimensions."""
    function_name: str = "main"


class ValueInfo:
    """What the importer knows of an ONNX value: an SSA value, a constant, or both."""

    __slots__ = ("ssa", "constant", "type")

    def __init__(
        self,
        ssa: SSAValue | None = None,
        constant: np.ndarray | None = None,
        type: TensorType[Attribute] | None = None,
    ) -> None:
        self.ssa = ssa
        self.constant = constant
        self.type = type


class GraphImporter:
    """Imports one ONNX graph into a func.func (see the module docstring)."""

    def __init__(
        self,
        model: onnx.ModelProto,
        source_name: str,
        inferred: onnx.ModelProto | None = None,
    ) -> None:
        self.model = model
        self.graph = model.graph
        self.source_name = source_name
        self.opset = opset_of(model)
        self.values: dict[str, ValueInfo] = {}
        self.block = Block()
        self.unsupported: list[UnsupportedNode] = []
        self.poisoned: set[str] = set()
        self.inferred: dict[str, onnx.TypeProto] = {}
        typed = (inferred or model).graph
        for info in (*typed.value_info, *typed.output, *typed.input):
            self.inferred[info.name] = info.type
        self._materialized: dict[int, SSAValue] = {}

    # -- values ---------------------------------------------------------------

    def add_op(self, op: Operation, node: onnx.NodeProto | None = None) -> Operation:
        if node is not None:
            op.location = NameLoc(StringAttr(node_label(node)), NoneAttr())
        self.block.add_op(op)
        return op

    def ssa(self, name: str, node: onnx.NodeProto | None = None) -> SSAValue:
        info = self.values[name]
        if info.ssa is None:
            assert info.constant is not None
            info.ssa = self.materialize(info.constant, name, node)
        return info.ssa

    def materialize(
        self, array: np.ndarray, hint: str, node: onnx.NodeProto | None = None
    ) -> SSAValue:
        """A `dfg.constant` holding `array` (inline if tiny, else a blob)."""
        element_type = dtype_to_element_type(array.dtype)
        if element_type is None:
            raise OnnxImportError(
                f"constant '{hint}' has element type {array.dtype}, which dfg does "
                "not support"
            )
        t = TensorType(element_type, list(array.shape))
        if array.size <= INLINE_CONSTANT_LIMIT:
            values = array.reshape(-1).tolist()
            if array.dtype == np.bool_:
                values = [int(v) for v in values]
            attr: Attribute = DenseIntOrFPElementsAttr.from_list(t, values)
        else:
            stored = array.astype(np.uint8) if array.dtype == np.bool_ else array
            handle = BLOBS.add(hint, np.ascontiguousarray(stored))
            attr = DenseResourceAttr.from_params(handle, t)
        op = ConstantOp(attr)  # type: ignore[arg-type]
        if node is not None:
            op.location = NameLoc(StringAttr(node_label(node)), NoneAttr())
        else:
            op.location = NameLoc(StringAttr(hint), NoneAttr())
        self.block.add_op(op)
        return op.output

    def output_type(self, name: str) -> TensorType[Attribute] | None:
        proto = self.inferred.get(name)
        if proto is None or not proto.HasField("tensor_type"):
            return None
        tensor = proto.tensor_type
        element = onnx_to_element_type(tensor.elem_type)
        if element is None or not tensor.HasField("shape"):
            return None
        dims: list[int] = []
        for dim in tensor.shape.dim:
            if not dim.HasField("dim_value"):
                return None
            dims.append(dim.dim_value)
        return TensorType(element, dims)

    # -- graph ----------------------------------------------------------------

    def run(self, options: ImportOptions) -> func.FuncOp:
        initializer_names = {init.name for init in self.graph.initializer}
        for init in self.graph.initializer:
            self.values[init.name] = ValueInfo(constant=tensor_to_array(init))
        for sparse in self.graph.sparse_initializer:
            self.values[sparse.values.name] = ValueInfo(
                constant=numpy_helper.to_array(onnx.numpy_helper.from_array(
                    _sparse_to_dense(sparse)))
            )

        arg_types: list[Attribute] = []
        arg_names: list[str] = []
        for graph_input in self.graph.input:
            if graph_input.name in initializer_names:
                continue  # IR version < 4 lists initializers as inputs too
            t = self.output_type(graph_input.name)
            if t is None:
                raise OnnxImportError(
                    f"{self.source_name}: error: {describe_bad_input(graph_input)}"
                )
            arg = self.block.insert_arg(t, len(self.block.args))
            arg.name_hint = ssa_name(graph_input.name)
            self.values[graph_input.name] = ValueInfo(ssa=arg, type=t)
            arg_types.append(t)
            arg_names.append(graph_input.name)

        from .converters import CONVERTERS

        for node in self.graph.node:
            self.import_node(node, CONVERTERS)

        if self.unsupported:
            lines = "\n".join("  " + u.format() for u in self.unsupported)
            count = len(self.unsupported)
            raise OnnxImportError(
                f"{self.source_name}: error: {count} unsupported ONNX "
                f"node{'s' if count > 1 else ''}:\n{lines}"
            )

        results: list[SSAValue] = []
        result_names: list[str] = []
        for output in self.graph.output:
            value = self.ssa(output.name)
            results.append(value)
            result_names.append(output.name)
        self.block.add_op(func.ReturnOp(*results))

        function = func.FuncOp(
            options.function_name,
            ([a.type for a in self.block.args], [r.type for r in results]),
            Region(self.block),
            arg_attrs=ArrayAttr(
                [DictionaryAttr({"dfc.name": StringAttr(n)}) for n in arg_names]
            ),
            res_attrs=ArrayAttr(
                [DictionaryAttr({"dfc.name": StringAttr(n)}) for n in result_names]
            ),
        )
        function.location = NameLoc(StringAttr(self.graph.name or "graph"), NoneAttr())
        return function

    def import_node(self, node: onnx.NodeProto, converters: Mapping[str, Any]) -> None:
        inputs = [name for name in node.input]
        if any(name in self.poisoned for name in inputs if name):
            # Downstream of an unsupported node: still check its own support.
            if node.domain not in ("", "ai.onnx") or node.op_type not in converters:
                self.record_unsupported(node, "")
            self.poisoned.update(o for o in node.output if o)
            return
        missing = [n for n in inputs if n and n not in self.values]
        if missing:
            raise OnnxImportError(
                f"{self.source_name}: error: node '{node_label(node)}' "
                f"({node.op_type}) reads undefined value '{missing[0]}' (the graph "
                "is not topologically sorted or is malformed)"
            )
        if node.domain not in ("", "ai.onnx"):
            self.record_unsupported(node, f"domain '{node.domain}' is not supported")
            return

        if self.try_fold(node):
            return
        converter = converters.get(node.op_type)
        if converter is None:
            self.record_unsupported(node, "")
            return
        context = NodeContext(self, node)
        try:
            outputs = converter(context)
        except Unsupported as reason:
            self.record_unsupported(node, str(reason))
            return
        if isinstance(outputs, SSAValue | np.ndarray):
            outputs = [outputs]
        for name, value in zip(node.output, outputs, strict=False):
            if name:
                if isinstance(value, np.ndarray):
                    self.values[name] = ValueInfo(constant=value)
                else:
                    self.values[name] = ValueInfo(ssa=value)

    def record_unsupported(self, node: onnx.NodeProto, reason: str) -> None:
        domain = node.domain or "ai.onnx"
        opset = next(
            (e.version for e in self.model.opset_import if (e.domain or "ai.onnx") == domain),
            self.opset,
        )
        op_type = node.op_type if domain == "ai.onnx" else f"{domain}.{node.op_type}"
        self.unsupported.append(
            UnsupportedNode(op_type, opset, node_label(node), reason or "no converter")
        )
        self.poisoned.update(o for o in node.output if o)

    def try_fold(self, node: onnx.NodeProto) -> bool:
        """Evaluate `node` at import time when all its inputs are known."""
        if node.op_type in NON_FOLDABLE or node.op_type in ("If", "Loop", "Scan"):
            return False
        if node.op_type == "Constant":
            value = constant_node_value(node)
            self.values[node.output[0]] = ValueInfo(constant=value)
            return True
        if node.op_type in ("Shape", "Size") and node.input[0] in self.values:
            source = self.values[node.input[0]]
            shape = (
                source.constant.shape
                if source.constant is not None
                else tuple(_tensor_type(source.ssa).get_shape())  # type: ignore[arg-type]
            )
            if node.op_type == "Size":
                value = np.array(int(np.prod(shape)), dtype=np.int64)
            else:
                attrs = node_attributes(node)
                start, end = attrs.get("start", 0), attrs.get("end", None)
                value = np.array(shape[slice(start, end)], dtype=np.int64)
            self.values[node.output[0]] = ValueInfo(constant=value)
            return True
        known: list[np.ndarray | None] = []
        for name in node.input:
            if not name:
                known.append(None)
                continue
            info = self.values[name]
            if info.constant is None:
                return False
            known.append(info.constant)
        if not any(k is not None for k in known):
            return False
        if sum(k.size for k in known if k is not None) > FOLD_ELEMENT_LIMIT:
            return False
        results = evaluate_node(node, known, self.opset)
        if results is None:
            return False
        for name, value in zip(node.output, results, strict=False):
            if name:
                self.values[name] = ValueInfo(constant=value)
        return True


class NodeContext:
    """What a converter sees of its node: attributes, inputs, output types."""

    def __init__(self, importer: GraphImporter, node: onnx.NodeProto) -> None:
        self.importer = importer
        self.node = node
        self.attrs = node_attributes(node)
        self.opset = importer.opset

    @property
    def num_inputs(self) -> int:
        return len(self.node.input)

    def has_input(self, index: int) -> bool:
        return index < len(self.node.input) and bool(self.node.input[index])

    def input(self, index: int) -> SSAValue:
        return self.importer.ssa(self.node.input[index], self.node)

    def const(self, index: int) -> np.ndarray | None:
        """The input's value if it is known at import time."""
        if not self.has_input(index):
            return None
        return self.importer.values[self.node.input[index]].constant

    def require_const(self, index: int, what: str) -> np.ndarray:
        value = self.const(index)
        if value is None:
            raise Unsupported(f"input #{index} ({what}) must be a constant")
        return value

    def output_type(self, index: int = 0) -> TensorType[Attribute]:
        t = self.importer.output_type(self.node.output[index])
        if t is None:
            raise Unsupported(
                f"the shape of output '{self.node.output[index]}' is unknown after "
                "shape inference"
            )
        return t

    def add(self, op: Operation) -> Operation:
        return self.importer.add_op(op, self.node)

    def constant(self, array: np.ndarray, hint: str = "") -> SSAValue:
        return self.importer.materialize(array, hint or node_label(self.node), self.node)


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def node_label(node: onnx.NodeProto) -> str:
    return node.name or f"{node.op_type}:{node.output[0] if node.output else '?'}"


def ssa_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "_$." else "_" for c in name)
    if not cleaned or cleaned[0].isdigit():
        cleaned = "v" + cleaned
    return cleaned


def node_attributes(node: onnx.NodeProto) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    for attr in node.attribute:
        value = helper.get_attribute_value(attr)
        if isinstance(value, bytes):
            value = value.decode()
        elif isinstance(value, list) and value and isinstance(value[0], bytes):
            value = [v.decode() for v in value]
        attrs[attr.name] = value
    return attrs


def opset_of(model: onnx.ModelProto) -> int:
    for entry in model.opset_import:
        if entry.domain in ("", "ai.onnx"):
            return entry.version
    return 1


_RAW_DTYPES = {
    onnx.TensorProto.FLOAT: np.dtype("<f4"),
    onnx.TensorProto.FLOAT16: np.dtype("<f2"),
    onnx.TensorProto.INT64: np.dtype("<i8"),
    onnx.TensorProto.INT32: np.dtype("<i4"),
    onnx.TensorProto.INT8: np.dtype("i1"),
    onnx.TensorProto.BOOL: np.dtype("?"),
}


def tensor_to_array(tensor: onnx.TensorProto) -> np.ndarray:
    """The tensor's data as a read-only array. Raw little-endian data (what
    exporters write) is viewed in place, not copied: with the blob store keeping
    arrays by reference, a weight is copied once, out of the protobuf."""
    if tensor.data_location != onnx.TensorProto.EXTERNAL and tensor.raw_data:
        dtype = _RAW_DTYPES.get(tensor.data_type)
        if tensor.data_type == onnx.TensorProto.BFLOAT16:
            import ml_dtypes

            dtype = np.dtype(ml_dtypes.bfloat16)
        if dtype is not None:
            return np.frombuffer(tensor.raw_data, dtype=dtype).reshape(tuple(tensor.dims))
    return numpy_helper.to_array(tensor)


def _sparse_to_dense(sparse: onnx.SparseTensorProto) -> onnx.TensorProto:
    values = numpy_helper.to_array(sparse.values)
    indices = numpy_helper.to_array(sparse.indices)
    dense = np.zeros(tuple(sparse.dims), dtype=values.dtype)
    if indices.ndim == 1:
        dense.reshape(-1)[indices] = values
    else:
        dense[tuple(indices.T)] = values
    return numpy_helper.from_array(dense, sparse.values.name)


def constant_node_value(node: onnx.NodeProto) -> np.ndarray:
    attr = node.attribute[0]
    if attr.name == "value":
        return tensor_to_array(attr.t)
    if attr.name == "sparse_value":
        return numpy_helper.to_array(_sparse_to_dense(attr.sparse_tensor))
    value = helper.get_attribute_value(attr)
    dtype = {
        "value_float": np.float32,
        "value_floats": np.float32,
        "value_int": np.int64,
        "value_ints": np.int64,
    }.get(attr.name)
    if dtype is None:
        return np.array(value)
    return np.array(value, dtype=dtype)


def evaluate_node(
    node: onnx.NodeProto, inputs: Sequence[np.ndarray | None], opset: int
) -> list[np.ndarray] | None:
    """Run one node with ONNX's reference evaluator; None when it cannot."""
    from onnx.reference import ReferenceEvaluator

    input_names = [name for name in node.input]
    value_infos = [
        helper.make_empty_tensor_value_info(name) for name in input_names if name
    ]
    outputs = [helper.make_empty_tensor_value_info(n) for n in node.output if n]
    graph = helper.make_graph([node], "fold", value_infos, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    feeds = {name: value for name, value in zip(input_names, inputs) if name and value is not None}
    try:
        evaluator = ReferenceEvaluator(model)
        results = evaluator.run(None, feeds)
    except Exception:
        return None
    return [np.asarray(r) for r in results]


def describe_bad_input(graph_input: onnx.ValueInfoProto) -> str:
    name = graph_input.name
    if not graph_input.type.HasField("tensor_type"):
        kind = graph_input.type.WhichOneof("value") or "untyped"
        return (
            f"input '{name}' is a {kind.replace('_type', '')} value, not a tensor; "
            "dfc imports tensor inputs only"
        )
    tensor = graph_input.type.tensor_type
    element = onnx_to_element_type(tensor.elem_type)
    if element is None:
        type_name = onnx.TensorProto.DataType.Name(tensor.elem_type)
        return (
            f"input '{name}' has element type {type_name}, which dfg does not support"
        )
    if not tensor.HasField("shape"):
        return (
            f"input '{name}' has no shape (not even a rank); dfc needs static shapes: "
            f"pin it with --input-shape {name}=<dims>"
        )
    dims = list(tensor.shape.dim)
    dynamic = [
        (axis, d.dim_param or "?")
        for axis, d in enumerate(dims)
        if not d.HasField("dim_value")
    ]
    shown = ", ".join(
        str(d.dim_value) if d.HasField("dim_value") else (d.dim_param or "?")
        for d in dims
    )
    example = "x".join(
        str(d.dim_value) if d.HasField("dim_value") else "1" for d in dims
    )
    listed = ", ".join(f"'{label}' (axis {axis})" for axis, label in dynamic)
    plural = "s" if len(dynamic) > 1 else ""
    return (
        f"input '{name}' has dynamic dimension{plural} {listed} in shape [{shown}]; dfc "
        f"needs static shapes: pin {'them' if plural else 'it'} with --input-shape {name}=<dims>, e.g. "
        f"--input-shape {name}={example}"
    )


def _tensor_type(value: SSAValue | None) -> TensorType[Attribute]:
    assert value is not None and isinstance(value.type, TensorType)
    return value.type  # pyright: ignore[reportUnknownVariableType]


def load_model(
    model: str | os.PathLike[str] | onnx.ModelProto,
) -> tuple[onnx.ModelProto, str]:
    if isinstance(model, onnx.ModelProto):
        return model, model.graph.name or "<model>"
    path = Path(model)
    if not path.exists():
        raise OnnxImportError(f"{path}: error: no such file")
    if path.is_dir():
        raise OnnxImportError(f"{path}: error: is a directory, not an ONNX model file")
    if path.suffix == ".onnxtxt":
        return parse_text_model(path), str(path)
    with open(path, "rb") as stream:
        head = stream.read(4096)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and all(c.isprintable() or c in "\t\r\n" for c in text):
        hint = (
            "; models in ONNX text syntax need the .onnxtxt suffix"
            if head.lstrip().startswith(b"<")
            else ""
        )
        raise OnnxImportError(
            f"{path}: error: not an ONNX model: the file is "
            f"{'empty' if not head else 'text'}, not a binary ONNX protobuf{hint}"
        )
    try:
        proto = onnx.load(str(path), load_external_data=False)
    except Exception as error:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise OnnxImportError(
            f"{path}: error: not an ONNX model: the file is truncated or is not an "
            f"ONNX protobuf (protobuf {type(error).__name__}: {detail or 'decode failed'})"
        ) from None
    if not proto.graph.node and not proto.graph.output:
        raise OnnxImportError(
            f"{path}: error: not an ONNX model: the file parses as protobuf but "
            "holds no graph"
        )
    try:
        from onnx.external_data_helper import load_external_data_for_model

        load_external_data_for_model(proto, str(path.parent))
    except Exception as error:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise OnnxImportError(
            f"{path}: error: cannot load the model's external data next to the "
            f"file ({type(error).__name__}: {detail})"
        ) from None
    return proto, str(path)


def parse_text_model(path: Path) -> onnx.ModelProto:
    """A model in ONNX's textual syntax (`onnx.parser`), used by lit tests."""
    from onnx import parser

    try:
        return parser.parse_model(path.read_text(encoding="utf-8"))
    except Exception as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise OnnxImportError(f"{path}: error: not valid ONNX text: {first}") from None


def bind_constant_inputs(
    model: onnx.ModelProto, values: Mapping[str, np.ndarray], source: str
) -> None:
    """Turn the named graph inputs into initializers holding `values`."""
    inputs = list(model.graph.input)
    names = {i.name for i in inputs}
    unknown = sorted(set(values) - names)
    if unknown:
        raise OnnxImportError(
            f"{source}: error: constant_inputs names {', '.join(unknown)}, which "
            "are not inputs of the model"
        )
    del model.graph.input[:]
    model.graph.input.extend(i for i in inputs if i.name not in values)
    for name, value in values.items():
        model.graph.initializer.append(numpy_helper.from_array(np.asarray(value), name))


def pin_input_shapes(
    model: onnx.ModelProto, shapes: Mapping[str, Sequence[int]], source: str
) -> None:
    by_name = {i.name: i for i in model.graph.input}
    for name, dims in shapes.items():
        if name not in by_name:
            known = ", ".join(by_name) or "none"
            raise OnnxImportError(
                f"{source}: error: --input-shape names '{name}', but the model's "
                f"inputs are: {known}"
            )
        shape = by_name[name].type.tensor_type.shape
        if len(shape.dim) != len(dims):
            raise OnnxImportError(
                f"{source}: error: --input-shape {name} has rank {len(dims)}, the "
                f"model's input has rank {len(shape.dim)}"
            )
        for dim, size in zip(shape.dim, dims, strict=True):
            if dim.HasField("dim_value") and dim.dim_value != size:
                raise OnnxImportError(
                    f"{source}: error: --input-shape {name} sets a dimension to "
                    f"{size}, but the model fixes it to {dim.dim_value}"
                )
            dim.Clear()
            dim.dim_value = size


def import_onnx(
    model: str | os.PathLike[str] | onnx.ModelProto,
    input_shapes: Mapping[str, Sequence[int]] | None = None,
    constant_inputs: Mapping[str, np.ndarray] | None = None,
) -> ModuleOp:
    """Import an ONNX model (path or ModelProto) into a verified dfg module.

    `input_shapes` pins the shapes of inputs with dynamic dimensions;
    `constant_inputs` binds graph inputs to fixed values (they become
    initializers), which specializes shape-computing inputs such as Reshape's
    target shape when they arrive as graph inputs."""
    proto, source = load_model(model)
    if (input_shapes or constant_inputs) and proto is model:
        copy = onnx.ModelProto()
        copy.CopyFrom(proto)
        proto = copy  # never modify the caller's model
    proto = prepare_model(proto, source)
    if input_shapes:
        pin_input_shapes(proto, input_shapes, source)
    if constant_inputs:
        bind_constant_inputs(proto, constant_inputs, source)
    try:
        inferred = infer_shapes_without_weights(proto)
    except Exception as error:
        raise OnnxImportError(
            f"{source}: error: ONNX shape inference failed: {str(error).splitlines()[0]}"
        ) from None
    importer = GraphImporter(proto, source, inferred)
    function = importer.run(ImportOptions(input_shapes=input_shapes or {}))
    module = ModuleOp([function])
    module.location = UnknownLoc()
    try:
        module.verify()
    except Exception as error:
        raise OnnxImportError(
            f"{source}: error: the imported IR does not verify (importer bug): "
            f"{str(error).splitlines()[0]}"
        ) from None
    return module


MIN_OPSET = 7

SHAPE_INFERENCE_INITIALIZER_LIMIT = 4096
"""Initializers with more elements than this are given to ONNX shape inference
as typed graph inputs instead of data (shape computations never read them)."""


def infer_shapes_without_weights(model: onnx.ModelProto) -> onnx.ModelProto:
    """ONNX shape inference on a copy of the model without its large weights.

    `infer_shapes` serializes the whole model, weights included, and parses it
    back in C++: for a 500 MB GPT-2 that is most of the import time. Large
    initializers are replaced by graph inputs of the same type, which gives the
    same inferred types (data propagation only needs small shape tensors)."""
    light = onnx.ModelProto()
    light.ir_version = model.ir_version
    light.opset_import.extend(model.opset_import)
    light.functions.extend(model.functions)
    graph = light.graph
    graph.name = model.graph.name
    graph.node.extend(model.graph.node)
    graph.input.extend(model.graph.input)
    graph.output.extend(model.graph.output)
    graph.value_info.extend(model.graph.value_info)
    declared = {i.name for i in model.graph.input}
    for init in model.graph.initializer:
        size = int(np.prod(init.dims)) if init.dims else 1
        external = init.data_location == onnx.TensorProto.EXTERNAL
        if size <= SHAPE_INFERENCE_INITIALIZER_LIMIT and not external:
            graph.initializer.append(init)
            continue
        if init.name not in declared:
            graph.input.append(
                helper.make_tensor_value_info(init.name, init.data_type, list(init.dims))
            )
    graph.sparse_initializer.extend(model.graph.sparse_initializer)
    return shape_inference.infer_shapes(light, strict_mode=False, data_prop=True)


def versions_without_converter(model: onnx.ModelProto) -> list[str]:
    """`OpType-version` of every node whose schema version no converter takes."""
    from .converters import CONVERTERS

    opset = opset_of(model)
    missing: set[str] = set()
    for node in model.graph.node:
        conv = CONVERTERS.get(node.op_type)
        if node.domain not in ("", "ai.onnx") or conv is None:
            continue
        try:
            since = onnx.defs.get_schema(node.op_type, opset, "").since_version
        except onnx.defs.SchemaError:
            continue
        if not conv.accepts(since):
            missing.add(f"{node.op_type}-{since}")
    return sorted(missing)


def prepare_model(model: onnx.ModelProto, source: str) -> onnx.ModelProto:
    """Upgrade the model with ONNX's version converter when its opset is older
    than 7 or when a node's operator version has no converter; say so."""
    opset = opset_of(model)
    latest = onnx.defs.onnx_opset_version()
    reasons: list[str] = []
    if opset < MIN_OPSET:
        reasons.append(f"opset {opset} is older than {MIN_OPSET}")
    missing = versions_without_converter(model)
    if missing:
        reasons.append("no converter for " + ", ".join(missing))
    if not reasons or opset >= latest:
        return model
    from onnx import version_converter

    try:
        upgraded = version_converter.convert_version(model, latest)
    except Exception as error:
        raise OnnxImportError(
            f"{source}: error: {'; '.join(reasons)}, and ONNX's version converter "
            f"could not upgrade opset {opset} to {latest}: "
            f"{str(error).splitlines()[0] if str(error) else type(error).__name__}"
        ) from None
    warnings.warn(
        f"{source}: upgraded the model from opset {opset} to {latest} with ONNX's "
        f"version converter ({'; '.join(reasons)})",
        stacklevel=3,
    )
    return upgraded
