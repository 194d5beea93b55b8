"""`dfc-sim`: run a `.dfcb` bitstream on the simulated chip.

dfc-sim model.dfcb --inputs in.npz -o out.npz --trace trace.json --report report.md

Loads no compiler code (only the bitstream container, the chip model and the
simulator), so it runs a bitstream without xDSL.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import zipfile

import click


def _write_atomically(path: str, data: bytes) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".dfc-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _load_inputs(path: str | None) -> dict:
    import numpy as np

    if path is None:
        return {}
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise click.ClickException(f"{path}: cannot read the inputs: {error}") from None


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("bitstream", type=click.Path(dir_okay=False))
@click.option(
    "--inputs",
    "inputs_path",
    type=click.Path(dir_okay=False),
    help="Inputs as .npz, by memory name.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the outputs to this .npz.",
)
@click.option(
    "--trace",
    type=click.Path(dir_okay=False),
    help="Write a Chrome/Perfetto trace JSON.",
)
@click.option(
    "--report", type=click.Path(dir_okay=False), help="Write the report (.md or .json)."
)
@click.option(
    "--chip",
    default=None,
    help="Chip preset or TOML path (default: the one the file names).",
)
@click.option(
    "--timing-only", is_flag=True, help="Run the timing model only (no outputs)."
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
def main(bitstream, inputs_path, output, trace, report, chip, timing_only, debug):  # type: ignore[no-untyped-def]
    """Simulate BITSTREAM (.dfcb) on the modeled chip."""
    import numpy as np

    from dfc.backends.sim import SimulationError, simulate

    try:
        inputs = _load_inputs(inputs_path)
        result = simulate(bitstream, inputs, chip=chip, functional=not timing_only)
        if output:
            buffer = io.BytesIO()
            arrays = {name: np.asarray(value) for name, value in result.outputs.items()}
            arrays = {
                k: (
                    v.astype(np.float32)
                    if v.dtype.kind == "V" or v.dtype.name == "bfloat16"
                    else v
                )
                for k, v in arrays.items()
            }
            np.savez(buffer, **arrays)
            _write_atomically(output, buffer.getvalue())
        if trace:
            _write_atomically(trace, json.dumps(result.trace).encode())
        if report:
            text = (
                result.report.to_json()
                if report.endswith(".json")
                else result.report.to_markdown()
            )
            _write_atomically(report, text.encode())
        click.echo(
            f"{result.cycles:,.0f} cycles ({result.seconds * 1e6:,.3f} us) on {result.report.chip}; "
            f"outputs: {', '.join(result.outputs) or 'none'}"
        )
    except SimulationError as error:
        if debug:
            raise
        click.echo(f"dfc-sim: error: {error}", err=True)
        sys.exit(1)
    except OSError as error:
        if debug:
            raise
        click.echo(f"dfc-sim: error: {error}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
