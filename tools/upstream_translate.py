"""The upstream-MLIR modes of `dfc-translate` (see `dfc.interop`).

- `--import-mlir`: linalg-on-tensors / TOSA text -> dfg (needs the MLIR
  Python bindings; every unsupported op is listed, with its location).
- `--mlir-to-upstream`: dfc text -> the upstream form (`dfc.interop.wire`),
  which `mlir-opt --irdl-file=<dfc-opt --emit-irdl> --allow-unregistered-dialect`
  reads.
- `--upstream-to-mlir`: upstream MLIR's output of such a file -> dfc text.
"""

from __future__ import annotations

import sys

import click

from .mlir_io import SourceChunk, parse_chunk, print_module, write_output_atomically


def _read(input_file: str) -> tuple[str, str]:
    if input_file == "-":
        return sys.stdin.buffer.read().decode("utf-8"), "<stdin>"
    with open(input_file, encoding="utf-8") as f:
        return f.read(), input_file


def translate(mode: str, input_file: str, output: str, debuginfo: bool) -> int:
    from xdsl.utils.exceptions import ParseError, VerifyException

    from dfc.dialects import make_context
    from dfc.dialects.diagnostics import parse_error_diagnostic, verify_module
    from dfc.interop.importer import MlirImportError, import_mlir
    from dfc.interop.mlir import MlirUnavailableError, UpstreamError
    from dfc.interop.wire import UpstreamFormError, from_upstream, to_upstream

    text, name = _read(input_file)
    ctx = make_context()
    try:
        if mode == "import":
            module = import_mlir(text, name)
        elif mode == "from-upstream":
            module = from_upstream(text, name)
            diagnostics = verify_module(module)
            if diagnostics:
                for diagnostic in diagnostics:
                    click.echo(diagnostic.format(), err=True)
                return 1
        else:
            module, diagnostics = parse_chunk(ctx, SourceChunk(text, name, 0))
            if module is None or diagnostics:
                for diagnostic in diagnostics:
                    click.echo(diagnostic.format(), err=True)
                return 1
            write_output_atomically(output, to_upstream(ctx, module))
            return 0
    except (MlirImportError, UpstreamError, MlirUnavailableError) as error:
        click.echo(
            f"dfc-translate: {error}"
            if not str(error).startswith(name)
            else str(error),
            err=True,
        )
        return 1
    except ParseError as error:
        click.echo(parse_error_diagnostic(error, name, 0).format(), err=True)
        return 1
    except (UpstreamFormError, VerifyException) as error:
        click.echo(f"dfc-translate: error: {name}: {error}", err=True)
        return 1
    write_output_atomically(output, print_module(ctx, module, debuginfo=debuginfo))
    return 0
