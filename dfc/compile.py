"""`dfc.compile`: a model in, a bitstream out — the library side of `dfc-compile`.

    import dfc
    artifact = dfc.compile("model.onnx", chip="tiny", fusion="auto")
    artifact.save("model.dfcb")
    result = artifact.simulate([x])          # dfc.simulate on the bitstream
    print(artifact.report.to_markdown())

`model` is a path (`.onnx`, `.mlir` with dfg or su IR, `.pt2` from
`torch.export.save`), an `onnx.ModelProto`, a `ModuleOp` (left unchanged: it is
cloned) or a `torch.nn.Module` / `torch.export.ExportedProgram` (with
`example_args`). The pipeline is `passes.pipelines.COMPILE_PIPELINE`, always the
whole of it: import, the graph passes, `convert-dfg-to-su`, `su-partition`,
`su-place`, `su-route`, `su-check-routes`, `su-emit-bitstream`. An su module as
input resumes after `convert-dfg-to-su`. Failures raise `CompileError` with
located, MLIR-style messages (`file:line:col: error: ...`, or the ONNX node /
torch op for model input); see docs/compiling.md.
"""

from __future__ import annotations

import json
import os
import sys
import time
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from xdsl.dialects.builtin import ModuleOp

    from dfc.backends.chip import Chip
    from dfc.backends.sim import SimResult

FUSION_STRATEGIES = {
    "none": "none",
    "auto": "greedy",
    "greedy": "greedy",
    "optimal": "optimal",
}
"""`fusion=` values and the `dfg-fuse` strategy each one selects (auto = greedy)."""

EMIT_PASS = "su-emit-bitstream"
RESUME_SU_AFTER = "convert-dfg-to-su"


class CompileError(Exception):
    """A model that cannot be compiled; `str()` is the located message(s)."""

    def __init__(self, message: str, stage: str | None = None) -> None:
        super().__init__(message)
        self.stage = stage


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


@dataclass
class SimSummary:
    """What a simulation of the artifact measured (timing model)."""

    cycles: float
    seconds: float
    functional: bool
    utilization: float
    """Achieved FLOP/s over the chip's peak."""


