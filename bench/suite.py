"""The benchmark suite of issue 9: where dfc stands against the unfused build,
the roofline, the HBM limit of decoding and a peer compiler (IREE, CPU).

    python -m bench suite [--quick] [--models bert-base,gpt2-decode]
                          [--iree/--no-iree] [--torch/--no-torch]
                          [--scaling/--no-scaling] [--depths 2,4,8,16]
                          [--chip sn40l] [--out DIR] [--no-write] [--resume]

Models (`bench/models.py`) are built with random weights, exported to ONNX by
torch's dynamo exporter, and compiled with `dfc.compile` twice (`fusion=auto`
and the unfused baseline `fusion=none`); both bitstreams run on the
simulator's timing model (`Artifact.simulate(functional=False)`). With
`--torch` the torch frontend (`dfc.compile(module, example_args=...)`) also
compiles and simulates the fused build. With `--iree` (default; skipped with
the reason when `iree-base-compiler` is not installed: `pip install
.[bench]`) the same ONNX file goes through `iree-import-onnx` and
`iree-compile` for llvm-cpu, timed in the same run.

Per model: compile time per stage; sections; units; SRAM (the largest
section's PMU footprint as the simulator measured it); simulated latency of
both builds and the fused speedup (unfused / fused); the roofline bound
(`CompileReport.roofline_seconds`: max of FLOPs at peak and arguments +
weights + results once at HBM bandwidth) and the roofline fraction (bound /
simulated); achieved FLOP/s; bytes per tier; simulator wall time. For
decoding: tokens/s against the HBM limit (the program's weight memories
streamed once per token at HBM bandwidth).

Cost-model accuracy: each `dfg.kernel`'s estimate (`CompileReport.kernel_rows`)
against the simulated time (configuration + run) of the su sections lowered
from it, for both builds (`section_kernels` recovers which kernel each section
came from). Scaling: GPT-2 prefill at each of `--depths` layers, compile and
simulator wall time; the exponent is the log-log least-squares slope.

Each model is measured in a child process (a model the machine cannot
compile fails its row, not the run), and `<date>.partial.json` is written
after each, which `--resume` reuses. Writes `bench/results/<date>.json` and
`.md` (`<date>-quick.*` for `--quick`) and prints the markdown. `--quick` runs small configurations of the same
architectures in a few minutes.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import importlib.util
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_DEPTHS = (2, 4, 8, 16)
WITHIN = 0.15
"""Issue 9's cost-model tolerance: |estimated - simulated| / simulated."""

TARGETS = {
    "transformer_speedup_geomean": 3.0,
    "roofline_fraction": 0.7,  # BERT-base and GPT-2 prefill
    "decode_hbm_fraction": 0.85,
    "cost_model_within_15pct": 0.9,
    "scaling_exponent_max": 1.15,  # "linear in depth", with room for noise
}


# ---------------------------------------------------------------------------
# One dfc build
# ---------------------------------------------------------------------------


def section_kernels(module: Any, chip: Any) -> dict[str, str]:
    """Which `dfg.kernel` each su section is lowered from, by section name.

    The su IR does not record it, so the lowering is run again on the fused
    graph (the input of `convert-dfg-to-su`) with the same driver, and its
    per-section kernel tags are read; section names are deterministic (the
    builder numbers them in order), and `su-partition` names the pieces of a
    split section `<name>_<i>` (matched by prefix in `kernel_of_section`)."""
    from xdsl.dialects import func

    from dfc.passes.lowering.base import ProgramBuilder, registry
    from dfc.passes.lowering.epilogue import EpilogueLowerer
    from dfc.passes.lowering.forward import forward_streams

    functions = [op for op in module.ops if isinstance(op, func.FuncOp)]
    function = next((f for f in functions if f.sym_name.data == "main"), functions[0])
    table, broken = registry()
    lowerer = EpilogueLowerer(ProgramBuilder(chip), table, broken)
    lowerer.lower_function(function)
    forward_streams(lowerer.program, lowerer.tags)
    names: dict[str, str] = {}
    for builder, tag in zip(lowerer.program.open, lowerer.tags, strict=False):
        if tag is None or not builder.ops:
            continue
        sym = getattr(tag, "sym_name", None)
        names[builder.name] = sym.data if sym is not None else "?"
    return names


def kernel_of_section(name: str, kernels: dict[str, str]) -> str | None:
    """The kernel of `name`, or of the section it was split from (`s4_1`)."""
    while True:
        if name in kernels:
            return kernels[name]
        if "_" not in name:
            return None
        name = name.rsplit("_", 1)[0]


