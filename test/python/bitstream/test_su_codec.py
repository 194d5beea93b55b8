"""su IR <-> bitstream model (`backends/bitstream/su_codec.py`): round trips at
the IR level, determinism across processes, and the IR the format refuses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import ModuleOp

from dfc.backends.bitstream import decode, encode
from dfc.backends.bitstream.su_codec import (
    SuCodecError,
    module_to_program,
    program_to_module,
)
from dfc.dialects import make_context
from dfc.tools.mlir_io import SourceChunk, parse_chunk, print_module

ROOT = Path(__file__).resolve().parents[3]
SU = ROOT / "test" / "dialects" / "su"
TINY = 'su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"'


def parse(text: str) -> ModuleOp:
    module, diagnostics = parse_chunk(make_context(), SourceChunk(text, "t.mlir", 0))
    assert module is not None and not diagnostics, [d.format() for d in diagnostics]
    return module


def round_trip(module: ModuleOp) -> ModuleOp:
    program = module_to_program(module)
    data = encode(program)
    again = decode(data)
    assert again == program
    assert encode(again) == data
    back = program_to_module(again)
    back.verify()
    return back


def test_sn40l_program_round_trips_exactly():
    module = parse((SU / "sn40l-program.mlir").read_text())
    back = round_trip(module)
    assert back.is_structurally_equivalent(module)
    ctx = make_context()
    assert print_module(ctx, back) == print_module(ctx, module)


def test_multi_section_round_trips_up_to_the_pmu_init_shape():
    module = parse((SU / "multi-section.mlir").read_text())
    back = round_trip(module)
    # Same program; the PMU init comes back 1-D (tensor<64xf32>, not 8x8).
    assert module_to_program(back) == module_to_program(module)
    text = print_module(make_context(), back)
    assert "init = dense<5.000000e-01> : tensor<64xf32>" in text
    assert round_trip(back).is_structurally_equivalent(back)


def test_weight_read_by_two_sections_is_one_image():
    program = module_to_program(parse((SU / "sn40l-program.mlir").read_text()))
    data = encode(program)
    weight = program.memory("w").init
    assert weight is not None and len(weight) == 512
    assert data.count(weight) == 1


GATHER = f"""builtin.module attributes {{{TINY}}} {{
  su.memory @idx {{tier = "hbm", offset = 0 : i64, type = tensor<4xi32>, role = "input"}}
  su.memory @y {{tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}}
  su.section @s0 {{reads = [@idx], writes = [@y]}} {{
    %a0 = su.agcu @a0 load @idx {{counters = array<i64: 0, 4, 1>, map = affine_map<(d0) -> (d0)>}} : () -> !su.stream<scalar, i32>
    %m0 = su.pmu @m0 (%a0) {{fifo_depths = array<i64: 3>, bytes = 64 : i64, banks = 4 : i64, dtype = f32, gather = true, init = dense<2.000000e+00> : tensor<16xf32>, read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(d0, d1)[s0] -> (((s0 * 4) + d1))>>}} : (!su.stream<scalar, i32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%m0) {{counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(d0, d1) -> ((((d0 * 4) + d1) + 0))>}} : (!su.stream<vector, f32>) -> ()
  }}
}}
"""


def test_gather_is_an_indexed_read_generator():
    module = parse(GATHER)
    program = module_to_program(module)
    pmu = program.sections[0].unit("m0")
    assert pmu.read is not None and pmu.read.indexed
    # The index stands in for the outermost counter: coefficient 4 is s0's.
    assert pmu.read.coefficients == (4, 1)
    assert pmu.inputs[0].fifo_depth == 3
    back = round_trip(module)
    assert back.is_structurally_equivalent(module)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "map = affine_map<(d0, d1) -> ((((d0 * 4) + d1) + 0))>",
            "map = affine_map<(d0, d1) -> (((d0 * 4) + d1) mod 16)>",
            "'su.agcu' @a1 in section @s0: map uses mod",
        ),
        (
            "(((s0 * 4) + d1))",
            "(((s0 * 4) + d1) + d0)",
            "is indexed and also uses d0",
        ),
        (
            f"{{{TINY}}}",
            "",
            "the module names no chip",
        ),
        (
            "dense<2.000000e+00> : tensor<16xf32>",
            "dense<2> : tensor<8xi32>",
            "init is tensor<8xi32> but the unit holds f32",
        ),
    ],
)
def test_unencodable_ir_is_refused_naming_the_op(old, new, message):
    text = GATHER.replace(old, new)
    assert text != GATHER
    if not new:
        text = text.replace("builtin.module attributes  {", "builtin.module {")
    module = parse(text)
    with pytest.raises(SuCodecError, match=message.replace("(", r"\(")):
        module_to_program(module)


def test_stage_modifiers_round_trip_as_format_1_1():
    """`cmp.<predicate>` and `cast.<type>` are the 1.1 register STAGE_MODIFIER:
    they survive encode/decode, and only such a file says version 1.1."""
    original = (SU / "multi-section.mlir").read_text()
    plain = encode(module_to_program(parse(original)))
    assert plain[4:8] == bytes([1, 0, 0, 0])  # a program without modifiers: 1.0
    text = original.replace("#su.stage<add(s0, c1)>", "#su.stage<cmp.gt(s0, c1)>")
    data = encode(module_to_program(parse(text)))
    assert data[4:8] == bytes([1, 0, 1, 0])
    assert "#su.stage<cmp.gt(s0, c1)>" in str(round_trip(parse(text)))
    assert decode(data) == module_to_program(parse(text))


def test_cast_to_i1_is_refused():
    text = (
        (SU / "multi-section.mlir")
        .read_text()
        .replace("#su.stage<add(s0, c1)>", "#su.stage<cast.i1(s0)>")
    )
    with pytest.raises(SuCodecError, match="stage 1 is 'cast.i1'"):
        module_to_program(parse(text))


# -- random programs -----------------------------------------------------------------

BINARY = ("add", "sub", "mul", "max", "min")
UNARY = ("neg", "abs", "exp", "tanh", "sigmoid")


@st.composite
def programs(draw: st.DrawFn) -> str:
    """A random valid one- or two-section program on `tiny`: load, a chain of map
    PCUs (random stages and constants), optionally a PMU (transposing, double
    buffered, with an init-free write/read), then a store."""
    rows = draw(st.sampled_from([1, 2, 4]))
    cols = draw(st.sampled_from([4, 8]))
    n = rows * cols
    chain = f"array<i64: 0, {rows}, 1, 0, {cols}, 4>"
    row_major = f"affine_map<(d0, d1) -> (((d0 * {cols}) + d1))>"
    memories = [
        f'su.memory @x {{tier = "hbm", offset = 0 : i64, type = tensor<{rows}x{cols}xf32>, role = "input"}}',
        f'su.memory @y {{tier = "ddr", offset = {draw(st.integers(0, 64)) * 4} : i64, type = tensor<{rows}x{cols}xf32>, role = "output"}}',
    ]
    sections = []
    for s in range(draw(st.integers(1, 2))):
        src, dst = ("x", "y") if s == 0 else ("y", "y2")
        if s == 1:
            memories.append(
                f'su.memory @y2 {{tier = "hbm", offset = 4096 : i64, type = tensor<{rows}x{cols}xf32>, role = "output"}}'
            )
        ops = [
            f"%a0 = su.agcu @a0 load @{src} {{counters = {chain}, map = {row_major}}} : () -> !su.stream<vector, f32>"
        ]
        last = "a0"
        for p in range(draw(st.integers(1, 2))):
            stages = []
            constants: list[float] = []
            for j in range(draw(st.integers(1, 3))):
                prev = "in0" if j == 0 else f"s{j - 1}"
                if draw(st.booleans()):
                    stages.append(f"#su.stage<{draw(st.sampled_from(UNARY))}({prev})>")
                else:
                    constants.append(draw(st.sampled_from([0.5, -2.0, 3.25, 1.0e-3])))
                    op = draw(st.sampled_from(BINARY))
                    stages.append(f"#su.stage<{op}({prev}, c{len(constants) - 1})>")
            attrs = f"counters = {chain}, dtype = f32, stages = [{', '.join(stages)}]"
            if constants:
                values = ", ".join(f"{c:.6e}" for c in constants)
                attrs += f", constants = array<f32: {values}>"
            if draw(st.booleans()):
                attrs = f"fifo_depths = array<i64: {draw(st.integers(1, 2))}>, " + attrs
            ops.append(
                f'%p{p} = su.pcu @p{p} "map" (%{last}) {{{attrs}}} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>'
            )
            last = f"p{p}"
        if draw(st.booleans()):
            double = ", double_buffer = true" if draw(st.booleans()) else ""
            read = (
                f"#su.agen<counters = {chain}, map = {row_major}>"
                if not draw(st.booleans()) or rows != cols
                else f"#su.agen<counters = {chain}, map = affine_map<(d0, d1) -> (((d1 * {cols}) + d0))>>"
            )
            ops.append(
                f"%m0 = su.pmu @m0 (%{last}) {{bytes = {n * 4} : i64, banks = 4 : i64{double}, dtype = f32, "
                f"write = #su.agen<counters = {chain}, map = {row_major}>, read = {read}}}"
                " : (!su.stream<vector, f32>) -> !su.stream<vector, f32>"
            )
            last = "m0"
        ops.append(
            f"su.agcu @a1 store @{dst} (%{last}) {{counters = {chain}, map = {row_major}}} : (!su.stream<vector, f32>) -> ()"
        )
        body = "\n    ".join(ops)
        sections.append(
            f"su.section @s{s} {{reads = [@{src}], writes = [@{dst}]}} {{\n    {body}\n  }}"
        )
    return (
        f"builtin.module attributes {{{TINY}}} {{\n  "
        + "\n  ".join(memories + sections)
        + "\n}\n"
    )


@settings(max_examples=60, deadline=None)
@given(programs())
def test_random_programs_round_trip_at_the_ir_level(text):
    module = parse(text)
    back = round_trip(module)
    assert back.is_structurally_equivalent(module), print_module(make_context(), back)


# -- determinism -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["multi-section.mlir", "sn40l-program.mlir"])
def test_same_ir_gives_identical_bytes_across_hash_seeds(tmp_path, name):
    outputs = []
    for seed in ("0", "12345"):
        out = tmp_path / f"{seed}.dfcb"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run(
            [sys.executable, "-m", "dfc.tools.dfc_translate", "--mlir-to-bitstream",
             str(SU / name), "-o", str(out)],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 1000
