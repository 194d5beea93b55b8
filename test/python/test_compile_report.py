"""What `dfc-compile` shows (issue 10): the floorplan data and pictures, the
HTML and terminal reports, the compile trace, the progress bar, and the
debugging options (`--dump-ir-after-all`, `--stop-after` / `--resume-from`,
`--reproducer`, `--time-passes`).

The CLI runs in-process through click's `CliRunner` (its streams are not
terminals, as in a pipe), except where a subprocess is the point.
"""

from __future__ import annotations

import io
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import dfc
from dfc.backends.sim.report import SectionReport, SimReport, UnitReport
from dfc.compile import StoppedAfter
from dfc.tools.dfc_compile import main as dfc_compile
from dfc.tools.report import progress as progress_module
from dfc.tools.report.floorplan import (
    congestion_figure,
    floorplan_figure,
    op_colours,
    save_figure,
)
from dfc.tools.report.html import render_html
from dfc.tools.report.layout import (
    SectionChoiceError,
    attach_utilization,
    section_layouts,
    select_sections,
)
from dfc.tools.report.outputs import parse_stopped_header, stopped_header
from dfc.tools.report.terminal import print_report
from dfc.tools.report.trace import compile_trace

ROOT = Path(__file__).resolve().parents[2]
MLP = ROOT / "examples" / "mlp.mlir"
BIN = Path(sys.executable).parent

# load -> p0 -> p1 -> store on tiny, x fanned out to p0 and p1: x's route to
# p1 shares its first hop (2,0)->(2,1) with its route to p0.
PLACED = """
builtin.module attributes {su.chip = "tiny"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<32xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 128 : i64, type = tensor<8xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 32, 4>,
        map = affine_map<(d0) -> (d0)>, at = array<i64: 2, 0>} : () -> !su.stream<vector, f32>
    %a = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 32, 4>, dtype = f32,
        stages = [#su.stage<exp(in0)>], at = array<i64: 2, 1>,
        routes = [array<i64: 2, 0, 2, 1>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %b = su.pcu @p1 "reduce" (%x, %a) {counters = array<i64: 0, 8, 1, 0, 4, 4>, dtype = f32,
        stages = [#su.stage<add(in0, in1)>], reduce_op = "add",
        reduce_counters = array<i64: 1>, reduce_lanes = true, accumulate = f32,
        at = array<i64: 1, 2>,
        routes = [array<i64: 2, 0, 2, 1, 2, 2, 1, 2>, array<i64: 2, 1, 1, 1, 1, 2>]}
        : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%b) {counters = array<i64: 0, 8, 1>,
        map = affine_map<(d0) -> (d0)>, at = array<i64: 2, 3>,
        routes = [array<i64: 1, 2, 2, 2, 2, 3>]} : (!su.stream<vector, f32>) -> ()
  }
}
"""


@pytest.fixture(scope="module")
def placed():
    return dfc.parse_mlir(PLACED)


@pytest.fixture(scope="module")
def mlp_artifact():
    artifact = dfc.compile(MLP, chip="tiny")
    result = artifact.simulate(artifact.random_inputs())
    return artifact, result


def run_cli(*args: str, catch: bool = False):
    runner = CliRunner()
    return runner.invoke(dfc_compile, list(args), catch_exceptions=catch)


# ---------------------------------------------------------------------------
# Floorplan data
# ---------------------------------------------------------------------------


def test_layout_units_ops_and_link_bytes(placed):
    (layout,) = section_layouts(placed)
    units = {u.name: (u.kind, u.op, u.at) for u in layout.units}
    assert units == {
        "a0": ("agcu", "load", (2, 0)),
        "p0": ("pcu", "map exp", (2, 1)),
        "p1": ("pcu", "reduce add", (1, 2)),
        "a1": ("agcu", "store", (2, 3)),
    }
    # x: 32 f32 = 128 bytes, once per link of its tree (the shared first hop
    # counts once); p0's stream 128 bytes; p1 reduces 4 lanes per row: 8 f32.
    assert layout.links == {
        ((2, 0), (2, 1)): 128.0,
        ((2, 1), (2, 2)): 128.0,
        ((2, 2), (1, 2)): 128.0,
        ((2, 1), (1, 1)): 128.0,
        ((1, 1), (1, 2)): 128.0,
        ((1, 2), (2, 2)): 32.0,
        ((2, 2), (2, 3)): 32.0,
    }
    assert layout.unrouted == 0 and layout.streams == 3


