"""The `.dfcb` container: `encode(Program) -> bytes`, `decode(bytes) -> Program`.

The byte layout is documented field by field in `docs/bitstream.md`; the tables of
this module (`LAYOUTS`, `REGISTERS`, `ENUMS`) are what that page documents, and a
test compares the two. Little-endian, fixed-width fields, no padding.

    file     = header, entry table, chunks..., trailer (CRC32 of everything before it)
    chunks   = STRINGS, IMAGES, MEMORIES, then one SECTION chunk per section in order

`decode` refuses anything that `encode` could not have written: every problem is a
`BitstreamError` naming the byte offset and what is wrong. Lengths and counts are
checked against the bytes that remain before anything is allocated, and an accepted
file re-encodes to exactly the same bytes (`encode(decode(b)) == b`).

Standard library only (plus `dfc.backends.chip` for the fingerprint check), so the
simulator can load a bitstream with no compiler code.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .program import (
    ACCUMULATE_DTYPES,
    DIRECTIONS,
    DTYPE_BYTES,
    DTYPES,
    FORMAT_1_0_STAGE_OPS,
    MODIFIERS_OF,
    NETWORKS,
    REDUCE_OPS,
    ROLES,
    SCAN_OPS,
    SOURCE_KINDS,
    STAGE_MODIFIERS,
    STAGE_OPS,
    TEMPLATES,
    TIERS,
    UNIT_KINDS,
    AddressGen,
    Agcu,
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
    Unit,
    check_program,
)

if TYPE_CHECKING:
    from dfc.backends.chip import Chip

MAGIC = b"DFCB"
VERSION_MAJOR = 1
VERSION_MINOR = 1
"""The newest minor version this code reads and writes. 1.1 adds the
`STAGE_MODIFIER` register; a file that uses no 1.1 feature is written as 1.0,
byte for byte what a 1.0 writer gives."""
NONE = 0xFFFFFFFF
"""A u32 reference that refers to nothing (e.g. a memory without initial image)."""

U32 = 2**32
U64 = 2**64


class BitstreamError(ValueError):
    """A bitstream that cannot be used. `offset` is the byte at fault (None when
    the problem is not at one place, e.g. a chip mismatch)."""

    def __init__(self, problem: str, offset: int | None = None) -> None:
        self.problem = problem
        self.offset = offset
        where = f"byte {offset} (0x{offset:x}): " if offset is not None else ""
        super().__init__(f"bitstream: {where}{problem}")


# -- layouts -------------------------------------------------------------------------

_TYPES = {"B": "u8", "H": "u16", "I": "u32", "Q": "u64", "q": "i64"}


@dataclass(frozen=True)
class Field:
    name: str
    code: str
    """A `struct` code: B H I Q q, or `<n>s` for n raw bytes."""

    @property
    def size(self) -> int:
        return struct.calcsize("<" + self.code)

    @property
    def type(self) -> str:
        return _TYPES.get(self.code, f"bytes[{self.code[:-1]}]")


@dataclass(frozen=True)
class Layout:
    """A fixed-size record: its fields in order, packed little-endian."""

    name: str
    fields: tuple[Field, ...]

    @cached_property
    def struct(self) -> struct.Struct:
        return struct.Struct("<" + "".join(f.code for f in self.fields))

    @property
    def size(self) -> int:
        return self.struct.size

    def offsets(self) -> list[tuple[int, Field]]:
        result, at = [], 0
        for f in self.fields:
            result.append((at, f))
            at += f.size
        return result


def _layout(name: str, spec: str) -> Layout:
    fields = tuple(Field(*item.split(":")) for item in spec.split())
    return Layout(name, fields)


HEADER = _layout(
    "header",
    "magic:4s version_major:H version_minor:H file_bytes:Q fingerprint_bytes:B "
    "reserved:3s chip_name:I entries:I table_crc32:I fingerprint:32s header_crc32:I",
)
ENTRY = _layout("entry", "kind:I crc32:I offset:Q length:Q")
TRAILER = _layout("trailer", "file_crc32:I")
STRINGS = _layout("strings", "count:I")
STRING = _layout("string", "length:I")
IMAGES = _layout("images", "count:I")
IMAGE = _layout("image", "length:Q")
MEMORIES = _layout("memories", "count:I dims:I")
MEMORY = _layout("memory", "name:I tier:B role:B dtype:B rank:B image:I offset:Q")
DIM = _layout("dim", "extent:Q")
SECTION = _layout(
    "section",
    "name:I reads:I writes:I retain:I units:I registers:I streams:I consumers:I "
    "routes:I hops:I dmas:I dma_dims:I",
)
MEMORY_REF = _layout("memory_ref", "memory:I")
UNIT_REF = _layout("unit_ref", "unit:I")
UNIT = _layout("unit", "name:I kind:B reserved:3s")
REGISTER = _layout("register", "unit:I register:I value:Q")
STREAM = _layout(
    "stream",
    "id:I network:B dtype:B reserved:2s consumers:I producer_unit:I producer_port:I",
)
CONSUMER = _layout("consumer", "unit:I port:I")
ROUTE = _layout("route", "unit:I port:I hops:I")
HOP = _layout("hop", "row:I col:I")
DMA = _layout(
    "dma",
    "unit:I direction:B indexed:B tier:B element_bytes:B memory:I dims:I "
    "base:q address:q",
)
DMA_DIM = _layout("dma_dim", "start:q stop:q stride:q coefficient:q")

LAYOUTS: tuple[Layout, ...] = (
    HEADER,
    ENTRY,
    TRAILER,
    STRINGS,
    STRING,
    IMAGES,
    IMAGE,
    MEMORIES,
    MEMORY,
    DIM,
    SECTION,
    MEMORY_REF,
    UNIT_REF,
    UNIT,
    REGISTER,
    STREAM,
    CONSUMER,
    ROUTE,
    HOP,
    DMA,
    DMA_DIM,
)
"""Every record the encoder writes (docs/bitstream.md has one table per layout)."""

CHUNK_KINDS = ("strings", "images", "memories", "section")
"""Entry kinds; codes 0..3. A file has exactly one of each of the first three, in
that order, then one `section` entry per section in schedule order."""

FINGERPRINT_BYTES = (8, 32)

# -- the register map ------------------------------------------------------------


@dataclass(frozen=True)
class Register:
    """One configuration register: id = group << 16 | element."""

    name: str
    group: int
    kinds: tuple[str, ...]
    indexed: bool = False
    """Indexed registers have one element per item (counter k, stage j, ...)."""


_ALL = UNIT_KINDS
_REGISTER_LIST = [
    Register("AT", 0x0001, _ALL),
    Register("INPUTS", 0x0002, _ALL),
    Register("OUTPUTS", 0x0003, _ALL),
    Register("FIFO_DEPTH", 0x0004, _ALL, True),
    Register("DTYPE", 0x0005, ("pcu", "pmu")),
    Register("TEMPLATE", 0x0100, ("pcu",)),
    Register("ACCUMULATE", 0x0101, ("pcu",)),
    Register("COUNTERS", 0x0110, ("pcu",)),
    Register("COUNTER_START", 0x0111, ("pcu",), True),
    Register("COUNTER_STOP", 0x0112, ("pcu",), True),
    Register("COUNTER_STRIDE", 0x0113, ("pcu",), True),
    Register("STAGES", 0x0120, ("pcu",)),
    Register("STAGE_OP", 0x0121, ("pcu",), True),
    Register("STAGE_SOURCE", 0x0122, ("pcu",), True),
    Register("STAGE_MODIFIER", 0x0123, ("pcu",), True),
    Register("CONSTANTS", 0x0130, ("pcu",)),
    Register("CONSTANT", 0x0131, ("pcu",), True),
    Register("REDUCE_OP", 0x0140, ("pcu",)),
    Register("REDUCE_LANES", 0x0141, ("pcu",)),
    Register("REDUCE_COUNTERS", 0x0142, ("pcu",)),
    Register("REDUCE_COUNTER", 0x0143, ("pcu",), True),
    Register("TILE", 0x0150, ("pcu",), True),
    Register("SCAN_OP", 0x0160, ("pcu",)),
    Register("SCAN_COUNTER", 0x0161, ("pcu",)),
    Register("BYTES", 0x0200, ("pmu",)),
    Register("BANKS", 0x0201, ("pmu",)),
    Register("DOUBLE_BUFFER", 0x0202, ("pmu",)),
    Register("INIT_IMAGE", 0x0203, ("pmu",)),
]
for _side, _base in (("WRITE", 0x0210), ("READ", 0x0220)):
    _REGISTER_LIST += [
        Register(f"{_side}_COUNTERS", _base, ("pmu",)),
        Register(f"{_side}_START", _base + 1, ("pmu",), True),
        Register(f"{_side}_STOP", _base + 2, ("pmu",), True),
        Register(f"{_side}_STRIDE", _base + 3, ("pmu",), True),
        Register(f"{_side}_COEFF", _base + 4, ("pmu",), True),
        Register(f"{_side}_BASE", _base + 5, ("pmu",)),
        Register(f"{_side}_INDEXED", _base + 6, ("pmu",)),
    ]
REGISTERS: tuple[Register, ...] = tuple(_REGISTER_LIST)
R = {r.name: r.group for r in REGISTERS}
_REGISTER_BY_GROUP = {r.group: r for r in REGISTERS}
STAGE_SOURCE_SLOTS = 16
"""STAGE_SOURCE element = stage * 16 + source position."""

ENUMS: dict[str, tuple[str, ...]] = {
    "chunk kind": CHUNK_KINDS,
    "unit kind": UNIT_KINDS,
    "tier": TIERS,
    "role": ROLES,
    "dtype": DTYPES,
    "network": NETWORKS,
    "template": TEMPLATES,
    "stage op": STAGE_OPS,
    "stage modifier": STAGE_MODIFIERS,
    "source kind": SOURCE_KINDS,
    "reduce op": REDUCE_OPS,
    "scan op": SCAN_OPS,
    "direction": DIRECTIONS,
}
"""Every enumeration stored as a code: the code is the position in the tuple."""


def register_name(register: int) -> str:
    reg = _REGISTER_BY_GROUP.get(register >> 16)
    if reg is None:
        return f"0x{register:08x}"
    return f"{reg.name}[{register & 0xFFFF}]" if reg.indexed else reg.name


# -- encoding -----------------------------------------------------------------------


def _u64(value: int) -> int:
    """Two's complement of a signed 64-bit value, as stored in a register."""
    return value % U64


