"""The `.dfcb` container: round trips, determinism, chip check, corruption, docs."""

from __future__ import annotations

import hashlib
import os
import random
import re
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dfc.backends import chip as chip_pkg
from dfc.backends.bitstream import (
    AddressGen,
    Agcu,
    BitstreamError,
    InputPort,
    Memory,
    Pcu,
    Pmu,
    Program,
    ProgramError,
    Section,
    Source,
    Stage,
    Stream,
    decode,
    encode,
    inspect,
)
from dfc.backends.bitstream import format as fmt
from dfc.backends.bitstream import program as prog
from dfc.backends.bitstream.program import example_program
from dfc.backends.chip import load_chip

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "bitstream.md"

# The damage generators are the corruption benchmark's own (bench/ is not a package
# of the install, so it is imported from the repository root).
sys.path.insert(0, str(ROOT))
try:
    from bench.bitstream_corruption import (
        KINDS,
        corrupt,
        corrupt_repaired,
        repair_crcs,
    )
finally:
    sys.path.remove(str(ROOT))


@pytest.fixture(scope="module")
def tiny():
    return load_chip("tiny")


@pytest.fixture(scope="module")
def files(tiny):
    return [
        encode(example_program(tiny.short_fingerprint, small=True)),
        encode(example_program(tiny.short_fingerprint)),
    ]


# -- round trips ---------------------------------------------------------------------


@pytest.mark.parametrize("small", [True, False])
def test_examples_round_trip(tiny, small):
    program = example_program(tiny.short_fingerprint, small=small)
    data = encode(program)
    assert data[:4] == b"DFCB"
    assert decode(data, tiny) == program
    assert encode(decode(data)) == data


def test_full_fingerprint_round_trips(tiny):
    program = example_program(tiny.fingerprint)
    data = encode(program)
    assert inspect(data).fingerprint == tiny.fingerprint
    assert decode(data, tiny) == program


def test_weight_read_by_two_sections_is_stored_once(tiny):
    program = example_program(tiny.short_fingerprint)
    weight = program.memory("w").init
    assert weight is not None
    assert all("w" in s.reads for s in program.sections)
    data = encode(program)
    assert data.count(weight) == 1
    # The pmu init (the first 16 bytes of the weight) is its own image.
    assert decode(data).memory("w").init == weight
    assert inspect(data).entries[1].length == 4 + 2 * 8 + 64 + 16


def test_examples_are_valid_for_the_tiny_chip(tiny):
    """The example's placements sit on tiles of the right unit type."""
    for small in (True, False):
        for section in example_program(small=small).sections:
            for unit in section.units:
                if unit.at is not None:
                    assert tiny.unit_at(unit.at) == unit.kind, unit.name


def test_stage_ops_match_the_chip_model():
    assert prog.STAGE_OPS == chip_pkg.STAGE_OPS
    assert set(prog.TEMPLATES) == set(chip_pkg.TEMPLATES)
    assert prog.UNIT_KINDS == chip_pkg.UNIT_KINDS


# -- random programs (hypothesis) ------------------------------------------------

NAMES = st.text(alphabet="abcxyz01_é€", min_size=1, max_size=6)
I64 = st.integers(-(2**63), 2**63 - 1)
SMALL = st.integers(-1000, 1000)


def counter_chains(draw, most=3, values=SMALL):
    n = draw(st.integers(0, most))
    return tuple(
        (draw(values), draw(values), draw(values.filter(lambda v: v != 0)))
        for _ in range(n)
    )


def agens(draw):
    counters = counter_chains(draw, values=st.one_of(SMALL, I64))
    return AddressGen(
        counters=counters,
        coefficients=tuple(draw(st.one_of(SMALL, I64)) for _ in counters),
        base=draw(SMALL),
        indexed=draw(st.booleans()),
    )


