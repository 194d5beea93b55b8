"""MLIR-style diagnostics for dfc IR: `file:line:col: error: message`.

Parsing with `parse_module_text` records where every op starts in its source
file; verification and passes report errors on an op, and `format_diagnostic`
turns that op back into a file position (or the op's own `loc(...)` when the
IR was built in memory, e.g. an ONNX node name).
"""

from __future__ import annotations

import bisect
import re
import weakref
from dataclasses import dataclass
from typing import Literal

from xdsl.context import Context
from xdsl.dialects.builtin import (
    FileLineColLoc,
    ModuleOp,
    NameLoc,
    UnknownLoc,
)
from xdsl.ir import Operation
from xdsl.parser import Parser
from xdsl.utils.exceptions import DiagnosticException, ParseError
from xdsl.utils.lexer import Input

Severity = Literal["error", "warning", "note", "remark"]


@dataclass(frozen=True)
class SourcePosition:
    """A 1-based line and column in a named file."""

    filename: str
    line: int
    column: int
    line_text: str = ""

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}:{self.column}"


_POSITIONS: weakref.WeakKeyDictionary[Operation, SourcePosition] = (
    weakref.WeakKeyDictionary()
)
"""Where each parsed op started (kept only while the op lives)."""


@dataclass
class Diagnostic:
    """One message about the IR, with the position it points at."""

    severity: Severity
    message: str
    position: SourcePosition | None
    location_text: str | None = None

    def format(self) -> str:
        if self.position is not None:
            head = f"{self.position}: {self.severity}: {self.message}"
            if self.position.line_text:
                caret = " " * (self.position.column - 1) + "^"
                return f"{head}\n{self.position.line_text}\n{caret}"
            return head
        where = self.location_text or "<unknown>"
        return f"{where}: {self.severity}: {self.message}"


class DfcDiagnosticError(DiagnosticException):
    """An error about a specific op; passes raise it, tools print it located."""

    def __init__(self, op: Operation | None, message: str) -> None:
        super().__init__(message)
        self.op = op
        self.message = message

    def diagnostic(self) -> Diagnostic:
        return diagnostic_for(self.op, self.message)


def position_of(op: Operation) -> SourcePosition | None:
    current: Operation | None = op
    while current is not None:
        if current in _POSITIONS:
            return _POSITIONS[current]
        # Ops created by a pass point at the op they replaced through loc().
        break
    return _location_position(op)


def _location_position(op: Operation) -> SourcePosition | None:
    loc = getattr(op, "location", None)
    if isinstance(loc, FileLineColLoc):
        return SourcePosition(loc.filename.data, loc.line.data, loc.column.data)
    return None


def _location_text(op: Operation) -> str | None:
    loc = getattr(op, "location", None)
    if isinstance(loc, NameLoc):
        return f'loc("{loc.desc.data}")'
    if loc is None or isinstance(loc, UnknownLoc):
        return None
    return str(loc)


def diagnostic_for(
    op: Operation | None, message: str, severity: Severity = "error"
) -> Diagnostic:
    if op is None:
        return Diagnostic(severity, message, None)
    position = position_of(op)
    text = None if position is not None else _location_text(op)
    if position is None and text is None:
        text = f"'{op.name}'"
    return Diagnostic(severity, message, position, text)


class LocatingParser(Parser):
    """An xDSL parser that remembers where each op starts."""

    def __init__(self, ctx: Context, text: str, name: str, line_offset: int = 0):
        super().__init__(ctx, text, name)
        self._name = name
        self._text = text
        self._line_offset = line_offset
        self._newlines: list[int] | None = None

    def parse_operation(self) -> Operation:
        start = self._current_token.span.start
        op = super().parse_operation()
        _POSITIONS[op] = self.position_at(start)
        return op

    def position_at(self, offset: int) -> SourcePosition:
        line_start = self._text.rfind("\n", 0, offset) + 1
        line_end = self._text.find("\n", offset)
        if line_end == -1:
            line_end = len(self._text)
        if self._newlines is None:
            # Counting newlines from the start for every op is quadratic in the
            # file: a whole model's IR is hundreds of MB. One index, then bisect.
            self._newlines = [m.start() for m in re.finditer("\n", self._text)]
        line = bisect.bisect_left(self._newlines, offset) + 1 + self._line_offset
        return SourcePosition(
            self._name,
            line,
            offset - line_start + 1,
            self._text[line_start:line_end],
        )


def parse_error_diagnostic(
    error: ParseError, name: str, line_offset: int = 0
) -> Diagnostic:
    """Turn xDSL's ParseError (span + message) into a located diagnostic."""
    span = error.span
    source: Input = span.input  # pyright: ignore[reportUnknownMemberType]
    text = (
        source.content if isinstance(source.content, str) else source.content.decode()
    )
    offset = span.start
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    if line_end == -1:
        line_end = len(text)
    line = text.count("\n", 0, offset) + 1 + line_offset
    position = SourcePosition(
        name, line, offset - line_start + 1, text[line_start:line_end]
    )
    return Diagnostic("error", error.msg, position)


def verify_module(module: ModuleOp) -> list[Diagnostic]:
    """Verify every op, collecting one diagnostic per failing op (as mlir-opt
    does), instead of stopping at the first like `Operation.verify`."""
    diagnostics: list[Diagnostic] = []
    for op in module.walk():
        try:
            # The op's own rules first: their messages come out unwrapped.
            op.verify_()
            # Then the structural rules (terminators, successors).
            op.verify(verify_nested_ops=False)
        except DiagnosticException as error:
            diagnostics.append(diagnostic_for(op, _strip_prefix(str(error))))
    return diagnostics


def _strip_prefix(message: str) -> str:
    # xDSL wraps custom verifier errors as "Operation does not verify: <msg>"
    # followed by the printed op; keep the user-facing first part.
    message = message.strip()
    prefix = "Operation does not verify: "
    if message.startswith(prefix):
        message = message[len(prefix) :]
    return message.split("\n\n", 1)[0].strip()
