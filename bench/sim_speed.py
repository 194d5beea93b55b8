"""Simulator speed: simulated tile-events per second, and the time to simulate a
4096 x 4096 x 4096 bf16 matmul on `sn40l`.

The matmul program is generated here (no compiler involved): C (M x Np, f32) =
A (M x K, bf16) @ B (K x Np, bf16), N padded to a multiple of the systolic width
(6 on sn40l: 4096 -> 4098, 0.05 % extra work). Row blocks of 32 rows x column
groups give one systolic PCU each: its A row block is loaded once into a PMU and
re-read (transposed) for every 32 x 6 x K tile; each column group's B panels are
loaded once and fanned out to all PCUs of the group; every PCU stores its C tiles.
With 128 row blocks x 8 column groups: 1024 PCUs, 1024 PMUs, 1160 AGCUs. The
program is not placed or routed, and it uses more AGCUs than sn40l's 64: it is a
workload for the simulator, not a compiler result.

Full-size functional simulation would materialize every stream (each PCU's
re-read A alone is 86 x 4096 x 32 elements; 1024 of them are ~22 GB), so the
4096^3 figure is timing-only; the functional figure is measured at 512^3 (the
same generator, 16 x 8 units) and checked against numpy.

    python -m bench sim-speed [--size 4096] [--functional-size 512]
"""

from __future__ import annotations

import argparse
import time

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
    Stream,
)
from dfc.backends.chip import Chip, load_chip
from dfc.backends.sim import simulate


