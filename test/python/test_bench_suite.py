"""The benchmark suite (`python -m bench suite`, bench/suite.py): its helpers on
hand-made data, and the `--quick` path end to end on the smallest model."""

from __future__ import annotations

import json
import math

import pytest


@pytest.fixture(scope="module")
def suite(bench_module):
    return bench_module.suite


def test_loglog_exponent_recovers_power_laws(suite):
    xs = [2.0, 4.0, 8.0, 16.0]
    assert suite.loglog_exponent(xs, [3 * x for x in xs]) == pytest.approx(1.0)
    assert suite.loglog_exponent(xs, [0.5 * x**2 for x in xs]) == pytest.approx(2.0)
    assert suite.loglog_exponent(xs, [7.0] * 4) == pytest.approx(0.0)
    assert suite.loglog_exponent([2.0], [1.0]) is None


def test_kernel_of_section_follows_partition_names(suite):
    kernels = {"s0": "main_k0", "s12": "main_k1"}
    assert suite.kernel_of_section("s12", kernels) == "main_k1"
    assert suite.kernel_of_section("s12_0", kernels) == "main_k1"
    assert suite.kernel_of_section("s0_3_1", kernels) == "main_k0"
    assert suite.kernel_of_section("s1", kernels) is None


def test_cost_model_summary_counts_errors(suite):
    def build(errors):
        return {"cost_model": [{"error": e} for e in errors]}

    rows = [
        {"fused": build([0.0, -0.1]), "unfused": build([0.2, 3.0])},
        {"fused": build([0.14]), "unfused": {"status": "failed"}},
    ]
    summary = suite.cost_model_summary(rows)
    assert summary["kernels"] == 5
    assert summary["within_15pct"] == pytest.approx(3 / 5)
    assert summary["histogram"] == {
        "<5%": 1, "5-15%": 2, "15-50%": 1, "50-100%": 0, ">100%": 1
    }
    assert summary["median_abs_error"] == pytest.approx(0.14)


