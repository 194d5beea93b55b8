"""The simulation report: totals, per section and per unit busy/stall/idle, bytes per
tier, peak SRAM per memory unit and achieved FLOP/s against the chip's peak."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class UnitReport:
    section: str
    name: str
    """Process name: the unit, or `<pmu>.write` / `<pmu>.read`."""
    kind: str
    busy_cycles: float
    stall_cycles: float
    idle_cycles: float
    flops: float = 0.0


@dataclass
class SectionReport:
    name: str
    config_bytes: int
    config_cycles: int
    run_cycles: float
    start_cycle: float
    flops: float
    tier_bytes: dict[str, int]
    units: list[UnitReport] = field(default_factory=list)


@dataclass
class SimReport:
    chip: str
    clock_hz: int
    cycles: float
    seconds: float
    flops: float
    peak_flops: float
    tier_bytes: dict[str, int]
    peak_sram: dict[str, int]
    """Per PMU (`section/unit`): bytes of buffer the program touches (x2 when double
    buffered)."""
    sections: list[SectionReport] = field(default_factory=list)
    functional: bool = True

    @property
    def achieved_flops(self) -> float:
        return self.flops / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["achieved_flops"] = self.achieved_flops
        data["utilization"] = (
            self.achieved_flops / self.peak_flops if self.peak_flops else 0.0
        )
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    def to_markdown(self) -> str:
        lines = [
            f"# Simulation on `{self.chip}`",
            "",
            f"- cycles: {self.cycles:,.0f} ({self.seconds * 1e6:,.3f} us at {self.clock_hz / 1e9:g} GHz)",
            f"- FLOPs: {self.flops:,.0f}; achieved {self.achieved_flops / 1e12:.4g} TFLOP/s "
            f"of {self.peak_flops / 1e12:.4g} peak ({100 * self.achieved_flops / self.peak_flops if self.peak_flops else 0:.2f} %)",
            "- bytes: "
            + ", ".join(f"{tier} {n:,}" for tier, n in sorted(self.tier_bytes.items())),
            f"- functional results: {'computed' if self.functional else 'skipped (timing only)'}",
            "",
            "## Sections",
            "",
            "| section | config bytes | config cycles | run cycles | FLOPs | HBM bytes | DDR bytes | SRAM bytes |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for s in self.sections:
            lines.append(
                f"| {s.name} | {s.config_bytes:,} | {s.config_cycles:,} | {s.run_cycles:,.0f} | "
                f"{s.flops:,.0f} | {s.tier_bytes.get('hbm', 0):,} | {s.tier_bytes.get('ddr', 0):,} | "
                f"{s.tier_bytes.get('sram', 0):,} |"
            )
        lines += [
            "",
            "## Units",
            "",
            "| section | unit | kind | busy % | stall % | idle % |",
            "|---|---|---|---:|---:|---:|",
        ]
        for s in self.sections:
            for u in s.units:
                total = max(s.run_cycles, 1e-9)
                lines.append(
                    f"| {s.name} | {u.name} | {u.kind} | {100 * u.busy_cycles / total:.1f} | "
                    f"{100 * u.stall_cycles / total:.1f} | {100 * u.idle_cycles / total:.1f} |"
                )
        if self.peak_sram:
            lines += [
                "",
                "## Peak SRAM per memory unit",
                "",
                "| unit | bytes |",
                "|---|---:|",
            ]
            lines += [
                f"| {name} | {n:,} |" for name, n in sorted(self.peak_sram.items())
            ]
        return "\n".join(lines) + "\n"