def build_record(
    model: Any, chip_name: str, fusion: str, example_args: tuple[Any, ...] = ()
) -> dict[str, Any]:
    """Compile `model` with `fusion`, simulate it (timing model), measure both.
    The weights the compile stores are forgotten on return (`BLOBS.scoped`):
    three compiles of a 4 GB model in one process would otherwise keep three
    copies."""
    from dfc.dialects.resources import BLOBS

    with BLOBS.scoped():
        return _build_record(model, chip_name, fusion, example_args)


def _build_record(
    model: Any, chip_name: str, fusion: str, example_args: tuple[Any, ...]
) -> dict[str, Any]:
    import dfc

    captured: dict[str, Any] = {}

    def keep(name: str, module: Any) -> None:
        # The input of convert-dfg-to-su, to map sections back to kernels.
        if name == "dfg-place-memory":
            start = time.perf_counter()
            captured["graph"] = module.clone()
            # not part of compiling: subtracted from the compile time below
            captured["clone_seconds"] = time.perf_counter() - start

    start = time.perf_counter()
    artifact = dfc.compile(model, chip=chip_name, fusion=fusion,
                           example_args=example_args, after_pass=keep)
    compile_wall = time.perf_counter() - start - captured.get("clone_seconds", 0.0)
    start = time.perf_counter()
    result = artifact.simulate(functional=False)
    sim_wall = time.perf_counter() - start
    report = artifact.report
    sim = result.report
    chip = artifact.chip

    # SRAM used: the chip holds one section at a time, so the figure is the
    # largest section's total PMU footprint (the simulator's peak per PMU).
    per_section: dict[str, int] = {}
    for key, nbytes in sim.peak_sram.items():
        section = key.split("/", 1)[0]
        per_section[section] = per_section.get(section, 0) + int(nbytes)
    sram_peak = max(per_section.values(), default=0)

    weight_bytes = 0
    from dfc.backends.sim.functional import NUMPY_DTYPES

    for memory in artifact._program().memories:
        if memory.role == "weight":
            itemsize = NUMPY_DTYPES[memory.dtype].itemsize
            weight_bytes += math.prod(memory.shape) * itemsize

    record: dict[str, Any] = {
        "fusion": fusion,
        "compile_seconds": compile_wall,
        "stages": [{"stage": n, "seconds": s} for n, s in report.stages],
        "kernels": report.kernels,
        "sections": report.sections,
        "units": dict(report.units),
        "peak_units": dict(report.peak_units),
        "chip_units": dict(report.chip_units),
        "routing_ok": report.routing_ok,
        "sram_peak_bytes": sram_peak,
        "chip_sram_bytes": chip.sram_bytes,
        "bitstream_bytes": report.bitstream_bytes,
        "weight_bytes": weight_bytes,
        "roofline_seconds": report.roofline_seconds,
        "estimated_seconds": report.estimated_seconds,
        "simulated_seconds": result.seconds,
        "simulated_cycles": result.cycles,
        # What bounds a many-section program: each section first loads its
        # configuration, and nothing overlaps that load.
        "config_fraction": (
            sum(section.config_cycles for section in sim.sections) / result.cycles
            if result.cycles else 0.0
        ),
        "flops": sim.flops,
        "achieved_flops": sim.achieved_flops,
        "peak_flops": sim.peak_flops,
        "tier_bytes": dict(sim.tier_bytes),
        "simulator_seconds": sim_wall,
    }
    # Cost model vs simulator, per kernel (the cost model's unit of estimate).
    accuracy: list[dict[str, Any]] = []
    try:
        kernels = section_kernels(captured["graph"], chip) if "graph" in captured else {}
    except Exception as error:  # the figure is optional; say why it is missing
        kernels = {}
        record["cost_model_error"] = f"{type(error).__name__}: {error}"
    if kernels:
        simulated: dict[str, float] = {}
        sections_of: dict[str, int] = {}
        for section in sim.sections:
            kernel = kernel_of_section(section.name, kernels)
            if kernel is None:
                continue
            cycles = section.config_cycles + section.run_cycles
            simulated[kernel] = simulated.get(kernel, 0.0) + chip.seconds(cycles)
            sections_of[kernel] = sections_of.get(kernel, 0) + 1
        for row in report.kernel_rows:
            seconds = simulated.get(row["kernel"])
            if not seconds:
                continue
            accuracy.append(
                {
                    "kernel": row["kernel"],
                    "ops": row["ops"],
                    "sections": sections_of[row["kernel"]],
                    "estimated_seconds": row["seconds"],
                    "simulated_seconds": seconds,
                    "error": (row["seconds"] - seconds) / seconds,
                }
            )
    record["cost_model"] = accuracy
    return record


