"""Placement and routing speed and quality on `sn40l`: generated sections of
parallel unit chains with cross links (test/python/place_route_programs.py),
from tens to hundreds of units, and one section too large for the chip that
su-partition splits first.

For each size: units, su-place time, su-route time, the bandwidth-weighted wire
length and hops of the annealed placement against the constructive start
(`effort=0`), PathFinder iterations, links used and the most loaded link
against its capacity.

    python -m bench place-route [--sizes 4x10,16x25,30x20] [--seed 0] [--out bench/results/place_route.md]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _program(chip: str, pipelines: int, length: int) -> str:
    sys.path.insert(0, str(ROOT / "test" / "python"))
    from place_route_programs import chain_program

    return chain_program(chip, pipelines, length)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench place-route")
    parser.add_argument("--sizes", default="4x10,16x25,30x20,32x33")
    parser.add_argument("--partition", default="30x60", help="an over-full section")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(ROOT / "bench/results/place_route.md"))
    args = parser.parse_args(argv)

    import dfc
    from dfc.backends.chip import load_chip
    from dfc.dialects.su import sections
    from dfc.passes.su_partition import partition_module
    from dfc.passes.su_place import place_module, place_section
    from dfc.passes.su_route import check_routes, route_module

    chip = load_chip("sn40l")
    rows = [
        "| chains x length | units | pairs | place s | route s | wirelength start -> annealed "
        "(MB x hops) | hops start -> annealed | PathFinder iterations | links used | "
        "max demand / capacity |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size in args.sizes.split(","):
        pipelines, length = (int(v) for v in size.split("x"))
        text = _program("sn40l", pipelines, length)
        start_module = dfc.parse_mlir(text)
        start = place_section(sections(start_module)[0], chip, args.seed, effort=0.0)
        module = dfc.parse_mlir(text)
        t0 = time.perf_counter()
        placed = place_module(module, chip, args.seed)["s0"]
        t1 = time.perf_counter()
        routing = route_module(module, chip)[0]
        t2 = time.perf_counter()
        check_routes(module)
        module.verify()
        usage = routing.result.usage["vector"]
        pairs = sum(len(net.consumers) for net in routing.nets)
        rows.append(
            f"| {size} | {len(placed.coords)} | {pairs} | {t1 - t0:.2f} | {t2 - t1:.2f} | "
            f"{start.wirelength / 1e6:.2f} -> {placed.wirelength / 1e6:.2f} | "
            f"{start.hops} -> {placed.hops} | {routing.result.iterations} | "
            f"{int((usage > 0).sum())} | {int(usage.max())} / "
            f"{chip.switch.vector_streams_per_link} |"
        )
        print(rows[-1], flush=True)
    pipelines, length = (int(v) for v in args.partition.split("x"))
    module = dfc.parse_mlir(_program("sn40l", pipelines, length))
    units = sum(len(s.units()) for s in sections(module))
    pcus = sum(len(s.pcus()) for s in sections(module))
    t0 = time.perf_counter()
    split = partition_module(module, chip)
    t1 = time.perf_counter()
    place_module(module, chip, args.seed)
    t2 = time.perf_counter()
    route_module(module, chip)
    t3 = time.perf_counter()
    check_routes(module)
    pieces = [len(s.units()) for s in sections(module)]
    partition_line = (
        f"Partition: {args.partition} chains ({units} units, {pcus} PCUs > "
        f"{chip.count('pcu')}) -> {len(split.get('s0', []))} sections of {pieces} "
        f"units (cut AGCUs included); su-partition "
        f"{t1 - t0:.2f} s, su-place {t2 - t1:.2f} s, su-route {t3 - t2:.2f} s."
    )
    print(partition_line)
    text = (
        "# place-route benchmark (sn40l)\n\n"
        "`python -m bench place-route` on this machine (2 shared cores).\n\n"
        + "\n".join(rows)
        + "\n\n"
        + partition_line
        + "\n"
    )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    return 0
