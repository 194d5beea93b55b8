"""Where a compiled model's simulated time goes, and so what keeps it from the
roofline: `python -m bench limits [--quick] [--models gpt2-prefill,...]`.

Each model of the suite (`bench/models.py`) is exported to ONNX, compiled
with `fusion=auto` and run on the simulator's timing model. Its cycles are
split into configuration loads and section runs; every section's run is put
in one class by what its own units and traffic say:

- `hbm`: its off-chip bytes at the tier's bandwidth take >= 70 % of its run;
- `compute`: its busiest PCU is busy >= 70 % of its run and the section uses
  most of the chip's PCUs (>= 50 %);
- `agcu`: it uses (nearly) every AGCU (>= 90 %): the off-chip ports cap its
  units (every unit loads its panel and stores its result through one);
- `units`: its busiest PCU is busy >= 70 % of the run on fewer than half the
  PCUs (parallelism the lowering or the cost model did not give it);
- `port`: else its busiest AGCU is busy >= 70 % of the run: one off-chip
  port's bandwidth (a single load or store stream: data movement, a row
  operation's pass) bounds it;
- `latency`: the rest (short runs dominated by pipeline fill and DMA latency).

Also reported: time-weighted mean PCUs and AGCUs per section against the
chip's, achieved FLOP/s and HBM bandwidth against peak, and the longest
sections. This is the evidence behind docs/performance.md's "what limits
it"; nothing here changes what the suite measures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BOUND_SHARE = 0.7
"""A section is bounded by a resource that accounts for this share of its run."""
CLASSES = ("hbm", "compute", "agcu", "units", "port", "latency")


def classify(section: Any, chip: Any) -> str:
    """The class of one `SectionReport` (see the module docstring)."""
    run = max(section.run_cycles, 1.0)
    offchip = sum(
        nbytes / chip.bandwidth(tier)
        for tier, nbytes in section.tier_bytes.items()
        if tier != "sram" and nbytes
    ) * chip.clock_hz
    if offchip >= BOUND_SHARE * run:
        return "hbm"
    pcus = [u for u in section.units if u.kind == "pcu"]
    agcus = [u for u in section.units if u.kind == "agcu"]
    busiest = max((u.busy_cycles for u in pcus), default=0.0)
    if agcus and len(agcus) >= 0.9 * chip.count("agcu"):
        return "agcu"
    if busiest >= BOUND_SHARE * run:
        return "compute" if len(pcus) >= 0.5 * chip.count("pcu") else "units"
    if max((u.busy_cycles for u in agcus), default=0.0) >= BOUND_SHARE * run:
        return "port"
    return "latency"


def breakdown(report: Any, chip: Any) -> dict[str, Any]:
    """The figures of one `SimReport` (timing model)."""
    total = max(report.cycles, 1.0)
    config = sum(s.config_cycles for s in report.sections)
    by_class = dict.fromkeys(CLASSES, 0.0)
    weighted_pcus = weighted_agcus = run_total = 0.0
    rows = []
    for section in report.sections:
        kind = classify(section, chip)
        by_class[kind] += section.run_cycles
        pcus = sum(1 for u in section.units if u.kind == "pcu")
        agcus = sum(1 for u in section.units if u.kind == "agcu")
        weighted_pcus += pcus * section.run_cycles
        weighted_agcus += agcus * section.run_cycles
        run_total += section.run_cycles
        rows.append(
            {
                "section": section.name,
                "class": kind,
                "config_cycles": section.config_cycles,
                "run_cycles": section.run_cycles,
                "pcus": pcus,
                "agcus": agcus,
                "hbm_bytes": section.tier_bytes.get("hbm", 0),
                "flops": section.flops,
            }
        )
    rows.sort(key=lambda r: -(r["run_cycles"] + r["config_cycles"]))
    hbm = report.tier_bytes.get("hbm", 0)
    return {
        "seconds": report.seconds,
        "sections": len(report.sections),
        "config_share": config / total,
        "run_share": {k: v / total for k, v in by_class.items()},
        "mean_pcus": weighted_pcus / run_total if run_total else 0.0,
        "mean_agcus": weighted_agcus / run_total if run_total else 0.0,
        "chip_pcus": chip.count("pcu"),
        "chip_agcus": chip.count("agcu"),
        "flops_fraction": report.achieved_flops / report.peak_flops,
        "hbm_fraction": hbm / report.seconds / chip.bandwidth("hbm")
        if report.seconds else 0.0,
        "longest": rows[:5],
    }


def render(name: str, data: dict[str, Any], chip: Any) -> str:
    share = data["run_share"]
    lines = [
        f"## {name}: {data['seconds'] * 1e6:,.1f} us simulated, {data['sections']} sections",
        "",
        "| configuration | " + " | ".join(f"run: {k}" for k in CLASSES) + " |",
        "|---:|" + "---:|" * len(CLASSES),
        f"| {data['config_share']:.0%} | "
        + " | ".join(f"{share[k]:.0%}" for k in CLASSES)
        + " |",
        "",
        f"Mean per section (weighted by run time): {data['mean_pcus']:.1f} of "
        f"{data['chip_pcus']} PCUs, {data['mean_agcus']:.1f} of {data['chip_agcus']} "
        f"AGCUs. Achieved {data['flops_fraction']:.2%} of the simulator's peak "
        f"FLOP/s (the bf16 peak; f32 runs at half of it) and "
        f"{data['hbm_fraction']:.1%} of HBM bandwidth.",
        "",
        "| longest sections | class | config us | run us | PCUs | AGCUs | HBM |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in data["longest"]:
        lines.append(
            f"| {row['section']} | {row['class']} | "
            f"{chip.seconds(row['config_cycles']) * 1e6:.2f} | "
            f"{chip.seconds(row['run_cycles']) * 1e6:.2f} | {row['pcus']} | "
            f"{row['agcus']} | {row['hbm_bytes'] / 1e6:.2f} MB |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    from bench.models import MODELS, export_onnx, parse_models

    parser = argparse.ArgumentParser(
        prog="python -m bench limits", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--models", default="bert-base,gpt2-prefill,gpt2-decode")
    parser.add_argument("--chip", default="sn40l")
    args = parser.parse_args(argv)
    models = parse_models(args.models)
    if models is None:
        return 2
    import dfc

    print(f"# Where the time goes (`python -m bench limits {' '.join(argv or sys.argv[1:])}`)\n")
    with tempfile.TemporaryDirectory(prefix="dfc-limits-") as tmp:
        for name in models:
            model, example = MODELS[name].build(args.quick)
            path = export_onnx(model, example, Path(tmp) / f"{name}.onnx")
            start = time.perf_counter()
            artifact = dfc.compile(str(path), chip=args.chip)
            report = artifact.simulate(functional=False).report
            print(f"[{name}: compiled and simulated in {time.perf_counter() - start:.1f} s]",
                  file=sys.stderr)
            print(render(name, breakdown(report, artifact.chip), artifact.chip), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