@dataclass
class CompileReport:
    """Compile figures: per-stage time, sections, units by type, routing, the
    cost model's estimate, the roofline, and (once simulated) the simulated
    time and the unfused comparison."""

    model: str
    chip: str
    fusion: str
    seed: int
    pipeline: str
    """The pass pipeline that ran, in `dfc-opt -p` spelling."""
    resumed_after: str | None = None
    """The stage the input IR was already past (`dfg-place-memory` for graph IR
    with memory tiers, `convert-dfg-to-su` for su IR), or None."""
    stages: list[tuple[str, float]] = field(default_factory=list)
    """(stage, seconds): `import`, then one entry per pass."""
    kernels: int = 0
    """`dfg.kernel`s after fusion."""
    sections: int = 0
    units: dict[str, int] = field(default_factory=dict)
    """Units by type summed over sections (`pcu`, `pmu`, `agcu`)."""
    peak_units: dict[str, int] = field(default_factory=dict)
    """The most units of each type any one section uses."""
    chip_units: dict[str, int] = field(default_factory=dict)
    streams: int = 0
    ports: int = 0
    """Input ports (stream endpoints) over all sections."""
    routed_ports: int = 0
    placed_units: int = 0
    bitstream_bytes: int = 0
    roofline_seconds: float | None = None
    estimated_seconds: float | None = None
    """The cost model's sum over kernels (`backends/cost`)."""
    section_rows: list[dict[str, Any]] = field(default_factory=list)
    """Per su section: units by type, streams and, once simulated, its
    configuration-load and run cycles."""
    kernel_rows: list[dict[str, Any]] = field(default_factory=list)
    """Per `dfg.kernel`: ops, the cost model's units, bound and estimated time."""
    tensor_rows: list[dict[str, Any]] = field(default_factory=list)
    """Per tensor `dfg-place-memory` placed (function arguments, weights,
    kernel results): `tensor`, `type`, `tier`, `offset`, `bytes`."""
    tier_peak: dict[str, int] = field(default_factory=dict)
    """Peak bytes per memory tier (`dfg.tier_peak`)."""
    simulation: SimSummary | None = None
    unfused: dict[str, Any] | None = None
    """`{"seconds", "sections", "speedup"}` of the `fusion=none` build, when compared."""

    @property
    def compile_seconds(self) -> float:
        return sum(seconds for _, seconds in self.stages)

    @property
    def routing_ok(self) -> bool:
        return self.routed_ports == self.ports

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["stages"] = [{"stage": n, "seconds": s} for n, s in self.stages]
        data["compile_seconds"] = self.compile_seconds
        data["routing_ok"] = self.routing_ok
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    def to_markdown(self) -> str:
        total_units = sum(self.units.values())
        lines = [
            f"# Compile report: `{self.model}` on `{self.chip}`",
            "",
            f"- fusion: {self.fusion}; placement seed: {self.seed}",
            *(
                [f"- input resumed after: {self.resumed_after}"]
                if self.resumed_after
                else []
            ),
            f"- kernels: {self.kernels}; sections: {self.sections}",
            f"- units: {total_units:,} ("
            + ", ".join(f"{k} {v:,}" for k, v in sorted(self.units.items()))
            + "); most in one section: "
            + ", ".join(
                f"{k} {v:,}/{self.chip_units.get(k, 0):,}"
                for k, v in sorted(self.peak_units.items())
            ),
            f"- placement: {self.placed_units:,}/{total_units:,} units placed",
            f"- routing: {self.routed_ports:,}/{self.ports:,} input ports routed "
            f"({'ok' if self.routing_ok else 'INCOMPLETE'}); {self.streams:,} streams",
            f"- bitstream: {self.bitstream_bytes:,} bytes",
            f"- compile time: {self.compile_seconds:.3f} s",
        ]
        if self.roofline_seconds is not None:
            lines.append(f"- roofline bound: {_us(self.roofline_seconds)}")
        if self.estimated_seconds is not None:
            lines.append(f"- cost-model estimate: {_us(self.estimated_seconds)}")
        if self.simulation is not None:
            sim = self.simulation
            lines.append(
                f"- simulated time: {_us(sim.seconds)} ({sim.cycles:,.0f} cycles, "
                f"{100 * sim.utilization:.2f} % of peak FLOP/s"
                f"{'' if sim.functional else ', timing model only'})"
            )
            if self.roofline_seconds:
                lines.append(
                    f"- simulated / roofline: {sim.seconds / self.roofline_seconds:.2f}x"
                )
        if self.unfused is not None:
            lines.append(
                f"- unfused (`--fusion none`): {_us(self.unfused['seconds'])} in "
                f"{self.unfused['sections']} sections; fused speedup "
                f"{self.unfused['speedup']:.2f}x"
            )
        lines += ["", "## Compile time per stage", "", "| stage | ms |", "|---|---:|"]
        lines += [f"| {name} | {1e3 * s:,.1f} |" for name, s in self.stages]
        if self.section_rows:
            lines += [
                "",
                "## Sections",
                "",
                "| section | pcu | pmu | agcu | streams | config cycles | run cycles |",
                "|---|---:|---:|---:|---:|---:|---:|",
            ]
            for row in self.section_rows:
                config = row.get("config_cycles")
                run = row.get("run_cycles")
                lines.append(
                    f"| {row['section']} | {row['pcu']} | {row['pmu']} | {row['agcu']} | "
                    f"{row['streams']} | {'-' if config is None else f'{config:,.0f}'} | "
                    f"{'-' if run is None else f'{run:,.0f}'} |"
                )
        if self.kernel_rows:
            lines += [
                "",
                "## Kernels (cost model)",
                "",
                "| kernel | ops | pcus | pmus | bound | estimated | fits |",
                "|---|---:|---:|---:|---|---:|---|",
            ]
            lines += [
                f"| {r['kernel']} | {r['ops']} | {r['pcus']} | {r['pmus']} | {r['bound']} | "
                f"{_us(r['seconds'])} | {'yes' if r['fits'] else 'no'} |"
                for r in self.kernel_rows
            ]
        return "\n".join(lines) + "\n"


def _us(seconds: float) -> str:
    micro = seconds * 1e6
    # Tiny models run in nanoseconds, big ones in milliseconds: keep 4 digits.
    return f"{micro:,.0f} us" if micro >= 1000 else f"{micro:.4g} us"


