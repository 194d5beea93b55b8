"""Hand-built programs for the simulator tests (the `Program` dataclasses directly)."""

from __future__ import annotations

import numpy as np
from ml_dtypes import bfloat16

from dfc.backends.bitstream.program import (
    AddressGen,
    Agcu,
    InputPort,
    Memory,
    Pcu,
    Pmu,
    Program,
    Section,
    Source,
    Stage,
    Stream,
)
from dfc.backends.chip import load_chip

TINY = load_chip("tiny")
SN40L = load_chip("sn40l")
IN0, IN1, C0, S0, S1 = (
    Source("in", 0),
    Source("in", 1),
    Source("c", 0),
    Source("s", 0),
    Source("s", 1),
)


def rows(r: int, c: int, lanes: int = 4) -> AddressGen:
    """Row-major walk of an r x c region, `lanes` elements per vector."""
    return AddressGen(((0, r, 1), (0, c, lanes)), (c, 1))


def vstream(
    i: int, src: tuple[str, int], *dst: tuple[str, int], dtype: str = "f32"
) -> Stream:
    return Stream(i, "vector", dtype, src, tuple(dst))


def program(chip, memories, *sections) -> Program:  # type: ignore[no-untyped-def]
    return Program(
        chip.name, chip.short_fingerprint, tuple(memories), tuple(sections)
    ).validate()


def elementwise(r: int = 8, c: int = 16) -> Program:
    """y = max(exp(x * 0.5 + 1), 2) - x over two chained map PCUs."""
    chain = ((0, r, 1), (0, c, 4))
    s = Section(
        "s0",
        ("x",),
        ("y",),
        units=(
            Agcu("a0", "load", "x", rows(r, c)),
            Pcu(
                "p0",
                "map",
                "f32",
                chain,
                (Stage("fma", (IN0, C0, Source("c", 1))), Stage("exp", (S0,))),
                (0.5, 1.0),
                inputs=(InputPort(),),
            ),
            Pcu(
                "p1",
                "map",
                "f32",
                chain,
                (Stage("max", (IN0, C0)), Stage("sub", (S0, IN1))),
                (2.0,),
                inputs=(InputPort(), InputPort()),
            ),
            Agcu("a1", "store", "y", rows(r, c), inputs=(InputPort(),), outputs=0),
        ),
        streams=(
            vstream(0, ("a0", 0), ("p0", 0), ("p1", 1)),
            vstream(1, ("p0", 0), ("p1", 0)),
            vstream(2, ("p1", 0), ("a1", 0)),
        ),
    )
    return program(
        TINY,
        [
            Memory("x", "hbm", 0, (r, c), "f32", "input"),
            Memory("y", "hbm", 4096, (r, c), "f32", "output"),
        ],
        s,
    )


def row_reduce(r: int = 8, c: int = 16, op: str = "add") -> Program:
    """y[i] = reduce_j x[i, j] (across the vectors of a row and across lanes)."""
    s = Section(
        "s0",
        ("x",),
        ("y",),
        units=(
            Agcu("a0", "load", "x", rows(r, c)),
            Pcu(
                "p0",
                "reduce",
                "f32",
                ((0, r, 1), (0, c, 4)),
                reduce_op=op,
                reduce_counters=(1,),
                reduce_lanes=True,
                inputs=(InputPort(),),
            ),
            Agcu(
                "a1",
                "store",
                "y",
                AddressGen(((0, r, 4),), (1,)),
                inputs=(InputPort(),),
                outputs=0,
            ),
        ),
        streams=(vstream(0, ("a0", 0), ("p0", 0)), vstream(1, ("p0", 0), ("a1", 0))),
    )
    return program(
        TINY,
        [
            Memory("x", "hbm", 0, (r, c), "f32", "input"),
            Memory("y", "hbm", 4096, (r,), "f32", "output"),
        ],
        s,
    )