def _s64(value: int) -> int:
    return value - U64 if value >= 2**63 else value


def _constant_word(dtype: str, value: float | int) -> int:
    if dtype in ("i32", "i8"):
        return int(value) % U32
    bits = struct.unpack("<I", struct.pack("<f", value))[0]
    return bits >> 16 if dtype == "bf16" else bits


def _constant_value(dtype: str, word: int) -> float | int | None:
    """The constant a CONSTANT word holds, or None if no encoder writes `word`."""
    if dtype in ("i32", "i8"):
        if word >= U32:
            return None
        value = word - U32 if word >= 2**31 else word
        if dtype == "i8" and not -128 <= value < 128:
            return None
        return value
    if dtype == "bf16":
        if word >= 2**16:
            return None
        word <<= 16
    elif word >= U32:
        return None
    return struct.unpack("<f", struct.pack("<I", word))[0]


class _Strings:
    def __init__(self, program: Program) -> None:
        names = {program.chip_name}
        names.update(m.name for m in program.memories)
        for section in program.sections:
            names.add(section.name)
            names.update(u.name for u in section.units)
        self.encoded = sorted(n.encode("utf-8") for n in names)
        self.index = {b.decode("utf-8"): i for i, b in enumerate(self.encoded)}

    def chunk(self) -> bytes:
        out = [STRINGS.struct.pack(len(self.encoded))]
        out += [STRING.struct.pack(len(b)) for b in self.encoded]
        out += self.encoded
        return b"".join(out)


class _Images:
    """Initial images, each distinct byte string once, in order of first use."""

    def __init__(self) -> None:
        self.blobs: list[bytes | memoryview] = []
        # keyed by (length, CRC-32), then compared: a view of a numpy array's
        # bytes does not hash
        self.index: dict[tuple[int, int], list[int]] = {}

    def add(self, blob: bytes | memoryview) -> int:
        same = self.index.setdefault((len(blob), zlib.crc32(blob)), [])
        for i in same:
            if self.blobs[i] == blob:
                return i
        same.append(len(self.blobs))
        self.blobs.append(blob)
        return same[-1]

    def parts(self) -> list[bytes | memoryview]:
        """The chunk as parts, not joined: the images are most of a model's file,
        and `encode` copies them once, into the file."""
        out: list[bytes | memoryview] = [IMAGES.struct.pack(len(self.blobs))]
        out += [IMAGE.struct.pack(len(b)) for b in self.blobs]
        out += self.blobs
        return out


