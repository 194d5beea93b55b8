"""`dfc-translate`: convert between dfc's IR and other formats.

    dfc-translate --import-onnx model.onnx -o model.mlir [--input-shape x=1x3x224x224]
    dfc-translate --mlir-to-bitstream program.mlir -o program.dfcb
    dfc-translate --bitstream-to-mlir program.dfcb [-o program.mlir] [--chip sn40l]
    dfc-translate --import-mlir model.linalg.mlir -o model.mlir
    dfc-translate --mlir-to-upstream program.mlir | mlir-opt --irdl-file=dfc.irdl.mlir \
        --allow-unregistered-dialect
    dfc-translate --upstream-to-mlir upstream.mlir -o program.mlir

`--import-mlir` reads linalg-on-tensors / TOSA modules written by other MLIR
tools (needs the MLIR Python bindings); `--mlir-to-upstream` and
`--upstream-to-mlir` convert between dfc's text and the form upstream MLIR
reads once `dfc-opt --emit-irdl` is loaded (docs/mlir-interop.md).

`--mlir-to-bitstream` encodes a `su` module (it must name its chip with
`su.chip`); `--bitstream-to-mlir` decodes a `.dfcb` file back to `su` IR after
checking every CRC and the chip fingerprint (against `--chip`, or else the
preset the file names).
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
@click.option(
    "--mlir-to-bitstream", is_flag=True, help="Encode a su module as a .dfcb file."
)
@click.option(
    "--bitstream-to-mlir", is_flag=True, help="Decode a .dfcb file into su IR."
)
@click.option(
    "--import-mlir",
    is_flag=True,
    help="Import a linalg-on-tensors / TOSA module into dfg IR.",
)
@click.option(
    "--mlir-to-upstream",
    is_flag=True,
    help="Write dfc IR in the form upstream MLIR reads with dfc's IRDL loaded.",
)
@click.option(
    "--upstream-to-mlir",
    is_flag=True,
    help="Read upstream MLIR's output of dfc IR back into dfc's form.",
)
@click.option(
    "--chip",
    default=None,
    metavar="NAME|PATH",
    help="--bitstream-to-mlir: the chip the file must be built for (default: the "
    "preset it names).",
)
@click.option("-o", "--output", default="-", help="Output file ('-' = stdout).")
@click.option(
    "--input-shape",
    "input_shapes",
    multiple=True,
    metavar="NAME=DIMS",
    help="Pin an input's shape, e.g. x=1x3x224x224 (repeatable).",
)
@click.option("--mlir-print-debuginfo", is_flag=True, help="Print op locations.")
@click.option(
    "--debug", is_flag=True, help="Show Python tracebacks on internal errors."
)
def main(
    input_file: str,
    import_onnx: bool,
    mlir_to_bitstream: bool,
    bitstream_to_mlir: bool,
    import_mlir: bool,
    mlir_to_upstream: bool,
    upstream_to_mlir: bool,
    chip: str | None,
    output: str,
    input_shapes: tuple[str, ...],
    mlir_print_debuginfo: bool,
    debug: bool,
) -> None:
    """Translate FILE into dfc IR (or back)."""
    chosen = [
        flag
        for flag, on in (
            ("--import-onnx", import_onnx),
            ("--mlir-to-bitstream", mlir_to_bitstream),
            ("--bitstream-to-mlir", bitstream_to_mlir),
            ("--import-mlir", import_mlir),
            ("--mlir-to-upstream", mlir_to_upstream),
            ("--upstream-to-mlir", upstream_to_mlir),
        )
        if on
    ]
    if len(chosen) != 1:
        raise click.UsageError(
            "choose exactly one translation: --import-onnx, --mlir-to-bitstream, "
            "--bitstream-to-mlir, --import-mlir, --mlir-to-upstream or "
            "--upstream-to-mlir" + (f" (got {', '.join(chosen)})" if chosen else "")
        )
    if mlir_to_bitstream and output == "-":
        raise click.UsageError(
            "--mlir-to-bitstream writes a binary file: give it with -o FILE"
        )
    shapes = parse_input_shapes(input_shapes)
    try:
        if mlir_to_bitstream:
            sys.exit(_mlir_to_bitstream(input_file, output))
        if bitstream_to_mlir:
            sys.exit(_bitstream_to_mlir(input_file, output, chip, mlir_print_debuginfo))
        if import_mlir or mlir_to_upstream or upstream_to_mlir:
            from .upstream_translate import translate

            mode = (
                "import"
                if import_mlir
                else "to-upstream"
                if mlir_to_upstream
                else "from-upstream"
            )
            sys.exit(translate(mode, input_file, output, mlir_print_debuginfo))
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
        click.echo(
            f"dfc-translate: error: {error.strerror}: {error.filename}", err=True
        )
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


def _mlir_to_bitstream(input_file: str, output: str) -> int:
    from dfc.backends.bitstream import encode
    from dfc.backends.bitstream.su_codec import SuCodecError, module_to_program
    from dfc.dialects import make_context

    from .mlir_io import SourceChunk, parse_chunk

    text = sys.stdin.read() if input_file == "-" else _read_text(input_file)
    name = "<stdin>" if input_file == "-" else input_file
    module, diagnostics = parse_chunk(make_context(), SourceChunk(text, name, 0))
    if diagnostics or module is None:
        for diagnostic in diagnostics:
            click.echo(diagnostic.format(), err=True)
        return 1
    try:
        data = encode(module_to_program(module, verify=False))
    except (SuCodecError, ValueError) as error:
        click.echo(f"dfc-translate: error: {name}: {error}", err=True)
        return 1
    from dfc.passes.su_emit_bitstream import write_bytes_atomically

    write_bytes_atomically(output, data)
    return 0


def _bitstream_to_mlir(
    input_file: str, output: str, chip_name: str | None, debuginfo: bool
) -> int:
    from xdsl.utils.exceptions import VerifyException

    from dfc.backends.bitstream import BitstreamError, decode
    from dfc.backends.bitstream.su_codec import SuCodecError, program_to_module
    from dfc.backends.chip import ChipModelError, load_chip
    from dfc.dialects import make_context

    from .mlir_io import print_module

    with open(input_file, "rb") as f:
        data = f.read()
    try:
        program = decode(data)
        chip = load_chip(chip_name or program.chip_name)
        decode(data, chip)  # refuses a file built for another chip
        module = program_to_module(program)
        module.verify()
    except (BitstreamError, SuCodecError, ChipModelError) as error:
        click.echo(f"dfc-translate: error: {input_file}: {error}", err=True)
        return 1
    except VerifyException as error:
        click.echo(
            f"dfc-translate: error: {input_file}: the decoded program is not valid "
            f"su: {error}",
            err=True,
        )
        return 1
    text = print_module(make_context(), module, debuginfo=debuginfo)
    write_output_atomically(output, text)
    return 0


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


if __name__ == "__main__":
    main()