def softmax(r: int = 8, c: int = 16) -> Program:
    """Softmax over rows in three sections: row max; e = exp(x - max) and its row
    sums; y = e * (1 / sum). The row values are broadcast by an AGCU address
    generator whose inner coefficient is 0."""
    chain = ((0, r, 1), (0, c, 4))
    bcast = AddressGen(((0, r, 1), (0, c, 4)), (1, 0))
    mem = [
        Memory("x", "hbm", 0, (r, c), "f32", "input"),
        Memory("m", "ddr", 0, (r,), "f32", "scratch"),
        Memory("e", "ddr", 1024, (r, c), "f32", "scratch"),
        Memory("s", "ddr", 4096, (r,), "f32", "scratch"),
        Memory("y", "hbm", 4096, (r, c), "f32", "output"),
    ]
    s0 = Section(
        "max",
        ("x",),
        ("m",),
        units=(
            Agcu("a0", "load", "x", rows(r, c)),
            Pcu(
                "p0",
                "reduce",
                "f32",
                chain,
                reduce_op="max",
                reduce_counters=(1,),
                reduce_lanes=True,
                inputs=(InputPort(),),
            ),
            Agcu(
                "a1",
                "store",
                "m",
                AddressGen(((0, r, 4),), (1,)),
                inputs=(InputPort(),),
                outputs=0,
            ),
        ),
        streams=(vstream(0, ("a0", 0), ("p0", 0)), vstream(1, ("p0", 0), ("a1", 0))),
    )
    s1 = Section(
        "exp-sum",
        ("x", "m"),
        ("e", "s"),
        units=(
            Agcu("a0", "load", "x", rows(r, c)),
            Agcu("a1", "load", "m", bcast),
            Pcu(
                "p0",
                "map",
                "f32",
                chain,
                (Stage("sub", (IN0, IN1)), Stage("exp", (S0,))),
                inputs=(InputPort(), InputPort()),
            ),
            Pcu(
                "p1",
                "reduce",
                "f32",
                chain,
                reduce_op="add",
                reduce_counters=(1,),
                reduce_lanes=True,
                inputs=(InputPort(),),
            ),
            Agcu("a2", "store", "e", rows(r, c), inputs=(InputPort(),), outputs=0),
            Agcu(
                "a3",
                "store",
                "s",
                AddressGen(((0, r, 4),), (1,)),
                inputs=(InputPort(),),
                outputs=0,
            ),
        ),
        streams=(
            vstream(0, ("a0", 0), ("p0", 0)),
            vstream(1, ("a1", 0), ("p0", 1)),
            vstream(2, ("p0", 0), ("p1", 0), ("a2", 0)),
            vstream(3, ("p1", 0), ("a3", 0)),
        ),
    )
    s2 = Section(
        "normalize",
        ("e", "s"),
        ("y",),
        units=(
            Agcu("a0", "load", "e", rows(r, c)),
            Agcu("a1", "load", "s", bcast),
            Pcu(
                "p0",
                "map",
                "f32",
                chain,
                (Stage("recip", (IN1,)), Stage("mul", (IN0, S0))),
                inputs=(InputPort(), InputPort()),
            ),
            Agcu("a2", "store", "y", rows(r, c), inputs=(InputPort(),), outputs=0),
        ),
        streams=(
            vstream(0, ("a0", 0), ("p0", 0)),
            vstream(1, ("a1", 0), ("p0", 1)),
            vstream(2, ("p0", 0), ("a2", 0)),
        ),
    )
    return program(TINY, mem, s0, s1, s2)


