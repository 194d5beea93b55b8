"""dfc IR in upstream MLIR, through the MLIR Python bindings.

```python
from dfc.interop.mlir import find_mlir, roundtrip
print(find_mlir())          # MLIR Python bindings 22.1.8 (wheel xtc-mlir-python-bindings ...)
back = roundtrip(module)    # upstream parses + verifies it; dfc reads the result back
```

- `find_mlir()` says where the `mlir` package comes from: the
  `xtc-mlir-python-bindings` wheel (the `mlir` extra) or a user's own LLVM
  build put on `PYTHONPATH` (`<build>/tools/mlir/python_packages/mlir_core`),
  with the LLVM version.
- `upstream_module(module)` loads dfc's IRDL into an upstream context, parses
  the upstream form of `module` (`dfc.interop.wire`) there and verifies it.
  Errors are `UpstreamError` with upstream's own diagnostics.
- `roundtrip(module)` also prints the upstream module, reads it back into dfc
  and checks that the result is the same IR (`RoundTripMismatch` otherwise).
- `run_upstream_passes(module, "canonicalize,cse")` runs an upstream pass
  pipeline on a dfc module (text round trip both ways).
"""

from __future__ import annotations

import difflib
import functools
import importlib.metadata
import io
import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    DictionaryAttr,
    ModuleOp,
    UnregisteredOp,
)
from xdsl.ir import Attribute, ParametrizedAttribute, TypeAttribute
from xdsl.printer import Printer

from .wire import BLOCK_END, UNCHECKED_PREFIX, from_upstream, to_upstream


class MlirUnavailableError(RuntimeError):
    """The MLIR Python bindings cannot be imported (or lack IRDL)."""


class UpstreamError(RuntimeError):
    """Upstream MLIR rejected dfc IR: the message holds its diagnostics."""


class RoundTripMismatch(RuntimeError):
    """The IR read back from upstream MLIR differs from what was sent."""


@dataclass(frozen=True)
class MlirProvider:
    """Where the `mlir` Python package came from."""

    kind: str
    """`wheel` (a pip distribution provides it) or `llvm-build` (found on
    PYTHONPATH / sys.path with no distribution: a user's own build)."""
    location: str
    """The directory of the `mlir` package."""
    llvm_version: str
    """`22.1.8`, or `unknown` when neither the wheel nor `llvm-config` says."""
    distribution: str | None = None
    """The pip distribution (`xtc-mlir-python-bindings 22.1.8.4`) if any."""

    def __str__(self) -> str:
        source = (
            f"wheel {self.distribution}"
            if self.kind == "wheel"
            else "an LLVM build on PYTHONPATH"
        )
        return f"MLIR Python bindings {self.llvm_version} ({source}, {self.location})"


def _import_mlir() -> Any:
    try:
        import mlir.ir
        from mlir.dialects import irdl  # noqa: F401
    except ImportError as error:
        raise MlirUnavailableError(
            "the MLIR Python bindings are not installed: install dfc's `mlir` "
            "extra (pip install 'dfc[mlir]') or put your LLVM build's "
            "python_packages/mlir_core on PYTHONPATH "
            f"({type(error).__name__}: {error})"
        ) from None
    return mlir


@functools.cache
def find_mlir() -> MlirProvider:
    """Detect the MLIR Python bindings; raise `MlirUnavailableError` if absent."""
    mlir = _import_mlir()
    location = str(Path(mlir.__path__[0]).resolve())
    for dist_name in importlib.metadata.packages_distributions().get("mlir", []):
        try:
            dist = importlib.metadata.distribution(dist_name)
        except importlib.metadata.PackageNotFoundError:
            continue
        files = dist.files or []
        if any(
            str(dist.locate_file(f)).startswith(location)
            for f in files
            if str(f).startswith("mlir/")
        ):
            # The wheel versions are LLVM's (22.1.8) plus a packaging number.
            version = ".".join(dist.version.split(".")[:3])
            return MlirProvider(
                "wheel", location, version, f"{dist.metadata['Name']} {dist.version}"
            )
    return MlirProvider("llvm-build", location, _llvm_config_version(Path(location)))