# ---------------------------------------------------------------------------
# IREE
# ---------------------------------------------------------------------------


def _iree_tool(name: str) -> str | None:
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    return shutil.which(name)


def iree_available() -> str | None:
    """None when IREE can run, else the reason it cannot."""
    if importlib.util.find_spec("iree") is None or importlib.util.find_spec(
        "iree.compiler"
    ) is None:
        return "iree-base-compiler is not installed (pip install '.[bench]')"
    for tool in ("iree-import-onnx", "iree-compile"):
        if _iree_tool(tool) is None:
            return f"{tool} is not on PATH"
    return None


def iree_compile(onnx_path: Path, workdir: Path) -> dict[str, Any]:
    """`iree-import-onnx` then `iree-compile` for llvm-cpu; wall time of each."""
    mlir = workdir / (onnx_path.stem + ".iree.mlir")
    vmfb = workdir / (onnx_path.stem + ".vmfb")
    importer = [_iree_tool("iree-import-onnx"), str(onnx_path), "-o", str(mlir)]
    if Path(f"{onnx_path}.data").exists():
        # weights beyond protobuf's 2 GB (Llama-1B): without this the importer's
        # ONNX checker fails to serialize the model
        importer.append("--large-model")
    steps = [
        ("import", importer),
        (
            "compile",
            [
                _iree_tool("iree-compile"),
                str(mlir),
                "--iree-hal-target-device=local",
                "--iree-hal-local-target-device-backends=llvm-cpu",
                "-o",
                str(vmfb),
            ],
        ),
    ]
    record: dict[str, Any] = {"status": "ok"}
    total = 0.0
    for name, command in steps:
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        total += elapsed
        record[f"{name}_seconds"] = elapsed
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()
            # a Python tool's traceback names the error on its last line
            shown = lines[-3:] if lines and lines[0].startswith("Traceback") else lines[:3]
            record["status"] = "failed"
            record["reason"] = f"{name} exited {done.returncode}: " + " | ".join(
                shown
            )[:500]
            return record
    record["compile_seconds"] = total
    record["vmfb_bytes"] = vmfb.stat().st_size
    for path in (mlir, vmfb):
        path.unlink(missing_ok=True)
    return record


# ---------------------------------------------------------------------------
# Per model
# ---------------------------------------------------------------------------


def _failure(error: BaseException) -> dict[str, Any]:
    from dfc.compile import CompileError

    text = str(error) if isinstance(error, CompileError) else (
        f"{type(error).__name__}: {error}"
    )
    # The first lines: a located error names the op or node on its second line.
    lines = [line.strip() for line in text.strip().splitlines()[:3]]
    return {"status": "failed", "reason": " ".join(lines)[:500] or type(error).__name__}


def measure_model(
    name: str, quick: bool, chip: str, workdir: Path, *, iree: str | None,
    torch_frontend: bool, log: Any = print,
) -> dict[str, Any]:
    """Everything the suite measures about one model (see the module docstring).
    `iree`: None to run IREE, else the reason it is skipped."""
    from bench.models import MODELS, export_onnx

    spec = MODELS[name]
    row: dict[str, Any] = {
        "model": name,
        "kind": spec.kind,
        "transformer": spec.transformer,
        "config": spec.description(quick),
    }
    model, args = spec.build(quick)
    start = time.perf_counter()
    path = export_onnx(model, args, workdir / f"{name}.onnx")
    row["export_seconds"] = time.perf_counter() - start
    row["onnx_bytes"] = path.stat().st_size
    # The torch module's weights are not needed while dfc compiles the ONNX
    # file (Llama-1B's are 3.9 GB); the torch frontend builds it again (seeded).
    del model
    gc.collect()
    for fusion, key in (("auto", "fused"), ("none", "unfused")):
        log(f"  {name}: dfc fusion={fusion} ...")
        try:
            row[key] = {"status": "ok", **build_record(path, chip, fusion)}
        except Exception as error:
            row[key] = _failure(error)
            row[key]["traceback"] = traceback.format_exc(limit=3)[-1500:]
    fused, unfused = row["fused"], row["unfused"]
    if fused["status"] == "ok":
        sim = fused["simulated_seconds"]
        bound = fused["roofline_seconds"]
        row["roofline_fraction"] = bound / sim if bound and sim else None
        if spec.kind == "decode":
            hbm = _chip(chip).bandwidth("hbm")
            streamed, cache = streamed_weight_bytes(path)
            limit = streamed / hbm
            row["decode"] = {
                "tokens_per_second": 1.0 / sim,
                "hbm_limit_tokens_per_second": 1.0 / limit if limit else None,
                "hbm_fraction": limit / sim,
                "streamed_weight_bytes": streamed,
                "kv_cache_bytes": cache,
                "hbm_fraction_with_kv_cache": (streamed + cache) / hbm / sim,
                "hbm_bytes_per_second": hbm,
            }
    if fused["status"] == "ok" and unfused["status"] == "ok":
        row["speedup"] = unfused["simulated_seconds"] / fused["simulated_seconds"]
    if torch_frontend:
        log(f"  {name}: dfc torch frontend ...")
        try:
            model, args = spec.build(quick)
            record = build_record(model, chip, "auto", example_args=args)
            del model
            row["torch_frontend"] = {
                "status": "ok",
                "compile_seconds": record["compile_seconds"],
                "simulated_seconds": record["simulated_seconds"],
                "sections": record["sections"],
                "roofline_seconds": record["roofline_seconds"],
            }
        except Exception as error:
            row["torch_frontend"] = _failure(error)
    if iree is None:
        log(f"  {name}: iree ...")
        row["iree"] = iree_compile(path, workdir)
        if row["iree"]["status"] == "ok" and fused["status"] == "ok":
            row["dfc_over_iree"] = (
                fused["compile_seconds"] / row["iree"]["compile_seconds"]
            )
    else:
        row["iree"] = {"status": "skipped", "reason": iree}
    path.unlink(missing_ok=True)
    return row


