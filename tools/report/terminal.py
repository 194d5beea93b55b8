"""The compile report as rich tables (`dfc-compile --report -`).

    print_report(artifact.report, sys.stdout)

On a terminal rich adds colour; written to a file or pipe the tables are plain
text (box-drawing characters, no escape codes), 120 columns wide.
"""

from __future__ import annotations

from typing import IO, Any

from .summary import summary_rows, us

TERMINAL_TENSORS = 30
"""Tensors listed in the terminal (the largest); the HTML and JSON list all."""


def print_report(report: Any, file: IO[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    is_tty = hasattr(file, "isatty") and file.isatty()
    console = Console(file=file, width=None if is_tty else 120, highlight=False)

    summary = Table(
        title=f"Compile report: {report.model} on {report.chip}",
        show_header=False,
        title_justify="left",
    )
    summary.add_column("figure", style="bold")
    summary.add_column("value")
    for key, value in summary_rows(report):
        summary.add_row(key, value)
    console.print(summary)

    stages = Table(title="Compile time per stage", title_justify="left")
    stages.add_column("stage")
    stages.add_column("ms", justify="right")
    stages.add_column("%", justify="right")
    total = report.compile_seconds or 1e-12
    for name, seconds in report.stages:
        stages.add_row(name, f"{1e3 * seconds:,.1f}", f"{100 * seconds / total:.1f}")
    console.print(stages)

    if report.section_rows:
        sections = Table(title="Sections", title_justify="left")
        for column, justify in (
            ("section", "left"),
            ("ops", "left"),
            ("pcu", "right"),
            ("pmu", "right"),
            ("agcu", "right"),
            ("streams", "right"),
            ("bound (sim)", "left"),
            ("config cycles", "right"),
            ("run cycles", "right"),
        ):
            sections.add_column(column, justify=justify)  # type: ignore[arg-type]
        for row in report.section_rows:
            sections.add_row(
                row["section"],
                row.get("ops", ""),
                str(row["pcu"]),
                str(row["pmu"]),
                str(row["agcu"]),
                str(row["streams"]),
                row.get("bound", "-"),
                _cycles(row.get("config_cycles")),
                _cycles(row.get("run_cycles")),
            )
        console.print(sections)

    if report.kernel_rows:
        kernels = Table(title="Kernels (cost model)", title_justify="left")
        for column in ("kernel", "ops", "pcus", "pmus", "bound", "estimated", "fits"):
            kernels.add_column(
                column,
                justify="left" if column in ("kernel", "bound", "fits") else "right",
            )
        for row in report.kernel_rows:
            kernels.add_row(
                row["kernel"],
                str(row["ops"]),
                str(row["pcus"]),
                str(row["pmus"]),
                row["bound"],
                us(row["seconds"]),
                "yes" if row["fits"] else "no",
            )
        console.print(kernels)

    rows = getattr(report, "tensor_rows", [])
    if rows:
        largest = sorted(rows, key=lambda r: (-r["bytes"], r["tensor"]))[
            :TERMINAL_TENSORS
        ]
        title = "Tensors by memory tier"
        if len(rows) > len(largest):
            title += f" (the {len(largest)} largest of {len(rows)})"
        tensors = Table(title=title, title_justify="left")
        for column in ("tensor", "type", "tier", "offset", "bytes"):
            tensors.add_column(
                column, justify="right" if column in ("offset", "bytes") else "left"
            )
        for row in largest:
            tensors.add_row(
                row["tensor"],
                row["type"],
                row["tier"],
                f"{row['offset']:,}",
                f"{row['bytes']:,}",
            )
        console.print(tensors)


def _cycles(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"