def _llvm_config_version(location: Path) -> str:
    """`llvm-config --version` of the LLVM build or install that holds the
    package: `<build>/tools/mlir/python_packages/mlir_core/mlir` (a build
    tree) or `<prefix>/python_packages/mlir_core/mlir` (an install). Only
    those places are asked: a system `llvm-config` elsewhere on the path may
    be another LLVM."""
    candidates: list[Path] = []
    for parent in location.parents:
        if parent.name == "python_packages":
            candidates += [parent.parent / "bin", parent.parents[2] / "bin"]
            break
    for directory in candidates:
        tool = directory / "llvm-config"
        if not (tool.is_file() and os.access(tool, os.X_OK)):
            continue
        try:
            out = subprocess.run(
                [str(tool), "--version"],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        return out.stdout.strip() or "unknown"
    return "unknown"


def mlir_available() -> bool:
    try:
        find_mlir()
    except MlirUnavailableError:
        return False
    return True


@dataclass
class _Upstream:
    """One upstream context with dfc's IRDL loaded (built once per process)."""

    ir: Any
    context: Any
    load_seconds: float
    registered: set[str] = field(default_factory=set)


@functools.cache
def _upstream() -> _Upstream:
    mlir = _import_mlir()
    from mlir import ir
    from mlir.dialects import irdl

    from .irdl import export_irdl

    start = time.perf_counter()
    context = ir.Context()
    # The block-end marker (dfc.interop.wire) is the one unregistered op the
    # upstream form has; `_check_registered` refuses any other.
    context.allow_unregistered_dialects = True
    with context:
        irdl.load_dialects(ir.Module.parse(export_irdl()))
    del mlir
    return _Upstream(ir, context, time.perf_counter() - start)


_LOC = re.compile(r'loc\("[^"]*":(\d+):(\d+)\)')


def _where(location: object, filename: str) -> str:
    match = _LOC.search(str(location))
    return f"{filename}:{match.group(1)}:{match.group(2)}" if match else filename


def _diagnostics_text(error: Exception, filename: str = "<upstream form>") -> str:
    """Upstream's MLIRError as MLIR-style lines (`file:line:col: error: ...`).
    For dfc IR sent to upstream, positions are in its upstream form (see
    `dfc-translate --mlir-to-upstream`)."""
    details = getattr(error, "error_diagnostics", None)
    if not details:
        return f"{filename}: error: {error}"
    lines: list[str] = []
    for diag in details:
        lines.append(f"{_where(diag.location, filename)}: error: {diag.message}")
        lines += [
            f"{_where(note.location, filename)}: note: {note.message}"
            for note in diag.notes
        ]
    return "\n".join(lines)


def _check_registered(
    upstream: _Upstream, module: Any, allowed: frozenset[str] = frozenset()
) -> None:
    """Every op is upstream's or in dfc's IRDL, except the upstream form's own
    unregistered ops and those `allowed` (unregistered in dfc already)."""
    unknown: list[str] = []

    def visit(op: Any) -> Any:
        name = op.name
        if (
            name != BLOCK_END
            and not name.startswith(UNCHECKED_PREFIX)
            and name not in allowed
            and not upstream.context.is_registered_operation(name)
        ):
            unknown.append(f"{op.location}: {name}")
        return upstream.ir.WalkResult.ADVANCE

    module.operation.walk(visit)
    if unknown:
        raise UpstreamError(
            "ops unknown to upstream MLIR (neither upstream nor in dfc's IRDL): "
            + ", ".join(unknown)
        )


def parse_upstream(text: str, allowed: frozenset[str] = frozenset()) -> Any:
    """Parse and verify upstream-form text in the upstream context; the
    upstream `Module` (its context stays alive: it is cached). `allowed`:
    names of ops that may stay unregistered."""
    upstream = _upstream()
    with upstream.context:
        try:
            module = upstream.ir.Module.parse(text)
        except upstream.ir.MLIRError as error:
            raise UpstreamError(_diagnostics_text(error)) from None
        _check_registered(upstream, module, allowed)
        try:
            module.operation.verify()
        except upstream.ir.MLIRError as error:
            raise UpstreamError(_diagnostics_text(error)) from None
    return module


def upstream_module(module: ModuleOp) -> Any:
    """`module` parsed and verified by upstream MLIR (raises UpstreamError)."""
    from dfc.dialects import make_context

    return parse_upstream(
        to_upstream(make_context(), module), _unregistered_names(module)
    )


def _unregistered_names(module: ModuleOp) -> frozenset[str]:
    """Ops dfc itself read as unregistered (`--allow-unregistered-dialect`):
    upstream may see them unregistered too."""
    return frozenset(
        op.op_name.data for op in module.walk() if isinstance(op, UnregisteredOp)
    )


def print_upstream(upstream_mod: Any) -> str:
    """Upstream's generic-form text of an upstream module."""
    with _upstream().context:
        return upstream_mod.operation.get_asm(
            print_generic_op_form=True, assume_verified=True
        )


@dataclass
class RoundTrip:
    """What one round trip produced, and how long its steps took."""

    module: ModuleOp
    """The IR read back by dfc (equal to the input)."""
    sent: str
    """The upstream-form text given to upstream MLIR."""
    received: str
    """Upstream's printed output."""
    seconds: dict[str, float]
    unchecked: list[str]
    """dfc ops sent unverified (mixed-type variadic groups, which IRDL
    cannot describe)."""


def roundtrip(module: ModuleOp) -> RoundTrip:
    """Send `module` through upstream MLIR and back; check nothing changed."""
    from dfc.dialects import make_context

    times: dict[str, float] = {}
    clock = time.perf_counter()
    ctx = make_context()
    unchecked: list[str] = []
    sent = to_upstream(ctx, module, unchecked)
    times["print"] = time.perf_counter() - clock
    clock = time.perf_counter()
    upstream_mod = parse_upstream(sent, _unregistered_names(module))
    received = print_upstream(upstream_mod)
    times["upstream"] = time.perf_counter() - clock
    clock = time.perf_counter()
    back = from_upstream(received, allowed=_unregistered_names(module))
    times["parse"] = time.perf_counter() - clock
    # Compared as text: xDSL's structural equivalence does not follow a use
    # before its definition (su.section feedback streams).
    before = _generic_text(_normalized(module)).splitlines()
    after = _generic_text(_normalized(back)).splitlines()
    if before != after:
        diff = "\n".join(
            list(difflib.unified_diff(before, after, "dfc", "upstream", lineterm=""))[
                :40
            ]
        )
        raise RoundTripMismatch(
            "the IR read back from upstream MLIR differs from the input:\n" + diff
        )
    return RoundTrip(back, sent, received, times, unchecked)


def _normalized(module: ModuleOp) -> ModuleOp:
    """A copy of `module` in the form upstream MLIR gives any IR back in:
    attribute dictionaries sorted by name (MLIR's DictionaryAttr) and affine
    maps in MLIR's canonical form (`(s0 * 4) + d1` is `d1 + s0 * 4`). Neither
    changes what the IR means."""
    copy = module.clone()
    for op in copy.walk():
        # Value names are not IR: number every value the same way.
        for value in op.results:
            value.name_hint = None
        for region in op.regions:
            for block in region.blocks:
                for arg in block.args:
                    arg.name_hint = None
        for table in (op.attributes, op.properties):
            items = sorted((k, _canonical_maps(v)) for k, v in table.items())
            table.clear()
            table.update(items)
    return copy


def _canonical_maps(attr: Attribute) -> Attribute:
    if isinstance(attr, AffineMapAttr):
        return _canonical_map(attr)
    if isinstance(attr, ArrayAttr):
        return ArrayAttr([_canonical_maps(a) for a in attr.data])
    if isinstance(attr, DictionaryAttr):
        return DictionaryAttr({k: _canonical_maps(v) for k, v in attr.data.items()})
    if isinstance(attr, ParametrizedAttribute) and not isinstance(attr, TypeAttribute):
        params = [_canonical_maps(p) for p in attr.parameters]
        if params != list(attr.parameters):
            return type(attr).new(params)
    return attr


@functools.cache
def _canonical_map(attr: AffineMapAttr) -> AffineMapAttr:
    from xdsl.parser import Parser

    from dfc.dialects import make_context

    upstream = _upstream()
    with upstream.context:
        text = str(upstream.ir.Attribute.parse(str(attr)))
    parsed = Parser(make_context(), text).parse_attribute()
    assert isinstance(parsed, AffineMapAttr), text
    return parsed


def _generic_text(module: ModuleOp) -> str:
    stream = io.StringIO()
    Printer(stream=stream, print_generic_format=True).print_op(module)
    return stream.getvalue()


def run_upstream_passes(module: ModuleOp, pipeline: str) -> ModuleOp:
    """Run the upstream pass pipeline `pipeline` (e.g. `canonicalize,cse`, or a
    full `builtin.module(...)`) on `module`; the result as dfc IR.

    Costs a text round trip each way (see docs/mlir-interop.md for numbers);
    upstream passes know nothing of dfg/su semantics (the IRDL ops have no
    side-effect information, so upstream treats them as having effects)."""
    from mlir.passmanager import PassManager

    upstream = _upstream()
    upstream_mod = upstream_module(module)
    text = (
        pipeline
        if pipeline.startswith("builtin.module(")
        else f"builtin.module({pipeline})"
    )
    with upstream.context:
        try:
            PassManager.parse(text).run(upstream_mod.operation)
        except upstream.ir.MLIRError as error:
            raise UpstreamError(_diagnostics_text(error)) from None
        except ValueError as error:  # unknown pass names
            raise UpstreamError(str(error)) from None
    return from_upstream(print_upstream(upstream_mod))
