"""ONNX's backend node tests that dfc passes, kept passing.

The allow-list `test/frontends/onnx/conformance-allowlist.txt` is written by
`python -m bench onnx-conformance --write-allowlist` (as onnx-mlir's
inference_backend.py keeps its list); each listed case is imported through
dfc's ONNX backend and run on the reference interpreter, with the suite's own
rtol/atol.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
ALLOWLIST = ROOT / "test/frontends/onnx/conformance-allowlist.txt"


def _harness():
    spec = importlib.util.spec_from_file_location(
        "onnx_conformance", ROOT / "bench" / "onnx_conformance.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HARNESS = _harness()
ALLOWED = [
    line.strip()
    for line in ALLOWLIST.read_text().splitlines()
    if line.strip() and not line.startswith("#")
]
CASES = {case.name: case for case in HARNESS.load_cases()}


def test_allowlist_names_existing_cases():
    missing = [name for name in ALLOWED if name not in CASES]
    assert not missing, f"allow-listed cases the onnx package no longer ships: {missing}"
    assert len(ALLOWED) >= 700


@pytest.mark.parametrize("name", ALLOWED)
def test_node_case(name):
    outcome, detail = HARNESS.run_case(CASES[name])
    assert outcome == "passed", detail