def constants(draw, dtype):
    if dtype == "i32":
        values = st.integers(-(2**31), 2**31 - 1)
    elif dtype == "i8":
        values = st.integers(-128, 127)
    elif dtype == "f32":
        values = st.floats(width=32, allow_nan=False)
    else:
        bits = st.integers(0, 2**16 - 1).map(lambda b: struct.pack("<I", b << 16))
        values = bits.map(lambda raw: struct.unpack("<f", raw)[0]).filter(
            lambda v: v == v  # not NaN
        )
    return tuple(draw(st.lists(values, max_size=3)))


def maybe_at(draw):
    return draw(st.none() | st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 40)))


def ports(draw, n):
    coords = st.tuples(st.integers(0, 70000), st.integers(0, 9))
    return tuple(
        InputPort(
            fifo_depth=draw(st.none() | st.integers(1, 2**40)),
            route=tuple(draw(st.lists(coords, max_size=4))),
        )
        for _ in range(n)
    )


def pcus(draw, name, n_in, n_out):
    template = draw(st.sampled_from(prog.TEMPLATES))
    dtype = draw(st.sampled_from(prog.UNIT_DTYPES))
    counters = counter_chains(draw)
    consts = constants(draw, dtype)
    stages = []
    for j in range(draw(st.integers(0, 4))):
        choices = [("s", j), ("c", len(consts)), ("ctr", len(counters)), ("in", n_in)]
        kinds = [k for k, limit in choices if limit > 0]
        sources = []
        for _ in range(draw(st.integers(0, 3)) if kinds else 0):
            kind = draw(st.sampled_from(kinds))
            limit = dict(choices)[kind]
            sources.append(Source(kind, draw(st.integers(0, limit - 1))))
        stages.append(Stage(draw(st.sampled_from(prog.STAGE_OPS)), tuple(sources)))
    fields = {}
    if template == "reduce":
        fields = {
            "reduce_op": draw(st.sampled_from(prog.REDUCE_OPS)),
            "reduce_lanes": draw(st.booleans()),
            "reduce_counters": tuple(
                draw(st.lists(st.integers(0, len(counters) - 1), max_size=3))
                if counters
                else ()
            ),
        }
    elif template == "matmul":
        fields = {"tile": draw(st.tuples(*[st.integers(1, 2**40)] * 3))}
    elif template == "scan":
        if not counters:
            counters = ((0, 4, 1),)
        fields = {
            "scan_op": draw(st.sampled_from(prog.SCAN_OPS)),
            "scan_counter": draw(st.integers(0, len(counters) - 1)),
        }
    return Pcu(
        name=name,
        template=template,
        dtype=dtype,
        counters=counters,
        stages=tuple(stages),
        constants=consts,
        accumulate=draw(st.none() | st.sampled_from(prog.ACCUMULATE_DTYPES)),
        at=maybe_at(draw),
        inputs=ports(draw, n_in),
        outputs=n_out,
        **fields,
    )