def test_streamed_weight_bytes_counts_gathered_rows(suite, tmp_path):
    """An embedding read by Gather costs one row per index, a matmul weight
    all of it; float graph inputs are the cache."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    table = numpy_helper.from_array(np.zeros((100, 8), np.float32), "table")
    weight = numpy_helper.from_array(np.zeros((8, 4), np.float32), "w")
    graph = helper.make_graph(
        [
            helper.make_node("Gather", ["table", "ids"], ["e"]),
            helper.make_node("Add", ["e", "cache"], ["h"]),
            helper.make_node("MatMul", ["h", "w"], ["y"]),
        ],
        "g",
        [
            helper.make_tensor_value_info("ids", TensorProto.INT64, [1, 3]),
            helper.make_tensor_value_info("cache", TensorProto.FLOAT, [1, 3, 8]),
        ],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 4])],
        initializer=[table, weight],
    )
    path = tmp_path / "m.onnx"
    onnx.save(helper.make_model(graph), str(path))
    streamed, cache = suite.streamed_weight_bytes(path)
    assert streamed == 3 * 8 * 4 + 8 * 4 * 4
    assert cache == 3 * 8 * 4


def test_unknown_model_is_a_clear_error(suite, capsys):
    assert suite.main(["--models", "alexnet", "--no-write"]) == 2
    assert "unknown model(s): alexnet" in capsys.readouterr().err


def test_resume_reuses_measured_models_and_checkpoints_new_ones(suite, monkeypatch):
    """A stopped full-size run keeps its models: `run(previous=...)` reuses the
    rows it has and measures only the rest, checkpointing after each."""
    measured = []

    def fake_measure(name, quick, chip, workdir, **_):
        measured.append(name)
        return {"model": name, "fused": {"status": "ok"}, "unfused": {"status": "ok"}}

    monkeypatch.setattr(suite, "measure_isolated", fake_measure)
    monkeypatch.setattr(suite, "cost_model_summary", lambda rows: {})
    monkeypatch.setattr(suite, "targets", lambda data: [])
    previous = {"models": [{"model": "bert-base", "reused": True}]}
    checkpoints = []
    data = suite.run(
        ["bert-base", "gpt2-decode"], quick=True, iree=False, torch_frontend=False,
        log=lambda _: None, previous=previous,
        checkpoint=lambda d: checkpoints.append([r["model"] for r in d["models"]]),
    )
    assert measured == ["gpt2-decode"]
    assert data["models"][0] == {"model": "bert-base", "reused": True}
    assert checkpoints == [["bert-base", "gpt2-decode"]]


def test_a_model_whose_process_dies_fails_its_row_not_the_run(suite, tmp_path):
    """Each model is measured in a child process (the full-size Llama stack
    outgrew the machine's memory and the kernel killed the whole suite): a
    child that dies leaves a failed row, and the tables still render."""
    import functools
    import os

    said = []
    row = suite.measure_isolated(
        "gpt2-decode", True, "sn40l", tmp_path, iree="off", torch_frontend=False,
        log=said.append, target=functools.partial(os._exit, 3),  # dies at once
    )
    assert row["fused"]["status"] == row["unfused"]["status"] == "failed"
    assert "exited with status" in row["fused"]["reason"]
    assert said and "gpt2-decode" in said[0]
    data = {"meta": {"quick": True, "chip": "sn40l", "date": "-", "command": "-",
                     "machine": "-", "iree": "-", "wall_seconds": 0.0},
            "models": [row], "cost_model": {"kernels": 0}}
    data["targets"] = suite.targets(data)
    assert "| gpt2-decode | GPT-2 2x64" in suite.render(data)


def test_partial_of_another_mode_is_not_reused(suite, tmp_path):
    path = tmp_path / "p.json"
    suite._write_json(path, {"meta": {"quick": True, "chip": "sn40l"}, "models": []})
    assert suite._load_partial(path, quick=True, chip="sn40l") is not None
    assert suite._load_partial(path, quick=False, chip="sn40l") is None
    assert suite._load_partial(path, quick=True, chip="sn30") is None
    assert suite._load_partial(tmp_path / "missing.json", quick=True, chip="sn40l") is None


@pytest.mark.slow
def test_quick_suite_on_decode_writes_complete_results(suite, tmp_path):
    """`--quick` on the small GPT-2 decoder (fused, unfused, cost model,
    scaling at 1 and 2 layers): every field present, values physically sane,
    the decode figures checked against the torch module's own parameters."""
    import bench.models

    code = suite.main(
        ["--quick", "--models", "gpt2-decode", "--no-iree", "--no-torch",
         "--depths", "1,2", "--out", str(tmp_path)]
    )
    assert code == 0
    [json_path] = tmp_path.glob("*-quick.json")
    data = json.loads(json_path.read_text())
    markdown = json_path.with_suffix(".md").read_text()
    assert "gpt2-decode" in markdown and "## Issue 9 targets" in markdown

    [row] = data["models"]
    fused, unfused = row["fused"], row["unfused"]
    assert fused["status"] == unfused["status"] == "ok"
    for build in (fused, unfused):
        assert build["simulated_seconds"] > 0 and build["compile_seconds"] > 0
        stage_sum = sum(s["seconds"] for s in build["stages"])
        assert 0 < stage_sum <= build["compile_seconds"]
        assert [s["stage"] for s in build["stages"]][0] == "import"
        assert build["sections"] >= 1 and build["routing_ok"]
        for kind in ("pcu", "pmu", "agcu"):
            assert 0 <= build["peak_units"][kind] <= build["chip_units"][kind]
            assert build["peak_units"][kind] <= build["units"][kind]
        assert 0 < build["sram_peak_bytes"] <= build["chip_sram_bytes"]
        assert build["tier_bytes"]["hbm"] > 0
        assert build["simulator_seconds"] > 0
        assert 0 < build["config_fraction"] < 1
        assert build["achieved_flops"] == pytest.approx(
            build["flops"] / build["simulated_seconds"]
        )
        assert 0 < build["achieved_flops"] <= build["peak_flops"]
        assert build["cost_model"], "no kernel matched to simulated sections"
        for kernel in build["cost_model"]:
            assert kernel["estimated_seconds"] > 0 and kernel["simulated_seconds"] > 0
        # the kernels' sections cover at most the whole simulated run
        covered = sum(k["simulated_seconds"] for k in build["cost_model"])
        assert covered <= build["simulated_seconds"] * (1 + 1e-9)
    assert unfused["kernels"] > fused["kernels"] >= 1
    assert row["speedup"] > 0
    assert 0 < row["roofline_fraction"] <= 1

    # Matmul FLOPs of the decoder, counted by hand from its shapes: the
    # simulator counts at least these (plus the elementwise work).
    layers, width, vocab, cache = 2, 64, 512, 32
    matmuls = layers * (2 * width * 3 * width + 2 * width * width
                        + 2 * 2 * width * 4 * width + 2 * 2 * width * (cache + 1))
    matmuls += 2 * width * vocab
    assert matmuls <= fused["flops"] <= 3 * matmuls

    # The HBM limit: every parameter once, but one row of each embedding.
    model, args = bench.models.build_gpt2_decode(True)
    params = sum(p.numel() * 4 for p in model.parameters())
    params -= (model.wte.weight.numel() - width) * 4
    params -= (model.wpe.weight.numel() - width) * 4
    decode = row["decode"]
    # within 1 %: the exporter's optimizer folds a few small constants
    # (measured: 501 of 231,168 elements) into others
    assert decode["streamed_weight_bytes"] == pytest.approx(params, rel=0.01)
    assert decode["kv_cache_bytes"] == sum(a.numel() * 4 for a in args[2:])
    assert 0 < decode["hbm_fraction"] <= 1
    assert decode["tokens_per_second"] * fused["simulated_seconds"] == pytest.approx(1)
    assert decode["hbm_limit_tokens_per_second"] > decode["tokens_per_second"]

    cost = data["cost_model"]
    assert cost["kernels"] == len(fused["cost_model"]) + len(unfused["cost_model"])
    assert 0 <= cost["within_15pct"] <= 1
    assert sum(cost["histogram"].values()) == cost["kernels"]

    scaling = data["scaling"]
    assert [r["layers"] for r in scaling["rows"]] == [1, 2]
    assert all(r["status"] == "ok" for r in scaling["rows"])
    assert math.isfinite(scaling["compile_exponent"])
    assert math.isfinite(scaling["simulator_exponent"])
    # twice the layers: more sections (each block lowers to its own sections)
    assert scaling["rows"][1]["sections"] > scaling["rows"][0]["sections"]

    assert row["iree"] == {"status": "skipped", "reason": "disabled (--no-iree)"}
    assert "dfc_over_iree" not in row
    names = [t["target"] for t in data["targets"]]
    assert len(names) == 7 and all(t["met"] in (True, False, None) for t in data["targets"])