def _torch_threads() -> None:
    """The same torch thread count in the suite and in each model's child
    process (export and the torch frontend run there)."""
    import torch

    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))


def _measure_child(job: dict[str, Any]) -> None:
    """`measure_isolated`'s child: measure one model, write its row as JSON."""
    _torch_threads()
    row = measure_model(
        job["name"], job["quick"], job["chip"], Path(job["workdir"]),
        iree=job["iree"], torch_frontend=job["torch_frontend"],
        log=lambda message: print(message, file=sys.stderr, flush=True),
    )
    Path(job["out"]).write_text(json.dumps(row, default=float))


def measure_isolated(
    name: str, quick: bool, chip: str, workdir: Path, *, iree: str | None,
    torch_frontend: bool, log: Any = print, target: Any = _measure_child,
) -> dict[str, Any]:
    """`measure_model` in a child process, so that a model the machine cannot
    compile (the full-size Llama stack outgrew 24 GiB and the kernel killed
    the whole suite) fails its row instead of the run. `target` is the
    child's entry (a test passes one that dies)."""
    import multiprocessing

    from bench.models import MODELS

    out = workdir / f"{name}.row.json"
    out.unlink(missing_ok=True)
    job = {"name": name, "quick": quick, "chip": chip, "workdir": str(workdir),
           "iree": iree, "torch_frontend": torch_frontend, "out": str(out)}
    child = multiprocessing.get_context("spawn").Process(target=target, args=(job,))
    child.start()
    child.join()
    if child.exitcode == 0 and out.exists():
        return json.loads(out.read_text())
    code = child.exitcode
    why = (
        f"the measuring process was killed by signal {-code}"
        + (" (SIGKILL: out of memory?)" if code == -9 else "")
        if code is not None and code < 0
        else f"the measuring process exited with status {code} and no result"
    )
    log(f"  {name}: {why}")
    spec = MODELS[name]
    failed = {"status": "failed", "reason": why}
    return {
        "model": name,
        "kind": spec.kind,
        "transformer": spec.transformer,
        "config": spec.description(quick),
        "fused": dict(failed),
        "unfused": dict(failed),
        "iree": {"status": "skipped", "reason": why},
    }


