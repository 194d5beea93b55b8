"""The model totals of a `CompileReport` as (figure, value) rows, shared by the
terminal and HTML reports so that both say the same thing."""

from __future__ import annotations

from typing import Any


def us(seconds: float) -> str:
    """Microseconds with four significant digits (tiny models run in ns)."""
    micro = seconds * 1e6
    return f"{micro:,.0f} us" if micro >= 1000 else f"{micro:.4g} us"


def summary_rows(report: Any) -> list[tuple[str, str]]:
    total_units = sum(report.units.values())
    rows = [
        ("fusion / seed", f"{report.fusion} / {report.seed}"),
        ("kernels", f"{report.kernels}"),
        ("sections", f"{report.sections}"),
        (
            "units",
            f"{total_units:,} ("
            + ", ".join(f"{k} {v:,}" for k, v in sorted(report.units.items()))
            + ")",
        ),
        (
            "most in one section",
            ", ".join(
                f"{k} {v:,}/{report.chip_units.get(k, 0):,}"
                for k, v in sorted(report.peak_units.items())
            ),
        ),
        ("placed", f"{report.placed_units:,}/{total_units:,} units"),
        (
            "routing",
            f"{report.routed_ports:,}/{report.ports:,} input ports "
            f"({'ok' if report.routing_ok else 'INCOMPLETE'}), {report.streams:,} streams",
        ),
    ]
    peak = getattr(report, "tier_peak", {})
    if peak:
        rows.append(
            (
                "memory (peak)",
                ", ".join(f"{t} {n:,} B" for t, n in sorted(peak.items())),
            )
        )
    rows += [
        ("bitstream", f"{report.bitstream_bytes:,} bytes"),
        ("compile time", f"{report.compile_seconds:.3f} s"),
    ]
    if report.roofline_seconds is not None:
        rows.append(("roofline bound", us(report.roofline_seconds)))
    if report.estimated_seconds is not None:
        rows.append(("cost-model estimate", us(report.estimated_seconds)))
    sim = report.simulation
    if sim is not None:
        rows.append(
            (
                "simulated time",
                f"{us(sim.seconds)} ({sim.cycles:,.0f} cycles, "
                f"{100 * sim.utilization:.2f} % of peak FLOP/s"
                f"{'' if sim.functional else ', timing model'})",
            )
        )
        if report.roofline_seconds:
            rows.append(
                (
                    "simulated / roofline",
                    f"{sim.seconds / report.roofline_seconds:.2f}x",
                )
            )
        if report.estimated_seconds:
            rows.append(
                (
                    "simulated / estimate",
                    f"{sim.seconds / report.estimated_seconds:.2f}x",
                )
            )
    if report.unfused is not None:
        rows.append(
            (
                "unfused (--fusion none)",
                f"{us(report.unfused['seconds'])} in {report.unfused['sections']} "
                f"sections; fused speedup {report.unfused['speedup']:.2f}x",
            )
        )
    return rows