def tiled_matmul(a: np.ndarray, b: np.ndarray) -> Program:
    """C (8 x 4) = A (8 x 8) @ B (8 x 4) in bf16 with f32 accumulation, 4 x 2 x 4
    tiles on `tiny`: B lives in a PMU and is re-read for every row block of A; the
    systolic PCU emits one partial C tile per K block; a reduce PCU sums the
    partial tiles over the K counter; a PMU scatters the sums into C's row-major
    layout; one DMA stores it."""
    tiles = ((0, 2, 1), (0, 2, 1), (0, 2, 1))  # m, n, k
    a_agen = AddressGen(
        tiles + ((0, 4, 1), (0, 4, 4)), (32, 0, 4, 1, 8)
    )  # A[m*4+mm, k*4+kk], kk outer
    b_read = AddressGen(
        tiles + ((0, 4, 1), (0, 2, 2)), (0, 2, 16, 4, 1)
    )  # B[k*4+kk, n*2+nn]
    c_write = AddressGen(((0, 2, 1), (0, 2, 1), (0, 4, 1), (0, 2, 2)), (16, 2, 4, 1))
    s = Section(
        "mm",
        ("A", "B"),
        ("C",),
        units=(
            Agcu("aA", "load", "A", a_agen),
            Agcu("aB", "load", "B", rows(8, 4)),
            Pmu(
                "mB",
                4096,
                4,
                "bf16",
                write=rows(8, 4),
                read=b_read,
                inputs=(InputPort(),),
            ),
            Pcu(
                "mm",
                "matmul",
                "bf16",
                tiles,
                accumulate="f32",
                tile=(4, 2, 4),
                inputs=(InputPort(), InputPort()),
            ),
            Pcu(
                "acc",
                "reduce",
                "f32",
                tiles + ((0, 8, 4),),
                reduce_op="add",
                reduce_counters=(2,),
                inputs=(InputPort(),),
            ),
            Pmu(
                "mC",
                4096,
                4,
                "f32",
                write=c_write,
                read=rows(8, 4),
                inputs=(InputPort(),),
            ),
            Agcu("aC", "store", "C", rows(8, 4), inputs=(InputPort(),), outputs=0),
        ),
        streams=(
            vstream(0, ("aA", 0), ("mm", 0), dtype="bf16"),
            vstream(1, ("aB", 0), ("mB", 0), dtype="bf16"),
            vstream(2, ("mB", 0), ("mm", 1), dtype="bf16"),
            vstream(3, ("mm", 0), ("acc", 0)),
            vstream(4, ("acc", 0), ("mC", 0)),
            vstream(5, ("mC", 0), ("aC", 0)),
        ),
    )
    mem = [
        Memory(
            "A", "hbm", 0, (8, 8), "bf16", "weight", init=a.astype(bfloat16).tobytes()
        ),
        Memory("B", "hbm", 1024, (8, 4), "bf16", "input"),
        Memory("C", "hbm", 2048, (8, 4), "f32", "output"),
    ]
    return program(TINY, mem, s)


def double_buffered(double: bool = True, tiles: int = 16) -> Program:
    """x (tiles*4 x 16) streamed from HBM through a PMU that writes 4 x 16 tiles row
    by row and reads each transposed: y[t] = x[t*4:(t+1)*4].T."""
    write = AddressGen(((0, 4, 1), (0, 16, 4)), (16, 1))
    read = AddressGen(((0, 16, 1), (0, 4, 4)), (1, 16))
    s = Section(
        "s0",
        ("x",),
        ("y",),
        units=(
            Agcu("a0", "load", "x", rows(tiles * 4, 16)),
            Pmu(
                "m0",
                256,
                4,
                "f32",
                double_buffer=double,
                write=write,
                read=read,
                inputs=(InputPort(),),
            ),
            Agcu(
                "a1",
                "store",
                "y",
                rows(tiles * 16, 4),
                inputs=(InputPort(),),
                outputs=0,
            ),
        ),
        streams=(vstream(0, ("a0", 0), ("m0", 0)), vstream(1, ("m0", 0), ("a1", 0))),
    )
    mem = [
        Memory("x", "hbm", 0, (tiles * 4, 16), "f32", "input"),
        Memory("y", "hbm", 65536, (tiles, 16, 4), "f32", "output"),
    ]
    return program(TINY, mem, s)


