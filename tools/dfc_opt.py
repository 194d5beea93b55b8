"""`dfc-opt`: parse MLIR, run a pass pipeline, print MLIR — like `mlir-opt`.

dfc-opt model.mlir -p 'builtin.module(canonicalize,cse)' -o out.mlir
dfc-opt verify.mlir --split-input-file --verify-diagnostics
"""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass

import click

from dfc.dialects import make_context
from dfc.dialects.diagnostics import DfcDiagnosticError, Diagnostic

from .mlir_io import (
    PipelineError,
    SourceChunk,
    parse_chunk,
    parse_pipeline,
    print_module,
    split_input,
    write_output_atomically,
)


@dataclass
class Expectation:
    """An `// expected-error@+1 {{text}}` annotation."""

    severity: str
    line: int
    text: str
    source_line: int
    matched: bool = False


_EXPECTATION = re.compile(
    r"expected-(error|warning|note|remark)"
    r"(?:\s*@(above|below|[+-]\d+))?\s*\{\{(.*?)\}\}"
)


def collect_expectations(chunk: SourceChunk) -> list[Expectation]:
    expectations: list[Expectation] = []
    for index, line in enumerate(chunk.text.split("\n")):
        for match in _EXPECTATION.finditer(line):
            line_number = chunk.line_offset + index + 1
            severity, where, text = match.groups()
            target = line_number
            if where == "above":
                target -= 1
            elif where == "below":
                target += 1
            elif where:
                target += int(where)
            expectations.append(Expectation(severity, target, text, line_number))
    return expectations


def check_expectations(
    filename: str, diagnostics: list[Diagnostic], expectations: list[Expectation]
) -> list[str]:
    """MLIR's -verify-diagnostics: every diagnostic must be expected on its
    line (substring match) and every expectation must be produced."""
    failures: list[str] = []
    for diag in diagnostics:
        line = diag.position.line if diag.position else None
        for expected in expectations:
            if (
                not expected.matched
                and expected.severity == diag.severity
                and expected.line == line
                and expected.text in diag.message
            ):
                expected.matched = True
                break
        else:
            where = str(diag.position) if diag.position else filename
            failures.append(
                f"{where}: error: unexpected {diag.severity}: {diag.message}"
            )
    for expected in expectations:
        if not expected.matched:
            failures.append(
                f"{filename}:{expected.source_line}:1: error: expected "
                f'{expected.severity} "{expected.text}" was not produced'
            )
    return failures


PASS_SUMMARIES = {
    "cse": "Eliminate common subexpressions (pure ops with equal operands).",
}
"""One-line summaries for passes that xDSL provides without a docstring."""


def list_passes() -> str:
    from xdsl.passes import get_pass_option_infos

    from dfc.passes import PASSES

    lines = ["Available passes:"]
    for name in sorted(PASSES):
        cls = PASSES[name]()
        summary = (cls.__doc__ or "").strip().split("\n", 1)[0] or PASS_SUMMARIES.get(
            name, ""
        )
        lines.append(f"  {name}: {summary}")
        for option in get_pass_option_infos(cls):
            default = (
                f" (default: {option.default_value})"
                if option.default_value is not None
                else ""
            )
            lines.append(
                f"      {option.name.replace('_', '-')}: {option.expected_type}{default}"
            )
    return "\n".join(lines) + "\n"


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("input_file", default="-", metavar="[FILE|-]")
@click.option(
    "-p",
    "--pass-pipeline",
    "pipeline",
    default="",
    help="Passes to run, as 'builtin.module(a{opt=v},b)' or 'a,b'.",
)
@click.option(
    "-o", "--output", "output", default="-", help="Output file ('-' = stdout)."
)
@click.option(
    "--split-input-file",
    is_flag=True,
    help="Process each '// -----' separated chunk as its own module.",
)
@click.option(
    "--verify-diagnostics",
    is_flag=True,
    help="Check emitted diagnostics against expected-error annotations.",
)
@click.option(
    "--print-ir-after-all", is_flag=True, help="Print the IR to stderr after each pass."
)
@click.option("--print-op-generic", is_flag=True, help="Print ops in generic form.")
@click.option(
    "--mlir-print-debuginfo", is_flag=True, help="Print op locations as loc(...)."
)
@click.option(
    "--list-passes", "show_passes", is_flag=True, help="List passes and exit."
)
@click.option(
    "--allow-unregistered-dialect", is_flag=True, help="Accept ops of unknown dialects."
)
@click.option(
    "--emit-irdl",
    is_flag=True,
    help="Write dfc's dialects as IRDL (for mlir-opt --irdl-file) and exit.",
)
@click.option(
    "--check-upstream-roundtrip",
    is_flag=True,
    help="Also send every output module through upstream MLIR (the MLIR Python "
    "bindings) and back; fail if upstream rejects it or it comes back changed.",
)
@click.option(
    "--debug", is_flag=True, help="Show Python tracebacks on internal errors."
)
def main(
    input_file: str,
    pipeline: str,
    output: str,
    split_input_file: bool,
    verify_diagnostics: bool,
    print_ir_after_all: bool,
    print_op_generic: bool,
    mlir_print_debuginfo: bool,
    show_passes: bool,
    allow_unregistered_dialect: bool,
    emit_irdl: bool,
    check_upstream_roundtrip: bool,
    debug: bool,
) -> None:
    """Parse MLIR, run a dfc pass pipeline, and print the result."""
    try:
        if show_passes:
            click.echo(list_passes(), nl=False)
            return
        if emit_irdl:
            from dfc.interop.irdl import export_irdl

            write_output_atomically(output, export_irdl())
            return
        code = run(
            input_file,
            pipeline,
            output,
            split_input_file=split_input_file,
            verify_diagnostics=verify_diagnostics,
            print_ir_after_all=print_ir_after_all,
            print_op_generic=print_op_generic,
            print_debuginfo=mlir_print_debuginfo,
            allow_unregistered=allow_unregistered_dialect,
            upstream_roundtrip=check_upstream_roundtrip,
        )
    except PipelineError as error:
        click.echo(f"<pass-pipeline>: error: {error}", err=True)
        code = 1
    except InputError as error:
        click.echo(f"dfc-opt: error: {error}", err=True)
        code = 1
    except OSError as error:
        click.echo(f"dfc-opt: error: {error.strerror}: {error.filename}", err=True)
        code = 1
    except Exception as error:  # internal error: no traceback unless --debug
        if debug:
            raise
        click.echo(
            f"dfc-opt: internal error: {type(error).__name__}: {error}\n"
            "(rerun with --debug for a traceback)",
            err=True,
        )
        code = 2
    sys.exit(code)