@st.composite
def programs(draw):
    memories = []
    for name in draw(st.lists(NAMES, max_size=4, unique=True)):
        dtype = draw(st.sampled_from(prog.MEMORY_DTYPES))
        shape = tuple(draw(st.lists(st.integers(0, 4), max_size=3)))
        role = draw(st.sampled_from(prog.ROLES))
        nbytes = prog.DTYPE_BYTES[dtype]
        for dim in shape:
            nbytes *= dim
        init = None
        if role == "weight" or (role != "input" and draw(st.booleans())):
            init = draw(st.sampled_from([b"", b"\x01"])) * nbytes or bytes(nbytes)
            if draw(st.booleans()):
                init = draw(st.binary(min_size=nbytes, max_size=nbytes))
        memories.append(
            Memory(
                name=name,
                tier=draw(st.sampled_from(prog.TIERS)),
                offset=draw(st.integers(0, 2**40)),
                shape=shape,
                dtype=dtype,
                role=role,
                init=init,
            )
        )
    sections = []
    for section_name in draw(st.lists(NAMES, max_size=3, unique=True)):
        unit_names = draw(st.lists(NAMES, max_size=5, unique=True))
        outs = [draw(st.integers(0, 2)) for _ in unit_names]
        has_outputs = sum(outs) > 0
        ins = [draw(st.integers(0, 3)) if has_outputs else 0 for _ in unit_names]
        units = []
        reads, writes = [], []
        for name, n_in, n_out in zip(unit_names, ins, outs):
            kinds = ["pcu", "pmu"] + (["agcu"] if memories else [])
            kind = draw(st.sampled_from(kinds))
            if kind == "pcu":
                units.append(pcus(draw, name, n_in, n_out))
            elif kind == "pmu":
                size = draw(st.integers(1, 2**20))
                units.append(
                    Pmu(
                        name=name,
                        bytes=size,
                        banks=draw(st.integers(1, 64)),
                        dtype=draw(st.sampled_from(prog.UNIT_DTYPES)),
                        double_buffer=draw(st.booleans()),
                        write=agens(draw) if draw(st.booleans()) else None,
                        read=agens(draw) if draw(st.booleans()) else None,
                        init=draw(st.none() | st.binary(max_size=min(size, 8))),
                        at=maybe_at(draw),
                        inputs=ports(draw, n_in),
                        outputs=n_out,
                    )
                )
            else:
                memory = draw(st.sampled_from(memories)).name
                direction = draw(st.sampled_from(prog.DIRECTIONS))
                listed = reads if direction == "load" else writes
                if memory not in listed:
                    listed.append(memory)
                units.append(
                    Agcu(
                        name=name,
                        direction=direction,
                        memory=memory,
                        agen=agens(draw),
                        at=maybe_at(draw),
                        inputs=ports(draw, n_in),
                        outputs=n_out,
                    )
                )
        outputs = [(u.name, p) for u in units for p in range(u.outputs)]
        inputs = [(u.name, p) for u in units for p in range(len(u.inputs))]
        draw(st.randoms()).shuffle(inputs)
        ids = draw(
            st.lists(
                st.integers(0, 2**32 - 1),
                min_size=len(outputs),
                max_size=len(outputs),
                unique=True,
            )
        )
        uses: list[list[tuple[str, int]]] = [[] for _ in outputs]
        for end in inputs:
            uses[draw(st.integers(0, len(outputs) - 1))].append(end)
        streams = []
        for sid, producer, consumers in zip(ids, outputs, uses):
            network = draw(st.sampled_from(prog.NETWORKS))
            dtype = (
                "i1"
                if network == "control"
                else draw(st.sampled_from(prog.UNIT_DTYPES))
            )
            streams.append(Stream(sid, network, dtype, producer, tuple(consumers)))
        pmus = [u.name for u in units if isinstance(u, Pmu)]
        retain = (
            tuple(draw(st.lists(st.sampled_from(pmus), unique=True))) if pmus else ()
        )
        extra = [m.name for m in memories if draw(st.booleans())]
        reads += [m for m in extra if m not in reads]
        sections.append(
            Section(
                name=section_name,
                reads=tuple(reads),
                writes=tuple(writes),
                retain=retain,
                units=tuple(units),
                streams=tuple(streams),
            )
        )
    fingerprint = draw(st.sampled_from([16, 64]))
    return Program(
        chip_name=draw(NAMES),
        chip_fingerprint=draw(
            st.text("0123456789abcdef", min_size=fingerprint, max_size=fingerprint)
        ),
        memories=tuple(memories),
        sections=tuple(sections),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_random_programs_round_trip(program):
    program.validate()
    data = encode(program)
    assert decode(data) == program
    assert encode(decode(data)) == data
    assert encode(program) == data  # deterministic within a process


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.randoms(use_true_random=False))
def test_random_programs_refuse_damage(program, rng):
    data = encode(program)
    for kind in KINDS:
        with pytest.raises(BitstreamError):
            decode(corrupt(data, rng, kind))