def test_utilization_takes_the_busier_side_of_a_pmu():
    from dfc.tools.report.layout import PlacedUnit, SectionLayout

    layout = SectionLayout("s0", [PlacedUnit("w", "pmu", "buffer", (0, 1))])
    report = SimReport(
        chip="tiny",
        clock_hz=10**9,
        cycles=200,
        seconds=2e-7,
        flops=0,
        peak_flops=1,
        tier_bytes={},
        peak_sram={},
        sections=[
            SectionReport(
                "s0",
                0,
                0,
                200.0,
                0,
                0,
                {},
                [
                    UnitReport("s0", "w.write", "pmu", 50, 0, 150),
                    UnitReport("s0", "w.read", "pmu", 150, 0, 50),
                ],
            )
        ],
    )
    attach_utilization([layout], report)
    assert layout.utilization == {"w": 0.75}
    assert layout.run_cycles == 200.0


def test_select_sections():
    from dfc.tools.report.layout import SectionLayout

    layouts = [
        SectionLayout(f"s{i}", run_cycles=c)
        for i, c in enumerate([5, 50, 1, 20, 9, 3, 7, 8])
    ]
    assert [s.name for s in select_sections(layouts, "s3, @s0")] == ["s0", "s3"]
    # The N busiest, in schedule order.
    assert [s.name for s in select_sections(layouts, "2")] == ["s1", "s3"]
    # Default: more than 6 sections -> the 6 busiest.
    assert [s.name for s in select_sections(layouts)] == [
        "s0",
        "s1",
        "s3",
        "s4",
        "s6",
        "s7",
    ]
    assert len(select_sections(layouts, "all")) == 8
    with pytest.raises(
        SectionChoiceError, match="no section named s9; the program has s0, s1"
    ):
        select_sections(layouts, "s1,s9")


# ---------------------------------------------------------------------------
# Pictures
# ---------------------------------------------------------------------------


def test_floorplan_panels_legend_and_widths(placed):
    layouts = section_layouts(placed)
    fig = floorplan_figure(layouts, dfc.load_chip("tiny"))
    panels = [ax for ax in fig.axes if ax.get_title().startswith("@")]
    assert [ax.get_title() for ax in panels] == ["@s0: 4/4 units placed, 3 streams"]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels[:4] == ["map exp", "reduce add", "load", "store"]
    # One line per used directed link; the 128-byte links are wider than the
    # 32-byte ones (width grows with the square root of the bytes).
    from matplotlib.collections import LineCollection

    (lines,) = [c for c in panels[0].collections if isinstance(c, LineCollection)]
    widths = sorted(set(float(w) for w in lines.get_linewidths()))
    assert len(lines.get_segments()) == 7 and len(widths) == 2
    assert widths[1] - 0.6 == pytest.approx(2 * (widths[0] - 0.6))


def test_floorplan_heat_map_when_simulated(mlp_artifact):
    artifact, result = mlp_artifact
    layouts = section_layouts(artifact.module)
    attach_utilization(layouts, result.report)
    fig = floorplan_figure(layouts, artifact.chip)
    titles = [ax.get_title() for ax in fig.axes]
    busy = [t for t in titles if " busy (" in t]
    assert len(busy) == len(layouts) == artifact.report.sections
    for layout in layouts:
        cycles = f"{layout.run_cycles:,.0f} cycles"
        assert any(t.startswith(f"@{layout.name} busy ({cycles}") for t in busy)
        assert set(layout.utilization) == {u.name for u in layout.units}
        assert all(0.0 < v <= 1.0 for v in layout.utilization.values())


def test_floorplan_files_are_png_or_svg_and_deterministic(placed, tmp_path):
    fig = floorplan_figure(section_layouts(placed), dfc.load_chip("tiny"))
    png = save_figure(fig, str(tmp_path / "f.png"))
    assert (
        png.startswith(b"\x89PNG\r\n\x1a\n")
        and (tmp_path / "f.png").read_bytes() == png
    )
    svg = save_figure(fig, str(tmp_path / "f.svg"))
    assert b"<svg" in svg and save_figure(fig, "", format="svg") == svg
    with pytest.raises(ValueError, match=r"\.png or \.svg, not \.pdf"):
        save_figure(fig, str(tmp_path / "f.pdf"))


