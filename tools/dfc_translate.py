"""`dfc-translate`: convert between dfc's IR and other formats.

    dfc-translate --import-onnx model.onnx -o model.mlir [--input-shape x=1x3x224x224]
"""

from __future__ import annotations

import sys

import click

from .mlir_io import write_output_atomically


def parse_input_shapes(specs: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    for spec in specs:
        name, sep, dims = spec.rpartition("=")
        try:
            if not sep or not name:
                raise ValueError
            shapes[name] = tuple(int(d) for d in dims.lower().split("x"))
            if any(d <= 0 for d in shapes[name]):
                raise ValueError
        except ValueError:
            raise click.BadParameter(
                f"'{spec}' is not NAME=DIMS with positive dims, e.g. x=1x3x224x224",
                param_hint="--input-shape",
            ) from None
    return shapes


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("input_file", metavar="FILE")
@click.option("--import-onnx", is_flag=True, help="Import an ONNX model into dfg IR.")
@click.option("-o", "--output", default="-", help="Output file ('-' = stdout).")
@click.option(
    "--input-shape",
    "input_shapes",
    multiple=True,
    metavar="NAME=DIMS",
    help="Pin an input's shape, e.g. x=1x3x224x224 (repeatable).",
)
@click.option("--mlir-print-debuginfo", is_flag=True, help="Print op locations.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks on internal errors.")
def main(
    input_file: str,
    import_onnx: bool,
    output: str,
    input_shapes: tuple[str, ...],
    mlir_print_debuginfo: bool,
    debug: bool,
) -> None:
    """Translate FILE into dfc IR (or back)."""
    if not import_onnx:
        raise click.UsageError("choose a translation, e.g. --import-onnx")
    shapes = parse_input_shapes(input_shapes)
    try:
        from dfc.dialects import make_context
        from dfc.frontends.onnx import OnnxImportError
        from dfc.frontends.onnx import import_onnx as run_import

        from .mlir_io import print_module

        try:
            module = run_import(input_file, input_shapes=shapes)
        except OnnxImportError as error:
            click.echo(str(error), err=True)
            sys.exit(1)
        text = print_module(make_context(), module, debuginfo=mlir_print_debuginfo)
        write_output_atomically(output, text)
    except OSError as error:
        click.echo(f"dfc-translate: error: {error.strerror}: {error.filename}", err=True)
        sys.exit(1)
    except Exception as error:
        if debug:
            raise
        click.echo(
            f"dfc-translate: internal error: {type(error).__name__}: {error}\n"
            "(rerun with --debug for a traceback)",
            err=True,
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
