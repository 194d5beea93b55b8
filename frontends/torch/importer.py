"""`torch.export` program -> dfg module.

The importer exports an `nn.Module` with `torch.export.export(..., strict=False)`
(or takes an `ExportedProgram`), runs the core-ATen decompositions except for
the ops dfg has whole (`KEPT_OPS`: attention, layer/RMS norm, softmax, GELU,
SiLU), and then walks the FX graph once:

- parameters become `dfg.constant`s holding `dense_resource` blobs that share
  memory with the parameter tensors; buffers (non-persistent ones too, such as
  rotary tables) and lifted tensor constants are import-time constants;
- a node whose tensor inputs are all import-time constants (not parameters) is
  evaluated with PyTorch itself (`arange`, `full`, the attention-mask chains of
  transformers, rotary `cos`/`sin` tables) and becomes a constant where a
  runtime op uses it;
- every other node goes through the converter registered for its ATen
  overload (`converters/`), which builds dfg ops located at
  `loc("<node name>"("<file>":<line>:1))` from the node's stack trace; the
  result types come from the node's `meta["val"]` FakeTensor;
- unsupported nodes are collected, and the import fails with one
  `TorchImportError` listing each (overload, node, source line).

```python
module = import_torch(nn.Linear(4, 2), (torch.randn(3, 4),))
```
```mlir
func.func @main(%x: tensor<3x4xf32> {dfc.name = "x"}) -> (tensor<3x2xf32> {dfc.name = "output"}) {
  %w = dfg.constant dense_resource<weight> : tensor<2x4xf32>  loc("p_weight")
  ...
  %y = dfg.matmul %x, %w {transpose_b = true} : ... loc("addmm"("model.py":12:1))
```
"""

from __future__ import annotations

import operator
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch.export import ExportedProgram
from torch.export.graph_signature import InputKind, OutputKind
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    DictionaryAttr,
    FileLineColLoc,
    IntAttr,
    ModuleOp,
    NameLoc,
    NoneAttr,
    StringAttr,
    TensorType,
    UnknownLoc,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.traits import Pure

from dfc.dialects.dfg.constant import ConstantOp
from dfc.dialects.resources import BLOBS

from .types import to_numpy, torch_to_element_type

INLINE_CONSTANT_LIMIT = 16
"""Constants with at most this many elements print inline (`dense<...>`)."""

FOLD_ELEMENT_LIMIT = 1 << 24
"""Nodes whose constant inputs hold more elements than this are not folded."""

_KEPT_OP_NAMES = (
    "scaled_dot_product_attention.default",
    "layer_norm.default",
    "rms_norm.default",
    "gelu.default",
    "silu.default",
    "softmax.int",
    "log_softmax.int",
)
"""ATen ops dfg has whole: left out of the decomposition table (when torch has
them at all) so that they reach the importer undecomposed."""

NON_FOLDABLE = ("rand", "normal", "bernoulli", "uniform", "multinomial", "dropout")
"""Overloads containing these words are never evaluated at import time."""


class TorchImportError(Exception):
    """A program dfc cannot import; the message lists every problem found."""


class Unsupported(Exception):
    """Raised by a converter for an argument or form it does not handle."""


@dataclass
class Constant:
    """An import-time tensor: a parameter, buffer, lifted constant or the
    folded result of a node. `ssa` caches its `dfg.constant`."""

    tensor: torch.Tensor
    name: str
    is_parameter: bool = False
    ssa: SSAValue | None = None


@dataclass
class Poisoned:
    """The output of an unsupported node (its users are not converted)."""


POISON = Poisoned()


@dataclass
class UnsupportedNode:
    target: str
    node_name: str
    source: str
    reason: str = ""

    def format(self) -> str:
        text = f"{self.target} at node '{self.node_name}'"
        if self.source:
            text += f" ({self.source})"
        return f"{text}: {self.reason}" if self.reason else text


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------


def kept_ops() -> set[Any]:
    """The OpOverloads of `_KEPT_OP_NAMES` that this torch build has."""
    kept: set[Any] = set()
    for name in _KEPT_OP_NAMES:
        packet, overload = name.rsplit(".", 1)
        op = getattr(getattr(torch.ops.aten, packet, None), overload, None)
        if op is not None:
            kept.add(op)
    return kept