def test_floorplan_of_sn40l_zooms_and_keeps_a_legible_scale(placed):
    from dfc.tools.report.floorplan import view_window
    from dfc.tools.report.layout import PlacedUnit, SectionLayout

    chip = dfc.load_chip("sn40l")
    # A section in one corner of sn40l's 40 x 54 grid: the panel shows the
    # used rows and columns plus a margin of 2 tiles.
    layouts = section_layouts(placed)
    assert view_window(layouts, chip) == (0, 4, 0, 5)
    # Units at opposite corners: the whole grid, 6.5 in wide (12 px a tile
    # at 100 dpi), no unit names written on the tiles.
    spread = SectionLayout(
        "s1",
        [
            PlacedUnit("a", "agcu", "load", (0, 0)),
            PlacedUnit("b", "agcu", "store", (39, 53)),
        ],
    )
    assert view_window([spread], chip) == (0, 39, 0, 53)
    fig = floorplan_figure([spread], chip)
    width, _ = fig.get_size_inches()
    assert 6.5 <= width <= 7.5
    assert not fig.axes[0].texts


def test_op_colours_are_stable():
    from dfc.tools.report.layout import PlacedUnit, SectionLayout

    a = SectionLayout(
        "a",
        [
            PlacedUnit("p", "pcu", "matmul", (0, 0)),
            PlacedUnit("l", "agcu", "load", (0, 1)),
        ],
    )
    b = SectionLayout("b", [PlacedUnit("q", "pcu", "map", (0, 0))])
    assert op_colours([a, b]) == op_colours([b, a])
    assert op_colours([a])["load"] == op_colours([b, a])["load"]


def test_congestion_figure_marks_overused_links():
    data = {
        "chip": "narrow",
        "rows": 1,
        "cols": 5,
        "sections": {
            "s0": {
                "legal": False,
                "iterations": 50,
                "placement_rounds": 3,
                "overused": 1,
                "links": [
                    {
                        "network": "vector",
                        "from": [0, 1],
                        "to": [0, 2],
                        "demand": 2,
                        "capacity": 1,
                    },
                    {
                        "network": "vector",
                        "from": [0, 0],
                        "to": [0, 1],
                        "demand": 1,
                        "capacity": 1,
                    },
                ],
            }
        },
    }
    fig = congestion_figure(data)
    ax = fig.axes[0]
    assert ax.get_title() == "@s0: 1 over-used links after 50 iterations"
    assert [t.get_text() for t in ax.texts] == ["2/1"]


# ---------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------


def test_html_report_is_self_contained(mlp_artifact, placed):
    artifact, _ = mlp_artifact
    report = artifact.report
    svg = save_figure(
        floorplan_figure(section_layouts(placed), artifact.chip), "", "svg"
    )
    page = render_html(report, svg.decode(), note="1 of 1 sections")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<style>" in page and page.count("<svg") == 1 and "<?xml" not in page
    # Nothing fetched from elsewhere.
    assert not re.search(
        r"""(src|href)\s*=\s*["']?(https?:|//|[\w./-]+\.(css|js|png))""", page
    )
    for row in report.section_rows:
        assert f"<td>{row['section']}</td>" in page
        assert f"{row['run_cycles']:,.0f}" in page
    for row in report.tensor_rows:
        assert f'<td class="tier-{row["tier"]}">{row["tier"]}</td>' in page
    assert "simulated time" in page and "roofline bound" in page
    assert "cost-model estimate" in page


def test_terminal_tables_are_plain_off_a_terminal(mlp_artifact):
    artifact, _ = mlp_artifact
    out = io.StringIO()
    print_report(artifact.report, out)
    text = out.getvalue()
    assert "\x1b[" not in text and "\r" not in text
    for title in (
        "Compile time per stage",
        "Sections",
        "Kernels (cost model)",
        "Tensors by memory tier",
    ):
        assert title in text
    for row in artifact.report.section_rows:
        assert row["section"] in text


