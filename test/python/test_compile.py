"""`dfc.compile`, `dfc-compile` and the `su-emit-bitstream` library function.

The tests that run the whole pipeline first check that every pass of
`COMPILE_PIPELINE` is registered (a missing one fails, naming it). End-to-end
models are in `test_e2e_models.py`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dfc
from dfc.compile import CompileError, StoppedAfter
from dfc.passes import PASSES
from dfc.passes.pipelines import (
    COMPILE_PIPELINE,
    DEFAULT_PIPELINE,
    compile_pipeline,
    pipeline_text,
)
from dfc.passes.su_emit_bitstream import emit_bitstream

ROOT = Path(__file__).resolve().parents[2]
MLP = ROOT / "examples" / "mlp.mlir"
MULTI_SECTION = ROOT / "test" / "dialects" / "su" / "multi-section.mlir"
BIN = Path(sys.executable).parent


def require_pipeline() -> None:
    missing = [name for name in COMPILE_PIPELINE if name.split("{")[0] not in PASSES]
    # Every pass of the pipeline is part of dfc: a missing one is a failure.
    assert not missing, "passes of COMPILE_PIPELINE not registered: " + ", ".join(
        missing
    )


# ---------------------------------------------------------------------------
# The pipeline constant
# ---------------------------------------------------------------------------


def test_compile_pipeline_is_graph_passes_then_lowering_in_order():
    assert COMPILE_PIPELINE[: len(DEFAULT_PIPELINE)] == DEFAULT_PIPELINE
    assert COMPILE_PIPELINE[len(DEFAULT_PIPELINE) :] == (
        "convert-dfg-to-su",
        "su-partition",
        "su-place",
        "su-route",
        "su-check-routes",
        "su-emit-bitstream",
    )


def test_compile_pipeline_options():
    specs = dict(compile_pipeline("tiny", "optimal", seed=7, output="a.dfcb"))
    assert specs["dfg-fuse"] == {"strategy": "optimal", "chip": "tiny"}
    assert specs["dfg-tile"] == {"chip": "tiny"}
    assert specs["convert-dfg-to-su"] == {"chip": "tiny"}
    assert specs["su-place"] == {"chip": "tiny", "seed": 7}
    assert specs["su-check-routes"] == {}
    assert specs["su-emit-bitstream"] == {"output": "a.dfcb"}


def test_pipeline_text_quotes_paths_so_dfc_opt_parses_them(tmp_path):
    from dfc.tools.mlir_io import parse_pipeline

    out = str(tmp_path / "dir with space" / "m.dfcb")
    text = pipeline_text([("canonicalize", {}), ("su-emit-bitstream", {"output": out})])
    pipeline = parse_pipeline(text)
    assert [p.name for p in pipeline.passes] == ["canonicalize", "su-emit-bitstream"]
    assert pipeline.passes[1].output == out  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------
# dfc.compile before the lowering: stop-after, errors, the public name
# ---------------------------------------------------------------------------


def test_stop_after_returns_the_graph_ir_and_leaves_the_input_alone():
    module = dfc.parse_mlir(MLP.read_text(), str(MLP))
    before = dfc.print_mlir(module)
    seen: list[str] = []
    with pytest.raises(StoppedAfter) as stopped:
        dfc.compile(
            module,
            chip="tiny",
            stop_after="dfg-place-memory",
            after_pass=lambda name, _: seen.append(name),
        )
    assert seen == ["import", *(p.split("{")[0] for p in DEFAULT_PIPELINE)]
    text = dfc.print_mlir(stopped.value.module)
    assert "dfg.kernel @main_k0" in text and "#dfg.tier<hbm" in text
    assert dfc.print_mlir(module) == before


def test_missing_passes_are_named_at_once(monkeypatch):
    monkeypatch.delitem(PASSES, "su-place", raising=False)
    monkeypatch.delitem(PASSES, "su-route", raising=False)
    with pytest.raises(CompileError) as error:
        dfc.compile(MLP, chip="tiny")
    message = str(error.value)
    assert "su-place" in message and "su-route" in message
    assert "`--stop-after" in message


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"fusion": "fast"}, "unknown fusion 'fast'; expected one of: none, auto"),
        ({"chip": "nope"}, "cannot load chip 'nope'"),
        ({"stop_after": "dfg-nothing"}, "is not a stage of the pipeline"),
    ],
)
def test_bad_options_are_compile_errors(kwargs, text):
    with pytest.raises(CompileError, match=text.replace("(", r"\(")):
        dfc.compile(MLP, **{"chip": "tiny", **kwargs})


def test_invalid_ir_is_a_located_compile_error(tmp_path):
    bad = tmp_path / "bad.mlir"
    bad.write_text(
        "func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {\n"
        "  %0 = dfg.tanh %x : (tensor<4xf32>) -> tensor<3xf32>\n"
        "  func.return %0 : tensor<3xf32>\n}\n"
    )
    with pytest.raises(CompileError, match=r"bad.mlir:2:3: error: result shape 3"):
        dfc.compile(bad, chip="tiny")


def test_internal_error_writes_a_reproducer(tmp_path, monkeypatch):
    """A pass that crashes (not a diagnostic) leaves its input IR and the dfc-opt
    command that reruns the rest of the pipeline."""
    from dfc.passes.dfg_tile import DfgTilePass

    def crash(self, ctx, op):
        raise RuntimeError("tiling exploded")

    monkeypatch.setattr(DfgTilePass, "apply", crash)
    path = tmp_path / "repro.mlir"
    with pytest.raises(RuntimeError) as error:
        dfc.compile(MLP, chip="tiny", reproducer=path, stop_after="dfg-place-memory")
    (note,) = error.value.__notes__
    assert note.startswith(f"reproducer: {path}; rerun with: dfc-opt {path} -p ")
    text = path.read_text()
    assert text.startswith(
        "// dfc-compile reproducer: pass 'dfg-tile' failed with RuntimeError: "
        "tiling exploded\n"
    )
    assert "'dfg-tile{chip=tiny},dfg-place-memory{chip=tiny}," in text
    # The saved IR is the input of dfg-tile: fused, not tiled yet.
    module = dfc.parse_mlir(text)
    assert "dfg.kernel" in dfc.print_mlir(module)
    assert "#dfg.tile" not in dfc.print_mlir(module)


def test_graph_ir_with_tiers_resumes_after_dfg_place_memory():
    with pytest.raises(StoppedAfter) as stopped:
        dfc.compile(MLP, chip="tiny", stop_after="dfg-place-memory")
    from dfc.compile import _resume_point

    saved = dfc.print_mlir(stopped.value.module)
    assert _resume_point(dfc.parse_mlir(saved), "tiny") == "dfg-place-memory"
    assert _resume_point(dfc.parse_mlir(MLP.read_text()), "tiny") is None
    su = dfc.parse_mlir(MULTI_SECTION.read_text())
    assert _resume_point(su, "tiny") == "convert-dfg-to-su"
    with pytest.raises(CompileError, match="built for chip \"tiny\", not 'sn40l'"):
        _resume_point(su, "sn40l")
    if "convert-dfg-to-su" in PASSES:
        seen: list[str] = []
        with pytest.raises(StoppedAfter):
            dfc.compile(
                dfc.parse_mlir(saved),
                chip="tiny",
                after_pass=lambda name, _: seen.append(name),
                stop_after="convert-dfg-to-su",
            )
        assert seen == ["import", "convert-dfg-to-su"]


def test_unknown_model_type():
    with pytest.raises(CompileError, match="cannot compile a int"):
        dfc.compile(3, chip="tiny")


def test_dfc_compile_is_callable_however_it_was_imported():
    """Importing the submodule `dfc.compile` first binds the package attribute to
    the module; it must still be callable as the function."""
    code = (
        "from dfc.compile import Artifact\n"
        "import dfc\n"
        "from dfc.compile import StoppedAfter\n"
        "try:\n"
        f"    dfc.compile({str(MLP)!r}, chip='tiny', stop_after='import')\n"
        "except StoppedAfter as s:\n"
        "    print('stopped', s.stage)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "stopped import"


# ---------------------------------------------------------------------------
# Emission of hand-written su programs
# ---------------------------------------------------------------------------


def _expected_multi_section(x: np.ndarray) -> np.ndarray:
    t = (x * 2 + 1).T  # section s0: map, then the PMU reads the transpose
    return (t * 0.5).sum(axis=1)  # section s1: row sums against the 0.5 table


def test_emit_bitstream_matches_the_codec_and_simulates():
    from dfc.backends.bitstream import encode
    from dfc.backends.bitstream.su_codec import module_to_program

    module = dfc.parse_mlir(MULTI_SECTION.read_text(), str(MULTI_SECTION))
    data = emit_bitstream(module)
    assert data == emit_bitstream(module)  # deterministic
    assert data == encode(module_to_program(module))
    x = np.random.default_rng(0).standard_normal((8, 8)).astype(np.float32)
    result = dfc.simulate(data, [x])
    np.testing.assert_allclose(
        result.outputs["y"], _expected_multi_section(x), rtol=1e-5, atol=1e-6
    )


def _strip_placement(text: str) -> str:
    import re

    text = re.sub(r"at = array<i64: \d+, \d+>,\s*", "", text)
    return re.sub(r"routes = \[[^\]]*\],\s*", "", text)


def test_virtual_programs_need_allow_virtual():
    from dfc.dialects.diagnostics import DfcDiagnosticError

    module = dfc.parse_mlir(_strip_placement(MULTI_SECTION.read_text()))
    with pytest.raises(DfcDiagnosticError, match="is not placed"):
        emit_bitstream(module)
    data = emit_bitstream(module, allow_virtual=True)
    x = np.arange(64, dtype=np.float32).reshape(8, 8) / 10
    np.testing.assert_allclose(
        dfc.simulate(data, [x]).outputs["y"], _expected_multi_section(x), rtol=1e-5
    )


# ---------------------------------------------------------------------------
# The driver on su input, with the su passes replaced by identities: tests the
# driver itself (resume, emission, report, simulation, CLI) whatever state the
# real placement and routing passes are in. The input is already placed and
# routed, so an identity is what those passes must do to it anyway.
# ---------------------------------------------------------------------------


@pytest.fixture
def identity_su_passes(monkeypatch):
    from dataclasses import dataclass

    from xdsl.passes import ModulePass

    def identity(pass_name: str):
        @dataclass(frozen=True)
        class Identity(ModulePass):
            name = pass_name
            chip: str = "sn40l"
            seed: int = 0

            def apply(self, ctx, op) -> None:
                pass

        return Identity

    for name in ("su-partition", "su-place", "su-route", "su-check-routes"):
        monkeypatch.setitem(PASSES, name, lambda n=name: identity(n))


def test_su_input_compiles_emits_and_reports(identity_su_passes):
    artifact = dfc.compile(MULTI_SECTION, chip="tiny")
    module = dfc.parse_mlir(MULTI_SECTION.read_text())
    assert artifact.bitstream == emit_bitstream(module)
    report = artifact.report
    assert report.resumed_after == "convert-dfg-to-su"
    assert [name for name, _ in report.stages] == [
        "import",
        "su-partition",
        "su-place",
        "su-route",
        "su-check-routes",
        "su-emit-bitstream",
    ]
    assert report.sections == 2
    assert report.units == {"pcu": 2, "pmu": 2, "agcu": 4}
    assert report.peak_units == {"pcu": 1, "pmu": 1, "agcu": 2}
    assert (report.ports, report.routed_ports, report.streams) == (6, 6, 6)
    assert report.placed_units == 8 and report.routing_ok
    assert report.bitstream_bytes == len(artifact.bitstream)
    assert artifact.inputs == [("x", (8, 8), "f32")]
    x = np.random.default_rng(2).standard_normal((8, 8)).astype(np.float32)
    result = artifact.simulate({"x": x})
    np.testing.assert_allclose(
        result.outputs["y"], _expected_multi_section(x), rtol=1e-5, atol=1e-6
    )
    assert report.simulation is not None
    assert report.simulation.cycles == result.cycles > 0
    text = report.to_markdown()
    assert "- sections: 2" in text.replace("kernels: 0; ", "")
    assert "- routing: 6/6 input ports routed (ok); 6 streams" in text
    assert "| s0 | 1 | 1 | 2 | 3 |" in text  # section table: pcu pmu agcu streams
    run = result.report.sections[1].run_cycles
    assert report.section_rows[1]["run_cycles"] == run
    assert json.loads(report.to_json())["units"] == {"agcu": 4, "pcu": 2, "pmu": 2}


def test_cli_on_su_input(identity_su_passes, tmp_path):
    from click.testing import CliRunner

    from dfc.tools.dfc_compile import main

    x = np.arange(64, dtype=np.float32).reshape(8, 8)
    np.savez(tmp_path / "in.npz", x=x)
    out, report = tmp_path / "m.dfcb", tmp_path / "r.md"
    result = CliRunner().invoke(
        main,
        [
            str(MULTI_SECTION),
            "--chip",
            "tiny",
            "-o",
            str(out),
            "--simulate",
            "--inputs",
            str(tmp_path / "in.npz"),
            "--sim-output",
            str(tmp_path / "out.npz"),
            "--report",
            str(report),
            "--time-passes",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Execution time report" in result.output
    assert (
        "compiled multi-section.mlir for tiny: 2 section(s), 8 units" in result.output
    )
    assert out.read_bytes() == emit_bitstream(dfc.parse_mlir(MULTI_SECTION.read_text()))
    np.testing.assert_allclose(
        np.load(tmp_path / "out.npz")["y"], _expected_multi_section(x), rtol=1e-5
    )
    assert "- simulated time:" in report.read_text()


def test_cli_failure_leaves_no_output(identity_su_passes, tmp_path):
    """A failing step after the compile (here: bad simulation inputs) writes
    neither the bitstream nor the report."""
    from click.testing import CliRunner

    from dfc.tools.dfc_compile import main

    np.savez(tmp_path / "in.npz", x=np.zeros((3, 3), np.float32))
    out, report = tmp_path / "m.dfcb", tmp_path / "r.md"
    result = CliRunner().invoke(
        main,
        [str(MULTI_SECTION), "--chip", "tiny", "-o", str(out), "--simulate"]
        + ["--inputs", str(tmp_path / "in.npz"), "--report", str(report)],
    )
    assert result.exit_code == 1
    assert "dfc-compile: error: simulation: input 'x' has shape (3, 3)" in result.output
    assert not out.exists() and not report.exists()


# ---------------------------------------------------------------------------
# The whole pipeline (skips until every pass is registered)
# ---------------------------------------------------------------------------


def test_compile_mlp_simulates_like_the_interpreter():
    require_pipeline()
    artifact = dfc.compile(MLP, chip="tiny")
    assert artifact.bitstream[:4] == b"DFCB"
    (x,) = artifact.random_inputs(seed=1)
    result = artifact.simulate([x])
    (expected,) = dfc.interpret(artifact.source, [x])
    np.testing.assert_allclose(result.outputs[0], expected, rtol=1e-4, atol=1e-5)
    report = artifact.report
    assert report.sections >= 1 and report.routing_ok
    assert report.placed_units == sum(report.units.values())
    assert [name for name, _ in report.stages] == ["import"] + [
        p.split("{")[0] for p in COMPILE_PIPELINE
    ]
    assert report.simulation is not None and report.simulation.cycles > 0
    data = report.to_dict()
    assert json.loads(json.dumps(data))["sections"] == report.sections
    assert "## Compile time per stage" in report.to_markdown()


def test_graph_stages_are_deterministic_across_processes(tmp_path):
    """The IR after the graph stages does not depend on the hash seed."""
    texts = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"g{hash_seed}.mlir"
        subprocess.run(
            [str(BIN / "dfc-compile"), str(MLP), "--chip", "tiny"]
            + ["--stop-after", "dfg-place-memory", "-o", str(out)],
            check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
        )
        texts.append(out.read_text())
    assert texts[0] == texts[1] and "dfg.kernel" in texts[0]


def test_compile_is_deterministic_across_processes(tmp_path):
    """Same input, same seed: byte-identical bitstreams, whatever the hash seed."""
    require_pipeline()
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"m{hash_seed}.dfcb"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run(
            [str(BIN / "dfc-compile"), str(MLP), "--chip", "tiny", "-o", str(out)],
            check=True,
            env=env,
            capture_output=True,
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert dfc.compile(MLP, chip="tiny").bitstream == outputs[0]


def test_cli_simulate_check_and_json_report(tmp_path):
    require_pipeline()
    out, report = tmp_path / "m.dfcb", tmp_path / "r.json"
    run = subprocess.run(
        [
            str(BIN / "dfc-compile"),
            str(MLP),
            "--chip",
            "tiny",
            "-o",
            str(out),
            "--simulate",
            "--check",
            "--report",
            str(report),
            "--time-passes",
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert "match the reference interpreter" in run.stderr
    assert "Execution time report" in run.stderr
    data = json.loads(report.read_text())
    assert data["routing_ok"] and data["simulation"]["functional"]
    assert [s["stage"] for s in data["stages"]][0] == "import"
    assert out.read_bytes()[:4] == b"DFCB"


@pytest.mark.slow
def test_torch_module_and_pt2_file_are_imported(tmp_path):
    torch = pytest.importorskip("torch")
    model = torch.nn.Sequential(torch.nn.Linear(8, 4), torch.nn.ReLU()).eval()
    x = torch.randn(2, 8)
    with pytest.raises(StoppedAfter) as from_module:
        dfc.compile(model, chip="tiny", example_args=(x,), stop_after="import")
    path = tmp_path / "m.pt2"
    torch.export.save(torch.export.export(model, (x,)), str(path))
    with pytest.raises(StoppedAfter) as from_file:
        dfc.compile(path, chip="tiny", stop_after="import")
    expected = model(x).detach().numpy()
    for stopped in (from_module, from_file):
        (y,) = dfc.interpret(stopped.value.module, [x.numpy()])
        np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("stage", ["dfg-place-memory", "convert-dfg-to-su"])
def test_stop_after_and_resume_gives_the_same_bitstream(stage):
    """IR saved by --stop-after, compiled again, gives the bitstream of an
    uninterrupted compile (issue 10: --stop-after / resume round trip)."""
    require_pipeline()
    whole = dfc.compile(MLP, chip="tiny").bitstream
    with pytest.raises(StoppedAfter) as stopped:
        dfc.compile(MLP, chip="tiny", stop_after=stage)
    saved = dfc.print_mlir(stopped.value.module)
    resumed = dfc.compile(dfc.parse_mlir(saved), chip="tiny")
    assert resumed.report.resumed_after == stage
    assert resumed.bitstream == whole


@pytest.mark.parametrize(
    "case", ["test_relu", "test_add_bcast", "test_matmul_2d", "test_softmax_axis_1"]
)
def test_onnx_backend_simulate_target(case):
    """The ONNX backend's compile-and-simulate target on ONNX's own node tests."""
    require_pipeline()
    import warnings

    from onnx import numpy_helper
    from onnx.backend.test.loader import load_model_tests

    import dfc.onnx_backend as backend

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (test,) = [t for t in load_model_tests(kind="node") if t.name == case]
    rep = backend.prepare(test.model, target="simulate-tiny")
    for inputs, outputs in test.data_sets:
        inputs = [numpy_helper.to_array(v) if hasattr(v, "dims") else v for v in inputs]
        actual = rep.run(inputs)
        for a, e in zip(actual, outputs, strict=True):
            e = numpy_helper.to_array(e) if hasattr(e, "dims") else np.asarray(e)
            assert a.dtype == e.dtype and a.shape == e.shape
            np.testing.assert_allclose(a, e, rtol=test.rtol, atol=test.atol)