def decomposition_table() -> dict[Any, Any]:
    """The default core-ATen table without the ops dfg keeps whole."""
    from torch._decomp import core_aten_decompositions

    table = core_aten_decompositions()
    keep = kept_ops()
    return {op: fn for op, fn in table.items() if op not in keep}


def export_program(
    model: torch.nn.Module,
    example_args: Sequence[Any],
    example_kwargs: Mapping[str, Any] | None,
    dynamic_shapes: Any,
) -> ExportedProgram:
    if not isinstance(model, torch.nn.Module):
        raise TorchImportError(
            f"error: import_torch takes an nn.Module or an ExportedProgram, got "
            f"{type(model).__name__}"
        )
    was_training = model.training
    unlifted = isinstance(model, torch.fx.GraphModule)  # ExportedProgram.module()
    if not unlifted:
        model.eval()
    try:
        return torch.export.export(
            model,
            tuple(example_args),
            kwargs=dict(example_kwargs or {}),
            dynamic_shapes=dynamic_shapes,
            strict=False,
        )
    except Exception as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise TorchImportError(
            f"error: torch.export could not export {type(model).__name__}: "
            f"{type(error).__name__}: {first}"
        ) from error
    finally:
        if not unlifted:
            model.train(was_training)


# ---------------------------------------------------------------------------
# Symbolic shapes
# ---------------------------------------------------------------------------


def symbolic_dims(
    ep: ExportedProgram, dynamic_shapes: Any = None
) -> list[tuple[str, int, str, str]]:
    """`(input, axis, symbol, range)` of every symbolic user-input dimension;
    the symbol is named after its `torch.export.Dim` when `dynamic_shapes`
    (a dict keyed by argument name) says which one it is."""
    user_inputs = {
        spec.arg.name
        for spec in ep.graph_signature.input_specs
        if spec.kind == InputKind.USER_INPUT
    }
    found: list[tuple[str, int, str, str]] = []
    for node in ep.graph.nodes:
        if node.op != "placeholder" or node.name not in user_inputs:
            continue
        value = node.meta.get("val")
        if not isinstance(value, torch.Tensor):
            continue
        for axis, dim in enumerate(value.shape):
            if isinstance(dim, torch.SymInt):
                expr = dim.node.expr
                bounds = ""
                for symbol, constraint in ep.range_constraints.items():
                    if str(symbol) == str(expr):
                        bounds = f"{constraint.lower}..{constraint.upper}"
                symbol = str(expr)
                dim_name = _dim_name(dynamic_shapes, node.name, axis)
                if dim_name and dim_name != symbol:
                    bounds = f"{symbol}, range {bounds}" if bounds else symbol
                    symbol = dim_name
                elif bounds:
                    bounds = f"range {bounds}"
                found.append((node.name, axis, symbol, bounds))
    return found


def _dim_name(dynamic_shapes: Any, name: str, axis: int) -> str:
    if not isinstance(dynamic_shapes, Mapping):
        return ""
    spec = dynamic_shapes.get(name)
    if isinstance(spec, Mapping):
        dim = spec.get(axis)
    elif isinstance(spec, list | tuple) and axis < len(spec):
        dim = spec[axis]
    else:
        return ""
    return str(getattr(dim, "__name__", "") or "")


def symbolic_error(dims: list[tuple[str, int, str, str]]) -> TorchImportError:
    listed = "\n".join(
        f"  input '{name}' axis {axis}: symbol '{symbol}'"
        + (f" ({bounds})" if bounds else "")
        for name, axis, symbol, bounds in dims
    )
    count = len(dims)
    return TorchImportError(
        f"error: {count} symbolic dimension{'s' if count > 1 else ''}; dfc needs "
        f"static shapes:\n{listed}\npass specialize=True to fix "
        f"{'them' if count > 1 else 'it'} from the example inputs"
    )


def specialize_program(
    ep: ExportedProgram,
    example_args: Sequence[Any],
    example_kwargs: Mapping[str, Any] | None,
) -> ExportedProgram:
    """Re-export `ep` with the static shapes of the example inputs."""
    args, kwargs = tuple(example_args), dict(example_kwargs or {})
    if not args and not kwargs and ep.example_inputs is not None:
        args, kwargs = ep.example_inputs
    if not args and not kwargs:
        raise TorchImportError(
            "error: specialize=True needs example inputs: pass example_args "
            "(the ExportedProgram holds none)"
        )
    return export_program(ep.module(), args, kwargs, None)


# ---------------------------------------------------------------------------
# Graph import
# ---------------------------------------------------------------------------