def _agen_registers(prefix: str, agen: AddressGen) -> list[tuple[int, int]]:
    regs = [(R[f"{prefix}_COUNTERS"] << 16, len(agen.counters))]
    for k, (start, stop, stride) in enumerate(agen.counters):
        regs += [
            (R[f"{prefix}_START"] << 16 | k, _u64(start)),
            (R[f"{prefix}_STOP"] << 16 | k, _u64(stop)),
            (R[f"{prefix}_STRIDE"] << 16 | k, _u64(stride)),
            (R[f"{prefix}_COEFF"] << 16 | k, _u64(agen.coefficients[k])),
        ]
    regs += [
        (R[f"{prefix}_BASE"] << 16, _u64(agen.base)),
        (R[f"{prefix}_INDEXED"] << 16, int(agen.indexed)),
    ]
    return regs


def unit_registers(unit: Unit, images: _Images | None = None) -> list[tuple[int, int]]:
    """The (register id, value) pairs that configure `unit`, sorted by id."""
    regs: list[tuple[int, int]] = []
    if unit.at is not None:
        regs.append((R["AT"] << 16, unit.at[0] << 32 | unit.at[1]))
    regs += [(R["INPUTS"] << 16, len(unit.inputs)), (R["OUTPUTS"] << 16, unit.outputs)]
    for i, port in enumerate(unit.inputs):
        if port.fifo_depth is not None:
            regs.append((R["FIFO_DEPTH"] << 16 | i, port.fifo_depth))
    if isinstance(unit, Pcu):
        regs += [
            (R["DTYPE"] << 16, DTYPES.index(unit.dtype)),
            (R["TEMPLATE"] << 16, TEMPLATES.index(unit.template)),
            (R["COUNTERS"] << 16, len(unit.counters)),
            (R["STAGES"] << 16, len(unit.stages)),
            (R["CONSTANTS"] << 16, len(unit.constants)),
        ]
        if unit.accumulate is not None:
            regs.append((R["ACCUMULATE"] << 16, DTYPES.index(unit.accumulate)))
        for k, (start, stop, stride) in enumerate(unit.counters):
            regs += [
                (R["COUNTER_START"] << 16 | k, _u64(start)),
                (R["COUNTER_STOP"] << 16 | k, _u64(stop)),
                (R["COUNTER_STRIDE"] << 16 | k, _u64(stride)),
            ]
        for j, stage in enumerate(unit.stages):
            op = STAGE_OPS.index(stage.op)
            regs.append((R["STAGE_OP"] << 16 | j, len(stage.sources) << 32 | op))
            for s, source in enumerate(stage.sources):
                kind = SOURCE_KINDS.index(source.kind)
                element = j * STAGE_SOURCE_SLOTS + s
                regs.append(
                    (R["STAGE_SOURCE"] << 16 | element, kind << 32 | source.index)
                )
            if stage.modifier is not None:
                regs.append(
                    (R["STAGE_MODIFIER"] << 16 | j, STAGE_MODIFIERS.index(stage.modifier))
                )
        for k, value in enumerate(unit.constants):
            regs.append((R["CONSTANT"] << 16 | k, _constant_word(unit.dtype, value)))
        if unit.template == "reduce":
            regs += [
                (R["REDUCE_OP"] << 16, REDUCE_OPS.index(unit.reduce_op)),  # type: ignore[arg-type]
                (R["REDUCE_LANES"] << 16, int(unit.reduce_lanes)),
                (R["REDUCE_COUNTERS"] << 16, len(unit.reduce_counters)),
            ]
            regs += [
                (R["REDUCE_COUNTER"] << 16 | i, index)
                for i, index in enumerate(unit.reduce_counters)
            ]
        if unit.tile is not None:
            regs += [(R["TILE"] << 16 | i, v) for i, v in enumerate(unit.tile)]
        if unit.template == "scan":
            regs += [
                (R["SCAN_OP"] << 16, SCAN_OPS.index(unit.scan_op)),  # type: ignore[arg-type]
                (R["SCAN_COUNTER"] << 16, unit.scan_counter),  # type: ignore[list-item]
            ]
    elif isinstance(unit, Pmu):
        regs += [
            (R["DTYPE"] << 16, DTYPES.index(unit.dtype)),
            (R["BYTES"] << 16, unit.bytes),
            (R["BANKS"] << 16, unit.banks),
            (R["DOUBLE_BUFFER"] << 16, int(unit.double_buffer)),
        ]
        if unit.init is not None:
            if images is None:
                images = _Images()
            regs.append((R["INIT_IMAGE"] << 16, images.add(unit.init)))
        if unit.write is not None:
            regs += _agen_registers("WRITE", unit.write)
        if unit.read is not None:
            regs += _agen_registers("READ", unit.read)
    return sorted(regs)


def _section_chunk(
    section: Section,
    strings: _Strings,
    images: _Images,
    memory_index: dict[str, int],
    memories: dict[str, Memory],
) -> bytes:
    unit_index = {u.name: i for i, u in enumerate(section.units)}
    registers: list[bytes] = []
    routes: list[bytes] = []
    hops: list[bytes] = []
    dmas: list[bytes] = []
    dma_dims: list[bytes] = []
    for u, unit in enumerate(section.units):
        for reg, value in unit_registers(unit, images):
            registers.append(REGISTER.struct.pack(u, reg, value))
        for p, port in enumerate(unit.inputs):
            if port.route:
                routes.append(ROUTE.struct.pack(u, p, len(port.route)))
                hops += [HOP.struct.pack(row, col) for row, col in port.route]
        if isinstance(unit, Agcu):
            memory = memories[unit.memory]
            size = DTYPE_BYTES[memory.dtype]
            address = memory.offset + unit.agen.base * size
            if not -(2**63) <= address < 2**63:
                raise ProgramError(f"agcu '{unit.name}': base address out of range")
            dmas.append(
                DMA.struct.pack(
                    u,
                    DIRECTIONS.index(unit.direction),
                    int(unit.agen.indexed),
                    TIERS.index(memory.tier),
                    size,
                    memory_index[unit.memory],
                    len(unit.agen.counters),
                    unit.agen.base,
                    address,
                )
            )
            dma_dims += [
                DMA_DIM.struct.pack(start, stop, stride, coeff)
                for (start, stop, stride), coeff in zip(
                    unit.agen.counters, unit.agen.coefficients
                )
            ]
    streams: list[bytes] = []
    consumers: list[bytes] = []
    for stream in section.streams:
        name, port = stream.producer
        streams.append(
            STREAM.struct.pack(
                stream.id,
                NETWORKS.index(stream.network),
                DTYPES.index(stream.dtype),
                b"\0\0",
                len(stream.consumers),
                unit_index[name],
                port,
            )
        )
        consumers += [
            CONSUMER.struct.pack(unit_index[n], p) for n, p in stream.consumers
        ]
    head = SECTION.struct.pack(
        strings.index[section.name],
        len(section.reads),
        len(section.writes),
        len(section.retain),
        len(section.units),
        len(registers),
        len(streams),
        len(consumers),
        len(routes),
        len(hops),
        len(dmas),
        len(dma_dims),
    )
    parts = [head]
    parts += [MEMORY_REF.struct.pack(memory_index[n]) for n in section.reads]
    parts += [MEMORY_REF.struct.pack(memory_index[n]) for n in section.writes]
    parts += [UNIT_REF.struct.pack(unit_index[n]) for n in section.retain]
    parts += [
        UNIT.struct.pack(strings.index[u.name], UNIT_KINDS.index(u.kind), b"\0\0\0")
        for u in section.units
    ]
    parts += registers + streams + consumers + routes + hops + dmas + dma_dims
    return b"".join(parts)