def test_report_tensor_tiers_match_the_ir():
    # An independent reading of the graph IR: every `#dfg.tier<...>` in the
    # text after dfg-place-memory is one tensor row.
    with pytest.raises(StoppedAfter) as stopped:
        dfc.compile(MLP, chip="tiny", stop_after="dfg-place-memory")
    text = dfc.print_mlir(stopped.value.module)
    found = sorted(
        (tier, int(offset), int(size))
        for tier, offset, size in re.findall(
            r"#dfg\.tier<(\w+), offset = (\d+), size = (\d+)>", text
        )
    )
    report = dfc.compile(MLP, chip="tiny").report
    rows = sorted((r["tier"], r["offset"], r["bytes"]) for r in report.tensor_rows)
    assert rows == found and len(rows) == 4
    assert report.tier_peak["hbm"] == 320


# ---------------------------------------------------------------------------
# Trace
# ---------------------------------------------------------------------------


def test_trace_has_compile_spans_then_grouped_sim_tracks(mlp_artifact):
    artifact, result = mlp_artifact
    spans = [("import", 0.0, 0.1), ("dfg-fuse", 0.1, 0.25)]
    trace = compile_trace(spans, result.trace)
    json.dumps(trace)  # serialisable
    events = trace["traceEvents"]
    stages = [e for e in events if e.get("cat") == "compile"]
    assert [(e["name"], e["ts"], e["dur"]) for e in stages] == [
        ("import", 0.0, 100000.0),
        ("dfg-fuse", 100000.0, 150000.0),
    ]
    assert all(e["pid"] == 1 for e in stages)
    names = {
        (e["pid"], e["tid"]): e["args"]["name"]
        for e in events
        if e.get("name") == "thread_name"
    }
    sorts = {
        (e["pid"], e["tid"]): e["args"]["sort_index"]
        for e in events
        if e.get("name") == "thread_sort_index"
    }
    sim_pids = {e["pid"] for e in result.trace["traceEvents"]}
    assert {pid for pid, _ in names if pid != 1} == {pid + 1 for pid in sim_pids}
    # Tracks named `<kind> <unit>` and ordered config, pcu, pmu, agcu.
    for pid in {pid for pid, _ in names if pid != 1}:
        tracks = sorted((sorts[k], names[k]) for k in names if k[0] == pid)
        kinds = [name.split()[0] for _, name in tracks]
        assert kinds[0] == "config"
        order = [k for k in ("pcu", "pmu", "agcu") if k in kinds]
        assert [k for k in kinds[1:] if k in order] == sorted(
            kinds[1:], key=order.index
        )


# ---------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_on_a_terminal_only(monkeypatch):
    import time

    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    for stream, expect_codes in ((FakeTerminal(), True), (io.StringIO(), False)):
        with progress_module.StageProgress(file=stream) as bar:
            bar.stage("import", 0, 0)
            time.sleep(0.3)
            bar.stage("su-place", 3, 5)
            time.sleep(0.3)
        text = stream.getvalue()
        assert ("\x1b[" in text) is expect_codes, repr(text[:200])
        if expect_codes:
            assert "su-place" in text
        else:
            assert text == ""


def test_quiet_silences_the_bar(monkeypatch):
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    stream = FakeTerminal()
    with progress_module.StageProgress(enabled=False, file=stream) as bar:
        bar.stage("import", 0, 0)
    assert stream.getvalue() == ""