# ---------------------------------------------------------------------------
# Artifact
# ---------------------------------------------------------------------------


@dataclass
class Artifact:
    """A compiled model: the bitstream, the final su IR and the compile report."""

    bitstream: bytes
    module: ModuleOp
    """The su module the bitstream encodes."""
    report: CompileReport
    chip: Chip
    source: ModuleOp | None = None
    """The imported dfg module, before any pass (for `dfc.interpret`); None when
    the input was su IR."""

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the `.dfcb` (atomically: never a partial file)."""
        from dfc.passes.su_emit_bitstream import write_bytes_atomically

        write_bytes_atomically(os.fspath(path), self.bitstream)

    @property
    def inputs(self) -> list[tuple[str, tuple[int, ...], str]]:
        """(name, shape, dtype) of each input memory, in the order `simulate`
        takes a list."""
        return [
            (m.name, m.shape, m.dtype)
            for m in self._program().memories
            if m.role == "input"
        ]

    @property
    def outputs(self) -> list[tuple[str, tuple[int, ...], str]]:
        return [
            (m.name, m.shape, m.dtype)
            for m in self._program().memories
            if m.role == "output"
        ]

    def _program(self) -> Any:
        # Decoded once: the weights' images make large bitstreams slow to decode.
        cached = self.__dict__.get("_decoded")
        if cached is None or cached[0] is not self.bitstream:
            from dfc.backends.bitstream import decode

            cached = (self.bitstream, decode(self.bitstream))
            self.__dict__["_decoded"] = cached
        return cached[1]

    def run(self, inputs: Sequence[Any]) -> list[np.ndarray]:
        """Run the model on the simulator as the source function would run:
        `inputs` in argument order, outputs in result order with the function's
        shapes and element types (the chip stores i1 as i8, i64 as i32 and
        scalars as one element; `run` converts both ways). Records the
        simulated time like `simulate`."""
        import numpy as np

        main = self._main()
        memories = {name: (shape, dtype) for name, shape, dtype in self.inputs}
        if main is None:
            return self.simulate(list(inputs)).outputs.as_list()
        args = list(main.body.block.args)
        if len(inputs) != len(args):
            from dfc.backends.sim import SimulationError

            raise SimulationError(
                f"{len(inputs)} input(s) given but the model takes {len(args)}"
            )
        # convert-dfg-to-su makes one input memory per argument, in argument
        # order; names cannot be matched through name hints (xDSL folds `data_0`
        # and `data` into one hint, the lowering uniquifies the memory names).
        names = list(memories)
        if len(names) != len(args):
            from dfc.backends.sim import SimulationError

            raise SimulationError(
                f"the program has {len(names)} input memories for {len(args)} "
                "arguments"
            )
        feed: dict[str, Any] = {}
        for name, value in zip(names, inputs, strict=True):
            shape, dtype = memories[name]
            array = np.asarray(value)
            if array.dtype == np.bool_ and dtype.startswith("i"):
                array = array.astype(np.int8)
            if array.shape != tuple(shape) and array.size == int(np.prod(shape)):
                array = array.reshape(shape)
            feed[name] = array
        result = self.simulate(feed)
        outputs = []
        for index, result_type in enumerate(main.function_type.outputs.data):
            value = np.asarray(result.outputs[f"out{index}"])
            shape = tuple(int(d) for d in result_type.get_shape())  # type: ignore[attr-defined]
            dtype = _numpy_dtype(str(result_type.get_element_type()))  # type: ignore[attr-defined]
            value = value.reshape(shape)
            outputs.append(value.astype(dtype) if dtype is not None else value)
        return outputs

    def _main(self) -> Any:
        from xdsl.dialects import func

        if self.source is None:
            return None
        return next((op for op in self.source.ops if isinstance(op, func.FuncOp)), None)

    def argument_names(self) -> list[str]:
        """The model's input names (`dfc.name` on the dfg function's arguments,
        as the ONNX importer writes them), in argument order; empty if unknown."""
        from xdsl.dialects import func
        from xdsl.dialects.builtin import StringAttr

        if self.source is None:
            return []
        main = next((op for op in self.source.ops if isinstance(op, func.FuncOp)), None)
        if main is None or main.arg_attrs is None:
            return []
        names = []
        for attrs in main.arg_attrs.data:
            name = attrs.data.get("dfc.name")
            names.append(name.data if isinstance(name, StringAttr) else "")
        return names

    def _by_memory_name(self, inputs: Mapping[str, Any]) -> Any:
        """Inputs keyed by memory name pass through; keyed by the model's input
        names (ONNX), they are put in argument order."""
        memories = [name for name, _, _ in self.inputs]
        if set(inputs) <= set(memories):
            return dict(inputs)
        names = self.argument_names()
        if names and set(inputs) == set(names) and len(names) == len(memories):
            return [inputs[name] for name in names]
        return dict(inputs)  # the simulator names what is unknown

    def random_inputs(self, seed: int = 0) -> list[np.ndarray]:
        """Seeded random inputs of the right shapes and types (normal floats,
        small non-negative integers)."""
        import numpy as np

        from dfc.backends.sim.functional import NUMPY_DTYPES

        rng = np.random.default_rng(seed)
        arrays = []
        for _, shape, dtype in self.inputs:
            if dtype.startswith("i"):
                arrays.append(
                    rng.integers(0, 4, size=shape).astype(NUMPY_DTYPES[dtype])
                )
            else:
                arrays.append(
                    rng.standard_normal(shape)
                    .astype(np.float32)
                    .astype(NUMPY_DTYPES[dtype])
                )
        return arrays

    def simulate(self, inputs: Any = None, *, functional: bool = True) -> SimResult:
        """`dfc.simulate` on this bitstream; records the simulated time in the
        report. `inputs` as for `dfc.simulate` (a list or name -> array)."""
        from dfc.backends.sim import simulate

        if isinstance(inputs, Mapping):
            inputs = self._by_memory_name(inputs)
        result = simulate(self.bitstream, inputs, self.chip, functional=functional)
        peak = result.report.peak_flops
        by_name = {row["section"]: row for row in self.report.section_rows}
        for section in result.report.sections:
            if section.name in by_name:
                by_name[section.name]["config_cycles"] = section.config_cycles
                by_name[section.name]["run_cycles"] = section.run_cycles
                by_name[section.name].update(_section_bound(section))
        self.report.simulation = SimSummary(
            cycles=result.cycles,
            seconds=result.seconds,
            functional=functional,
            utilization=(result.report.achieved_flops / peak) if peak else 0.0,
        )
        return result


# ---------------------------------------------------------------------------
# compile
# ---------------------------------------------------------------------------


def compile(  # noqa: A001 - the public name DESIGN.md fixes
    model: Any,
    chip: str | os.PathLike[str] = "sn40l",
    example_args: Sequence[Any] = (),
    fusion: str = "auto",
    *,
    seed: int = 0,
    input_shapes: Mapping[str, Sequence[int]] | None = None,
    after_pass: Callable[[str, ModuleOp], None] | None = None,
    stop_after: str | None = None,
    reproducer: str | os.PathLike[str] | None = None,
    on_stage: Callable[[str, int, int], None] | None = None,
    resume_after: str | None = None,
    congestion_map: str | os.PathLike[str] | None = None,
) -> Artifact:
    """Compile `model` for `chip` with the whole `COMPILE_PIPELINE`.

    `fusion`: `none` (every op its own section), `auto` (greedy) or `optimal`.
    `seed`: the placement seed (`su-place{seed}`); the same input and seed give
    a byte-identical bitstream. `input_shapes` pins dynamic ONNX input shapes.
    `after_pass(name, module)` is called after the import (name `import`) and
    after every pass. `stop_after=PASS` stops there and raises `StoppedAfter`
    holding the IR (the driver's `--stop-after`). `reproducer=PATH`: keep the
    IR before each pass and, when a pass fails with an internal error (not a
    diagnostic), write it to PATH with the `dfc-opt` command that reruns the
    failing pass and the rest (a note on the exception says so).
    `on_stage(name, index, total)` is called before each stage starts (the
    import is stage 0; `total` counts the import and the passes that will
    run; it is 0 while importing, before the pipeline is known).
    `resume_after=STAGE`: the model is IR that `stop_after=STAGE` wrote;
    run the stages after it (default: guessed from the IR, see
    `_resume_point`). `congestion_map=PATH`: `su-route` writes its link
    demand there as JSON (also when routing fails). Raises `CompileError` with
    located messages.
    """
    from dfc.backends.chip import ChipModelError, load_chip
    from dfc.passes.pipelines import compile_pipeline, pipeline_text

    if fusion not in FUSION_STRATEGIES:
        raise CompileError(
            f"unknown fusion '{fusion}'; expected one of: {', '.join(FUSION_STRATEGIES)}"
        )
    chip_name = os.fspath(chip)
    try:
        chip_model = load_chip(chip_name)
    except (ChipModelError, OSError, ValueError) as error:
        raise CompileError(f"cannot load chip '{chip_name}': {error}") from None

    stages: list[tuple[str, float]] = []
    if on_stage is not None:
        on_stage("import", 0, 0)
    start = time.perf_counter()
    module, label = _import(model, example_args, input_shapes)
    stages.append(("import", time.perf_counter() - start))
    if after_pass is not None:
        after_pass("import", module)
    if stop_after == "import":
        raise StoppedAfter("import", module)

    specs = compile_pipeline(chip_name, FUSION_STRATEGIES[fusion], seed)
    if congestion_map is not None:
        specs = [
            (n, {**o, "congestion-map": os.fspath(congestion_map)} if n == "su-route" else o)
            for n, o in specs
        ]
    resume = _resume_point(module, chip_name)
    if resume_after is not None:
        resume = _check_resume(resume, resume_after, [n for n, _ in specs])
    names = [n for n, _ in specs]
    is_su = resume is not None and names.index(resume) >= names.index(RESUME_SU_AFTER)
    source = None if is_su else module.clone()
    if resume is not None:
        names = [name for name, _ in specs]
        specs = specs[names.index(resume) + 1 :]
    if stop_after is not None and stop_after not in [n for n, _ in specs]:
        raise CompileError(
            f"--stop-after '{stop_after}' is not a stage of the pipeline: import, "
            + ", ".join(n for n, _ in specs)
        )
    passes = _resolve(specs, stop_after)
    report = CompileReport(
        model=label,
        chip=chip_model.name,
        fusion=fusion,
        seed=seed,
        pipeline=pipeline_text(specs),
        resumed_after=resume,
        stages=stages,
        chip_units=dict(chip_model.unit_counts()),
    )
    if source is not None:
        report.roofline_seconds = _roofline(source, chip_model)

    from xdsl.context import Context

    from dfc.dialects import make_context
    from dfc.dialects.diagnostics import DfcDiagnosticError

    ctx: Context = make_context()
    bitstream = b""
    for index, ((name, _), pass_) in enumerate(zip(specs, passes, strict=False)):
        if on_stage is not None:
            on_stage(name, index + 1, len(passes) + 1)
        before = module.clone() if reproducer is not None else None
        start = time.perf_counter()
        try:
            if name == EMIT_PASS:
                from dfc.passes.su_emit_bitstream import emit_bitstream

                bitstream = emit_bitstream(module)
            else:
                pass_.apply(ctx, module)
        except DfcDiagnosticError as error:
            raise CompileError(error.diagnostic().format(), stage=name) from None
        except Exception as error:
            if before is not None and reproducer is not None:
                _write_reproducer(reproducer, before, name, error, specs[index:])
            raise
        stages.append((name, time.perf_counter() - start))
        if name == "dfg-place-memory":
            _kernel_figures(module, chip_model, report)
            _tensor_figures(module, report)
        if after_pass is not None:
            after_pass(name, module)
        if name == stop_after:
            raise StoppedAfter(name, module)
    _su_figures(module, report)
    report.bitstream_bytes = len(bitstream)
    return Artifact(bitstream, module, report, chip_model, source)


def _check_resume(detected: str | None, resume_after: str, names: list[str]) -> str | None:
    """The stage to resume after, when the caller names it: it must be a stage
    of the pipeline, and the IR must be of its level (graph IR before
    `convert-dfg-to-su`, su IR from it on)."""
    if resume_after == "import":
        wanted = None
    elif resume_after in names:
        wanted = resume_after
    else:
        raise CompileError(
            f"cannot resume after '{resume_after}': not a stage of the pipeline "
            "(import, " + ", ".join(names) + ")"
        )
    su_from = names.index(RESUME_SU_AFTER)
    wants_su = wanted is not None and names.index(wanted) >= su_from
    is_su = detected == RESUME_SU_AFTER
    if wants_su != is_su:
        level = "su IR" if is_su else "graph (dfg) IR"
        raise CompileError(
            f"cannot resume after '{resume_after}': the input is {level}, but that "
            f"stage leaves {'su IR' if wants_su else 'graph (dfg) IR'}"
        )
    return wanted


def _write_reproducer(
    path: str | os.PathLike[str],
    module: ModuleOp,
    stage: str,
    error: Exception,
    rest: list[tuple[str, dict[str, str | int]]],
) -> None:
    from dfc.api import print_mlir
    from dfc.passes.pipelines import pipeline_text
    from dfc.passes.su_emit_bitstream import write_bytes_atomically

    target = os.fspath(path)
    # The emission step runs as the library function in `compile`; rerun it in
    # dfc-opt as the pass, which needs a file to write.
    rest = [(n, {"output": target + ".dfcb"} if n == EMIT_PASS else o) for n, o in rest]
    command = f"dfc-opt {target} -p '{pipeline_text(rest)}'"
    first_line = f"{type(error).__name__}: {error}".splitlines()[0]
    header = (
        f"// dfc-compile reproducer: pass '{stage}' failed with {first_line}\n"
        f"// the IR below is the input of '{stage}'; rerun with:\n// {command}\n"
    )
    write_bytes_atomically(target, (header + print_mlir(module)).encode())
    error.add_note(f"reproducer: {target}; rerun with: {command}")


SECTION_BOUNDS = {"pcu": "compute", "pmu": "on-chip memory", "agcu": "off-chip"}
"""A section's simulated bound, by the type of its busiest unit."""


def _section_bound(section: Any) -> dict[str, Any]:
    """`bound` and `busiest` (busy fraction) of a simulated section: the unit
    type whose busiest unit is busy the largest share of the run (a section
    whose DMA engines never rest is off-chip bound)."""
    total = max(float(section.run_cycles), 1e-9)
    best_kind, best = "", -1.0
    for unit in section.units:
        fraction = unit.busy_cycles / total
        if fraction > best:
            best_kind, best = unit.kind, fraction
    if best < 0:
        return {}
    return {"bound": SECTION_BOUNDS.get(best_kind, best_kind), "busiest": min(best, 1.0)}


def _numpy_dtype(name: str) -> Any:
    import ml_dtypes
    import numpy as np

    return {
        "f32": np.float32,
        "f16": np.float16,
        "bf16": ml_dtypes.bfloat16,
        "i64": np.int64,
        "i32": np.int32,
        "i8": np.int8,
        "i1": np.bool_,
    }.get(name)


class StoppedAfter(Exception):  # noqa: N818 - a control-flow signal, not an error
    """`compile(..., stop_after=PASS)` stopped after PASS; `.module` is the IR."""

    def __init__(self, stage: str, module: ModuleOp) -> None:
        super().__init__(f"stopped after {stage}")
        self.stage = stage
        self.module = module


def _resume_point(module: ModuleOp, chip: str) -> str | None:
    """Where IR saved by `--stop-after` resumes: su IR after `convert-dfg-to-su`
    (it must name the chip asked for), graph IR that already has memory tiers
    (`dfg.tier_peak`, written by `dfg-place-memory`) after `dfg-place-memory`;
    anything else runs the whole pipeline."""
    from xdsl.dialects import func
    from xdsl.dialects.builtin import StringAttr

    named = module.attributes.get("su.chip")
    if named is not None:
        if not isinstance(named, StringAttr) or named.data != chip:
            raise CompileError(
                f"the su input was built for chip {named}, not '{chip}': "
                f"pass --chip {named.data if isinstance(named, StringAttr) else named}"
            )
        return RESUME_SU_AFTER
    for op in module.ops:
        if isinstance(op, func.FuncOp) and "dfg.tier_peak" in op.attributes:
            return "dfg-place-memory"
    return None


def _resolve(
    specs: list[tuple[str, dict[str, str | int]]], stop_after: str | None
) -> list[Any]:
    """The pass objects of `specs` (up to `stop_after`); every missing pass is
    named at once, before anything runs."""
    from dfc.passes import PASSES

    wanted = []
    for name, _ in specs:
        wanted.append(name)
        if name == stop_after:
            break
    missing = [name for name in wanted if name not in PASSES]
    if missing:
        have = wanted[: wanted.index(missing[0])]
        hint = f"; `--stop-after {have[-1]}` runs the stages before it" if have else ""
        raise CompileError(
            "the compile pipeline needs pass(es) this build does not register: "
            + ", ".join(missing)
            + " (`dfc-opt --list-passes` lists the registered ones)"
            + hint
        )
    passes = []
    for name, options in specs[: len(wanted)]:
        try:
            cls = PASSES[name]()
        except ImportError as error:
            raise CompileError(
                f"pass '{name}' is registered but cannot be loaded: {error}"
            ) from None
        passes.append(cls(**{k.replace("-", "_"): v for k, v in options.items()}))
    return passes


def _import(
    model: Any,
    example_args: Sequence[Any],
    input_shapes: Mapping[str, Sequence[int]] | None,
) -> tuple[ModuleOp, str]:
    """The module to compile (a fresh one: the caller's is cloned) and a label."""
    from xdsl.dialects.builtin import ModuleOp

    if isinstance(model, ModuleOp):
        return model.clone(), "<module>"
    if isinstance(model, (str, os.PathLike)):
        path = Path(model)
        suffix = path.suffix.lower()
        if not path.exists():
            raise CompileError(f"{path}: no such file")
        if suffix == ".onnx":
            return _import_onnx(str(path), input_shapes), path.name
        if suffix == ".mlir":
            from dfc.api import MLIRError, parse_mlir

            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError as error:
                raise CompileError(
                    f"{path}: not UTF-8 text (offset {error.start})"
                ) from None
            try:
                return parse_mlir(text, str(path)), path.name
            except MLIRError as error:
                raise CompileError(str(error), stage="import") from None
        if suffix == ".pt2":
            import torch

            return _import_torch(torch.export.load(str(path)), ()), path.name
        raise CompileError(
            f"{path}: unknown model format '{suffix}' (expected .onnx, .mlir or .pt2)"
        )
    module_name = type(model).__module__
    if module_name.startswith("onnx"):
        return _import_onnx(model, input_shapes), getattr(
            model.graph, "name", ""
        ) or "<onnx>"
    if module_name.startswith("torch") or _is_torch_module(model):
        return _import_torch(model, example_args), type(model).__name__
    raise CompileError(
        f"cannot compile a {type(model).__name__}: expected a path (.onnx, .mlir, "
        ".pt2), an onnx.ModelProto, a dfg ModuleOp or a torch.nn.Module"
    )


def _is_torch_module(model: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(
        model, (torch.nn.Module, torch.export.ExportedProgram)
    )


def _import_onnx(
    model: Any, input_shapes: Mapping[str, Sequence[int]] | None
) -> ModuleOp:
    from dfc.frontends.onnx import OnnxImportError, import_onnx

    try:
        return import_onnx(model, input_shapes=input_shapes)
    except OnnxImportError as error:
        raise CompileError(str(error), stage="import") from None


def _import_torch(model: Any, example_args: Sequence[Any]) -> ModuleOp:
    from dfc.frontends.torch import import_torch
    from dfc.frontends.torch.importer import TorchImportError

    try:
        return import_torch(model, tuple(example_args))
    except TorchImportError as error:
        raise CompileError(str(error), stage="import") from None


def _roofline(module: ModuleOp, chip: Chip) -> float | None:
    from xdsl.dialects import func

    from dfc.backends.cost import roofline_seconds

    functions = [
        op for op in module.ops if isinstance(op, func.FuncOp) and op.body.blocks
    ]
    if not functions:
        return None
    return sum(roofline_seconds(fn, chip) for fn in functions)


def _kernel_figures(module: ModuleOp, chip: Chip, report: CompileReport) -> None:
    from dfc.backends.cost import kernel_report

    rows = kernel_report(module, chip)
    report.kernels = len(rows)
    report.estimated_seconds = sum(row.seconds for row in rows)
    report.kernel_rows = [
        {
            "kernel": row.kernel,
            "ops": row.ops,
            "pcus": row.pcus,
            "pmus": row.pmus,
            "bound": row.bound,
            "seconds": row.seconds,
            "fits": row.fits,
        }
        for row in rows
    ]


def _tensor_figures(module: ModuleOp, report: CompileReport) -> None:
    """Every tensor `dfg-place-memory` gave a tier: function arguments
    (`dfg.tier`), weights (`tier`), kernel results (`tiers`)."""
    from xdsl.dialects import func
    from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, IntegerAttr

    from dfc.dialects.dfg.annotations import TierAttr

    rows: list[dict[str, Any]] = []

    def add(name: str, type_: Any, tier: Any) -> None:
        if isinstance(tier, TierAttr):
            rows.append(
                {
                    "tensor": name,
                    "type": str(type_),
                    "tier": tier.tier.data,
                    "offset": tier.offset.data,
                    "bytes": tier.size.data,
                }
            )

    for fn in module.ops:
        if not isinstance(fn, func.FuncOp) or not fn.body.blocks:
            continue
        peak = fn.attributes.get("dfg.tier_peak")
        if isinstance(peak, DictionaryAttr):
            for tier, value in peak.data.items():
                if isinstance(value, IntegerAttr):
                    report.tier_peak[tier] = report.tier_peak.get(tier, 0) + int(
                        value.value.data
                    )
        block = fn.body.block
        for index, arg in enumerate(block.args):
            attrs = fn.arg_attrs.data[index].data if fn.arg_attrs is not None else {}
            add(arg.name_hint or f"arg{index}", arg.type, attrs.get("dfg.tier"))
        weights = 0
        for op in block.ops:
            single = op.attributes.get("tier")
            if single is not None and op.results:
                # Constants folded by canonicalize lose their name hints.
                name = op.results[0].name_hint or f"{op.name} #{weights}"
                weights += 1
                add(name, op.results[0].type, single)
            many = op.attributes.get("tiers")
            if isinstance(many, ArrayAttr):
                symbol = op.attributes.get("sym_name")
                stem = getattr(symbol, "data", None) or op.name
                for k, (result, tier) in enumerate(zip(op.results, many.data, strict=False)):
                    suffix = f"#{k}" if len(op.results) > 1 else ""
                    add(result.name_hint or f"{stem}{suffix}", result.type, tier)
    report.tensor_rows = rows


def _su_figures(module: ModuleOp, report: CompileReport) -> None:
    from dfc.dialects.su import AgcuOp, PcuOp, PmuOp, sections

    kinds = ((PcuOp, "pcu"), (PmuOp, "pmu"), (AgcuOp, "agcu"))
    report.sections = 0
    for section in sections(module):
        report.sections += 1
        counts = dict.fromkeys(("pcu", "pmu", "agcu"), 0)
        for unit in section.units():
            kind = next(k for cls, k in kinds if isinstance(unit, cls))
            counts[kind] += 1
            report.placed_units += unit.coordinate() is not None
            routes = unit.input_routes()
            report.ports += len(unit.inputs)
            report.routed_ports += sum(
                1 for i in range(len(unit.inputs)) if i < len(routes) and routes[i]
            )
        report.streams += len(section.streams())
        # What the section's compute units run: `matmul 4, map 2, reduce 1`.
        templates: dict[str, int] = {}
        for pcu in section.pcus():
            templates[pcu.template_name] = templates.get(pcu.template_name, 0) + 1
        ops = ", ".join(
            f"{name} {n}" for name, n in sorted(templates.items(), key=lambda x: (-x[1], x[0]))
        )
        report.section_rows.append(
            {
                "section": section.symbol,
                **counts,
                "streams": len(section.streams()),
                "ops": ops or "(data movement)",
            }
        )
        for kind, n in counts.items():
            report.units[kind] = report.units.get(kind, 0) + n
            report.peak_units[kind] = max(report.peak_units.get(kind, 0), n)


# `dfc.compile` is this module's function, but importing the submodule
# `dfc.compile` (e.g. `from dfc.compile import Artifact`) makes Python bind the
# package attribute `dfc.compile` to the module. Make the module callable, so
# `dfc.compile(model)` works whichever way it was reached first.
class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Artifact:
        return compile(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

__all__ = [
    "FUSION_STRATEGIES",
    "Artifact",
    "CompileError",
    "CompileReport",
    "SimSummary",
    "StoppedAfter",
    "compile",
]