def _minor_version(program: Program) -> int:
    """1 when the program uses a format 1.1 feature (a stage modifier, a stage
    op `floor`, `ceil`, `sin` or `cos`), else 0:
    files that 1.0 readers can read are written as 1.0."""
    for section in program.sections:
        for unit in section.units:
            if isinstance(unit, Pcu) and any(
                s.modifier or STAGE_OPS.index(s.op) >= FORMAT_1_0_STAGE_OPS
                for s in unit.stages
            ):
                return 1
    return 0


def encode(program: Program) -> bytes:
    """The `.dfcb` bytes of `program` (deterministic). Raises `ProgramError` if the
    program breaks a structural rule."""
    return b"".join(_encoded_parts(program))


def _encoded_parts(program: Program) -> list[bytes | memoryview]:
    """`encode`'s bytes as consecutive parts, not joined (decode's canonical
    check compares them in place instead of writing the file a second time)."""
    check_program(program)
    strings = _Strings(program)
    images = _Images()
    memory_index = {m.name: i for i, m in enumerate(program.memories)}
    memories = {m.name: m for m in program.memories}
    mem_parts = [
        MEMORIES.struct.pack(
            len(program.memories), sum(len(m.shape) for m in program.memories)
        )
    ]
    for memory in program.memories:
        image = NONE if memory.init is None else images.add(memory.init)
        mem_parts.append(
            MEMORY.struct.pack(
                strings.index[memory.name],
                TIERS.index(memory.tier),
                ROLES.index(memory.role),
                DTYPES.index(memory.dtype),
                len(memory.shape),
                image,
                memory.offset,
            )
        )
    for memory in program.memories:
        mem_parts += [DIM.struct.pack(d) for d in memory.shape]
    sections = [
        _section_chunk(s, strings, images, memory_index, memories)
        for s in program.sections
    ]
    chunks: list[list[bytes | memoryview]] = [
        [strings.chunk()], images.parts(), [b"".join(mem_parts)],
        *([section] for section in sections),
    ]
    kinds = [0, 1, 2] + [3] * len(sections)
    if len(chunks) > NONE:
        raise ProgramError("too many sections")
    offset = HEADER.size + ENTRY.size * len(chunks)
    entries = []
    for kind, parts in zip(kinds, chunks):
        chunk_crc, length = 0, 0
        for part in parts:
            chunk_crc = zlib.crc32(part, chunk_crc)
            length += len(part)
        entries.append(ENTRY.struct.pack(kind, chunk_crc, offset, length))
        offset += length
    table = b"".join(entries)
    file_bytes = offset + TRAILER.size
    fp = bytes.fromhex(program.chip_fingerprint)
    header = HEADER.struct.pack(
        MAGIC,
        VERSION_MAJOR,
        _minor_version(program),
        file_bytes,
        len(fp),
        b"\0\0\0",
        strings.index[program.chip_name],
        len(chunks),
        zlib.crc32(table),
        fp.ljust(32, b"\0"),
        0,
    )
    header = header[:-4] + struct.pack("<I", zlib.crc32(header[:-4]))
    parts = [header, table, *(part for chunk in chunks for part in chunk)]
    crc = 0
    for part in parts:
        crc = zlib.crc32(part, crc)
    return [*parts, TRAILER.struct.pack(crc)]


# -- decoding -----------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    kind: str
    crc32: int
    offset: int
    length: int


@dataclass(frozen=True)
class Container:
    """The checked frame of a `.dfcb` file: header fields and the entry table."""

    version: tuple[int, int]
    file_bytes: int
    chip_name_index: int
    fingerprint: str
    table_crc32: int
    header_crc32: int
    file_crc32: int
    entries: tuple[Entry, ...] = field(default=())


class _Reader:
    """Reads records from `data[start:end]`, reporting absolute byte offsets."""

    def __init__(self, data: bytes, start: int, end: int, what: str) -> None:
        self.data = data
        self.pos = start
        self.end = end
        self.what = what

    def fail(self, problem: str, offset: int | None = None) -> BitstreamError:
        return BitstreamError(
            f"{self.what}: {problem}", self.pos if offset is None else offset
        )

    def need(self, size: int, what: str) -> None:
        if size > self.end - self.pos:
            raise self.fail(
                f"{what} needs {size} bytes but only {self.end - self.pos} remain"
            )

    def one(self, layout: Layout) -> tuple:
        self.need(layout.size, f"a {layout.name} record")
        value = layout.struct.unpack_from(self.data, self.pos)
        self.pos += layout.size
        return value

    def many(self, layout: Layout, count: int) -> list[tuple[int, tuple]]:
        """`count` records with their offsets; checks the size before reading."""
        self.need(count * layout.size, f"{count} {layout.name} records")
        out = []
        for _ in range(count):
            out.append((self.pos, layout.struct.unpack_from(self.data, self.pos)))
            self.pos += layout.size
        return out

    def raw(self, size: int, what: str) -> bytes:
        self.need(size, what)
        value = bytes(self.data[self.pos : self.pos + size])
        self.pos += size
        return value

    def view(self, size: int, what: str) -> memoryview:
        """`raw` without the copy: a read-only view into the file's bytes (an
        initial image can be most of a model's file)."""
        self.need(size, what)
        value = memoryview(self.data)[self.pos : self.pos + size].toreadonly()
        self.pos += size
        return value

    def done(self) -> None:
        if self.pos != self.end:
            raise self.fail(
                f"{self.end - self.pos} unexpected bytes after the last record"
            )


def _enum(reader: _Reader, offset: int, name: str, code: int) -> str:
    values = ENUMS[name]
    if code >= len(values):
        raise reader.fail(
            f"{name} code {code} does not exist (0..{len(values) - 1})", offset
        )
    return values[code]


