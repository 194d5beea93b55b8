"""The simulator against numpy (functional) and closed-form timing."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from ml_dtypes import bfloat16

from dfc.backends.bitstream.format import encode
from dfc.backends.bitstream.program import (
    AddressGen,
    Agcu,
    InputPort,
    Memory,
    Pcu,
    Pmu,
    Section,
    Stage,
)
from dfc.backends.sim import DeadlockError, SimulationError, simulate

from . import programs as P

RNG = np.random.default_rng(0)
X = RNG.standard_normal((8, 16)).astype(np.float32)


def test_elementwise_pipeline_matches_numpy() -> None:
    result = simulate(encode(P.elementwise()), {"x": X})
    np.testing.assert_allclose(
        result.outputs["y"], np.maximum(np.exp(X * 0.5 + 1), 2) - X, rtol=1e-6
    )
    assert result.outputs[0] is not None and result.cycles > 0


@pytest.mark.parametrize(
    ("op", "oracle"), [("add", np.sum), ("max", np.max), ("min", np.min)]
)
def test_row_reduction(op: str, oracle) -> None:  # type: ignore[no-untyped-def]
    result = simulate(
        P.row_reduce(8, 14, op), [X[:, :14]]
    )  # 14 columns: a masked last vector
    np.testing.assert_allclose(
        result.outputs["y"], oracle(X[:, :14], axis=1), rtol=1e-5
    )


def test_softmax_over_rows_in_three_sections() -> None:
    result = simulate(P.softmax(), [X])
    e = np.exp(X - X.max(axis=1, keepdims=True))
    np.testing.assert_allclose(
        result.outputs["y"], e / e.sum(axis=1, keepdims=True), rtol=1e-5
    )
    assert [s.name for s in result.report.sections] == ["max", "exp-sum", "normalize"]


def test_tiled_matmul_with_partial_sums_in_pmus() -> None:
    a = RNG.standard_normal((8, 8))
    b = RNG.standard_normal((8, 4)).astype(np.float32)
    result = simulate(P.tiled_matmul(a, b), [b])
    expected = a.astype(bfloat16).astype(np.float32) @ b.astype(bfloat16).astype(
        np.float32
    )
    np.testing.assert_allclose(result.outputs["C"], expected, rtol=1e-5, atol=1e-5)
    assert result.report.sections[0].flops >= 2 * 8 * 8 * 4


def test_double_buffered_stream_transposes_and_overlaps() -> None:
    x = RNG.standard_normal((64, 16)).astype(np.float32)
    double = simulate(P.double_buffered(True), [x])
    single = simulate(P.double_buffered(False), [x])
    for result in (double, single):
        np.testing.assert_array_equal(
            result.outputs["y"], x.reshape(16, 4, 16).transpose(0, 2, 1)
        )
    assert double.report.sections[0].run_cycles < single.report.sections[0].run_cycles
    assert double.report.peak_sram["s0/m0"] == 2 * 64 * 4


@pytest.mark.parametrize("copy", [False, True])
def test_hbm_stream_takes_bytes_over_bandwidth(copy: bool) -> None:
    n = 64 * 1024
    x = np.ones((n // 16, 16), np.float32)
    result = simulate(P.hbm_stream(n, copy), [x])
    moved = n * 4 * (2 if copy else 1)  # a copy reads and writes the shared HBM
    expected = moved / (P.TINY.bandwidth("hbm") / P.TINY.clock_hz)
    run = result.report.sections[0].run_cycles
    assert abs(run - expected) / expected < 0.05, (run, expected)
    assert result.report.tier_bytes["hbm"] == moved + (0 if copy else 4)
    assert result.outputs["y"].ravel()[0] == (1.0 if copy else n)


def test_compute_bound_matmul_reaches_unit_peak() -> None:
    units, tiles, k = 4, 16, 512
    program, operands = P.compute_bound_matmul(units, tiles, k)
    result = simulate(program)
    section = result.report.sections[0]
    peak = (
        2
        * P.SN40L.compute.systolic_rows
        * P.SN40L.compute.systolic_cols
        * P.SN40L.compute.rate("bf16")
    )
    ideal = section.flops / (units * peak)
    fill = (
        P.SN40L.compute.templates.matmul.latency_cycles
        + 2 * P.SN40L.tiers.hbm.latency_ns * 1.6
    )
    assert ideal <= section.run_cycles <= 1.10 * ideal + fill, (
        section.run_cycles,
        ideal,
    )
    a, b = operands[2]
    np.testing.assert_allclose(
        result.outputs["C2"][5],
        a.astype(np.float32) @ b.astype(np.float32),
        rtol=1e-5,
        atol=1e-4,
    )


def test_section_load_costs_the_configured_time() -> None:
    data = encode(P.softmax())
    result = simulate(data, [X])
    total = 0.0
    for section in result.report.sections:
        assert section.config_cycles == P.TINY.config_load_cycles(section.config_bytes)
        assert section.start_cycle == total
        total += section.config_cycles + section.run_cycles
    assert result.cycles == total
    assert result.seconds == pytest.approx(total / P.TINY.clock_hz)


# -- refusals and deadlocks --------------------------------------------------------------


def test_corrupt_bitstream_is_refused() -> None:
    data = bytearray(encode(P.elementwise()))
    data[len(data) // 2] ^= 0xFF
    with pytest.raises(SimulationError, match="refused"):
        simulate(bytes(data), [X])


def test_foreign_chip_is_refused() -> None:
    with pytest.raises(SimulationError, match="built for chip 'tiny'"):
        simulate(encode(P.elementwise()), [X], chip="sn40l")


def test_missing_and_misshaped_inputs_are_named() -> None:
    with pytest.raises(
        SimulationError, match=r"missing input 'x': expected 'x' 8x16 f32"
    ):
        simulate(P.elementwise(), {})
    with pytest.raises(
        SimulationError, match=r"input 'x' has shape \(4, 4\).*'x' 8x16 f32"
    ):
        simulate(P.elementwise(), [np.zeros((4, 4), np.float32)])


def _with_section(program, section):  # type: ignore[no-untyped-def]
    return dataclasses.replace(program, sections=(section,))


def test_consumer_starving_is_a_deadlock() -> None:
    program = P.elementwise()
    section = program.sections[0]
    short = dataclasses.replace(section.unit("a0"), agen=P.rows(4, 16))
    units = tuple(short if u.name == "a0" else u for u in section.units)
    with pytest.raises(
        DeadlockError,
        match="'p0' input 0 needs 128 elements but stream 0 from 'a0' carries only 64",
    ) as info:
        simulate(_with_section(program, dataclasses.replace(section, units=units)), [X])
    assert info.value.units == ("a0", "p0")


def test_cycle_of_full_fifos_is_a_deadlock() -> None:
    """x fans out to a PMU that must take the whole stream before it reads it back
    reversed, and to the map that combines both; the map's 1-vector FIFO for x
    fills, so the load stalls, so the PMU never completes its buffer."""
    r = 64
    reverse = AddressGen(((0, r, 1), (0, 16, 4)), (-16, -1), base=16 * r - 1)
    chain = ((0, r, 1), (0, 16, 4))
    section = Section(
        "s0",
        ("x",),
        ("y",),
        units=(
            Agcu("a0", "load", "x", P.rows(r, 16)),
            Pmu(
                "m0",
                4096,
                4,
                "f32",
                write=P.rows(r, 16),
                read=reverse,
                inputs=(InputPort(),),
            ),
            Pcu(
                "p0",
                "map",
                "f32",
                chain,
                (Stage("add", (P.IN0, P.IN1)),),
                inputs=(InputPort(fifo_depth=1), InputPort()),
            ),
            Agcu("a1", "store", "y", P.rows(r, 16), inputs=(InputPort(),), outputs=0),
        ),
        streams=(
            P.vstream(0, ("a0", 0), ("p0", 0), ("m0", 0)),
            P.vstream(1, ("m0", 0), ("p0", 1)),
            P.vstream(2, ("p0", 0), ("a1", 0)),
        ),
    )
    memories = [
        Memory("x", "hbm", 0, (r, 16), "f32", "input"),
        Memory("y", "hbm", 8192, (r, 16), "f32", "output"),
    ]
    program = P.program(P.TINY, memories, section)
    with pytest.raises(DeadlockError) as info:
        simulate(program, [np.ones((r, 16), np.float32)])
    assert {"a0", "m0", "p0"} <= set(info.value.units)
    assert "is full" in str(info.value)


def test_stream_cycle_is_a_deadlock() -> None:
    program = P.elementwise()
    section = program.sections[0]
    chain = ((0, 8, 1), (0, 16, 4))
    units = (
        Pcu(
            "p0",
            "map",
            "f32",
            chain,
            (Stage("neg", (P.IN0,)),),
            inputs=(InputPort(),),
            outputs=2,
        ),
        Pcu(
            "p1", "map", "f32", chain, (Stage("neg", (P.IN0,)),), inputs=(InputPort(),)
        ),
        Agcu("a1", "store", "y", P.rows(8, 16), inputs=(InputPort(),), outputs=0),
    )
    streams = (
        P.vstream(0, ("p0", 0), ("p1", 0)),
        P.vstream(1, ("p1", 0), ("p0", 0)),
        P.vstream(2, ("p0", 1), ("a1", 0)),
    )
    section = dataclasses.replace(section, reads=(), units=units, streams=streams)
    with pytest.raises(DeadlockError, match="form a cycle") as info:
        simulate(_with_section(program, section), [X])
    assert info.value.units == ("p0", "p1")


# -- trace, report, layering, CLI --------------------------------------------------------


def test_trace_is_valid_chrome_trace_json() -> None:
    trace = json.loads(json.dumps(simulate(P.softmax(), [X]).trace))
    events = trace["traceEvents"]
    assert isinstance(events, list) and events
    complete = [e for e in events if e["ph"] == "X"]
    assert complete
    for event in events:
        assert event["ph"] in ("X", "M")
        assert isinstance(event["name"], str)
        assert isinstance(event["pid"], int) and isinstance(event["tid"], int)
    for event in complete:
        assert isinstance(event["ts"], (int, float)) and event["ts"] >= 0
        assert isinstance(event["dur"], (int, float)) and event["dur"] >= 0
    assert {e["pid"] for e in complete} == {1, 2, 3}  # one process per section


def test_report_markdown_and_dict() -> None:
    report = simulate(P.elementwise(), [X]).report
    text = report.to_markdown()
    assert "| s0 | p0 | pcu |" in text and "cycles:" in text
    data = json.loads(report.to_json())
    assert data["tier_bytes"]["hbm"] == 2 * 8 * 16 * 4
    unit = data["sections"][0]["units"][0]
    assert unit["busy_cycles"] + unit["stall_cycles"] + unit[
        "idle_cycles"
    ] == pytest.approx(data["sections"][0]["run_cycles"])


def test_runs_a_bitstream_without_loading_xdsl(tmp_path: Path) -> None:
    path = tmp_path / "model.dfcb"
    path.write_bytes(encode(P.elementwise()))
    code = (
        "import sys, numpy as np, dfc\n"
        f"r = dfc.simulate({str(path)!r}, [np.ones((8, 16), np.float32)])\n"
        "assert r.outputs['y'].shape == (8, 16)\n"
        "bad = [m for m in sys.modules if m == 'xdsl' or m.startswith(('xdsl.', 'dfc.dialects', 'dfc.passes', 'dfc.frontends'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cli(tmp_path: Path) -> None:
    model = tmp_path / "model.dfcb"
    model.write_bytes(encode(P.elementwise()))
    np.savez(tmp_path / "in.npz", x=X)
    exe = str(Path(sys.executable).parent / "dfc-sim")
    args = [
        exe,
        str(model),
        "--inputs",
        str(tmp_path / "in.npz"),
        "-o",
        str(tmp_path / "out.npz"),
        "--trace",
        str(tmp_path / "t.json"),
        "--report",
        str(tmp_path / "r.json"),
    ]
    done = subprocess.run(args, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "cycles" in done.stdout
    with np.load(tmp_path / "out.npz") as out:
        np.testing.assert_allclose(
            out["y"], np.maximum(np.exp(X * 0.5 + 1), 2) - X, rtol=1e-6
        )
    assert json.loads((tmp_path / "t.json").read_text())["traceEvents"]
    assert json.loads((tmp_path / "r.json").read_text())["cycles"] > 0
    np.savez(tmp_path / "bad.npz", x=np.zeros((2, 2), np.float32))
    done = subprocess.run(
        [
            exe,
            str(model),
            "--inputs",
            str(tmp_path / "bad.npz"),
            "-o",
            str(tmp_path / "no.npz"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "dfc-sim: error: input 'x' has shape (2, 2)" in done.stderr
    assert not (tmp_path / "no.npz").exists()