def matmul_program(
    chip: Chip, m: int, n: int, k: int, row_blocks: int, col_groups: int
) -> Program:
    """The tiled matmul described in the module docstring."""
    tm, tn = chip.compute.systolic_rows, chip.compute.systolic_cols
    lanes = chip.compute.lanes
    if m % (tm * row_blocks):
        raise ValueError(f"M={m} is not a multiple of {tm} x {row_blocks}")
    npad = -(-n // tn) * tn
    blocks = npad // tn
    rows_per_unit = m // row_blocks
    groups = [
        blocks // col_groups + (1 if g < blocks % col_groups else 0)
        for g in range(col_groups)
    ]
    starts = [sum(groups[:g]) for g in range(col_groups)]
    units: list = []
    streams: list[Stream] = []
    sid = 0
    for g, (count, first) in enumerate(zip(groups, starts)):
        agen = AddressGen(
            ((0, count, 1), (0, k, 1), (0, tn, tn)), (tn, npad, 1), base=first * tn
        )
        units.append(Agcu(f"b{g}", "load", "B", agen))
    for r in range(row_blocks):
        units.append(
            Agcu(
                f"a{r}",
                "load",
                "A",
                AddressGen(
                    ((0, rows_per_unit, 1), (0, k, lanes)),
                    (k, 1),
                    base=r * rows_per_unit * k,
                ),
            )
        )
    b_consumers: dict[int, list] = {g: [] for g in range(col_groups)}
    a_consumers: dict[int, list] = {r: [] for r in range(row_blocks)}
    for r in range(row_blocks):
        for sub in range(rows_per_unit // tm):
            for g, (count, first) in enumerate(zip(groups, starts)):
                name = f"{r}_{sub}_{g}"
                read = AddressGen(
                    ((0, count, 1), (0, k, 1), (0, tm, tm)),
                    (0, 1, k),
                    base=sub * tm * k,
                )
                write = AddressGen(((0, rows_per_unit, 1), (0, k, lanes)), (k, 1))
                units.append(
                    Pmu(
                        f"m{name}",
                        chip.memory.bytes,
                        chip.memory.banks,
                        "bf16",
                        write=write,
                        read=read,
                        inputs=(InputPort(),),
                    )
                )
                units.append(
                    Pcu(
                        f"p{name}",
                        "matmul",
                        "bf16",
                        ((0, count, 1),),
                        accumulate="f32",
                        tile=(tm, tn, k),
                        inputs=(InputPort(), InputPort()),
                    )
                )
                row0 = r * rows_per_unit + sub * tm
                store = AddressGen(
                    ((0, count, 1), (0, tm, 1), (0, tn, tn)),
                    (tn, npad, 1),
                    base=row0 * npad + first * tn,
                )
                units.append(
                    Agcu(
                        f"s{name}",
                        "store",
                        "C",
                        store,
                        inputs=(InputPort(),),
                        outputs=0,
                    )
                )
                a_consumers[r].append((f"m{name}", 0))
                b_consumers[g].append((f"p{name}", 1))
                streams.append(
                    Stream(sid, "vector", "bf16", (f"m{name}", 0), ((f"p{name}", 0),))
                )
                streams.append(
                    Stream(
                        sid + 1, "vector", "f32", (f"p{name}", 0), ((f"s{name}", 0),)
                    )
                )
                sid += 2
    for g in range(col_groups):
        streams.append(
            Stream(sid, "vector", "bf16", (f"b{g}", 0), tuple(b_consumers[g]))
        )
        sid += 1
    for r in range(row_blocks):
        streams.append(
            Stream(sid, "vector", "bf16", (f"a{r}", 0), tuple(a_consumers[r]))
        )
        sid += 1
    memories = (
        Memory("A", "hbm", 0, (m, k), "bf16", "input"),
        Memory("B", "hbm", 2 * m * k, (k, npad), "bf16", "input"),
        Memory("C", "hbm", 2 * m * k + 2 * k * npad, (m, npad), "f32", "output"),
    )
    section = Section(
        "matmul", ("A", "B"), ("C",), units=tuple(units), streams=tuple(streams)
    )
    return Program(chip.name, chip.short_fingerprint, memories, (section,))


def run(
    chip: Chip, size: int, row_blocks: int, col_groups: int, functional: bool
) -> dict:
    tn = chip.compute.systolic_cols
    npad = -(-size // tn) * tn
    t0 = time.perf_counter()
    program = matmul_program(chip, size, size, size, row_blocks, col_groups)
    build = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size)).astype(bfloat16)
    b = np.zeros((size, npad), bfloat16)
    b[:, :size] = rng.standard_normal((size, size)).astype(bfloat16)
    t0 = time.perf_counter()
    result = simulate(program, {"A": a, "B": b}, chip, functional=functional)
    wall = time.perf_counter() - t0
    error = None
    if functional:
        expected = a.astype(np.float32) @ b.astype(np.float32)
        error = float(
            np.abs(result.outputs["C"] - expected).max() / np.abs(expected).max()
        )
    flops = 2.0 * size * size * size
    return {
        "size": size,
        "functional": functional,
        "units": len(program.sections[0].units),
        "build_s": build,
        "wall_s": wall,
        "events": result.tile_events,
        "events_per_s": result.tile_events / wall,
        "cycles": result.cycles,
        "sim_seconds": result.seconds,
        "tflops": flops / result.seconds / 1e12,
        "peak_tflops": chip.peak_flops("bf16") / 1e12,
        "rel_error": error,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--functional-size", type=int, default=512)
    args = parser.parse_args(argv)
    chip = load_chip("sn40l")
    rows = [
        run(chip, args.functional_size, args.functional_size // 32, 8, True),
        run(chip, args.functional_size, args.functional_size // 32, 8, False),
        run(chip, args.size, args.size // 32, 8, False),
    ]
    print(
        "| M=N=K | mode | units | wall s | tile-events | events/s | simulated cycles | simulated us | TFLOP/s (peak) | max rel. error |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        mode = "functional + timing" if r["functional"] else "timing only"
        err = "-" if r["rel_error"] is None else f"{r['rel_error']:.1e}"
        print(
            f"| {r['size']} | {mode} | {r['units']} | {r['wall_s']:.2f} | {r['events']:,} | {r['events_per_s']:,.0f} | "
            f"{r['cycles']:,.0f} | {r['sim_seconds'] * 1e6:,.1f} | {r['tflops']:.1f} ({r['peak_tflops']:.0f}) | {err} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