_TRACE_FRAME = re.compile(r'File "([^"]+)", line (\d+)')


_TORCH_DIR = os.path.dirname(torch.__file__)


def source_of(node: torch.fx.Node) -> tuple[str, int] | None:
    """The innermost frame of the node's stack trace outside PyTorch itself
    (the model's line, not `nn.Linear`'s): `(file, line)`."""
    trace = node.meta.get("stack_trace")
    if not trace:
        return None
    frames = _TRACE_FRAME.findall(trace)
    if not frames:
        return None
    outside = [f for f in frames if not f[0].startswith(_TORCH_DIR)]
    filename, line = (outside or frames)[-1]
    return filename, int(line)


def node_location(node: torch.fx.Node) -> NameLoc:
    source = source_of(node)
    inner: Attribute = NoneAttr()
    if source is not None:
        inner = FileLineColLoc(StringAttr(source[0]), IntAttr(source[1]), IntAttr(1))
    return NameLoc(StringAttr(node.name), inner)


def target_name(target: Any) -> str:
    """`aten.addmm.default` for an OpOverload; the function name otherwise."""
    if target is operator.getitem:
        return "getitem"
    if target is getattr(torch.ops.higher_order, "with_effects", None):
        return "with_effects"
    if isinstance(target, torch._ops.OpOverload):
        return str(target)
    return getattr(target, "__name__", str(target))


def ssa_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "_$." else "_" for c in name)
    if not cleaned or cleaned[0].isdigit():
        cleaned = "v" + cleaned
    return cleaned