def streamed_weight_bytes(path: Path) -> tuple[int, int]:
    """(bytes of weights one decode step must read, bytes of float graph inputs)
    from the ONNX file: every initializer once, except tables read only by
    `Gather` (embeddings), of which one row per gathered index counts. The
    float inputs are the KV cache of a decoder."""
    import numpy as np
    import onnx
    from onnx import helper

    model = onnx.load(str(path), load_external_data=False)
    graph = model.graph
    sizes = {}
    for init in graph.initializer:
        itemsize = np.dtype(helper.tensor_dtype_to_np_dtype(init.data_type)).itemsize
        sizes[init.name] = (math.prod(init.dims) * itemsize, list(init.dims))
    users: dict[str, list[Any]] = {}
    for node in graph.node:
        for index, name in enumerate(node.input):
            users.setdefault(name, []).append((node, index))
    shapes = {
        v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
        for v in list(graph.value_info) + list(graph.input)
    }
    total = 0
    for name, (nbytes, dims) in sizes.items():
        uses = users.get(name, [])
        if uses and dims and all(n.op_type == "Gather" and i == 0 for n, i in uses):
            rows = sum(math.prod(shapes.get(n.input[1], [1]) or [1]) for n, _ in uses)
            total += min(nbytes, rows * nbytes // dims[0])
        else:
            total += nbytes
    cache = 0
    for value in graph.input:
        elem = value.type.tensor_type.elem_type
        dtype = np.dtype(helper.tensor_dtype_to_np_dtype(elem))
        if dtype.kind == "f":
            dims = [d.dim_value for d in value.type.tensor_type.shape.dim]
            cache += math.prod(dims) * dtype.itemsize
    return total, cache


def _chip(name: str) -> Any:
    from dfc.backends.chip import load_chip

    return load_chip(name)


# ---------------------------------------------------------------------------
# Scaling and summaries
# ---------------------------------------------------------------------------


def loglog_exponent(xs: list[float], ys: list[float]) -> float | None:
    """Least-squares slope of log y over log x (y ~ x^k gives k)."""
    points = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if y > 0]
    if len(points) < 2:
        return None
    mx = sum(p[0] for p in points) / len(points)
    my = sum(p[1] for p in points) / len(points)
    sxx = sum((p[0] - mx) ** 2 for p in points)
    if sxx == 0:
        return None
    return sum((p[0] - mx) * (p[1] - my) for p in points) / sxx


def scaling(depths: list[int], quick: bool, chip: str, workdir: Path,
            log: Any = print) -> dict[str, Any]:
    from bench.models import export_onnx, gpt2_layers

    rows = []
    for depth in depths:
        log(f"  scaling: GPT-2 {depth} layers ...")
        model, args = gpt2_layers(depth, quick)
        path = export_onnx(model, args, workdir / f"gpt2-{depth}.onnx")
        try:
            record = build_record(path, chip, "auto")
            rows.append(
                {
                    "layers": depth,
                    "status": "ok",
                    "compile_seconds": record["compile_seconds"],
                    "simulator_seconds": record["simulator_seconds"],
                    "simulated_seconds": record["simulated_seconds"],
                    "sections": record["sections"],
                    "stages": record["stages"],
                }
            )
        except Exception as error:
            rows.append({"layers": depth, **_failure(error)})
        path.unlink(missing_ok=True)
    ok = [r for r in rows if r["status"] == "ok"]
    layers = [float(r["layers"]) for r in ok]
    return {
        "rows": rows,
        "compile_exponent": loglog_exponent(layers, [r["compile_seconds"] for r in ok]),
        "simulator_exponent": loglog_exponent(
            layers, [r["simulator_seconds"] for r in ok]
        ),
    }


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def cost_model_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Error distribution over every kernel of every model's two builds."""
    errors = []
    for row in rows:
        for key in ("fused", "unfused"):
            build = row.get(key, {})
            errors += [abs(k["error"]) for k in build.get("cost_model", [])]
    if not errors:
        return {"kernels": 0}
    bins = [(0.05, "<5%"), (0.15, "5-15%"), (0.5, "15-50%"), (1.0, "50-100%"),
            (math.inf, ">100%")]
    histogram = dict.fromkeys((label for _, label in bins), 0)
    for error in errors:
        label = next(label for bound, label in bins if error < bound)
        histogram[label] += 1
    return {
        "kernels": len(errors),
        "within_15pct": sum(e <= WITHIN for e in errors) / len(errors),
        "median_abs_error": _quantile(errors, 0.5),
        "p90_abs_error": _quantile(errors, 0.9),
        "histogram": histogram,
    }


