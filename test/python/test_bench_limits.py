"""`python -m bench limits` (bench/limits.py): its section classes and the
time split on hand-made simulator reports."""

from __future__ import annotations

import pytest

import dfc
from dfc.backends.sim.report import SectionReport, SimReport, UnitReport


@pytest.fixture(scope="module")
def limits(bench_module):
    return bench_module.limits


def section(name, run, *, pcus=1, busy=0.0, agcus=2, hbm=0, port=0.0):  # type: ignore[no-untyped-def]
    units = [UnitReport(name, f"p{i}", "pcu", busy, 0.0, run - busy) for i in range(pcus)]
    units += [UnitReport(name, f"a{i}", "agcu", port, 0.0, run - port) for i in range(agcus)]
    return SectionReport(name, 1000, 2000, run, 0.0, 0.0, {"hbm": hbm}, units)


def test_sections_are_classed_by_what_bounds_them(limits):  # type: ignore[no-untyped-def]
    chip = dfc.load_chip("sn40l")  # 1.6 TB/s HBM at 1.6 GHz: 1,000 bytes a cycle
    run = 10_000.0
    assert limits.classify(section("s", run, hbm=8_000_000), chip) == "hbm"
    assert limits.classify(section("s", run, pcus=600, busy=9_000), chip) == "compute"
    assert limits.classify(section("s", run, pcus=30, busy=9_000, agcus=62), chip) == "agcu"
    assert limits.classify(section("s", run, pcus=30, busy=9_000), chip) == "units"
    assert limits.classify(section("s", run, pcus=1, busy=5_000, port=9_000), chip) == "port"
    assert limits.classify(section("s", run, pcus=30, busy=1_000), chip) == "latency"


def test_breakdown_splits_cycles_and_weights_units_by_run_time(limits):  # type: ignore[no-untyped-def]
    chip = dfc.load_chip("sn40l")
    a = section("s0", 6_000.0, pcus=10, busy=5_000, agcus=4)  # units
    b = section("s1", 2_000.0, pcus=2, busy=0.0, agcus=2)  # latency
    report = SimReport("sn40l", chip.clock_hz, 12_000.0, chip.seconds(12_000.0),
                       0.0, 1.0, {"hbm": 0}, {}, [a, b], functional=False)
    data = limits.breakdown(report, chip)
    # 2 x 2,000 configuration cycles of 12,000
    assert data["config_share"] == pytest.approx(4_000 / 12_000)
    assert data["run_share"]["units"] == pytest.approx(6_000 / 12_000)
    assert data["run_share"]["latency"] == pytest.approx(2_000 / 12_000)
    assert data["mean_pcus"] == pytest.approx((10 * 6_000 + 2 * 2_000) / 8_000)
    assert data["mean_agcus"] == pytest.approx((4 * 6_000 + 2 * 2_000) / 8_000)
    assert [r["section"] for r in data["longest"]] == ["s0", "s1"]