def test_cli_output_off_a_terminal_has_no_control_codes(tmp_path):
    """A subprocess with pipes (not terminals): nothing from the progress bar
    or rich's colours, on stdout or stderr, even for a longer compile."""
    proc = subprocess.run(
        [
            str(BIN / "dfc-compile"),
            str(MLP),
            "--chip",
            "tiny",
            "-o",
            str(tmp_path / "m.dfcb"),
            "--report",
            "-",
            "--time-passes",
            "--compare-unfused",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    for stream in (proc.stdout, proc.stderr):
        assert "\x1b[" not in stream and "\r" not in stream
    assert "Sections" in proc.stdout and "Execution time report" in proc.stderr
    assert "unfused (--fusion none)" in proc.stdout


# ---------------------------------------------------------------------------
# The CLI's outputs and debugging options
# ---------------------------------------------------------------------------


def test_cli_writes_report_floorplan_trace(tmp_path):
    out = tmp_path
    result = run_cli(
        str(MLP),
        "--chip",
        "tiny",
        "-o",
        str(out / "m.dfcb"),
        "--report",
        str(out / "r.html"),
        "--floorplan",
        str(out / "f.svg"),
        "--trace",
        str(out / "t.json"),
        "--simulate",
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    page = (out / "r.html").read_text()
    assert page.count('<img alt="floorplan" src="data:image/png;base64,') == 1
    assert (out / "f.svg").read_bytes().startswith(b"<?xml")
    trace = json.loads((out / "t.json").read_text())
    names = [e["name"] for e in trace["traceEvents"] if e.get("cat") == "compile"]
    assert names[0] == "import" and "su-place" in names and names[-1] == "simulate"
    assert any(e.get("cat") == "pcu" for e in trace["traceEvents"])


def test_cli_floorplan_section_choice_error_writes_nothing(tmp_path):
    result = run_cli(
        str(MLP),
        "--chip",
        "tiny",
        "-o",
        str(tmp_path / "m.dfcb"),
        "--floorplan",
        str(tmp_path / "f.png"),
        "--floorplan-sections",
        "s7",
    )
    assert result.exit_code == 1
    assert (
        "dfc-compile: error: --floorplan-sections: no section named s7; the program has s0_0, s0_1"
        in result.output
    )
    assert not list(tmp_path.iterdir())


def test_time_passes_prints_with_stop_after(tmp_path):
    result = run_cli(
        str(MLP),
        "--chip",
        "tiny",
        "--stop-after",
        "dfg-tile",
        "--time-passes",
        "-o",
        str(tmp_path / "g.mlir"),
    )
    assert result.exit_code == 0, result.output
    table = result.output
    assert "Execution time report" in table
    listed = re.findall(r"\(\s*[\d.]+%\)\s+(\S+)", table)
    assert listed == [
        "import",
        "canonicalize",
        "cse",
        "dfg-recognize-attention",
        "dfg-pad-attention",
        "dfg-fuse",
        "dfg-tile",
        "Total",
    ]


def test_dump_ir_after_all_numbers_every_stage(tmp_path):
    dumps = tmp_path / "dumps"
    result = run_cli(
        str(MLP),
        "--chip",
        "tiny",
        "-o",
        str(tmp_path / "m.dfcb"),
        "--dump-ir-after-all",
        str(dumps),
    )
    assert result.exit_code == 0, result.output
    from dfc.passes.pipelines import COMPILE_PIPELINE

    stages = ["import"] + [name.split("{")[0] for name in COMPILE_PIPELINE]
    files = sorted(p.name for p in dumps.iterdir())
    assert files == [f"{i:02d}-{stage}.mlir" for i, stage in enumerate(stages)]
    # Each dump is the IR after its stage: it parses; graph IR before the
    # lowering, su IR from it on.
    for name in files:
        text = (dumps / name).read_text()
        module = dfc.parse_mlir(text)
        assert ("su.section" in text) == (
            int(name[:2]) >= stages.index("convert-dfg-to-su")
        )
        assert module is not None


@pytest.mark.parametrize(
    "stage",
    [
        "dfg-fuse",
        "dfg-place-memory",
        "convert-dfg-to-su",
        "su-partition",
        "su-place",
        "su-route",
    ],
)
def test_stop_after_then_resume_from_gives_the_same_bitstream(stage, tmp_path):
    whole = tmp_path / "whole.dfcb"
    assert run_cli(str(MLP), "--chip", "tiny", "-o", str(whole)).exit_code == 0
    saved = tmp_path / "saved.mlir"
    result = run_cli(
        str(MLP), "--chip", "tiny", "--stop-after", stage, "-o", str(saved)
    )
    assert result.exit_code == 0, result.output
    assert parse_stopped_header(saved.read_text()) == (
        stage,
        {"chip": "tiny", "fusion": "auto", "seed": "0"},
    )
    resumed = tmp_path / "resumed.dfcb"
    seen: list[str] = []
    result = run_cli("--resume-from", str(saved), "-o", str(resumed), "--time-passes")
    assert result.exit_code == 0, result.output
    seen = re.findall(r"\(\s*[\d.]+%\)\s+(\S+)", result.output)
    assert seen[0] == "import" and stage not in seen and seen[-2] == "su-emit-bitstream"
    assert resumed.read_bytes() == whole.read_bytes()


def test_resume_from_checks_its_options(tmp_path):
    saved = tmp_path / "saved.mlir"
    assert (
        run_cli(
            str(MLP), "--chip", "tiny", "--stop-after", "su-place", "-o", str(saved)
        ).exit_code
        == 0
    )
    result = run_cli(
        "--resume-from", str(saved), "--chip", "sn40l", "-o", str(tmp_path / "x.dfcb")
    )
    assert result.exit_code == 1
    assert (
        f"{saved} was compiled with --chip tiny: resume with the same --chip (got sn40l)"
        in result.output
    )
    result = run_cli(str(MLP), "--resume-from", str(saved))
    assert "give MODEL or --resume-from FILE, not both" in result.output
    assert "missing MODEL (or --resume-from FILE)" in run_cli().output
    # A header that names a graph stage over su IR is refused, not miscompiled.
    text = saved.read_text().replace("stopped after su-place", "stopped after dfg-tile")
    bad = tmp_path / "bad.mlir"
    bad.write_text(text)
    result = run_cli("--resume-from", str(bad), "-o", str(tmp_path / "x.dfcb"))
    assert result.exit_code == 1
    assert (
        "cannot resume after 'dfg-tile': the input is su IR, but that stage leaves graph (dfg) IR"
        in result.output
    )


def test_stopped_header_round_trip():
    header = stopped_header("su-route", chip="a/b.toml", fusion="none", seed=3)
    assert parse_stopped_header(header + "builtin.module {}\n") == (
        "su-route",
        {"chip": "a/b.toml", "fusion": "none", "seed": "3"},
    )
    assert parse_stopped_header("builtin.module {}\n") == (None, {})


def test_cli_reproducer_reruns_to_the_same_bitstream(tmp_path, monkeypatch):
    """A forced crash in su-route: the CLI exits 2, names the reproducer and
    the command; that command (run for real, without the crash) finishes the
    compile with the bitstream of an uninterrupted one."""
    whole = dfc.compile(MLP, chip="tiny").bitstream
    from dfc.passes.su_route import SuRoutePass

    def crash(self, ctx, op):
        raise RuntimeError("router exploded")

    monkeypatch.setattr(SuRoutePass, "apply", crash)
    repro = tmp_path / "repro.mlir"
    result = run_cli(
        str(MLP),
        "--chip",
        "tiny",
        "-o",
        str(tmp_path / "m.dfcb"),
        "--reproducer",
        str(repro),
    )
    assert result.exit_code == 2
    assert "dfc-compile: internal error: RuntimeError: router exploded" in result.output
    match = re.search(
        rf"reproducer: {re.escape(str(repro))}; rerun with: (dfc-opt .*)", result.output
    )
    assert match, result.output
    assert "Traceback" not in result.output and not (tmp_path / "m.dfcb").exists()
    command = shlex.split(match.group(1))
    proc = subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert Path(f"{repro}.dfcb").read_bytes() == whole


def test_congestion_map_is_written_when_routing_fails(tmp_path, monkeypatch):
    passes = ROOT / "test" / "passes"
    monkeypatch.chdir(passes)
    out = tmp_path / "congestion.json"
    result = run_cli(
        "su-route-negative.mlir",
        "--chip",
        "Inputs/narrow.toml",
        "-o",
        str(tmp_path / "n.dfcb"),
        "--congestion-map",
        str(out),
    )
    assert result.exit_code == 1
    assert "error: su-route: section @s0 is unroutable on 'narrow'" in result.output
    data = json.loads(out.read_text())
    assert not data["sections"]["s0"]["legal"]
    png = tmp_path / "congestion.png"
    result = run_cli(
        "su-route-negative.mlir",
        "--chip",
        "Inputs/narrow.toml",
        "-o",
        str(tmp_path / "n.dfcb"),
        "--congestion-map",
        str(png),
    )
    assert result.exit_code == 1 and png.read_bytes().startswith(b"\x89PNG")
    assert not (tmp_path / "n.dfcb").exists()