def geomean(values: list[float]) -> float | None:
    values = [v for v in values if v and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def targets(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 9's "done when" targets against the measured figures."""
    rows = {r["model"]: r for r in data["models"]}
    out: list[dict[str, Any]] = []

    def add(name: str, target: str, value: float | None, met: bool | None) -> None:
        out.append({"target": name, "wanted": target, "measured": value, "met": met})

    speedups = [r["speedup"] for r in rows.values() if r["transformer"] and r.get("speedup")]
    value = geomean(speedups)
    add("geomean fused speedup, transformer models", ">= 3x", value,
        None if value is None else value >= TARGETS["transformer_speedup_geomean"])
    for name in ("bert-base", "gpt2-prefill"):
        fraction = rows.get(name, {}).get("roofline_fraction")
        add(f"roofline fraction, {name}", ">= 0.7", fraction,
            None if fraction is None else fraction >= TARGETS["roofline_fraction"])
    decode = rows.get("gpt2-decode", {}).get("decode", {}).get("hbm_fraction")
    add("decode vs HBM limit, gpt2-decode", ">= 0.85", decode,
        None if decode is None else decode >= TARGETS["decode_hbm_fraction"])
    cost = data["cost_model"].get("within_15pct")
    add("cost model within 15 % of the simulator", ">= 90 % of kernels", cost,
        None if cost is None else cost >= TARGETS["cost_model_within_15pct"])
    ratios = [r["dfc_over_iree"] for r in rows.values() if r.get("dfc_over_iree")]
    worst = max(ratios) if ratios else None
    add("dfc compile time / IREE's (worst model)", "< 1 on each", worst,
        None if worst is None else worst < 1.0)
    exponent = data.get("scaling", {}).get("compile_exponent")
    add("compile time vs depth exponent", "~1 (<= 1.15)", exponent,
        None if exponent is None else exponent <= TARGETS["scaling_exponent_max"])
    return out


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------


def _us(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    micro = seconds * 1e6
    return f"{micro:,.0f} us" if micro >= 1000 else f"{micro:.3g} us"


def _s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f}"


def _num(value: float | None, fmt: str = ".2f") -> str:
    return "-" if value is None else format(value, fmt)


def _bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def render(data: dict[str, Any]) -> str:
    meta = data["meta"]
    lines = [
        f"# dfc benchmark suite on `{meta['chip']}` ({'quick' if meta['quick'] else 'full'})",
        "",
        f"`{meta['command']}` — {meta['date']}, {meta['machine']}; "
        "simulated by the timing model.",
        "",
        "| model | config | compile s | sections | units pcu/pmu/agcu (peak) | SRAM peak "
        "| simulated | config % | unfused | speedup | roofline | roofline frac. "
        "| TFLOP/s | sim wall s |",
        "|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in data["models"]:
        fused, unfused = row["fused"], row["unfused"]
        if fused["status"] != "ok":
            lines.append(
                f"| {row['model']} | {row['config']} | failed: {fused['reason'][:120]} "
                "| | | | | | | | | | | |"
            )
            continue
        peak = "/".join(str(fused["peak_units"].get(k, 0)) for k in ("pcu", "pmu", "agcu"))
        lines.append(
            f"| {row['model']} | {row['config']} | {_s(fused['compile_seconds'])} | "
            f"{fused['sections']} | {peak} | {_bytes(fused['sram_peak_bytes'])} | "
            f"{_us(fused['simulated_seconds'])} | {100 * fused['config_fraction']:.0f} | "
            + (_us(unfused["simulated_seconds"]) if unfused["status"] == "ok"
               else "failed")
            + f" | {_num(row.get('speedup'))}x | {_us(fused['roofline_seconds'])} | "
            f"{_num(row.get('roofline_fraction'), '.3f')} | "
            f"{fused['achieved_flops'] / 1e12:.3g} | {fused['simulator_seconds']:.2f} |"
        )
    lines += ["", "## Bytes per tier (fused build, simulated)", "",
              "| model | HBM | DDR | SRAM | weights |", "|---|---:|---:|---:|---:|"]
    for row in data["models"]:
        fused = row["fused"]
        if fused["status"] == "ok":
            tiers = fused["tier_bytes"]
            lines.append(
                f"| {row['model']} | {_bytes(tiers.get('hbm', 0))} | "
                f"{_bytes(tiers.get('ddr', 0))} | {_bytes(tiers.get('sram', 0))} | "
                f"{_bytes(fused['weight_bytes'])} |"
            )
    decode = [r for r in data["models"] if r.get("decode")]
    if decode:
        lines += ["", "## Decoding against the HBM limit", "",
                  "| model | tokens/s | HBM limit tokens/s | fraction |",
                  "|---|---:|---:|---:|"]
        for row in decode:
            d = row["decode"]
            lines.append(
                f"| {row['model']} | {d['tokens_per_second']:,.0f} | "
                f"{_num(d['hbm_limit_tokens_per_second'], ',.0f')} | "
                f"{d['hbm_fraction']:.3f} |"
            )
    lines += ["", "## Compile time per stage (fused build, s)", ""]
    stage_names: list[str] = []
    for row in data["models"]:
        for stage in row["fused"].get("stages", []):
            if stage["stage"] not in stage_names:
                stage_names.append(stage["stage"])
    ok = [r for r in data["models"] if r["fused"]["status"] == "ok"]
    lines.append("| stage | " + " | ".join(r["model"] for r in ok) + " |")
    lines.append("|---|" + "---:|" * len(ok))
    for stage in stage_names:
        cells = []
        for row in ok:
            seconds = {s["stage"]: s["seconds"] for s in row["fused"]["stages"]}
            cells.append(_num(seconds.get(stage)))
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    lines += ["", "## Frontends and peer compiler", "",
              "| model | dfc ONNX compile s | dfc torch compile s | torch simulated "
              "| IREE (llvm-cpu) compile s | dfc / IREE |",
              "|---|---:|---:|---:|---:|---:|"]
    for row in data["models"]:
        torch_row = row.get("torch_frontend", {"status": "not run"})
        iree = row["iree"]
        torch_cells = (
            f"{_s(torch_row['compile_seconds'])} | {_us(torch_row['simulated_seconds'])}"
            if torch_row["status"] == "ok"
            else f"{torch_row['status']}: {torch_row.get('reason', '')[:80]} | -"
        )
        iree_cell = (
            _s(iree["compile_seconds"]) if iree["status"] == "ok"
            else f"{iree['status']}: {iree.get('reason', '')[:80]}"
        )
        lines.append(
            f"| {row['model']} | {_s(row['fused'].get('compile_seconds'))} | "
            f"{torch_cells} | {iree_cell} | {_num(row.get('dfc_over_iree'))} |"
        )
    cost = data["cost_model"]
    lines += ["", "## Cost model vs simulator (per kernel, both builds)", ""]
    if cost.get("kernels"):
        lines.append(
            f"{cost['kernels']} kernels; within 15 %: {100 * cost['within_15pct']:.1f} %; "
            f"median |error| {100 * cost['median_abs_error']:.1f} %, "
            f"90th percentile {100 * cost['p90_abs_error']:.1f} %."
        )
        lines += ["", "| abs. error | " + " | ".join(cost["histogram"]) + " |",
                  "|---|" + "---:|" * len(cost["histogram"]),
                  "| kernels | " + " | ".join(str(v) for v in cost["histogram"].values())
                  + " |"]
        lines += ["", "| model | build | kernels | est. total | sim. total "
                  "| median signed error |", "|---|---|---:|---:|---:|---:|"]
        for row in data["models"]:
            for key in ("fused", "unfused"):
                kernels = row[key].get("cost_model", [])
                if kernels:
                    est = sum(k["estimated_seconds"] for k in kernels)
                    sim = sum(k["simulated_seconds"] for k in kernels)
                    median = _quantile([k["error"] for k in kernels], 0.5)
                    lines.append(
                        f"| {row['model']} | {key} | {len(kernels)} | {_us(est)} | "
                        f"{_us(sim)} | {100 * median:+.0f} % |"
                    )
    else:
        lines.append("no kernel could be matched to simulated sections.")
    if data.get("scaling"):
        sc = data["scaling"]
        lines += ["", "## Scaling with depth (GPT-2 prefill, fused)", "",
                  "| layers | compile s | simulator wall s | simulated | sections |",
                  "|---:|---:|---:|---:|---:|"]
        for r in sc["rows"]:
            if r["status"] == "ok":
                lines.append(
                    f"| {r['layers']} | {r['compile_seconds']:.1f} | "
                    f"{r['simulator_seconds']:.2f} | {_us(r['simulated_seconds'])} | "
                    f"{r['sections']} |"
                )
            else:
                lines.append(f"| {r['layers']} | failed: {r['reason'][:100]} | | | |")
        lines += ["", f"Log-log exponent: compile time {_num(sc['compile_exponent'])}, "
                  f"simulator time {_num(sc['simulator_exponent'])} (1 = linear)."]
    lines += ["", "## Issue 9 targets", "", "| target | wanted | measured | met |",
              "|---|---|---:|---|"]
    for t in data["targets"]:
        met = "n/a" if t["met"] is None else ("yes" if t["met"] else "no")
        lines.append(f"| {t['target']} | {t['wanted']} | {_num(t['measured'], '.3f')} | {met} |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------


def run(
    models: list[str], *, quick: bool, chip: str = "sn40l", iree: bool = True,
    torch_frontend: bool = True, depths: list[int] | None = None,
    command: str = "python -m bench suite", log: Any = print,
    previous: dict[str, Any] | None = None,
    checkpoint: Any = None,
) -> dict[str, Any]:
    """Run the suite; returns the JSON-ready result (see `render`).

    `previous`: a partial result of the same configuration (`--resume`); its
    model rows and scaling are reused, not measured again. `checkpoint`: called
    with the data so far after each model, so a long full-size run that is
    stopped keeps what it measured."""
    _torch_threads()
    reason = iree_available() if iree else "disabled (--no-iree)"
    if reason is not None:
        log(f"IREE skipped: {reason}")
    started = time.perf_counter()
    data: dict[str, Any] = {
        "meta": {
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "quick": quick,
            "chip": chip,
            "command": command,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}",
            "iree": reason or "ran",
        },
        "models": [],
    }
    measured = {row["model"]: row for row in (previous or {}).get("models", [])}
    with tempfile.TemporaryDirectory(prefix="dfc-bench-") as tmp:
        for name in models:
            if name in measured:
                log(f"{name}: reused from the partial run")
                data["models"].append(measured[name])
                continue
            log(f"{name} ...")
            data["models"].append(
                measure_isolated(name, quick, chip, Path(tmp), iree=reason,
                                 torch_frontend=torch_frontend, log=log)
            )
            if checkpoint is not None:
                checkpoint(data)
        if depths:
            reused = (previous or {}).get("scaling")
            if reused and [r["layers"] for r in reused.get("rows", [])] == depths:
                log("scaling: reused from the partial run")
                data["scaling"] = reused
            else:
                data["scaling"] = scaling(depths, quick, chip, Path(tmp), log=log)
    data["cost_model"] = cost_model_summary(data["models"])
    data["targets"] = targets(data)
    data["meta"]["wall_seconds"] = time.perf_counter() - started
    return data


def _write_json(path: Path, data: dict[str, Any]) -> None:
    # Written beside and renamed, so a run stopped mid-write leaves the last
    # whole file, never half of one.
    scratch = path.with_suffix(".tmp")
    scratch.write_text(json.dumps(data, indent=2, sort_keys=True, default=float) + "\n")
    scratch.replace(path)


def _load_partial(path: Path, *, quick: bool, chip: str) -> dict[str, Any] | None:
    """The partial result at `path` if it was measured in the same mode on the
    same chip (rows of another configuration must not be mixed in)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    meta = data.get("meta", {})
    if meta.get("quick") != quick or meta.get("chip") != chip:
        return None
    return data


def main(argv: list[str] | None = None) -> int:
    from bench.models import MODELS, parse_models

    parser = argparse.ArgumentParser(
        prog="python -m bench suite", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true",
                        help="small configurations of the same architectures")
    parser.add_argument("--models", default=",".join(MODELS),
                        help=f"comma-separated, from: {', '.join(MODELS)}")
    parser.add_argument("--chip", default="sn40l")
    parser.add_argument("--iree", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--torch", action=argparse.BooleanOptionalAction, default=True,
                        help="also compile through the torch frontend")
    parser.add_argument("--scaling", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--depths", default=",".join(map(str, DEFAULT_DEPTHS)))
    parser.add_argument("--out", type=Path, default=RESULTS_DIR,
                        help="directory for <date>.json and <date>.md")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--resume", action="store_true",
                        help="reuse the models of <out>/<date>.partial.json, left by a "
                        "stopped run of the same mode and chip")
    args = parser.parse_args(argv)
    models = parse_models(args.models)
    if models is None:
        return 2
    try:
        depths = [int(d) for d in args.depths.split(",") if d] if args.scaling else []
    except ValueError:
        print(f"--depths: expected integers, got '{args.depths}'", file=sys.stderr)
        return 2
    command = "python -m bench suite " + " ".join(argv if argv is not None else sys.argv[1:])

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    stem = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    stem += "-quick" if args.quick else ""
    partial = args.out / f"{stem}.partial.json"
    previous = None
    if args.resume:
        previous = _load_partial(partial, quick=args.quick, chip=args.chip)
        if previous is None:
            log(f"--resume: no partial run of this mode and chip at {partial}")

    def checkpoint(data: dict[str, Any]) -> None:
        if not args.no_write:
            args.out.mkdir(parents=True, exist_ok=True)
            _write_json(partial, data)

    data = run(models, quick=args.quick, chip=args.chip, iree=args.iree,
               torch_frontend=args.torch, depths=depths, command=command.strip(),
               log=log, previous=previous, checkpoint=checkpoint)
    text = render(data)
    print(text)
    if not args.no_write:
        args.out.mkdir(parents=True, exist_ok=True)
        _write_json(args.out / f"{stem}.json", data)
        (args.out / f"{stem}.md").write_text(text)
        partial.unlink(missing_ok=True)
        log(f"wrote {args.out / stem}.json and .md")
    failed = any(r["fused"]["status"] != "ok" for r in data["models"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
