"""Python-level checks of the `su` dialect: building IR, the accessors the
bitstream and simulator use, counter and address arithmetic, and the chip rules
that need a chip the presets do not provide."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from xdsl.dialects.builtin import (
    DenseArrayBase,
    Float32Type,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    TensorType,
    f32,
    i64,
)
from xdsl.ir import Block, Region
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.utils.exceptions import VerifyException

from dfc.backends.chip import load_chip
from dfc.dialects import DIALECTS, make_context
from dfc.dialects.diagnostics import verify_module
from dfc.dialects.su import (
    OPS,
    SU,
    AgcuOp,
    AgenAttr,
    Interval,
    MemoryOp,
    PcuOp,
    PmuOp,
    SectionOp,
    StageAttr,
    StageSource,
    StreamType,
    address_range,
    chip_for,
    fifo_depth,
    memories,
    section_analysis,
    sections,
    trip_count,
    units,
)
from dfc.tools.mlir_io import SourceChunk, parse_chunk, print_module

ROOT = Path(__file__).resolve().parents[3]
MULTI = ROOT / "test" / "dialects" / "su" / "multi-section.mlir"
TINY_TOML = ROOT / "backends" / "chip" / "presets" / "tiny.toml"
VS = StreamType("vector", f32)


def parse(text: str) -> tuple[ModuleOp, list[str]]:
    ctx = make_context()
    module, diagnostics = parse_chunk(ctx, SourceChunk(text, "<test>", 0))
    assert module is not None, [d.format() for d in diagnostics]
    return module, [d.message for d in diagnostics]


def row_major(cols: int) -> AffineMap:
    d0, d1 = AffineExpr.dimension(0), AffineExpr.dimension(1)
    return AffineMap(2, 0, (d0 * cols + d1,))


def build_program(chip: str | None = "tiny") -> ModuleOp:
    """x -> PCU (x * 2) -> PMU transpose -> y, all on the tiny chip."""
    tensor = TensorType(Float32Type(), [4, 4])
    section = SectionOp("s0", reads=["x"], writes=["y"])
    block = section.block
    counters = [0, 4, 1, 0, 4, 4]
    load = AgcuOp(
        "a0", "load", "x", [], VS, counters=counters, map=row_major(4), at=(2, 0)
    )
    assert load.output is not None
    pcu = PcuOp(
        "p0",
        "map",
        [load.output],
        VS,
        counters=counters,
        dtype=f32,
        stages=[StageAttr("mul", ["in0", StageSource("c", 0)])],
        constants=DenseArrayBase.from_list(f32, [2.0]),
        at=(2, 1),
    )
    d0, d1 = AffineExpr.dimension(0), AffineExpr.dimension(1)
    pmu = PmuOp(
        "m0",
        [pcu.output],
        VS,
        bytes=64,
        banks=4,
        dtype=f32,
        write=AgenAttr(counters, row_major(4)),
        read=AgenAttr(counters, AffineMap(2, 0, (d1 * 4 + d0,))),
        at=(2, 2),
    )
    assert pmu.output is not None
    store = AgcuOp(
        "a1", "store", "y", [pmu.output], None, counters=counters, map=row_major(4)
    )
    block.add_ops([load, pcu, pmu, store])
    attributes = {}
    if chip is not None:
        attributes = {
            "su.chip": StringAttr(chip),
            "su.chip_fingerprint": StringAttr(load_chip(chip).short_fingerprint),
        }
    module = ModuleOp(
        [
            MemoryOp("x", "hbm", 0, tensor, "input"),
            MemoryOp("y", "hbm", 64, tensor, "output"),
            section,
        ]
    )
    module.attributes.update(attributes)
    return module


# -- the dialect and its documentation ---------------------------------------------


def test_su_is_registered():
    assert DIALECTS["su"]() is SU
    assert {op.name for op in SU.operations} == {
        "su.memory",
        "su.section",
        "su.pcu",
        "su.pmu",
        "su.agcu",
    }


@pytest.mark.parametrize(
    "cls", [*OPS, StreamType, StageAttr, AgenAttr], ids=lambda c: c.name
)
def test_every_op_and_attribute_has_a_summary_and_an_example(cls):
    doc = cls.__doc__ or ""
    assert doc.strip().splitlines()[0].strip(), f"{cls.name}: no summary line"
    short = cls.name.split(".", 1)[1]
    assert "```mlir" in doc and re.search(rf"\b{short}\b", doc.split("```mlir")[1])


# -- building IR ------------------------------------------------------------------


def test_built_program_verifies_and_round_trips():
    module = build_program()
    module.verify()
    assert verify_module(module) == []
    ctx = make_context()
    text = print_module(ctx, module)
    again, diagnostics = parse(text)
    assert diagnostics == []
    assert print_module(make_context(), again) == text
    generic = print_module(ctx, module, generic=True)
    assert print_module(make_context(), parse(generic)[0]) == text


def test_verify_reports_at_the_unit():
    module = build_program()
    pmu = sections(module)[0].pmus()[0]
    pmu.attributes["bytes"] = IntegerAttr(8192, i64)
    with pytest.raises(VerifyException, match="needs 8 KiB but memory units on"):
        pmu.verify_()
    messages = [d.message for d in verify_module(module)]
    assert messages == [
        "'su.pmu' @m0 needs 8 KiB but memory units on 'tiny' hold 4 KiB"
    ]


def test_without_a_chip_only_structural_rules_apply():
    module = build_program(chip=None)
    pcu = sections(module)[0].pcus()[0]
    pcu.attributes["counters"] = DenseArrayBase.from_list(i64, [0, 4, 1, 0, 4, 16])
    assert chip_for(pcu) is None
    # 16-wide vectors exceed tiny's lanes but no chip is named, and the AGCU
    # reading x still covers the same addresses.
    assert verify_module(module) == []


# -- accessors on the shared multi-section program -----------------------------------


@pytest.fixture(scope="module")
def program() -> ModuleOp:
    module, diagnostics = parse(MULTI.read_text(encoding="utf-8"))
    assert diagnostics == []
    return module


def test_module_accessors(program):
    assert [m.symbol for m in memories(program)] == ["x", "t", "y"]
    assert [m.byte_range for m in memories(program)] == [
        (0, 256),
        (256, 512),
        (512, 544),
    ]
    assert [s.symbol for s in sections(program)] == ["s0", "s1"]
    assert [(s.symbol, u.symbol) for s, u in units(program)][:4] == [
        ("s0", "a0"),
        ("s0", "p0"),
        ("s0", "m0"),
        ("s0", "a1"),
    ]
    assert chip_for(program) is load_chip("tiny")


def test_section_accessors(program):
    s0, s1 = sections(program)
    assert s0.read_names() == ["x"] and s0.write_names() == ["t"]
    assert s1.read_names() == ["t"] and s1.write_names() == ["y"]
    assert [u.coordinate() for u in s0.units()] == [(2, 0), (2, 1), (2, 2), (2, 3)]
    streams = s1.streams()
    assert [(s.producer.symbol, s.network) for s in streams] == [
        ("a0", "vector"),
        ("m0", "vector"),
        ("p0", "scalar"),
    ]
    assert [(u.symbol, port) for u, port in streams[1].consumers] == [("p0", 1)]


def test_unit_accessors(program):
    s0, s1 = sections(program)
    load, pcu, pmu, store = s0.units()
    assert isinstance(load, AgcuOp) and load.is_load and load.memory_name == "x"
    assert load.memory_op() is memories(program)[0]
    assert load.counter_chain() == [(0, 8, 1), (0, 8, 4)]
    assert load.trip_counts() == [8, 2]
    assert load.address_range() == Interval(0, 63)
    assert isinstance(pcu, PcuOp)
    assert pcu.template_name == "map" and pcu.dtype_name == "f32"
    stages = pcu.stage_list()
    assert [s.op for s in stages] == ["mul", "add"]
    assert stages[0].sources == (StageSource("in", 0), StageSource("c", 0))
    assert stages[1].sources == (StageSource("s", 0), StageSource("c", 1))
    assert pcu.constant_values() == (2.0, 1.0)
    assert pcu.input_routes() == [[(2, 0), (2, 1)]]
    assert isinstance(pmu, PmuOp)
    assert pmu.is_double_buffered and pmu.physical_bytes == 512
    assert pmu.port_roles() == ["data"]
    assert pmu.read is not None and pmu.read.counter_chain() == [(0, 8, 1), (0, 8, 4)]
    assert pmu.read.address_range() == Interval(0, 63)
    assert pmu.counter_chains().keys() == {"write", "read"}
    assert isinstance(store, AgcuOp) and not store.is_load
    reduce = s1.pcus()[0]
    assert reduce.reduce_counter_indices() == (1,) and reduce.reduces_lanes()
    chip = load_chip("tiny")
    assert fifo_depth(reduce, 0, chip) == chip.compute.vector_fifo_depth


# -- counter and address arithmetic --------------------------------------------------


@pytest.mark.parametrize(
    ("counter", "trips"),
    [
        ((0, 16, 1), 16),
        ((0, 16, 4), 4),
        ((0, 15, 4), 4),
        ((3, 4, 8), 1),
        ((4, 4, 1), 0),
    ],
)
def test_trip_count(counter, trips):
    assert trip_count(counter) == trips


def test_address_range_vectorizes_the_innermost_counter():
    # rows 0..7 (stride 1), columns 0..7 in vectors of 4: the last vector covers 4..7
    assert address_range(row_major(8), [(0, 8, 1), (0, 8, 4)]) == Interval(0, 63)
    # padded last vector: stop 6 means elements 4, 5 are real, 6, 7 masked
    assert address_range(row_major(8), [(0, 8, 1), (0, 6, 4)]) == Interval(0, 61)
    assert address_range(
        row_major(8), [(0, 8, 1), (0, 8, 4)], vectorized=False
    ) == Interval(0, 60)


def test_address_range_of_mod_floordiv_and_symbols():
    d0, s0 = AffineExpr.dimension(0), AffineExpr.symbol(0)
    chain = [(0, 32, 1)]
    assert address_range(AffineMap(1, 0, (d0 % 8,)), chain) == Interval(0, 7)
    assert address_range(AffineMap(1, 0, (d0 // 4,)), chain) == Interval(0, 7)
    assert address_range(AffineMap(1, 0, (d0 * -1 + 31,)), chain) == Interval(0, 31)
    gather = AffineMap(1, 1, (s0 * 32 + d0,))
    assert address_range(gather, chain) == Interval(0, 31)
    assert address_range(gather, chain, symbols=[Interval(0, 3)]) == Interval(0, 127)


# -- chip rules that need a custom chip ----------------------------------------------


def custom_chip(tmp_path: Path, replace: dict[str, str]) -> str:
    text = TINY_TOML.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "custom.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def with_chip(path: str) -> ModuleOp:
    module = build_program(chip=None)
    module.attributes["su.chip"] = StringAttr(path)
    return module


def test_unsupported_template_dtype_and_stage_op(tmp_path):
    path = custom_chip(
        tmp_path,
        {
            'name = "tiny"': 'name = "nomul"',
            '"add", "sub", "mul",': '"add", "sub",',
            "f32 = 1.0\n": "",
        },
    )
    module = with_chip(path)
    assert [d.message for d in verify_module(module)] == [
        "'su.pcu' @p0 computes in f32 but compute units on 'nomul' support "
        "bf16, i8, i32"
    ]
    pcu = sections(module)[0].pcus()[0]
    pcu.attributes["dtype"] = f32
    pcu.attributes["template"] = StringAttr("scan")
    with pytest.raises(VerifyException, match="scan_op must be one of"):
        pcu.verify_()


def test_unsupported_stage_op(tmp_path):
    path = custom_chip(
        tmp_path, {'name = "tiny"': 'name = "nomul"', '"add", "sub", "mul",': '"add",'}
    )
    assert [d.message for d in verify_module(with_chip(path))] == [
        "'su.pcu' @p0 stage 0 uses 'mul', which compute units on 'nomul' do not support"
    ]


def test_unsupported_template(tmp_path):
    path = custom_chip(
        tmp_path,
        {
            'name = "tiny"': 'name = "noscan"',
            "scan = { latency_cycles = 7, initiation_interval = 1 }\n": "",
        },
    )
    module = with_chip(path)
    pcu = sections(module)[0].pcus()[0]
    pcu.attributes["template"] = StringAttr("scan")
    pcu.attributes["scan_op"] = StringAttr("add")
    pcu.attributes["scan_counter"] = IntegerAttr(0, i64)
    assert [d.message for d in verify_module(module)] == [
        "'su.pcu' @p0 uses template 'scan' but compute units on 'noscan' support "
        "map, reduce, matmul"
    ]


# -- section-wide rules are recomputed when the section changes ----------------------


def test_section_analysis_follows_edits():
    module = build_program()
    section = sections(module)[0]
    chip = load_chip("tiny")
    assert section_analysis(section, chip).problems == {}
    store = section.agcus()[1]
    store.attributes["at"] = DenseArrayBase.from_list(i64, [2, 0])
    problems = section_analysis(section, chip).problems
    assert problems == {
        store: "'su.agcu' @a1 is placed at (2, 0), already taken by 'su.agcu' @a0"
    }


def test_region_builder_defaults():
    section = SectionOp("s", [], [], Region(Block()), retain=[])
    assert section.units() == [] and section.retained() == []


def test_link_capacity_counts_a_fanned_out_stream_once():
    """Two routes of one stream over the same link take one slot."""
    text = MULTI.read_text(encoding="utf-8")
    module, diagnostics = parse(text)
    assert diagnostics == []
    s1 = sections(module)[1]
    analysis = section_analysis(s1, load_chip("tiny"))
    link = (((2, 1), (2, 2)), "scalar")
    assert len(analysis.links[link]) == 1
