"""`dfc-compile`: compile a model to a `.dfcb` bitstream with the whole pipeline.

    dfc-compile model.onnx --chip sn40l -o model.dfcb --report report.md
    dfc-compile model.mlir --chip tiny -o m.dfcb --simulate --check --report -
    dfc-compile model.onnx --stop-after dfg-place-memory -o graph.mlir

The pipeline is `passes.pipelines.COMPILE_PIPELINE` (see docs/compiling.md);
`dfc.compile` is the same thing as a library call. Errors are `file:line:col:
error: ...` (or the ONNX node / torch op) and exit 1; internal errors exit 2
without a traceback unless `--debug`. Outputs are written only when everything
asked for succeeded, through temporary files (never a partial file).
"""

from __future__ import annotations

import io
import sys
import zipfile
from typing import Any

import click

from dfc.passes.su_emit_bitstream import write_bytes_atomically

from .dfc_translate import parse_input_shapes
from .mlir_io import write_output_atomically

TOLERANCES = {"f32": (1e-4, 1e-5), "bf16": (2e-2, 2e-2)}
"""`--check` tolerance (rtol, atol) by the outputs' element type; others exact."""


class UsageProblem(Exception):
    """A problem with what the user asked for (exit 1, no traceback)."""


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("model", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    default=None,
    help="The .dfcb to write (with --stop-after: the IR, '-' = stdout).",
)
@click.option(
    "--chip",
    default="sn40l",
    show_default=True,
    metavar="NAME|PATH",
    help="Chip preset (tiny, sn40l, plasticine) or TOML path.",
)
@click.option(
    "--fusion",
    type=click.Choice(["none", "auto", "greedy", "optimal"]),
    default="auto",
    show_default=True,
    help="Fusion strategy (auto = greedy).",
)
@click.option("--seed", default=0, show_default=True, type=int, help="Placement seed.")
@click.option(
    "--input-shape",
    "input_shapes",
    multiple=True,
    metavar="NAME=DIMS",
    help="Pin an ONNX input's shape, e.g. x=1x3x224x224 (repeatable).",
)
@click.option(
    "--dump-ir-after",
    "dump_after",
    multiple=True,
    metavar="PASS",
    help="Print the IR to stderr after PASS ('import', a pass name, or 'all'; repeatable).",
)
@click.option(
    "--stop-after",
    default=None,
    metavar="PASS",
    help="Stop after PASS and write its IR to -o (default stdout).",
)
@click.option(
    "--report",
    "report_path",
    default=None,
    metavar="PATH",
    help="Write the compile report (.md or .json; '-' = markdown to stdout).",
)
@click.option(
    "--simulate", is_flag=True, help="Simulate the bitstream (functional + timing)."
)
@click.option(
    "--inputs",
    "inputs_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="Simulation inputs (.npz by input name; default: seeded random).",
)
@click.option(
    "--sim-output",
    default=None,
    type=click.Path(dir_okay=False),
    help="Write the simulated outputs to this .npz.",
)
@click.option(
    "--check",
    is_flag=True,
    help="With --simulate: compare the outputs with the dfg reference interpreter.",
)
@click.option(
    "--compare-unfused",
    is_flag=True,
    help="Also compile with --fusion none and report the speedup (timing model).",
)
@click.option(
    "--time-passes", is_flag=True, help="Print the compile time per stage to stderr."
)
@click.option(
    "--reproducer",
    default=None,
    type=click.Path(dir_okay=False),
    help="On an internal error in a pass, write its input IR here with the dfc-opt command that reruns it.",
)
@click.option(
    "--debug", is_flag=True, help="Show Python tracebacks on internal errors."
)
def main(**options: Any) -> None:
    """Compile MODEL (.onnx, .mlir with dfg or su IR, .pt2) into a bitstream."""
    debug = options["debug"]
    try:
        code = run(**options)
    except UsageProblem as error:
        click.echo(f"dfc-compile: error: {error}", err=True)
        code = 1
    except OSError as error:
        click.echo(f"dfc-compile: error: {error.strerror}: {error.filename}", err=True)
        code = 1
    except Exception as error:  # internal error: no traceback unless --debug
        from dfc.backends.sim import SimulationError
        from dfc.compile import CompileError

        if isinstance(error, CompileError):
            click.echo(_located(str(error)), err=True)
            code = 1
        elif isinstance(error, SimulationError):
            click.echo(f"dfc-compile: error: simulation: {error}", err=True)
            code = 1
        elif debug:
            raise
        else:
            notes = "".join(f"{note}\n" for note in getattr(error, "__notes__", []))
            click.echo(
                f"dfc-compile: internal error: {type(error).__name__}: {error}\n"
                f"{notes}(rerun with --debug for a traceback)",
                err=True,
            )
            code = 2
    sys.exit(code)


