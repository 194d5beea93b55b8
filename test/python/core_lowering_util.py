"""Helpers of the core-family lowering tests: run `dfg-compile-graph` and
`convert-dfg-to-su` (the registered passes) on a dfg program, simulate the su
module functionally and compare with the reference interpreter on the
original program."""

from __future__ import annotations

import ml_dtypes
import numpy as np
from xdsl.dialects import func

import dfc
from dfc.backends.bitstream.su_codec import module_to_program

TOLERANCE = {"f32": (1e-5, 1e-5), "bf16": (3e-2, 3e-2)}
"""(rtol, atol). f32: both sides compute in f32; differences come from the
order of sums and the simulator's erf (|err| < 1.5e-7). bf16: the simulator
rounds to bf16 after every stage, the interpreter once per op (widened in
between), so a few bf16 ulps (2^-8 relative each)."""


def make_inputs(module, seed: int = 0, positive: bool = False) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    function = next(op for op in module.ops if isinstance(op, func.FuncOp))
    rng = np.random.default_rng(seed)
    out: list[np.ndarray] = []
    for arg in function.body.block.args:
        shape = tuple(arg.type.get_shape())
        name = str(arg.type.get_element_type())
        if name == "i1":
            out.append(rng.integers(0, 2, shape).astype(np.bool_))
            continue
        if name in ("i32", "i64", "i8"):
            out.append(rng.integers(-20, 20, shape).astype(f"int{name[1:]}"))
            continue
        data = rng.standard_normal(shape).astype(np.float32)
        if positive:
            data = np.abs(data) + 0.1
        out.append(data.astype(ml_dtypes.bfloat16) if name == "bf16" else data)
    return out


def compile_su(text: str, chip: str, strategy: str = "greedy"):  # type: ignore[no-untyped-def]
    """The su module of `text` through the graph pipeline and convert-dfg-to-su."""
    from dfc.dialects import make_context
    from dfc.passes import PASSES

    module = dfc.parse_mlir(text)
    ctx = make_context()
    PASSES["dfg-compile-graph"]()(chip=chip, strategy=strategy).apply(ctx, module)  # type: ignore[call-arg]
    PASSES["convert-dfg-to-su"]()(chip=chip).apply(ctx, module)  # type: ignore[call-arg]
    module.verify()
    return module


def check(
    text: str,
    chip: str,
    dtype: str = "f32",
    inputs: list[np.ndarray] | None = None,
    positive: bool = False,
    strategy: str = "greedy",
):  # type: ignore[no-untyped-def]
    """Compile, simulate and compare every output; returns (su module, result)."""
    reference = dfc.parse_mlir(text)
    if inputs is None:
        inputs = make_inputs(reference, positive=positive)
    expected = dfc.interpret(reference, inputs)
    su = compile_su(text, chip, strategy)
    # i1 tensors live in i8 memories (0/1): the simulator takes them as int8
    # and rank-0 tensors in one-element memories
    sim_inputs = [
        (x.astype(np.int8) if x.dtype == np.bool_ else x).reshape(x.shape or (1,))
        for x in inputs
    ]
    result = dfc.simulate(module_to_program(su), sim_inputs)
    rtol, atol = TOLERANCE[dtype]
    for got, want in zip(result.outputs.as_list(), expected, strict=True):
        np.testing.assert_allclose(
            np.asarray(got, np.float32).reshape(np.shape(want)),
            np.asarray(want, np.float32),
            rtol=rtol,
            atol=atol,
        )
    return su, result