class GraphImporter:
    """Imports one ExportedProgram's graph into a `func.func` (see the module
    docstring)."""

    def __init__(self, ep: ExportedProgram) -> None:
        self.ep = ep
        self.block = Block()
        self.env: dict[str, Any] = {}
        self.unsupported: list[UnsupportedNode] = []

    # -- values ---------------------------------------------------------------

    def add_op(self, op: Operation, node: torch.fx.Node | None) -> Operation:
        if node is not None:
            op.location = node_location(node)
        self.block.add_op(op)
        return op

    def materialize(
        self, constant: Constant, node: torch.fx.Node | None = None
    ) -> SSAValue:
        """The `dfg.constant` of `constant` (inline if tiny, else a blob)."""
        if constant.ssa is not None:
            return constant.ssa
        tensor = constant.tensor
        element = torch_to_element_type(tensor.dtype)
        if element is None:
            raise Unsupported(
                f"constant '{constant.name}' has dtype {tensor.dtype}, which dfg "
                "does not support"
            )
        t = TensorType(element, list(tensor.shape))
        array = to_numpy(tensor)
        if array.size <= INLINE_CONSTANT_LIMIT:
            values = array.reshape(-1).tolist()
            if array.dtype == np.bool_:
                values = [int(v) for v in values]
            elif array.dtype.kind == "V" or str(array.dtype) == "bfloat16":
                values = [float(v) for v in array.reshape(-1).astype(np.float32)]
            attr: Attribute = DenseIntOrFPElementsAttr.from_list(t, values)
        else:
            handle = BLOBS.add(constant.name, np.ascontiguousarray(array))
            attr = DenseResourceAttr.from_params(handle, t)
        op = ConstantOp(attr)  # type: ignore[arg-type]
        op.location = NameLoc(StringAttr(constant.name), NoneAttr())
        self.block.add_op(op)
        constant.ssa = op.output
        return op.output

    # -- graph ----------------------------------------------------------------

    def bind_inputs(self) -> tuple[list[str], list[Attribute]]:
        ep = self.ep
        state = ep.state_dict
        names: list[str] = []
        types: list[Attribute] = []
        specs = {spec.arg.name: spec for spec in ep.graph_signature.input_specs}
        for node in ep.graph.nodes:
            if node.op != "placeholder":
                continue
            spec = specs.get(node.name)
            kind = spec.kind if spec is not None else InputKind.USER_INPUT
            if kind == InputKind.USER_INPUT:
                value = node.meta.get("val")
                if not isinstance(value, torch.Tensor):
                    raise TorchImportError(
                        f"error: input '{node.name}' is a {type(value).__name__}, "
                        "not a tensor; dfc imports tensor inputs only"
                    )
                element = torch_to_element_type(value.dtype)
                if element is None:
                    raise TorchImportError(
                        f"error: input '{node.name}' has dtype {value.dtype}, which "
                        "dfg does not support"
                    )
                t = TensorType(element, [int(d) for d in value.shape])
                arg = self.block.insert_arg(t, len(self.block.args))
                arg.name_hint = ssa_name(node.name)
                self.env[node.name] = arg
                names.append(node.name)
                types.append(t)
                continue
            target = spec.target if spec is not None else None
            if kind == InputKind.PARAMETER:
                tensor = state[target]
            elif kind == InputKind.BUFFER:
                tensor = state[target] if target in state else ep.constants[target]
            elif kind == InputKind.CONSTANT_TENSOR:
                tensor = ep.constants[target]
            elif kind == InputKind.TOKEN:  # side-effect ordering, no data
                self.env[node.name] = None
                continue
            else:
                raise TorchImportError(
                    f"error: input '{node.name}' is a {kind.name.lower()} input, "
                    "which dfc cannot import"
                )
            self.env[node.name] = Constant(
                tensor.detach(), str(target), is_parameter=kind == InputKind.PARAMETER
            )
        return names, types

    def run(self) -> func.FuncOp:
        arg_names, arg_types = self.bind_inputs()
        from .converters import CONVERTERS

        output_node = None
        for node in self.ep.graph.nodes:
            if node.op == "call_function":
                self.import_node(node, CONVERTERS)
            elif node.op == "output":
                output_node = node
        if self.unsupported:
            lines = "\n".join("  " + u.format() for u in self.unsupported)
            count = len(self.unsupported)
            raise TorchImportError(
                f"error: {count} unsupported PyTorch op{'s' if count > 1 else ''}:\n"
                f"{lines}"
            )
        assert output_node is not None
        results, result_names = self.collect_outputs(output_node)
        self.block.add_op(func.ReturnOp(*results))
        eliminate_dead_ops(self.block)
        function = func.FuncOp(
            "main",
            (arg_types, [r.type for r in results]),
            Region(self.block),
            arg_attrs=ArrayAttr(
                [DictionaryAttr({"dfc.name": StringAttr(n)}) for n in arg_names]
            ),
            res_attrs=ArrayAttr(
                [DictionaryAttr({"dfc.name": StringAttr(n)}) for n in result_names]
            ),
        )
        return function

    def collect_outputs(
        self, output_node: torch.fx.Node
    ) -> tuple[list[SSAValue], list[str]]:
        specs = self.ep.graph_signature.output_specs
        flat = list(output_node.args[0])
        user = [
            (spec, value)
            for spec, value in zip(specs, flat, strict=True)
            if spec.kind == OutputKind.USER_OUTPUT
        ]
        names = output_names(self.ep, len(user))
        results: list[SSAValue] = []
        result_names: list[str] = []
        for index, (spec, value) in enumerate(user):
            if not isinstance(value, torch.fx.Node):
                raise TorchImportError(
                    f"error: output #{index} is a {type(value).__name__}, not a "
                    "tensor; dfc imports tensor outputs only"
                )
            resolved = self.env[value.name]
            if isinstance(resolved, Constant):
                resolved = self.materialize(resolved)
            results.append(resolved)
            result_names.append(names[index] if index < len(names) else spec.arg.name)
        return results, result_names

    def import_node(self, node: torch.fx.Node, converters: Mapping[str, Any]) -> None:
        name = target_name(node.target)
        if name == "with_effects":  # an op with side effects: report the op
            self.record_unsupported(node, target_name(node.args[1]), "has side effects")
            return
        args = torch.fx.node.map_arg(node.args, lambda n: self.env[n.name])
        kwargs = torch.fx.node.map_arg(node.kwargs, lambda n: self.env[n.name])
        flat = [*_flatten(args), *_flatten(kwargs)]
        if any(isinstance(v, Poisoned) for v in flat):
            if name not in converters and name != "getitem":
                self.record_unsupported(node, name, "no converter")
            self.env[node.name] = POISON
            return
        if name == "getitem":
            container, index = args
            self.env[node.name] = container[index]
            return
        if self.try_fold(node, name, args, kwargs, flat):
            return
        converter = converters.get(name)
        if converter is None:
            self.record_unsupported(node, name, "no converter")
            return
        from .converters.common import NodeContext

        context = NodeContext(self, node, args, kwargs)
        try:
            self.env[node.name] = converter(context)
        except Unsupported as reason:
            self.record_unsupported(node, name, str(reason))

    def try_fold(
        self,
        node: torch.fx.Node,
        name: str,
        args: Any,
        kwargs: Any,
        flat: list[Any],
    ) -> bool:
        """Evaluate `node` with PyTorch when its tensor inputs are all
        import-time constants (and none is a parameter)."""
        if not isinstance(node.target, torch._ops.OpOverload):
            return False
        if any(word in name for word in NON_FOLDABLE):
            return False
        if any(isinstance(v, SSAValue) for v in flat):
            return False
        constants = [v for v in flat if isinstance(v, Constant)]
        if any(c.is_parameter for c in constants):
            return False
        if sum(c.tensor.numel() for c in constants) > FOLD_ELEMENT_LIMIT:
            return False

        def real(value: Any) -> Any:
            return value.tensor if isinstance(value, Constant) else value

        real_args = _map(args, real)
        real_kwargs = _map(kwargs, real)
        with torch.no_grad():
            result = node.target(*real_args, **real_kwargs)
        self.env[node.name] = _map(
            result,
            lambda r: Constant(r, node.name) if isinstance(r, torch.Tensor) else r,
        )
        return True

    def record_unsupported(self, node: torch.fx.Node, name: str, reason: str) -> None:
        source = source_of(node)
        where = f"{source[0]}:{source[1]}" if source else ""
        self.unsupported.append(UnsupportedNode(name, node.name, where, reason))
        self.env[node.name] = POISON


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return [item for v in value for item in _flatten(v)]
    if isinstance(value, dict):
        return [item for v in value.values() for item in _flatten(v)]
    return [value]