# -- determinism across processes ----------------------------------------------

_DIGEST = (
    "import hashlib\n"
    "from dfc.backends.bitstream import encode\n"
    "from dfc.backends.bitstream.program import example_program\n"
    "print(hashlib.sha256(encode(example_program())).hexdigest())\n"
    "print(hashlib.sha256(encode(example_program(small=True))).hexdigest())\n"
)


def test_encoding_is_identical_across_hash_seeds():
    digests = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        result = subprocess.run(
            [sys.executable, "-c", _DIGEST],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        digests.add(result.stdout)
    assert len(digests) == 1
    here = hashlib.sha256(encode(example_program())).hexdigest()
    assert digests.pop().split()[0] == here


def test_decoder_loads_no_compiler_code():
    code = (
        "import sys\n"
        "from dfc.backends.bitstream import decode, encode\n"
        "from dfc.backends.bitstream.program import example_program\n"
        "from dfc.backends.chip import load_chip\n"
        "chip = load_chip('tiny')\n"
        "p = example_program(chip.short_fingerprint)\n"
        "assert decode(encode(p), chip) == p\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('xdsl', 'numpy', 'onnx', 'torch') or m.startswith(('dfc.dialects', "
        "'dfc.passes', 'dfc.frontends', 'dfc.tools'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# -- the chip check ----------------------------------------------------------------


def test_other_chip_is_refused_naming_both_fingerprints(tiny, files):
    sn40l = load_chip("sn40l")
    with pytest.raises(BitstreamError) as info:
        decode(files[1], sn40l)
    message = str(info.value)
    assert tiny.short_fingerprint in message
    assert sn40l.short_fingerprint in message
    assert "'tiny'" in message and "'sn40l'" in message


def test_full_fingerprint_mismatch_names_full_fingerprints(tiny):
    data = encode(example_program(tiny.fingerprint, small=True))
    plasticine = load_chip("plasticine")
    with pytest.raises(BitstreamError, match=plasticine.fingerprint):
        decode(data, plasticine)


# -- corruption ------------------------------------------------------------------


def test_hundreds_of_random_corruptions_are_refused(files):
    rng = random.Random(4)
    start = time.perf_counter()
    for i in range(400):
        data = files[i % 2]
        kind = KINDS[i % len(KINDS)]
        damaged = corrupt(data, rng, kind)
        assert damaged != data
        with pytest.raises(BitstreamError):
            decode(damaged)
    assert time.perf_counter() - start < 30


def test_damage_behind_repaired_crcs_never_crashes(files):
    rng = random.Random(5)
    accepted = 0
    for i in range(300):
        damaged = corrupt_repaired(files[i % 2], rng)
        try:
            program = decode(damaged)
        except BitstreamError:
            continue
        accepted += 1
        assert encode(program) == damaged
    assert accepted < 300


def test_every_single_bit_flip_of_the_small_file_is_refused(files):
    data = files[0]
    for at in range(0, len(data), 3):
        buf = bytearray(data)
        buf[at] ^= 1 << (at % 8)
        with pytest.raises(BitstreamError):
            decode(bytes(buf))


def _error(data: bytes) -> BitstreamError:
    with pytest.raises(BitstreamError) as info:
        decode(data)
    return info.value


def test_specific_errors_name_the_problem_and_offset(files):
    data = files[0]
    error = _error(b"ELF\x7f" + data[4:])
    assert "magic" in str(error) and error.offset == 0
    error = _error(data[:4] + struct.pack("<H", 2) + data[6:])
    assert "version 2.0 is not supported" in str(error) and error.offset == 4
    error = _error(data[:-10])
    assert "truncated" in str(error)
    error = _error(data + b"\0")
    assert "extended" in str(error)
    error = _error(data[:-1] + bytes([data[-1] ^ 1]))
    assert "file CRC32 mismatch" in str(error) and error.offset == len(data) - 4
    info = inspect(data)
    strings = info.entries[0]
    buf = bytearray(data)
    buf[strings.offset + 5] ^= 0x10
    error = _error(bytes(buf))
    assert "strings chunk (entry 0) CRC32 mismatch" in str(error)
    assert error.offset == strings.offset
    assert _error(b"").offset == 0
    assert "truncated" in str(_error(b"DFCB\x01\x00"))
    with pytest.raises(BitstreamError, match="expected bytes"):
        decode("DFCB")  # type: ignore[arg-type]


def _with_field(data: bytes, at: int, fmt_code: str, value: int) -> bytes:
    buf = bytearray(data)
    struct.pack_into("<" + fmt_code, buf, at, value)
    repair_crcs(buf)
    return bytes(buf)


def test_huge_counts_are_refused_before_allocating(files):
    data = files[1]
    info = inspect(data)
    section = info.entries[3]
    # Every u32 count of the section header set to 2**32 - 1, CRCs repaired.
    for i, _field in enumerate(fmt.SECTION.fields):
        damaged = _with_field(data, section.offset + 4 * i, "I", 2**32 - 1)
        start = time.perf_counter()
        error = _error(damaged)
        assert time.perf_counter() - start < 1
        assert error.offset is not None
    # Strings and images counts, an image length, the entry count.
    images = info.entries[1]
    for at, code in (
        (info.entries[0].offset, "I"),
        (images.offset, "I"),
        (images.offset + 4, "Q"),
        (24, "I"),
    ):
        value = 2**64 - 1 if code == "Q" else 2**32 - 1
        error = _error(_with_field(data, at, code, value))
        assert (
            "needs" in str(error) or "overrun" in str(error) or "CRC" in str(error)
        ), error
    # A chunk length field pointing past the end.
    error = _error(_with_field(data, fmt.HEADER.size + 16, "Q", 2**63))
    assert "overruns the file" in str(error)


def test_impossible_enum_values_are_refused(files):
    data = files[1]
    info = inspect(data)
    memories = info.entries[2]
    first = memories.offset + fmt.MEMORIES.size
    error = _error(_with_field(data, first + 4, "B", 7))
    assert "tier code 7 does not exist" in str(error) and error.offset == first + 4
    error = _error(_with_field(data, first + 6, "B", 200))
    assert "dtype code 200" in str(error)
    error = _error(_with_field(data, fmt.HEADER.size, "I", 9))
    assert "chunk kind code 9" in str(error)


def test_register_damage_is_located(files):
    data = files[1]
    section = inspect(data).entries[3]
    reader = decode(data).sections[0]
    head = fmt.SECTION.struct.unpack_from(data, section.offset)
    n_reads, n_writes, n_retain, n_units = head[1:5]
    first_register = (
        section.offset + fmt.SECTION.size + 4 * (n_reads + n_writes + n_retain)
    )
    first_register += fmt.UNIT.size * n_units
    # register id of the first record: AT of unit 0 -> an unknown register id
    error = _error(_with_field(data, first_register + 4, "I", 0x0000_0007))
    assert "0x00000007" in str(error) and error.offset == first_register
    assert reader.units[0].at is not None


def test_huge_port_counts_are_refused_without_looping(files):
    data = files[1]
    section = inspect(data).entries[3]
    head = fmt.SECTION.struct.unpack_from(data, section.offset)
    first_register = section.offset + fmt.SECTION.size + 4 * sum(head[1:4])
    first_register += fmt.UNIT.size * head[4]
    # unit 0 (a0) has AT, INPUTS, OUTPUTS as its first three registers
    for index, name in ((1, "INPUTS"), (2, "OUTPUTS")):
        at = first_register + index * fmt.REGISTER.size
        assert struct.unpack_from("<I", data, at + 4)[0] == fmt.R[name] << 16
        for value in (2**32 - 1, 2**20):
            start = time.perf_counter()
            error = _error(_with_field(data, at + 8, "Q", value))
            assert time.perf_counter() - start < 1
            assert name in str(error)


def test_redundant_dma_fields_must_agree(files):
    data = files[1]
    section = inspect(data).entries[3]
    head = fmt.SECTION.struct.unpack_from(data, section.offset)
    sizes = [
        fmt.SECTION.size,
        4 * (head[1] + head[2] + head[3]),
        fmt.UNIT.size * head[4],
        fmt.REGISTER.size * head[5],
        fmt.STREAM.size * head[6],
        fmt.CONSUMER.size * head[7],
        fmt.ROUTE.size * head[8],
        fmt.HOP.size * head[9],
    ]
    dma = section.offset + sum(sizes)
    error = _error(_with_field(data, dma + 24, "q", 12345))
    assert "address 12345 is not offset" in str(error) and error.offset == dma + 24
    error = _error(_with_field(data, dma + 7, "B", 2))
    assert "element size 2 does not match memory 'x'" in str(error)


def test_unsorted_strings_are_refused(files):
    data = files[0]
    strings = inspect(data).entries[0]
    count = struct.unpack_from("<I", data, strings.offset)[0]
    text_start = strings.offset + 4 + 4 * count
    # 'a0' and 'a1' are the first two strings (2 bytes each): swap them.
    assert data[text_start : text_start + 4] == b"a0a1"
    buf = bytearray(data)
    buf[text_start : text_start + 4] = b"a1a0"
    repair_crcs(buf)
    error = _error(bytes(buf))
    assert "not sorted" in str(error) and error.offset == text_start + 2


def _rebuild(data: bytes, chunks: list[bytes]) -> bytes:
    """A file with the header of `data` around `chunks`, every field recomputed."""
    offset = fmt.HEADER.size + fmt.ENTRY.size * len(chunks)
    table = b""
    for i, chunk in enumerate(chunks):
        kind = min(i, 3)
        table += fmt.ENTRY.struct.pack(kind, zlib.crc32(chunk), offset, len(chunk))
        offset += len(chunk)
    header = bytearray(data[: fmt.HEADER.size])
    struct.pack_into("<Q", header, 8, offset + fmt.TRAILER.size)
    struct.pack_into("<I", header, 24, len(chunks))
    struct.pack_into("<I", header, 28, zlib.crc32(table))
    struct.pack_into("<I", header, 64, zlib.crc32(header[:64]))
    body = bytes(header) + table + b"".join(chunks)
    return body + struct.pack("<I", zlib.crc32(body))


def test_non_canonical_encoding_is_refused(files):
    """A well-formed file that encode() would not write (an unused string) decodes
    to a valid program, but is refused: accepted files re-encode to themselves."""
    data = files[0]
    entries = inspect(data).entries
    chunks = [data[e.offset : e.offset + e.length] for e in entries]
    assert _rebuild(data, chunks) == data
    count = struct.unpack_from("<I", chunks[0])[0]
    lengths = chunks[0][4 : 4 + 4 * count]
    texts = chunks[0][4 + 4 * count :]
    chunks[0] = (
        struct.pack("<I", count + 1) + lengths + struct.pack("<I", 2) + texts + b"zz"
    )
    odd = _rebuild(data, chunks)
    assert decode(odd, canonical=False) == decode(data)
    error = _error(odd)
    assert "not in canonical form" in str(error)


def test_encoder_refuses_invalid_programs(tiny):
    program = example_program(tiny.short_fingerprint, small=True)
    section = program.sections[0]
    bad = Program(
        program.chip_name,
        program.chip_fingerprint,
        program.memories,
        (section, section),
    )
    with pytest.raises(ProgramError, match="duplicate section name 's0'"):
        encode(bad)
    with pytest.raises(ProgramError, match="chip_fingerprint"):
        encode(Program("tiny", "XYZ"))
    with pytest.raises(ProgramError, match="'c3' does not exist"):
        check_one_unit(
            Pcu("p", "map", "f32", stages=(Stage("add", (Source("c", 3),)),))
        )
    with pytest.raises(ProgramError, match="not exactly a bf16"):
        check_one_unit(Pcu("p", "map", "bf16", constants=(0.1,)))
    with pytest.raises(ProgramError, match="input 0 has no stream"):
        check_one_unit(Pcu("p", "map", "f32", inputs=(InputPort(),), outputs=0))


def check_one_unit(unit):
    Program(
        "tiny", "0" * 16, (), (Section("s", units=(unit,), streams=_streams(unit)),)
    ).validate()


def _streams(unit):
    return tuple(
        Stream(i, "vector", "f32", (unit.name, i)) for i in range(unit.outputs)
    )


def test_source_parse_and_print():
    for text in ("in0", "s12", "c3", "ctr1"):
        assert str(Source.parse(text)) == text
    with pytest.raises(ProgramError):
        Source.parse("x1")


# -- the documentation -------------------------------------------------------------


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _rows(lines: list[str], start: int) -> list[list[str]]:
    """The body rows of the first table at or after line `start`."""
    i = start
    while i < len(lines) and not lines[i].startswith("|"):
        i += 1
    rows = []
    i += 2  # header and separator
    while i < len(lines) and lines[i].startswith("|"):
        rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
        i += 1
    return rows


def _strip(cell: str) -> str:
    return cell.replace("`", "").strip()


def test_every_record_field_is_documented():
    lines = _doc().splitlines()
    documented = {}
    for n, line in enumerate(lines):
        match = re.match(r"^### Record `(\w+)` \((\d+) bytes\)", line)
        if match:
            rows = _rows(lines, n + 1)
            documented[match.group(1)] = (
                int(match.group(2)),
                [(int(r[0]), int(r[1]), _strip(r[2]), _strip(r[3])) for r in rows],
            )
    expected = {
        layout.name: (
            layout.size,
            [(off, f.size, f.type, f.name) for off, f in layout.offsets()],
        )
        for layout in fmt.LAYOUTS
    }
    assert documented == expected


def test_every_register_is_documented():
    lines = _doc().splitlines()
    start = lines.index("## Register map")
    documented = {}
    for row in _rows(lines, start):
        kinds = tuple(k.strip() for k in _strip(row[2]).split(","))
        documented[_strip(row[1])] = (int(_strip(row[0]), 16), kinds, row[3] == "yes")
    expected = {r.name: (r.group, r.kinds, r.indexed) for r in fmt.REGISTERS}
    assert documented == expected


def test_every_enum_is_documented():
    lines = _doc().splitlines()
    documented = {}
    for n, line in enumerate(lines):
        match = re.match(r"^### Enum: (.+)$", line)
        if match:
            rows = _rows(lines, n + 1)
            documented[match.group(1)] = tuple(_strip(r[1]) for r in rows)
            assert [int(r[0]) for r in rows] == list(range(len(rows)))
    assert documented == fmt.ENUMS


def test_worked_example_matches_the_encoder():
    """The hex dump in the doc is the encoding of the small example."""
    text = _doc()
    block = text.split("<!-- hexdump -->")[1]
    dumped = bytearray()
    for line in block.splitlines():
        match = re.match(r"^([0-9a-f]{8})  ((?:[0-9a-f]{2} ?)+)", line)
        if match:
            assert int(match.group(1), 16) == len(dumped)
            dumped += bytes.fromhex(match.group(2).replace(" ", ""))
    example = encode(example_program("071e6348378fa0f3", small=True))
    assert bytes(dumped) == example
    assert f"0x{zlib.crc32(example[:-4]):08x}" in text