def hbm_stream(elements: int, copy: bool) -> Program:
    """Read `elements` f32 from HBM: into a sum (copy=False) or back to HBM."""
    n = elements // 16
    mem = [Memory("x", "hbm", 0, (n, 16), "f32", "input")]
    if copy:
        mem.append(Memory("y", "hbm", elements * 4, (n, 16), "f32", "output"))
        units = (
            Agcu("a0", "load", "x", rows(n, 16)),
            Agcu("a1", "store", "y", rows(n, 16), inputs=(InputPort(),), outputs=0),
        )
        streams = (vstream(0, ("a0", 0), ("a1", 0)),)
    else:
        mem.append(Memory("y", "hbm", elements * 4, (1,), "f32", "output"))
        units = (
            Agcu("a0", "load", "x", rows(n, 16)),
            Pcu(
                "p0",
                "reduce",
                "f32",
                ((0, n, 1), (0, 16, 4)),
                reduce_op="add",
                reduce_counters=(0, 1),
                reduce_lanes=True,
                inputs=(InputPort(),),
            ),
            Agcu(
                "a1",
                "store",
                "y",
                AddressGen(((0, 1, 4),), (1,)),
                inputs=(InputPort(),),
                outputs=0,
            ),
        )
        streams = (vstream(0, ("a0", 0), ("p0", 0)), vstream(1, ("p0", 0), ("a1", 0)))
    return program(
        TINY, mem, Section("s0", ("x",), ("y",), units=units, streams=streams)
    )


def compute_bound_matmul(
    units: int, tiles: int, k: int, seed: int = 0
) -> tuple[Program, list[tuple[np.ndarray, np.ndarray]]]:
    """`units` systolic PCUs on sn40l, each multiplying its own A (32 x k) and B
    (k x 6) bf16 tiles `tiles` times (operands resident in PMUs from their init
    images, re-read with a zero-coefficient outer counter); C tiles to HBM."""
    rng = np.random.default_rng(seed)
    lanes = SN40L.compute.lanes
    m, n = SN40L.compute.systolic_rows, SN40L.compute.systolic_cols
    unit_list = []
    streams = []
    mem = []
    operands = []
    for u in range(units):
        a = rng.standard_normal((m, k)).astype(bfloat16)
        b = rng.standard_normal((k, n)).astype(bfloat16)
        operands.append((a, b))
        rep = ((0, tiles, 1),)
        unit_list += [
            Pmu(
                f"mA{u}",
                512 * 1024,
                32,
                "bf16",
                init=np.ascontiguousarray(a.T).tobytes(),
                read=AddressGen(rep + ((0, k * m, lanes),), (0, 1)),
            ),
            Pmu(
                f"mB{u}",
                512 * 1024,
                32,
                "bf16",
                init=b.tobytes(),
                read=AddressGen(rep + ((0, k * n, lanes),), (0, 1)),
            ),
            Pcu(
                f"p{u}",
                "matmul",
                "bf16",
                rep,
                accumulate="f32",
                tile=(m, n, k),
                inputs=(InputPort(), InputPort()),
            ),
            Agcu(
                f"s{u}",
                "store",
                f"C{u}",
                AddressGen(((0, tiles * m * n, lanes),), (1,)),
                inputs=(InputPort(),),
                outputs=0,
            ),
        ]
        streams += [
            vstream(3 * u, (f"mA{u}", 0), (f"p{u}", 0), dtype="bf16"),
            vstream(3 * u + 1, (f"mB{u}", 0), (f"p{u}", 1), dtype="bf16"),
            vstream(3 * u + 2, (f"p{u}", 0), (f"s{u}", 0)),
        ]
        mem.append(
            Memory(
                f"C{u}", "hbm", u * tiles * m * n * 4, (tiles, m, n), "f32", "output"
            )
        )
    s = Section(
        "mm",
        (),
        tuple(mm.name for mm in mem),
        units=tuple(unit_list),
        streams=tuple(streams),
    )
    return program(SN40L, mem, s), operands