def _map(value: Any, fn: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_map(v, fn) for v in value)
    if isinstance(value, list):
        return [_map(v, fn) for v in value]
    if isinstance(value, dict):
        return {k: _map(v, fn) for k, v in value.items()}
    return fn(value)


def output_names(ep: ExportedProgram, count: int) -> list[str]:
    """Names of the user outputs from the program's output pytree: the keys of
    a dict or ModelOutput (`last_hidden_state`), `output_<i>` for tuple
    entries, `output` for a single tensor."""
    try:
        from torch.utils import _pytree as pytree

        tree = pytree.tree_unflatten(list(range(count)), ep.call_spec.out_spec)
        leaves, _ = pytree.tree_flatten_with_path(tree)
    except Exception:
        return []
    if count == 1 and not leaves[0][0]:
        return ["output"]
    names: list[str] = []
    for path, _ in leaves:
        parts: list[str] = []
        for key in path:
            if hasattr(key, "key"):
                parts.append(str(key.key))
            elif hasattr(key, "idx"):
                parts.append(str(key.idx) if parts else f"output_{key.idx}")
            elif hasattr(key, "name"):
                parts.append(str(key.name))
        names.append(".".join(parts) or "output")
    if len(set(names)) != len(names):
        return []
    return names


def eliminate_dead_ops(block: Block) -> None:
    """Erase pure ops whose results are unused (folded-away transposes, the
    unused outputs of multi-result ATen ops)."""
    for op in reversed(list(block.ops)):
        if op.has_trait(Pure) and all(not r.uses for r in op.results):
            block.erase_op(op)


def import_program(
    model: torch.nn.Module | ExportedProgram,
    example_args: Sequence[Any] = (),
    example_kwargs: Mapping[str, Any] | None = None,
    dynamic_shapes: Any = None,
    specialize: bool = False,
) -> ModuleOp:
    if isinstance(model, ExportedProgram):
        ep = model
    else:
        # specialize: export with the example inputs' static shapes
        shapes = None if specialize else dynamic_shapes
        ep = export_program(model, example_args, example_kwargs, shapes)
    dims = symbolic_dims(ep, dynamic_shapes)
    if dims:
        if not specialize:
            raise symbolic_error(dims)
        ep = specialize_program(ep, example_args, example_kwargs)
    try:
        ep = ep.run_decompositions(decomposition_table())
    except Exception as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise TorchImportError(
            f"error: the core-ATen decompositions failed: {type(error).__name__}: {first}"
        ) from error
    importer = GraphImporter(ep)
    function = importer.run()
    module = ModuleOp([function])
    module.location = UnknownLoc()
    try:
        module.verify()
    except Exception as error:
        raise TorchImportError(
            "error: the imported IR does not verify (importer bug): "
            f"{str(error).splitlines()[0]}"
        ) from error
    return module
