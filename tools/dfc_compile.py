"""`dfc-compile`: compile a model to a `.dfcb` bitstream with the whole pipeline.

    dfc-compile model.onnx --chip sn40l -o model.dfcb --report report.md
    dfc-compile model.mlir --chip tiny -o m.dfcb --simulate --check --report -
    dfc-compile model.onnx --stop-after dfg-place-memory -o graph.mlir
    dfc-compile --resume-from graph.mlir -o model.dfcb
    dfc-compile model.onnx --report report.html --floorplan plan.png --trace t.json

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
@click.argument("model", type=click.Path(dir_okay=False), required=False)
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
    "--dump-ir-after-all",
    "dump_dir",
    default=None,
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Write the IR after every stage to DIR/NN-STAGE.mlir (00 = import).",
)
@click.option(
    "--stop-after",
    default=None,
    metavar="PASS",
    help="Stop after PASS and write its IR to -o (default stdout), headed by a "
    "comment that --resume-from reads.",
)
@click.option(
    "--resume-from",
    default=None,
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Continue a compile from the IR --stop-after wrote (instead of MODEL).",
)
@click.option(
    "--report",
    "report_path",
    default=None,
    metavar="PATH",
    help="Write the compile report (.md, .json or .html; '-' = tables on stdout).",
)
@click.option(
    "--floorplan",
    "floorplan_path",
    default=None,
    metavar="PATH",
    help="Draw the placed and routed chip (.png or .svg), with utilization.",
)
@click.option(
    "--floorplan-sections",
    default=None,
    metavar="NAMES|N|all",
    help="Sections in the floorplan: names (s0,s3), the N busiest, or all "
    "(default: all up to 6, else the 6 busiest).",
)
@click.option(
    "--congestion-map",
    "congestion_path",
    default=None,
    metavar="PATH",
    help="Write su-route's link demand (.json, or a .png/.svg picture); "
    "written also when routing fails.",
)
@click.option(
    "--trace",
    "trace_path",
    default=None,
    metavar="PATH",
    help="Write a Chrome/Perfetto trace: the compile stages and, with "
    "--simulate, the simulator's events.",
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
    "-q", "--quiet", is_flag=True, help="No progress bar (none off a terminal anyway)."
)
@click.option(
    "--debug", is_flag=True, help="Show Python tracebacks on internal errors."
)
def main(**options: Any) -> None:
    """Compile MODEL (.onnx, .mlir with dfg or su IR, .pt2) into a bitstream."""
    from click.core import ParameterSource

    debug = options["debug"]
    context = click.get_current_context()
    explicit = frozenset(
        name
        for name in ("chip", "fusion", "seed")
        if context.get_parameter_source(name) == ParameterSource.COMMANDLINE
    )
    try:
        code = run(**options, explicit=explicit)
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
    model: str | None,
    output: str | None,
    chip: str,
    fusion: str,
    seed: int,
    input_shapes: tuple[str, ...],
    dump_after: tuple[str, ...],
    dump_dir: str | None,
    stop_after: str | None,
    resume_from: str | None,
    report_path: str | None,
    floorplan_path: str | None,
    floorplan_sections: str | None,
    congestion_path: str | None,
    trace_path: str | None,
    simulate: bool,
    inputs_path: str | None,
    sim_output: str | None,
    check: bool,
    compare_unfused: bool,
    time_passes: bool,
    reproducer: str | None,
    quiet: bool,
    debug: bool,
    explicit: frozenset[str] = frozenset(),
) -> int:
    import os
    import tempfile
    import time

    import dfc.compile as compiler
    from dfc.dialects import make_context

    from .mlir_io import print_module
    from .report import outputs
    from .report.progress import StageProgress
    from .report.trace import StageClock, compile_trace

    if check and not simulate:
        raise UsageProblem("--check compares simulated outputs: add --simulate")
    if (inputs_path or sim_output) and not simulate:
        raise UsageProblem("--inputs and --sim-output need --simulate")
    if stop_after and (
        simulate or compare_unfused or report_path or floorplan_path
    ):
        raise UsageProblem(
            "--stop-after writes IR only: drop --simulate, --compare-unfused, "
            "--report, --floorplan"
        )
    if output == "-" and not stop_after:
        raise UsageProblem("a bitstream is binary: give -o FILE")
    if floorplan_path and not floorplan_path.endswith((".png", ".svg")):
        raise UsageProblem(f"--floorplan {floorplan_path}: write a .png or .svg")
    if congestion_path and not congestion_path.endswith((".png", ".svg", ".json")):
        raise UsageProblem(f"--congestion-map {congestion_path}: write a .json, .png or .svg")
    resume_after = None
    if resume_from is not None:
        if model is not None:
            raise UsageProblem("give MODEL or --resume-from FILE, not both")
        model = resume_from
        chip, fusion, seed, resume_after = _resume_options(
            resume_from, chip, fusion, seed, explicit
        )
    elif model is None:
        raise UsageProblem("missing MODEL (or --resume-from FILE)")
    shapes = parse_input_shapes(input_shapes)
    dump_all = "all" in dump_after
    clock = StageClock()
    dumped = [0]
    if dump_dir:
        os.makedirs(dump_dir, exist_ok=True)

    def after_pass(name: str, module: Any) -> None:
        clock.end(name)
        if dump_all or name in dump_after:
            sys.stderr.write(f"// -----// IR Dump After {name} //----- //\n")
            sys.stderr.write(print_module(make_context(), module))
        if dump_dir:
            path = outputs.dump_path(dump_dir, dumped[0], name)
            write_output_atomically(path, print_module(make_context(), module))
            dumped[0] += 1

    with tempfile.TemporaryDirectory(prefix="dfc-compile-") as scratch:
        congestion_json = os.path.join(scratch, "congestion.json")
        try:
            with StageProgress(enabled=not quiet) as progress:

                def on_stage(name: str, index: int, total: int) -> None:
                    clock.start(name)
                    progress.stage(name, index, total)

                artifact = compiler.compile(
                    model,
                    chip=chip,
                    fusion=fusion,
                    seed=seed,
                    input_shapes=shapes or None,
                    after_pass=after_pass,
                    stop_after=stop_after,
                    reproducer=reproducer,
                    on_stage=on_stage,
                    resume_after=resume_after,
                    congestion_map=congestion_json if congestion_path else None,
                )
        except compiler.StoppedAfter as stopped:
            if time_passes:
                _print_times(clock.stages())
            if trace_path:
                _write_trace(trace_path, compile_trace(clock.spans))
            header = outputs.stopped_header(
                stopped.stage, chip=chip, fusion=fusion, seed=seed
            )
            write_output_atomically(
                output or "-", header + print_module(make_context(), stopped.module)
            )
            return 0
        except compiler.CompileError:
            # A routing failure is what the congestion map is for: write it
            # before reporting the error.
            if congestion_path:
                _congestion(congestion_path, congestion_json, chip)
            raise
        if congestion_path and not _congestion(congestion_path, congestion_json, chip):
            raise UsageProblem("--congestion-map: su-route did not run (su input past it?)")

    report = artifact.report
    result = None
    sim_report = None
    started = time.perf_counter()
    if simulate:
        inputs: Any = (
            _load_inputs(inputs_path) if inputs_path else artifact.random_inputs(seed)
        )
        result = artifact.simulate(inputs)
        sim_report = result.report
        if check:
            _check(artifact, inputs, result)
    elif report_path or compare_unfused or floorplan_path:
        # The simulated time for the report, the utilization for the floorplan.
        sim_report = artifact.simulate(functional=False).report
    if sim_report is not None:
        clock.mark("simulate", started, time.perf_counter())
    if compare_unfused:
        started = time.perf_counter()
        unfused = compiler.compile(
            model, chip=chip, fusion="none", seed=seed, input_shapes=shapes or None
        )
        unfused.simulate(functional=False)
        clock.mark("compile --fusion none", started, time.perf_counter())
        assert unfused.report.simulation is not None and report.simulation is not None
        report.unfused = {
            "seconds": unfused.report.simulation.seconds,
            "sections": unfused.report.sections,
            "speedup": unfused.report.simulation.seconds / report.simulation.seconds
            if report.simulation.seconds
            else float("inf"),
        }

    floorplan_png, note = None, ""
    figure = None
    if floorplan_path or (report_path or "").endswith((".html", ".htm")):
        from .report.floorplan import save_figure
        from .report.layout import SectionChoiceError

        try:
            figure, note = outputs.floorplan_figure_for(
                artifact.module,
                artifact.chip,
                sim_report,
                floorplan_sections,
                f"{report.model} on {report.chip}",
            )
        except SectionChoiceError as error:
            raise UsageProblem(str(error)) from None
        if (report_path or "").endswith((".html", ".htm")):
            floorplan_png = save_figure(figure, "", format="png")

    if time_passes:
        _print_times(report.stages)
    if output:
        write_bytes_atomically(output, artifact.bitstream)
    if sim_output and result is not None:
        _save_outputs(sim_output, result.outputs)
    if floorplan_path and figure is not None:
        from .report.floorplan import save_figure

        save_figure(figure, floorplan_path)
    if trace_path:
        _write_trace(
            trace_path, compile_trace(clock.spans, result.trace if result else None)
        )
    if report_path == "-":
        outputs.print_tables(report, sys.stdout)
    elif report_path:
        write_output_atomically(
            report_path, outputs.report_text(report, report_path, floorplan_png, note)
        )
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


def _resume_options(
    path: str, chip: str, fusion: str, seed: int, explicit: frozenset[str]
) -> tuple[str, str, int, str | None]:
    """chip, fusion, seed and the stage to resume after, from the header
    `--stop-after` wrote; an option given on the command line must agree."""
    from .report.outputs import parse_stopped_header

    try:
        with open(path, encoding="utf-8") as handle:
            head = handle.read(4096)
    except UnicodeDecodeError:
        raise UsageProblem(f"{path}: not UTF-8 text") from None
    stage, saved = parse_stopped_header(head)
    if stage is None:
        # IR without the header: the compile guesses the stage from the IR.
        return chip, fusion, seed, None
    given = {"chip": chip, "fusion": fusion, "seed": str(seed)}
    for name in ("chip", "fusion", "seed"):
        if name not in saved:
            continue
        if name in explicit and given[name] != saved[name]:
            raise UsageProblem(
                f"{path} was compiled with --{name} {saved[name]}: resume with the "
                f"same --{name} (got {given[name]})"
            )
        given[name] = saved[name]
    try:
        seed_value = int(given["seed"])
    except ValueError:
        raise UsageProblem(f"{path}: bad seed '{given['seed']}' in its header") from None
    return given["chip"], given["fusion"], seed_value, stage


def _congestion(path: str, json_path: str, chip: str) -> bool:
    from dfc.backends.chip import load_chip

    from .report.outputs import write_congestion_map

    return write_congestion_map(path, json_path, load_chip(chip))


def _write_trace(path: str, trace: dict[str, Any]) -> None:
    import json

    write_output_atomically(path, json.dumps(trace, separators=(",", ":")) + "\n")


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


def _print_times(stages: list[tuple[str, float]]) -> None:
    seconds_total = sum(seconds for _, seconds in stages)
    total = seconds_total or 1e-12
    lines = [
        "===-------------------------------------------------------------------------===",
        "                         ... Execution time report ...",
        "===-------------------------------------------------------------------------===",
        f"  Total Execution Time: {seconds_total:.4f} seconds",
        "",
        "  ----Wall Time----  ----Name----",
    ]
    for name, seconds in stages:
        lines.append(f"  {seconds:9.4f} ({100 * seconds / total:5.1f}%)  {name}")
    lines.append(f"  {seconds_total:9.4f} (100.0%)  Total")
    click.echo("\n".join(lines), err=True)


if __name__ == "__main__":
    main()
