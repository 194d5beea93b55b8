"""Shared helpers of the lowering tests: lower a dfg function with the
`convert-dfg-to-su` driver (`passes/lowering/base.py`), simulate it
functionally and compare with the interpreter."""

from __future__ import annotations

import ml_dtypes
import numpy as np

import dfc
from dfc.backends.bitstream.su_codec import module_to_program
from dfc.backends.chip import load_chip
from dfc.passes.lowering.base import lower_module

TOLERANCE = {"f32": (1e-5, 1e-5), "bf16": (2e-2, 2e-2)}
"""(rtol, atol) per element type. bf16: the simulator rounds after every unit
(operands, each stage) where the interpreter rounds once, so one bf16 ulp (2^-8
relative) per rounding, a few roundings deep."""


def random_inputs(module, seed: int = 0) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    from xdsl.dialects import func

    function = next(op for op in module.ops if isinstance(op, func.FuncOp))
    rng = np.random.default_rng(seed)
    out = []
    for arg in function.body.block.args:
        shape = tuple(arg.type.get_shape())
        name = str(arg.type.get_element_type())
        data = rng.standard_normal(shape).astype(np.float32)
        out.append(data.astype(ml_dtypes.bfloat16) if name == "bf16" else data)
    return out


def lower_and_compare(
    text: str,
    chip: str,
    inputs: list[np.ndarray] | None = None,
    dtype: str = "f32",
    seed: int = 0,
    finite: bool = False,
    lower=None,  # type: ignore[no-untyped-def]
):  # type: ignore[no-untyped-def]
    """Lower, verify, encode, simulate; assert the outputs match the interpreter.
    Returns the su module and the simulation result."""
    module = dfc.parse_mlir(text)
    su = (lower or lower_module)(module, load_chip(chip))
    su.verify()
    program = module_to_program(su)
    if inputs is None:
        inputs = random_inputs(module, seed)
    expected = dfc.interpret(module, inputs)
    result = dfc.simulate(program, inputs)
    rtol, atol = TOLERANCE[dtype]
    assert len(result.outputs) == len(expected)
    for k, want in enumerate(expected):
        got = result.outputs[f"out{k}"]
        if finite:
            # the lowering uses the type's finite extremes where the reference
            # has +-inf (identities of exclusive max / min scans)
            info = (
                ml_dtypes.finfo(want.dtype)
                if want.dtype.kind == "V"
                else np.finfo(np.float32)
            )
            want = np.where(np.isinf(want), np.sign(want) * float(info.max), want)
        np.testing.assert_allclose(
            np.asarray(got, np.float32),
            np.asarray(want, np.float32),
            rtol=rtol,
            atol=atol,
        )
    return su, result


def through_placement(text: str, chip: str, inputs: list[np.ndarray] | None = None):  # type: ignore[no-untyped-def]
    """Lower, then run `su-partition`, `su-place` and `su-route` on the result,
    simulate and compare (f32): the units the generators emit survive the
    rest of the pipeline. Returns the number of sections."""
    from dfc.dialects import make_context
    from dfc.passes import PASSES

    module = dfc.parse_mlir(text)
    su = lower_module(module, load_chip(chip))
    ctx = make_context()
    for name in ("su-partition", "su-place", "su-route"):
        cls = PASSES[name]()
        options = {"chip": chip} if "chip" in cls.__dataclass_fields__ else {}
        cls(**options).apply(ctx, su)
    program = module_to_program(su)
    if inputs is None:
        inputs = random_inputs(module)
    expected = dfc.interpret(module, inputs)
    result = dfc.simulate(program, inputs)
    for k, want in enumerate(expected):
        np.testing.assert_allclose(
            result.outputs[f"out{k}"], want, rtol=1e-5, atol=1e-5
        )
    return len(program.sections)