def _located(message: str) -> str:
    """Diagnostics that carry their own location print as they are (as
    mlir-opt does); others get the tool's name."""
    return (
        message
        if ": error:" in message.split("\n", 1)[0]
        else f"dfc-compile: error: {message}"
    )


def run(
    model: str,
    output: str | None,
    chip: str,
    fusion: str,
    seed: int,
    input_shapes: tuple[str, ...],
    dump_after: tuple[str, ...],
    stop_after: str | None,
    report_path: str | None,
    simulate: bool,
    inputs_path: str | None,
    sim_output: str | None,
    check: bool,
    compare_unfused: bool,
    time_passes: bool,
    reproducer: str | None,
    debug: bool,
) -> int:
    import dfc.compile as compiler
    from dfc.dialects import make_context

    from .mlir_io import print_module

    if check and not simulate:
        raise UsageProblem("--check compares simulated outputs: add --simulate")
    if (inputs_path or sim_output) and not simulate:
        raise UsageProblem("--inputs and --sim-output need --simulate")
    if stop_after and (simulate or compare_unfused or report_path):
        raise UsageProblem(
            "--stop-after writes IR only: drop --simulate, --compare-unfused, --report"
        )
    if output == "-" and not stop_after:
        raise UsageProblem("a bitstream is binary: give -o FILE")
    shapes = parse_input_shapes(input_shapes)
    dump_all = "all" in dump_after

    def after_pass(name: str, module: Any) -> None:
        if dump_all or name in dump_after:
            sys.stderr.write(f"// -----// IR Dump After {name} //----- //\n")
            sys.stderr.write(print_module(make_context(), module))

    try:
        artifact = compiler.compile(
            model,
            chip=chip,
            fusion=fusion,
            seed=seed,
            input_shapes=shapes or None,
            after_pass=after_pass if dump_after else None,
            stop_after=stop_after,
            reproducer=reproducer,
        )
    except compiler.StoppedAfter as stopped:
        write_output_atomically(
            output or "-", print_module(make_context(), stopped.module)
        )
        return 0

    report = artifact.report
    result = None
    if simulate:
        inputs: Any = (
            _load_inputs(inputs_path) if inputs_path else artifact.random_inputs(seed)
        )
        result = artifact.simulate(inputs)
        if check:
            _check(artifact, inputs, result)
    elif report_path or compare_unfused:
        artifact.simulate(functional=False)  # the simulated time for the report
    if compare_unfused:
        unfused = compiler.compile(
            model, chip=chip, fusion="none", seed=seed, input_shapes=shapes or None
        )
        unfused.simulate(functional=False)
        assert unfused.report.simulation is not None and report.simulation is not None
        report.unfused = {
            "seconds": unfused.report.simulation.seconds,
            "sections": unfused.report.sections,
            "speedup": unfused.report.simulation.seconds / report.simulation.seconds
            if report.simulation.seconds
            else float("inf"),
        }

    if time_passes:
        _print_times(report)
    if output:
        write_bytes_atomically(output, artifact.bitstream)
    if sim_output and result is not None:
        _save_outputs(sim_output, result.outputs)
    if report_path == "-":
        click.echo(report.to_markdown(), nl=False)
    elif report_path:
        text = (
            report.to_json() if report_path.endswith(".json") else report.to_markdown()
        )
        write_output_atomically(report_path, text)
    where = f" -> {output}" if output else ""
    sim = report.simulation
    click.echo(
        f"compiled {report.model} for {report.chip}: {report.sections} section(s), "
        f"{sum(report.units.values())} units, routing "
        f"{'ok' if report.routing_ok else 'incomplete'}, "
        f"{report.bitstream_bytes:,} bytes{where}"
        + (f"; simulated {sim.seconds * 1e6:,.3f} us" if sim else ""),
        err=report_path == "-",
    )
    return 0


