"""The compile report as one self-contained HTML page (`--report report.html`):
inline CSS, the floorplan as a base64 PNG (or inline SVG), no script and no
external file.

    page = render_html(artifact.report, floorplan_png=png_bytes)

Sections: the model totals (sections, units, memory, estimated and simulated
time, roofline and unfused comparisons when present), the floorplan, per
section its ops, units, simulated bound and cycles, per kernel the cost
model's estimate, per tensor its memory tier, and the compile time per stage.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .summary import summary_rows, us

CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d232b;
       max-width: 1400px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #d8dde4; padding-bottom: 3px; }
p.sub { color: #5a6472; margin-top: 0; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; border-bottom: 1px solid #e6e9ee; text-align: left; }
th { background: #f3f5f8; font-weight: 600; }
td.n, th.n { text-align: right; }
table.summary th { background: none; width: 14em; }
.tier-sram { color: #1f6f3f; font-weight: 600; }
.tier-hbm { color: #1f4f8f; }
.tier-ddr { color: #9a4d00; font-weight: 600; }
.bad { color: #b00020; font-weight: 600; }
.floorplan svg, .floorplan img { max-width: 100%; height: auto; }
.pipeline { font-family: ui-monospace, monospace; font-size: 12px; color: #3a4350;
            word-break: break-all; }
"""


def render_html(
    report: Any,
    floorplan_svg: str | None = None,
    note: str = "",
    floorplan_png: bytes | None = None,
) -> str:
    """The page as a string. `floorplan_png`: PNG bytes to embed as a data
    URI (what `dfc-compile` uses: a few hundred kB where sn40l's SVG of
    thousands of tiles is megabytes), or `floorplan_svg`: an SVG document (its
    XML prolog is dropped) to inline; `note`: a line under the floorplan
    (e.g. which sections it shows)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>dfc compile report: {escape(report.model)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>Compile report: <code>{escape(report.model)}</code> on "
        f"<code>{escape(report.chip)}</code></h1>",
        f'<p class="sub">pipeline: <span class="pipeline">{escape(report.pipeline)}</span></p>',
        "<h2>Model totals</h2>",
        '<table class="summary">',
    ]
    for key, value in summary_rows(report):
        css = ' class="bad"' if "INCOMPLETE" in value else ""
        parts.append(f"<tr><th>{escape(key)}</th><td{css}>{escape(value)}</td></tr>")
    parts.append("</table>")

    if floorplan_svg or floorplan_png:
        parts.append("<h2>Floorplan</h2>")
        if note:
            parts.append(f'<p class="sub">{escape(note)}</p>')
        if floorplan_png:
            import base64

            data = base64.b64encode(floorplan_png).decode("ascii")
            image = f'<img alt="floorplan" src="data:image/png;base64,{data}">'
        else:
            image = _strip_prolog(floorplan_svg or "")
        parts.append(f'<div class="floorplan">{image}</div>')

    if report.section_rows:
        parts.append("<h2>Sections</h2>")
        parts.append(
            _table(
                [
                    "section",
                    "ops",
                    "pcu",
                    "pmu",
                    "agcu",
                    "streams",
                    "bound (simulated)",
                    "busiest unit",
                    "config cycles",
                    "run cycles",
                ],
                [
                    [
                        row["section"],
                        row.get("ops", ""),
                        row["pcu"],
                        row["pmu"],
                        row["agcu"],
                        row["streams"],
                        row.get("bound", "-"),
                        f"{100 * row['busiest']:.0f} %" if "busiest" in row else "-",
                        _cycles(row.get("config_cycles")),
                        _cycles(row.get("run_cycles")),
                    ]
                    for row in report.section_rows
                ],
                numeric={2, 3, 4, 5, 7, 8, 9},
            )
        )
    if report.kernel_rows:
        parts.append("<h2>Kernels (cost model)</h2>")
        parts.append(
            _table(
                ["kernel", "ops", "pcus", "pmus", "bound", "estimated", "fits"],
                [
                    [
                        row["kernel"],
                        row["ops"],
                        row["pcus"],
                        row["pmus"],
                        row["bound"],
                        us(row["seconds"]),
                        "yes" if row["fits"] else "no",
                    ]
                    for row in report.kernel_rows
                ],
                numeric={1, 2, 3, 5},
            )
        )
    tensors = getattr(report, "tensor_rows", [])
    if tensors:
        parts.append("<h2>Tensors by memory tier</h2>")
        counts: dict[str, int] = {}
        for row in tensors:
            counts[row["tier"]] = counts.get(row["tier"], 0) + 1
        parts.append(
            '<p class="sub">'
            + escape(", ".join(f"{tier}: {n}" for tier, n in sorted(counts.items())))
            + "</p>"
        )
        body = []
        for row in tensors:
            body.append(
                f"<tr><td>{escape(row['tensor'])}</td><td><code>{escape(row['type'])}</code></td>"
                f'<td class="tier-{escape(row["tier"])}">{escape(row["tier"])}</td>'
                f'<td class="n">{row["offset"]:,}</td><td class="n">{row["bytes"]:,}</td></tr>'
            )
        parts.append(
            "<table><tr><th>tensor</th><th>type</th><th>tier</th>"
            '<th class="n">offset</th><th class="n">bytes</th></tr>'
            + "".join(body)
            + "</table>"
        )
    parts.append("<h2>Compile time per stage</h2>")
    total = report.compile_seconds or 1e-12
    parts.append(
        _table(
            ["stage", "ms", "%"],
            [
                [n, f"{1e3 * s:,.1f}", f"{100 * s / total:.1f}"]
                for n, s in report.stages
            ],
            numeric={1, 2},
        )
    )
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _table(header: list[str], rows: list[list[Any]], numeric: set[int]) -> str:
    def cell(tag: str, index: int, value: Any) -> str:
        css = ' class="n"' if index in numeric else ""
        return f"<{tag}{css}>{escape(str(value))}</{tag}>"

    out = [
        "<table><tr>"
        + "".join(cell("th", i, h) for i, h in enumerate(header))
        + "</tr>"
    ]
    for row in rows:
        out.append(
            "<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>"
        )
    out.append("</table>")
    return "".join(out)


def _cycles(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _strip_prolog(svg: str) -> str:
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
