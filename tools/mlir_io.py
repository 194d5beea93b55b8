"""Reading and writing dfc IR text, and pass pipelines, for the tools and the API.

- `parse_chunk` parses one module (recording op positions for diagnostics,
  adopting its `dense_resource` blobs) and verifies it;
- `print_module` prints a module with its blobs;
- `parse_pipeline` reads `builtin.module(a{opt=v},b)` or `a,b`;
- `write_output_atomically` never leaves a half-written file.
"""

from __future__ import annotations

import difflib
import io
import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass, get_pass_option_infos
from xdsl.printer import Printer
from xdsl.utils.arg_spec import ArgSpecParseError
from xdsl.utils.arg_spec import parse_pipeline as parse_specs
from xdsl.utils.exceptions import ParseError

from dfc.dialects import resource_interface
from dfc.dialects.diagnostics import (
    Diagnostic,
    LocatingParser,
    parse_error_diagnostic,
    verify_module,
)
from dfc.dialects.resources import adopt_parsed_resources


@dataclass(frozen=True)
class SourceChunk:
    """A piece of an input file; `line_offset` lines precede it."""

    text: str
    filename: str
    line_offset: int


_SPLIT_MARKER = re.compile(r"^// -----\s*$", re.M)


def split_input(text: str, filename: str) -> list[SourceChunk]:
    chunks: list[SourceChunk] = []
    start, line = 0, 0
    for match in _SPLIT_MARKER.finditer(text):
        piece = text[start : match.start()]
        chunks.append(SourceChunk(piece, filename, line))
        line += piece.count("\n") + 1
        start = match.end() + 1
    chunks.append(SourceChunk(text[start:], filename, line))
    return chunks


def parse_chunk(
    ctx: Context, chunk: SourceChunk, verify: bool = True
) -> tuple[ModuleOp | None, list[Diagnostic]]:
    """Parse and verify one module; diagnostics instead of exceptions."""
    parser = LocatingParser(ctx, chunk.text, chunk.filename, chunk.line_offset)
    try:
        module = parser.parse_module()
    except ParseError as error:
        resource_interface(ctx).take_parsed()
        return None, [parse_error_diagnostic(error, chunk.filename, chunk.line_offset)]
    adopt_parsed_resources(module, resource_interface(ctx))
    return module, verify_module(module) if verify else []


def print_module(
    ctx: Context,
    module: ModuleOp,
    generic: bool = False,
    debuginfo: bool = False,
) -> str:
    stream = io.StringIO()
    printer = Printer(
        stream=stream, print_generic_format=generic, print_debuginfo=debuginfo
    )
    printer.print_op(module)
    printer.print_metadata(ctx.loaded_dialects)
    stream.write("\n")
    return stream.getvalue()


def write_output_atomically(path: str, text: str) -> None:
    """Write `text` to `path` (or stdout for '-') through a temporary file, so a
    failure never leaves a partial output behind."""
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".dfc-", suffix=".tmp")
    except OSError as error:
        # Report the file asked for, not the temporary name.
        raise OSError(error.errno, error.strerror, path) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class PipelineError(Exception):
    """A pass pipeline that names an unknown pass or a bad option."""


@dataclass
class Pipeline:
    passes: tuple[ModulePass, ...]

    def run(
        self,
        ctx: Context,
        module: ModuleOp,
        after_pass: Callable[[str, ModuleOp], None] | None = None,
    ) -> None:
        for p in self.passes:
            p.apply(ctx, module)
            if after_pass is not None:
                after_pass(p.name, module)


_NESTED = re.compile(r"^\s*([\w.]+)\s*\((.*)\)\s*$", re.S)


def parse_pipeline(text: str) -> Pipeline:
    from dfc.passes import PASSES

    text = text.strip()
    while (match := _NESTED.match(text)) and match.group(1) in (
        "builtin.module",
        "any",
    ):
        text = match.group(2).strip()
    if not text:
        return Pipeline(())
    try:
        specs = list(parse_specs(text))
    except ArgSpecParseError as error:
        raise PipelineError(f"malformed pass pipeline '{text}': {error}") from None
    passes: list[ModulePass] = []
    for spec in specs:
        if spec.name not in PASSES:
            if spec.name in ("func.func", "builtin.module"):
                raise PipelineError(
                    f"nested pipelines on '{spec.name}' are not supported: dfc "
                    "passes run on the whole module"
                )
            hint = difflib.get_close_matches(spec.name, list(PASSES), n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
            raise PipelineError(
                f"'{spec.name}' does not refer to a registered pass{suggestion}"
            )
        cls = PASSES[spec.name]()
        known = {info.name: info for info in get_pass_option_infos(cls)}
        for option in spec.parameters:
            if option.replace("-", "_") not in known and option not in known:
                takes = ", ".join(sorted(known)) or "no options"
                raise PipelineError(
                    f"pass '{spec.name}' has no option '{option}' (it takes: {takes})"
                )
        try:
            passes.append(cls.from_pass_spec(spec))
        except Exception as error:  # xDSL raises several types for bad values
            raise PipelineError(
                f"bad option value for pass '{spec.name}': {error}"
            ) from None
    return Pipeline(tuple(passes))