def _load_inputs(path: str) -> dict[str, Any]:
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise UsageProblem(f"{path}: cannot read the inputs: {error}") from None


def _save_outputs(path: str, outputs: dict[str, Any]) -> None:
    import numpy as np

    buffer = io.BytesIO()
    arrays = {}
    for name, value in outputs.items():
        array = np.asarray(value)
        # bf16 (ml_dtypes) does not survive np.load without ml_dtypes: store f32.
        if array.dtype.name == "bfloat16":
            array = array.astype(np.float32)
        arrays[name] = array
    np.savez(buffer, **arrays)
    write_bytes_atomically(path, buffer.getvalue())


def _check(artifact: Any, inputs: Any, result: Any) -> None:
    """Compare the simulated outputs with the reference interpreter on the
    imported dfg module; raise UsageProblem (exit 1) on a mismatch."""
    import numpy as np

    from dfc.backends.reference import interpret

    if artifact.source is None:
        raise UsageProblem("--check needs a dfg model (the input was su IR)")
    if isinstance(inputs, dict):
        inputs = artifact._by_memory_name(inputs)
    if isinstance(inputs, dict):
        inputs = [inputs[name] for name, _, _ in artifact.inputs]
    expected = interpret(artifact.source, list(inputs))
    actual = result.outputs.as_list()
    if len(expected) != len(actual):
        raise UsageProblem(
            f"the simulator gave {len(actual)} outputs, the interpreter {len(expected)}"
        )
    worst = 0.0
    for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
        dtype = artifact.outputs[index][2]
        e64 = np.asarray(e).astype(np.float64)
        a64 = np.asarray(a).astype(np.float64).reshape(e64.shape)
        error = float(np.max(np.abs(e64 - a64))) if e64.size else 0.0
        worst = max(worst, error)
        rtol, atol = TOLERANCES.get(dtype, (0.0, 0.0))
        if not np.allclose(a64, e64, rtol=rtol, atol=atol, equal_nan=True):
            raise UsageProblem(
                f"output #{index} ({artifact.outputs[index][0]}, {dtype}) differs from the "
                f"reference interpreter: max abs error {error:.3g} (rtol {rtol:g}, atol {atol:g})"
            )
    click.echo(
        f"check: {len(actual)} output(s) match the reference interpreter (max abs error {worst:.3g})",
        err=True,
    )


def _print_times(report: Any) -> None:
    total = report.compile_seconds or 1e-12
    lines = [
        "===-------------------------------------------------------------------------===",
        "                         ... Execution time report ...",
        "===-------------------------------------------------------------------------===",
        f"  Total Execution Time: {report.compile_seconds:.4f} seconds",
        "",
        "  ----Wall Time----  ----Name----",
    ]
    for name, seconds in report.stages:
        lines.append(f"  {seconds:9.4f} ({100 * seconds / total:5.1f}%)  {name}")
    lines.append(f"  {report.compile_seconds:9.4f} (100.0%)  Total")
    click.echo("\n".join(lines), err=True)


if __name__ == "__main__":
    main()