def inspect(data: bytes) -> Container:
    """Check the frame of a `.dfcb` file (magic, version, lengths, every CRC) and
    return its header and entry table, without decoding the chunks."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise BitstreamError(f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    size = len(data)
    if size < 4 or data[:4] != MAGIC:
        got = data[:4]
        raise BitstreamError(
            f"not a .dfcb file: magic is {got!r}, expected {MAGIC!r}", 0
        )
    if size < HEADER.size + TRAILER.size:
        raise BitstreamError(
            f"truncated: {size} bytes, a header and trailer alone need "
            f"{HEADER.size + TRAILER.size}",
            size,
        )
    (
        _magic,
        major,
        minor,
        file_bytes,
        fp_bytes,
        reserved,
        chip_name,
        count,
        table_crc,
        fingerprint,
        header_crc,
    ) = HEADER.struct.unpack_from(data, 0)
    if major != VERSION_MAJOR or minor > VERSION_MINOR:
        raise BitstreamError(
            f"format version {major}.{minor} is not supported (this reader reads "
            f"{VERSION_MAJOR}.0 to {VERSION_MAJOR}.{VERSION_MINOR})",
            4,
        )
    if file_bytes != size:
        problem = "truncated" if size < file_bytes else "extended"
        raise BitstreamError(
            f"{problem}: the header says the file has {file_bytes} bytes but it has {size}",
            8 if size > file_bytes else size,
        )
    computed = zlib.crc32(data[: HEADER.size - 4])
    if computed != header_crc:
        raise BitstreamError(
            f"header CRC32 mismatch: stored 0x{header_crc:08x}, computed 0x{computed:08x}",
            HEADER.size - 4,
        )
    if reserved != b"\0\0\0":
        raise BitstreamError("reserved header bytes are not zero", 17)
    if fp_bytes not in FINGERPRINT_BYTES:
        raise BitstreamError(f"fingerprint length {fp_bytes} is not 8 or 32", 16)
    if any(fingerprint[fp_bytes:]):
        raise BitstreamError("fingerprint padding is not zero", 32 + fp_bytes)
    table_start = HEADER.size
    room = size - TRAILER.size - table_start
    if count * ENTRY.size > room:
        raise BitstreamError(
            f"entry table of {count} entries needs {count * ENTRY.size} bytes but "
            f"only {room} remain",
            24,
        )
    if count < 3:
        raise BitstreamError(f"{count} entries; a file has at least 3", 24)
    table = data[table_start : table_start + count * ENTRY.size]
    computed = zlib.crc32(table)
    if computed != table_crc:
        raise BitstreamError(
            f"entry table CRC32 mismatch: stored 0x{table_crc:08x}, computed "
            f"0x{computed:08x}",
            table_start,
        )
    entries = []
    expected_offset = table_start + count * ENTRY.size
    for i in range(count):
        at = table_start + i * ENTRY.size
        kind, crc, offset, length = ENTRY.struct.unpack_from(data, at)
        if kind >= len(CHUNK_KINDS):
            raise BitstreamError(
                f"entry {i}: chunk kind code {kind} does not exist", at
            )
        want = CHUNK_KINDS[min(i, 3)]
        if CHUNK_KINDS[kind] != want:
            raise BitstreamError(
                f"entry {i}: a '{CHUNK_KINDS[kind]}' chunk where '{want}' must be", at
            )
        if offset != expected_offset:
            raise BitstreamError(
                f"entry {i}: chunk offset {offset}, expected {expected_offset} "
                "(chunks follow each other)",
                at + 8,
            )
        if length > size - TRAILER.size - offset:
            raise BitstreamError(
                f"entry {i}: chunk of {length} bytes at {offset} overruns the file "
                f"({size - TRAILER.size - offset} bytes before the trailer)",
                at + 16,
            )
        computed = zlib.crc32(memoryview(data)[offset : offset + length])
        if computed != crc:
            raise BitstreamError(
                f"{want} chunk (entry {i}) CRC32 mismatch: stored 0x{crc:08x}, "
                f"computed 0x{computed:08x}",
                offset,
            )
        entries.append(Entry(CHUNK_KINDS[kind], crc, offset, length))
        expected_offset = offset + length
    if expected_offset != size - TRAILER.size:
        raise BitstreamError(
            f"{size - TRAILER.size - expected_offset} bytes between the last chunk "
            "and the trailer",
            expected_offset,
        )
    (file_crc,) = TRAILER.struct.unpack_from(data, size - TRAILER.size)
    # a view, not a slice: the file can be gigabytes of weights
    computed = zlib.crc32(memoryview(data)[: size - TRAILER.size])
    if computed != file_crc:
        raise BitstreamError(
            f"file CRC32 mismatch: stored 0x{file_crc:08x}, computed 0x{computed:08x}",
            size - TRAILER.size,
        )
    return Container(
        version=(major, minor),
        file_bytes=file_bytes,
        chip_name_index=chip_name,
        fingerprint=fingerprint[:fp_bytes].hex(),
        table_crc32=table_crc,
        header_crc32=header_crc,
        file_crc32=file_crc,
        entries=tuple(entries),
    )


def check_chip(
    program_or_fingerprint: Program | str, chip: Chip, chip_name: str = "?"
) -> None:
    """Refuse a program built for another chip, naming both fingerprints."""
    if isinstance(program_or_fingerprint, Program):
        fp = program_or_fingerprint.chip_fingerprint
        chip_name = program_or_fingerprint.chip_name
    else:
        fp = program_or_fingerprint
    theirs = chip.fingerprint[: len(fp)]
    if fp != theirs:
        raise BitstreamError(
            f"built for chip '{chip_name}' (fingerprint {fp}) but the chip is "
            f"'{chip.name}' (fingerprint {theirs})"
        )


def decode(data: bytes, chip: Chip | None = None, *, canonical: bool = True) -> Program:
    """The Program stored in `data`. With `chip`, refuse a file built for another
    chip. With `canonical` (the default) also check that the program re-encodes
    to exactly `data`. Every problem is a `BitstreamError`."""
    frame = inspect(data)
    data = bytes(data)
    try:
        program = _decode(data, frame)
        check_program(program)
    except BitstreamError:
        raise
    except ProgramError as error:
        raise BitstreamError(f"not a valid program: {error}") from None
    if chip is not None:
        check_chip(program, chip)
    if canonical:
        at = _first_difference_from_parts(_encoded_parts(program), data)
        if at is not None:
            raise BitstreamError(
                "not in canonical form (decodes, but encode() writes different bytes here)",
                at,
            )
    return program


def _first_difference_from_parts(
    parts: list[bytes | memoryview], data: bytes
) -> int | None:
    """Where the concatenation of `parts` first differs from `data` (None if
    equal), without making the concatenation."""
    view = memoryview(data)
    pos = 0
    for part in parts:
        size = len(part)
        piece = view[pos : pos + size]
        if piece != part:
            return pos + _first_difference(bytes(part), bytes(piece))
        pos += size
    return None if pos == len(data) else pos


def _first_difference(a: bytes, b: bytes) -> int:
    block = 4096
    start = 0
    while (
        start < min(len(a), len(b))
        and a[start : start + block] == b[start : start + block]
    ):
        start += block
    end = min(len(a), len(b), start + block)
    return next((i for i in range(start, end) if a[i] != b[i]), end)


def _decode(data: bytes, frame: Container) -> Program:
    entries = frame.entries
    # strings
    e = entries[0]
    r = _Reader(data, e.offset, e.offset + e.length, "strings chunk")
    (count,) = r.one(STRINGS)
    lengths = r.many(STRING, count)
    strings: list[str] = []
    for at, (length,) in lengths:
        raw = r.raw(length, f"string of {length} bytes (length at byte {at})")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise r.fail(
                f"string is not UTF-8: {error.reason}", r.pos - length
            ) from None
        if strings and raw <= strings[-1].encode("utf-8"):
            raise r.fail("strings are not sorted and unique", r.pos - length)
        if not raw:
            raise r.fail("empty string", at)
        strings.append(text)
    r.done()

    def string(reader: _Reader, offset: int, index: int) -> str:
        if index >= len(strings):
            raise reader.fail(
                f"string index {index} out of range (0..{len(strings) - 1})", offset
            )
        return strings[index]

    if frame.chip_name_index >= len(strings):
        raise BitstreamError(
            f"chip name string {frame.chip_name_index} out of range", 20
        )
    chip_name = strings[frame.chip_name_index]

    # images
    e = entries[1]
    r = _Reader(data, e.offset, e.offset + e.length, "images chunk")
    (count,) = r.one(IMAGES)
    lengths = r.many(IMAGE, count)
    images = [
        r.view(length, f"image {i} of {length} bytes")
        for i, (_, (length,)) in enumerate(lengths)
    ]
    r.done()
    image_used = [False] * len(images)

    def image(reader: _Reader, offset: int, index: int) -> memoryview:
        if index >= len(images):
            raise reader.fail(
                f"image index {index} out of range ({len(images)} images)", offset
            )
        image_used[index] = True
        return images[index]

    # memories
    e = entries[2]
    r = _Reader(data, e.offset, e.offset + e.length, "memories chunk")
    count, ndims = r.one(MEMORIES)
    records = r.many(MEMORY, count)
    dims = r.many(DIM, ndims)
    r.done()
    memories: list[Memory] = []
    d = 0
    for at, (name, tier, role, dtype, rank, img, offset) in records:
        if d + rank > len(dims):
            raise r.fail(f"memory rank {rank} overruns the {ndims} dims", at + 7)
        shape = tuple(v[0] for _, v in dims[d : d + rank])
        d += rank
        if offset >= 2**63 or any(x >= 2**63 for x in shape):
            raise r.fail("offset or extent above 2^63", at)
        memories.append(
            Memory(
                name=string(r, at, name),
                tier=_enum(r, at + 4, "tier", tier),
                offset=offset,
                shape=shape,
                dtype=_enum(r, at + 6, "dtype", dtype),
                role=_enum(r, at + 5, "role", role),
                init=None if img == NONE else image(r, at + 8, img),
            )
        )
    if d != len(dims):
        raise r.fail(f"{len(dims) - d} dims belong to no memory")
    memory_names = [m.name for m in memories]

    sections = [
        _decode_section(data, e, i, string, image, memories, memory_names)
        for i, e in enumerate(entries[3:])
    ]
    if not all(image_used):
        raise BitstreamError(
            f"image {image_used.index(False)} is not used", entries[1].offset
        )
    return Program(chip_name, frame.fingerprint, tuple(memories), tuple(sections))


def _decode_section(
    data, entry, number, string, image, memories, memory_names
) -> Section:
    r = _Reader(data, entry.offset, entry.offset + entry.length, f"section {number}")
    head = r.one(SECTION)
    (name, n_reads, n_writes, n_retain, n_units, n_regs, n_streams, n_consumers,
     n_routes, n_hops, n_dmas, n_dma_dims) = head  # fmt: skip
    sizes = (
        (n_reads + n_writes) * MEMORY_REF.size
        + n_retain * UNIT_REF.size
        + n_units * UNIT.size
        + n_regs * REGISTER.size
        + n_streams * STREAM.size
        + n_consumers * CONSUMER.size
        + n_routes * ROUTE.size
        + n_hops * HOP.size
        + n_dmas * DMA.size
        + n_dma_dims * DMA_DIM.size
    )
    if sizes != r.end - r.pos:
        raise r.fail(
            f"the counts in the section header need {sizes} bytes after it but the "
            f"chunk has {r.end - r.pos}",
            entry.offset,
        )
    section_name = string(r, entry.offset, name)
    r.what = f"section {number} '{section_name}'"

    def memory_ref(at: int, index: int) -> str:
        if index >= len(memories):
            raise r.fail(
                f"memory index {index} out of range ({len(memories)} memories)", at
            )
        return memory_names[index]

    reads = tuple(memory_ref(at, v[0]) for at, v in r.many(MEMORY_REF, n_reads))
    writes = tuple(memory_ref(at, v[0]) for at, v in r.many(MEMORY_REF, n_writes))
    retain_refs = r.many(UNIT_REF, n_retain)
    unit_records = r.many(UNIT, n_units)
    reg_records = r.many(REGISTER, n_regs)
    stream_records = r.many(STREAM, n_streams)
    consumer_records = r.many(CONSUMER, n_consumers)
    route_records = r.many(ROUTE, n_routes)
    hop_records = r.many(HOP, n_hops)
    dma_records = r.many(DMA, n_dmas)
    dim_records = r.many(DMA_DIM, n_dma_dims)
    r.done()

    names: list[str] = []
    kinds: list[str] = []
    for at, (uname, kind, reserved) in unit_records:
        if reserved != b"\0\0\0":
            raise r.fail("reserved bytes are not zero", at + 5)
        names.append(string(r, at, uname))
        kinds.append(_enum(r, at + 4, "unit kind", kind))

    def unit_ref(at: int, index: int) -> int:
        if index >= n_units:
            raise r.fail(f"unit index {index} out of range ({n_units} units)", at)
        return index

    retain = tuple(names[unit_ref(at, v[0])] for at, v in retain_refs)

    # registers, grouped per unit, strictly increasing (unit, register)
    per_unit: list[dict[int, tuple[int, int]]] = [{} for _ in range(n_units)]
    last = (-1, -1)
    for at, (u, reg, value) in reg_records:
        unit_ref(at, u)
        if (u, reg) <= last:
            raise r.fail(
                "register records are not sorted by (unit, register) and unique", at
            )
        last = (u, reg)
        per_unit[u][reg] = (value, at)

    # routes
    routes: dict[tuple[int, int], tuple] = {}
    h = 0
    last = (-1, -1)
    for at, (u, port, nhops) in route_records:
        unit_ref(at, u)
        if (u, port) <= last:
            raise r.fail("route records are not sorted by (unit, port) and unique", at)
        last = (u, port)
        if nhops == 0 or nhops > len(hop_records) - h:
            raise r.fail(
                f"route of {nhops} hops: must be 1..{len(hop_records) - h}", at + 8
            )
        routes[(u, port)] = tuple(v for _, v in hop_records[h : h + nhops])
        h += nhops
    if h != len(hop_records):
        raise r.fail(f"{len(hop_records) - h} hops belong to no route")

    # DMA descriptors
    dmas: dict[int, tuple[int, tuple, AddressGen]] = {}
    dd = 0
    for at, rec in dma_records:
        u, direction, indexed, tier, elem, mem, ndims, base, address = rec
        unit_ref(at, u)
        if u in dmas or (dmas and u < max(dmas)):
            raise r.fail("DMA descriptors are not sorted by unit and unique", at)
        if kinds[u] != "agcu":
            raise r.fail(
                f"DMA descriptor for {kinds[u]} '{names[u]}' (not an agcu)", at
            )
        _enum(r, at + 4, "direction", direction)
        if indexed > 1:
            raise r.fail(f"indexed flag {indexed} is not 0 or 1", at + 5)
        memory_ref(at + 8, mem)
        memory = memories[mem]
        if tier >= len(TIERS) or TIERS[tier] != memory.tier:
            raise r.fail(
                f"tier code {tier} does not match memory '{memory.name}'", at + 6
            )
        if elem != DTYPE_BYTES[memory.dtype]:
            raise r.fail(
                f"element size {elem} does not match memory '{memory.name}'", at + 7
            )
        if address != memory.offset + base * elem:
            raise r.fail(
                f"address {address} is not offset {memory.offset} + base {base} x {elem}",
                at + 24,
            )
        if ndims > len(dim_records) - dd:
            raise r.fail(
                f"{ndims} dims overrun the {len(dim_records)} DMA dims", at + 12
            )
        dims = dim_records[dd : dd + ndims]
        dd += ndims
        agen = AddressGen(
            counters=tuple((s, t, st) for _, (s, t, st, _c) in dims),
            coefficients=tuple(c for _, (_s, _t, _st, c) in dims),
            base=base,
            indexed=bool(indexed),
        )
        dmas[u] = (at, (DIRECTIONS[direction], memory.name), agen)
    if dd != len(dim_records):
        raise r.fail(f"{len(dim_records) - dd} DMA dims belong to no descriptor")

    units: list[Unit] = []
    # Each input port needs its consumer record and each output port its stream, so
    # the ports the units declare are bounded by those counts before any loop.
    budget = {"inputs": n_consumers, "outputs": n_streams}
    for u, (uname, kind) in enumerate(zip(names, kinds)):
        at = unit_records[u][0]
        regs = _Registers(r, per_unit[u], kind, uname, at)
        units.append(_decode_unit(regs, u, kind, uname, routes, dmas, image, budget))
    for (u, port), _hops in routes.items():
        if port >= len(units[u].inputs):
            raise r.fail(
                f"route for input {port} of '{names[u]}', which has {len(units[u].inputs)} inputs"
            )
    for u, kind in enumerate(kinds):
        if kind == "agcu" and u not in dmas:
            raise r.fail(f"agcu '{names[u]}' has no DMA descriptor")

    streams: list[Stream] = []
    c = 0
    for at, (sid, network, dtype, reserved, nconsumers, pu, pport) in stream_records:
        if reserved != b"\0\0":
            raise r.fail("reserved bytes are not zero", at + 6)
        if nconsumers > len(consumer_records) - c:
            raise r.fail(
                f"{nconsumers} consumers overrun the {len(consumer_records)} records",
                at + 8,
            )
        consumers = tuple(
            (names[unit_ref(cat, cu)], cport)
            for cat, (cu, cport) in consumer_records[c : c + nconsumers]
        )
        c += nconsumers
        streams.append(
            Stream(
                id=sid,
                network=_enum(r, at + 4, "network", network),
                dtype=_enum(r, at + 5, "dtype", dtype),
                producer=(names[unit_ref(at + 12, pu)], pport),
                consumers=consumers,
            )
        )
    if c != len(consumer_records):
        raise r.fail(
            f"{len(consumer_records) - c} consumer records belong to no stream"
        )
    return Section(section_name, reads, writes, retain, tuple(units), tuple(streams))


class _Registers:
    """The registers of one unit, taken one by one; leftovers are an error."""

    def __init__(
        self, reader: _Reader, regs: dict, kind: str, name: str, at: int
    ) -> None:
        self.reader = reader
        self.values = {reg: value for reg, (value, _) in regs.items()}
        self.offsets = {reg: offset for reg, (_, offset) in regs.items()}
        self.kind = kind
        self.name = name
        self.at = at

    def fail(self, problem: str, register: int | None = None) -> BitstreamError:
        if register is None:
            return self.reader.fail(f"{self.kind} '{self.name}': {problem}", self.at)
        return self.reader.fail(
            f"{self.kind} '{self.name}' register {register_name(register)}: {problem}",
            self.offsets.get(register, self.at),
        )

    def has(self, name: str, element: int = 0) -> bool:
        return (R[name] << 16 | element) in self.values

    def take(self, name: str, element: int = 0, limit: int | None = None) -> int:
        reg = R[name] << 16 | element
        if reg not in self.values:
            raise self.fail(f"required register {register_name(reg)} is missing")
        value = self.values.pop(reg)
        if limit is not None and value >= limit:
            raise self.fail(
                f"value {value} is out of range (must be below {limit})", reg
            )
        return value

    def signed(self, name: str, element: int = 0) -> int:
        return _s64(self.take(name, element))

    def count(self, name: str) -> int:
        """A count register: every counted item needs a register of its own, so a
        count above the registers that remain is refused before any loop."""
        value = self.take(name)
        if value > len(self.values):
            raise self.fail(
                f"count {value} overruns the {len(self.values)} remaining registers",
                R[name] << 16,
            )
        return value

    def enum(self, name: str, enum: str, element: int = 0) -> str:
        code = self.take(name, element)
        values = ENUMS[enum]
        if code >= len(values):
            raise self.fail(
                f"{enum} code {code} does not exist", R[name] << 16 | element
            )
        return values[code]

    def flag(self, name: str) -> bool:
        return bool(self.take(name, limit=2))

    def finish(self) -> None:
        if self.values:
            reg = min(self.values)
            raise self.fail(f"not a valid register for a unit of kind {self.kind}", reg)


def _decode_agen(regs: _Registers, prefix: str) -> AddressGen | None:
    if not regs.has(f"{prefix}_COUNTERS"):
        return None
    n = regs.count(f"{prefix}_COUNTERS")
    counters = []
    coefficients = []
    for k in range(n):
        counters.append(
            (
                regs.signed(f"{prefix}_START", k),
                regs.signed(f"{prefix}_STOP", k),
                regs.signed(f"{prefix}_STRIDE", k),
            )
        )
        coefficients.append(regs.signed(f"{prefix}_COEFF", k))
    return AddressGen(
        counters=tuple(counters),
        coefficients=tuple(coefficients),
        base=regs.signed(f"{prefix}_BASE"),
        indexed=regs.flag(f"{prefix}_INDEXED"),
    )


def _decode_unit(regs: _Registers, u, kind, name, routes, dmas, image, budget) -> Unit:
    at = None
    if regs.has("AT"):
        value = regs.take("AT")
        at = (value >> 32, value & 0xFFFFFFFF)
    n_inputs = regs.take("INPUTS", limit=U32)
    outputs = regs.take("OUTPUTS", limit=U32)
    for ports, count, records in (
        ("inputs", n_inputs, "consumer"),
        ("outputs", outputs, "stream"),
    ):
        if count > budget[ports]:
            raise regs.fail(
                f"{count} {ports} but only {budget[ports]} {records} records remain "
                "to connect them",
                R[ports.upper()] << 16,
            )
        budget[ports] -= count
    inputs = []
    for i in range(n_inputs):
        depth = regs.take("FIFO_DEPTH", i) if regs.has("FIFO_DEPTH", i) else None
        if depth is not None and not 1 <= depth < 2**63:
            raise regs.fail(f"FIFO depth {depth} of input {i} is not in 1..2^63-1")
        inputs.append(InputPort(depth, routes.get((u, i), ())))
    common = {"name": name, "at": at, "inputs": tuple(inputs), "outputs": outputs}
    if kind == "pcu":
        dtype = regs.enum("DTYPE", "dtype")
        template = regs.enum("TEMPLATE", "template")
        accumulate = (
            regs.enum("ACCUMULATE", "dtype") if regs.has("ACCUMULATE") else None
        )
        if accumulate is not None and accumulate not in ACCUMULATE_DTYPES:
            raise regs.fail(f"accumulate type {accumulate} is not f32 or i32")
        counters = tuple(
            (
                regs.signed("COUNTER_START", k),
                regs.signed("COUNTER_STOP", k),
                regs.signed("COUNTER_STRIDE", k),
            )
            for k in range(regs.count("COUNTERS"))
        )
        stages = []
        for j in range(regs.count("STAGES")):
            word = regs.take("STAGE_OP", j)
            nsrc, op = word >> 32, word & 0xFFFFFFFF
            if op >= len(STAGE_OPS) or nsrc > STAGE_SOURCE_SLOTS:
                raise regs.fail(
                    f"stage op code {op} with {nsrc} sources is impossible",
                    R["STAGE_OP"] << 16 | j,
                )
            sources = []
            for s in range(nsrc):
                word = regs.take("STAGE_SOURCE", j * STAGE_SOURCE_SLOTS + s)
                skind, index = word >> 32, word & 0xFFFFFFFF
                if skind >= len(SOURCE_KINDS):
                    raise regs.fail(
                        f"stage {j} source {s}: kind code {skind} does not exist"
                    )
                sources.append(Source(SOURCE_KINDS[skind], index))
            modifier = None
            if regs.has("STAGE_MODIFIER", j):
                code = regs.take("STAGE_MODIFIER", j)
                allowed = MODIFIERS_OF.get(STAGE_OPS[op], ())
                if code >= len(STAGE_MODIFIERS) or STAGE_MODIFIERS[code] not in allowed:
                    raise regs.fail(
                        f"stage {j} ('{STAGE_OPS[op]}'): modifier code {code} is not "
                        "one it takes",
                        R["STAGE_MODIFIER"] << 16 | j,
                    )
                modifier = STAGE_MODIFIERS[code]
            stages.append(Stage(STAGE_OPS[op], tuple(sources), modifier))
        constants = []
        for k in range(regs.count("CONSTANTS")):
            word = regs.take("CONSTANT", k)
            value = _constant_value(dtype, word)
            if value is None:
                raise regs.fail(f"constant {k}: word 0x{word:x} is not a {dtype}")
            constants.append(value)
        fields = {}
        if template == "reduce":
            fields["reduce_op"] = regs.enum("REDUCE_OP", "reduce op")
            fields["reduce_lanes"] = regs.flag("REDUCE_LANES")
            fields["reduce_counters"] = tuple(
                regs.take("REDUCE_COUNTER", i, limit=U32)
                for i in range(regs.count("REDUCE_COUNTERS"))
            )
        if template == "matmul":
            fields["tile"] = tuple(regs.take("TILE", i, limit=2**63) for i in range(3))
        if template == "scan":
            fields["scan_op"] = regs.enum("SCAN_OP", "scan op")
            fields["scan_counter"] = regs.take("SCAN_COUNTER", limit=U32)
        regs.finish()
        return Pcu(
            template=template,
            dtype=dtype,
            counters=counters,
            stages=tuple(stages),
            constants=tuple(constants),
            accumulate=accumulate,
            **fields,
            **common,
        )
    if kind == "pmu":
        dtype = regs.enum("DTYPE", "dtype")
        unit = Pmu(
            bytes=regs.take("BYTES", limit=2**63),
            banks=regs.take("BANKS", limit=2**63),
            dtype=dtype,
            double_buffer=regs.flag("DOUBLE_BUFFER"),
            init=image(regs.reader, regs.at, regs.take("INIT_IMAGE"))
            if regs.has("INIT_IMAGE")
            else None,
            write=_decode_agen(regs, "WRITE"),
            read=_decode_agen(regs, "READ"),
            **common,
        )
        regs.finish()
        return unit
    regs.finish()
    if u not in dmas:
        raise regs.fail("has no DMA descriptor")
    _, (direction, memory), agen = dmas[u]
    return Agcu(direction=direction, memory=memory, agen=agen, **common)
