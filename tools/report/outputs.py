"""The files `dfc-compile` writes besides the bitstream: the report (.md,
.json, .html or rich tables), the floorplan, the congestion map, the trace,
the per-stage IR dumps, and the header that lets `--resume-from` continue a
compile stopped by `--stop-after`.

    text = stopped_header("su-place", chip="tiny", fusion="auto", seed=0) + ir
    stage, options = parse_stopped_header(text)   # "su-place", {"chip": "tiny", ...}
"""

from __future__ import annotations

import json
import os
import re
from typing import IO, Any

from .layout import attach_utilization, section_layouts, select_sections

HEADER = "// dfc-compile: stopped after "
_HEADER_RE = re.compile(
    r"^// dfc-compile: stopped after (?P<stage>[\w-]+)"
    r"(?: \((?P<options>[^)]*)\))?[ \t]*$",
    re.MULTILINE,
)


def stopped_header(stage: str, **options: Any) -> str:
    """The first line `--stop-after` writes above the IR: the stage, and the
    options that must not change when the compile resumes."""
    rendered = " ".join(f"{k}={v}" for k, v in options.items())
    return f"{HEADER}{stage} ({rendered})\n"


def parse_stopped_header(text: str) -> tuple[str | None, dict[str, str]]:
    """(stage, options) from the header among the file's leading comment
    lines, or (None, {}) when there is none."""
    head = []
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        head.append(line)
    match = _HEADER_RE.search("\n".join(head))
    if match is None:
        return None, {}
    options: dict[str, str] = {}
    for item in (match.group("options") or "").split():
        key, _, value = item.partition("=")
        options[key] = value
    return match.group("stage"), options


def dump_path(directory: str, index: int, stage: str) -> str:
    """`DIR/03-dfg-tile.mlir`: numbered in pipeline order, import is 00."""
    return os.path.join(directory, f"{index:02d}-{stage}.mlir")


def report_text(report: Any, path: str, floorplan_png: bytes | None, note: str) -> str:
    """The report file's content, by `path`'s suffix."""
    if path.endswith(".json"):
        return report.to_json()
    if path.endswith((".html", ".htm")):
        from .html import render_html

        return render_html(report, note=note, floorplan_png=floorplan_png)
    return report.to_markdown()


def print_tables(report: Any, file: IO[str]) -> None:
    from .terminal import print_report

    print_report(report, file)


def floorplan_figure_for(
    module: Any, chip: Any, sim_report: Any | None, sections: str | None, title: str
) -> tuple[Any, str]:
    """The floorplan figure of the chosen sections, and a note saying which
    sections it shows when it does not show them all."""
    from .floorplan import floorplan_figure

    layouts = section_layouts(module)
    if sim_report is not None:
        attach_utilization(layouts, sim_report)
    chosen = select_sections(layouts, sections)
    note = ""
    if len(chosen) < len(layouts):
        note = (
            f"{len(chosen)} of {len(layouts)} sections shown ("
            + ", ".join(layout.name for layout in chosen)
            + "); choose with --floorplan-sections"
        )
    return floorplan_figure(chosen, chip, title=title), note


def write_congestion_map(path: str, json_path: str, chip: Any) -> bool:
    """Copy or render the JSON that `su-route{congestion-map}` wrote to
    `json_path` into `path` (.json as is, .png/.svg as a picture). False when
    routing never ran (no JSON)."""
    from dfc.passes.su_emit_bitstream import write_bytes_atomically

    if not os.path.exists(json_path):
        return False
    with open(json_path, encoding="utf-8") as handle:
        raw = handle.read()
    if path.endswith(".json"):
        write_bytes_atomically(path, raw.encode())
        return True
    from .floorplan import congestion_figure, save_figure

    save_figure(congestion_figure(json.loads(raw), chip), path)
    return True