def check_upstream(module: object) -> str | None:
    """None if `module` survives the upstream MLIR round trip
    (`dfc.interop.mlir.roundtrip`), else why not."""
    from dfc.interop.mlir import (
        MlirUnavailableError,
        RoundTripMismatch,
        UpstreamError,
        roundtrip,
    )
    from dfc.interop.wire import UpstreamFormError

    try:
        roundtrip(module)  # type: ignore[arg-type]
    except MlirUnavailableError as error:
        return f"--check-upstream-roundtrip: {error}"
    except (UpstreamError, RoundTripMismatch, UpstreamFormError) as error:
        return f"upstream MLIR round trip failed: {error}"
    return None


class InputError(Exception):
    """The input cannot be read as MLIR text (e.g. it is not UTF-8)."""


def read_input(input_file: str) -> tuple[str, str]:
    """The text of `input_file` ('-' = stdin, read as UTF-8 whatever the
    locale) and the name diagnostics use for it."""
    if input_file == "-":
        raw, filename = sys.stdin.buffer.read(), "<stdin>"
    else:
        with open(input_file, "rb") as f:
            raw, filename = f.read(), input_file
    try:
        return raw.decode("utf-8"), filename
    except UnicodeDecodeError as error:
        raise InputError(
            f"{filename} is not UTF-8 text (byte 0x{raw[error.start]:02x} at "
            f"offset {error.start})"
        ) from None


def run(
    input_file: str,
    pipeline_text: str,
    output: str,
    *,
    split_input_file: bool,
    verify_diagnostics: bool,
    print_ir_after_all: bool,
    print_op_generic: bool,
    print_debuginfo: bool,
    allow_unregistered: bool,
    upstream_roundtrip: bool = False,
) -> int:
    pipeline = parse_pipeline(pipeline_text)
    text, filename = read_input(input_file)
    chunks = (
        split_input(text, filename)
        if split_input_file
        else [SourceChunk(text, filename, 0)]
    )

    out = io.StringIO()
    failures: list[str] = []
    had_error = False
    for index, chunk in enumerate(chunks):
        if index:
            out.write("// -----\n")
        ctx = make_context(allow_unregistered)
        module, diagnostics = parse_chunk(ctx, chunk)
        if module is not None and not diagnostics:
            try:

                def after_pass(name: str, module_now: object, ctx=ctx) -> None:
                    if print_ir_after_all:
                        sys.stderr.write(
                            f"// -----// IR Dump After {name} //----- //\n"
                        )
                        sys.stderr.write(
                            print_module(ctx, module_now, print_op_generic)  # type: ignore[arg-type]
                        )

                pipeline.run(ctx, module, after_pass)
            except DfcDiagnosticError as error:
                diagnostics = [error.diagnostic()]
        if verify_diagnostics:
            failures += check_expectations(
                filename, diagnostics, collect_expectations(chunk)
            )
        elif diagnostics:
            had_error = True
            for diag in diagnostics:
                sys.stderr.write(diag.format() + "\n")
            continue
        if module is not None and not diagnostics:
            if upstream_roundtrip:
                problem = check_upstream(module)
                if problem is not None:
                    sys.stderr.write(f"{chunk.filename}: error: {problem}\n")
                    had_error = True
                    continue
            out.write(print_module(ctx, module, print_op_generic, print_debuginfo))
    for failure in failures:
        sys.stderr.write(failure + "\n")
    if had_error or failures:
        return 1
    write_output_atomically(output, out.getvalue())
    return 0


if __name__ == "__main__":
    main()
