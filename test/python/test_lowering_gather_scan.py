"""`dfg.gather` (indexed AGCU loads) and `dfg.scan` (the scan template) lowered by
`passes/lowering/gather.py` and `scan.py`, simulated against the interpreter."""

from __future__ import annotations

import numpy as np
import pytest
from lowering_util import lower_and_compare

import dfc
from dfc.backends.bitstream.su_codec import module_to_program
from dfc.backends.chip import load_chip
from dfc.backends.sim import SimulationError
from dfc.passes.lowering.base import lower_module


def gather_text(data, ind, out, axis, itype="i64", dtype="f32"):  # type: ignore[no-untyped-def]
    return f"""
func.func @main(%d: tensor<{data}x{dtype}>, %i: tensor<{ind}x{itype}>) -> tensor<{out}x{dtype}> {{
  %r = dfg.gather %d, %i {{axis = {axis} : i64}} : (tensor<{data}x{dtype}>, tensor<{ind}x{itype}>) -> tensor<{out}x{dtype}>
  func.return %r : tensor<{out}x{dtype}>
}}
"""


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
@pytest.mark.parametrize(
    "data,ind,out,axis",
    [
        ((50, 16), (2, 8), (2, 8, 16), 0),  # embedding lookup
        ((3, 7, 5), (4,), (3, 4, 5), 1),
        ((3, 7, 5), (2, 3), (3, 7, 2, 3), 2),
        ((9,), (6,), (6,), 0),
    ],
)
def test_gather(chip, data, ind, out, axis):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(1)
    n = data[axis]
    idx = rng.integers(-n, n, size=ind).astype(np.int64)  # negative indices too
    x = rng.standard_normal(data).astype(np.float32)
    text = gather_text(
        "x".join(map(str, data)), "x".join(map(str, ind)), "x".join(map(str, out)), axis
    )
    lower_and_compare(text, chip, [x, idx])


def test_gather_uses_a_pmu_for_small_tables():  # type: ignore[no-untyped-def]
    """A 5 x 4 table fits a memory unit: it is gathered on chip; a 2000 x 4
    table on tiny (4 KiB units) is gathered by the AGCU from memory."""
    from dfc.dialects.su import AgcuOp, PmuOp

    small = lower_module(
        dfc.parse_mlir(gather_text("5x4", "3", "3x4", 0, "i32")), load_chip("tiny")
    )
    assert [op.gathers for op in small.walk() if isinstance(op, PmuOp)] == [True]
    big = lower_module(
        dfc.parse_mlir(gather_text("2000x4", "3", "3x4", 0, "i32")), load_chip("tiny")
    )
    assert not any(isinstance(op, PmuOp) for op in big.walk())
    assert (
        sum(
            len(op.inputs) == 1 and op.direction.data == "load"
            for op in big.walk()
            if isinstance(op, AgcuOp)
        )
        == 1
    )


def test_gather_out_of_range_is_a_simulation_error():  # type: ignore[no-untyped-def]
    module = dfc.parse_mlir(gather_text("5x4", "3", "3x4", 0, "i32"))
    program = module_to_program(lower_module(module, load_chip("tiny")))
    x = np.zeros((5, 4), np.float32)
    with pytest.raises(SimulationError, match="outside its buffer"):
        dfc.simulate(program, [x, np.array([0, 7, 1], np.int32)])


def scan_text(shape, attrs, dtype="f32"):  # type: ignore[no-untyped-def]
    s = "x".join(map(str, shape))
    return f"""
func.func @main(%x: tensor<{s}x{dtype}>) -> tensor<{s}x{dtype}> {{
  %r = dfg.scan %x {{{attrs}}} : (tensor<{s}x{dtype}>) -> tensor<{s}x{dtype}>
  func.return %r : tensor<{s}x{dtype}>
}}
"""


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
@pytest.mark.parametrize("kind", ["sum", "prod", "max", "min"])
@pytest.mark.parametrize(
    "flags",
    [
        "",
        ", reverse = true",
        ", exclusive = true",
        ", exclusive = true, reverse = true",
    ],
)
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_scan(chip, kind, flags, axis):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(2)
    x = (
        rng.standard_normal((3, 5, 6)) * 0.5 + (1.0 if kind == "prod" else 0.0)
    ).astype(np.float32)
    lower_and_compare(
        scan_text((3, 5, 6), f'axis = {axis} : i64, kind = "{kind}"{flags}'),
        chip,
        [x],
        finite=kind in ("max", "min"),
    )


def test_scan_int_and_bf16():  # type: ignore[no-untyped-def]
    x = np.arange(-12, 12, dtype=np.int32).reshape(4, 6)
    lower_and_compare(
        scan_text((4, 6), 'axis = 1 : i64, kind = "sum"', "i32"), "tiny", [x]
    )
    lower_and_compare(
        scan_text((4, 6), 'axis = 0 : i64, kind = "sum"', "bf16"), "sn40l", dtype="bf16"
    )
