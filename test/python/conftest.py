"""Shared fixtures of the pytest suite."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench_module():
    """`import bench` from the repository root (bench/ is not installed), with
    the path restored afterwards; tests take `bench.<module>` from it."""
    sys.path.insert(0, str(ROOT))
    try:
        import bench.limits
        import bench.models
        import bench.suite

        yield bench
    finally:
        sys.path.remove(str(ROOT))
