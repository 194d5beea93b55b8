"""`su-emit-bitstream{output=PATH}`: write a placed and routed `su` program as a
`.dfcb` bitstream.

The last step of `dfc-compile`'s pipeline. Before writing anything it checks
that the module is a complete program for the chip it names:

1. it names a chip (`su.chip`) that loads and whose fingerprint matches
   (`su.chip_fingerprint`), and verifies against it (every op verifier,
   including the chip limits, tile types, route continuity and link capacity of
   `dialects/su/chip_checks.py`);
2. every unit is placed (`at`) and every input port is routed (`routes`): a
   bitstream configures real tiles and switches, so a virtual unit or a missing
   route is an error at that unit, naming the pass that should have run. With
   `allow-virtual=true` (the library's `allow_virtual=True`) unplaced or
   unrouted programs are emitted anyway: the simulator's functional model does
   not need coordinates, which is useful to test a lowering on its own (see
   docs/compiling.md);
3. the format can hold it (`su_codec.module_to_program`).

The IR is left unchanged; the file is written through a temporary file and
renamed, so a failure never leaves a partial `.dfcb`. Encoding is
deterministic: the same module gives byte-identical files.

```mlir
// dfc-opt prog.mlir -p 'su-emit-bitstream{output=prog.dfcb}'
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {at = array<i64: 2, 0>, ...} : () -> !su.stream<vector, f32>
    ...
  }
}
// -> prog.dfcb (`dfc-objdump prog.dfcb` lists it); the IR is printed unchanged
```

The library entry point is `emit_bitstream(module) -> bytes`.
"""

# No `from __future__ import annotations`: xDSL reads option types from fields.
import os
import tempfile
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import builtin
from xdsl.passes import ModulePass
from xdsl.utils.exceptions import DiagnosticException

from dfc.backends.bitstream import ProgramError, encode
from dfc.backends.bitstream.su_codec import SuCodecError, module_to_program
from dfc.dialects.diagnostics import DfcDiagnosticError
from dfc.dialects.su import SectionOp, UnitOp, memories, sections
from dfc.dialects.su.chip_checks import CHIP_ATTR, module_chip


def _verify_message(message: str) -> str:
    # xDSL wraps verifier messages as "Operation does not verify: <msg>\n\n<op>";
    # keep the user-facing first part, as dfc-opt does.
    message = message.strip()
    prefix = "Operation does not verify: "
    if message.startswith(prefix):
        message = message[len(prefix) :]
    return message.split("\n\n", 1)[0].strip()


def _outputs_known(module: builtin.ModuleOp) -> bool:
    """Whether the module has output memories and each is empty or has an
    initial image (then a program with no section computes them)."""
    outputs = [m for m in memories(module) if m.role.data == "output"]
    return bool(outputs) and all(m.init is not None or m.num_bytes == 0 for m in outputs)


def check_emittable(module: builtin.ModuleOp, *, allow_virtual: bool = False) -> None:
    """Raise `DfcDiagnosticError` at the first op that keeps `module` from being
    a bitstream: no chip, an op that does not verify against it, a unit that is
    not placed or an input port that is not routed (unless `allow_virtual`)."""
    if CHIP_ATTR not in module.attributes:
        raise DfcDiagnosticError(
            module,
            f'cannot emit a bitstream: the module names no chip (`{CHIP_ATTR} = "..."`); '
            "is it an su program (run convert-dfg-to-su first)?",
        )
    chip, problem = module_chip(module)
    if chip is None:
        raise DfcDiagnosticError(module, f"cannot emit a bitstream: {problem}")
    if not sections(module) and not _outputs_known(module):
        # A program without sections is a real one only when every output is
        # known without running anything (empty, or an initial image such as
        # the identity of a reduction over an empty axis).
        raise DfcDiagnosticError(
            module, "cannot emit a bitstream: the module has no su.section"
        )
    for op in module.walk():
        try:
            op.verify_()
            op.verify(verify_nested_ops=False)
        except DiagnosticException as error:
            raise DfcDiagnosticError(op, _verify_message(str(error))) from None
    if allow_virtual:
        return
    for section in sections(module):
        for unit in section.units():
            _check_placed(section, unit)


def _check_placed(section: SectionOp, unit: UnitOp) -> None:
    where = f"{unit.label} in section @{section.symbol}"
    if unit.coordinate() is None:
        raise DfcDiagnosticError(
            unit,
            f"cannot emit a bitstream: {where} is not placed (no `at`); run "
            "su-place first, or emit a virtual program with allow-virtual=true",
        )
    routes = unit.input_routes()
    for port, value in enumerate(unit.inputs):
        if port >= len(routes) or not routes[port]:
            producer = value.owner
            source = producer.label if isinstance(producer, UnitOp) else "its producer"
            raise DfcDiagnosticError(
                unit,
                f"cannot emit a bitstream: input port {port} of {where} (from "
                f"{source}) is not routed; run su-route first, or emit a virtual "
                "program with allow-virtual=true",
            )


def emit_bitstream(module: builtin.ModuleOp, *, allow_virtual: bool = False) -> bytes:
    """The `.dfcb` bytes of a placed and routed `su` module (deterministic).

    Raises `DfcDiagnosticError` naming the op when the module is not a complete
    program for its chip (see `check_emittable`) or the format cannot hold it.
    """
    check_emittable(module, allow_virtual=allow_virtual)
    try:
        # Already verified above, op by op with located messages.
        return encode(module_to_program(module, verify=False))
    except (SuCodecError, ProgramError) as error:
        raise DfcDiagnosticError(module, f"cannot emit a bitstream: {error}") from None


def write_bytes_atomically(path: str, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and
    rename it, so a failed run never leaves a partial or emptied file."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".dfc-", suffix=".tmp")
    except OSError as error:
        raise OSError(error.errno, error.strerror, path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@dataclass(frozen=True)
class SuEmitBitstreamPass(ModulePass):
    """Check that the su program is complete for its chip and write it as a
    `.dfcb` bitstream to `output`; the IR is unchanged."""

    name = "su-emit-bitstream"

    output: str = ""
    """Path of the `.dfcb` file to write (required)."""
    allow_virtual: bool = False
    """Also emit programs with unplaced units or unrouted ports (simulator only)."""

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        if not self.output:
            raise DfcDiagnosticError(
                op, "su-emit-bitstream needs a file to write: output=PATH"
            )
        data = emit_bitstream(op, allow_virtual=self.allow_virtual)
        try:
            write_bytes_atomically(self.output, data)
        except OSError as error:
            raise DfcDiagnosticError(
                op, f"cannot write '{self.output}': {error.strerror}"
            ) from None
