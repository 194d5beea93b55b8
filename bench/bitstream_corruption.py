"""Corruption benchmark of the `.dfcb` decoder.

Takes valid bitstreams (the hand-written example programs for `tiny`), damages
them in `--cases` seeded random ways and decodes each damaged copy:

- `flip`: 1 to 3 random bits flipped anywhere (header, table, chunks, trailer CRC);
- `byte`: one byte set to a different random value;
- `truncate`: cut at a random length; `extend`: 1 to 64 random bytes appended;
- `zero`: a random run of bytes zeroed (skipped when it changes nothing);
- `magic`, `version`: a wrong magic or format version;
- `length`: a random 32- or 64-bit little-endian field overwritten with a huge value.

Every one must be refused with a `BitstreamError`: another exception is a *crash*, a
decode that returns a program is an *accepted corrupt file*, a case slower than
`--hang-seconds` is a *hang*. A second pass (`--repaired`, same count) damages the
chunks and then recomputes every CRC, which exercises the structural checks behind
the CRCs: there a decode may succeed (the damage gave another valid program) but it
must then re-encode to the same bytes, and it must never crash or hang.

    python bench/bitstream_corruption.py [--cases 10000] [--seed 0] [--repaired 10000]
"""

from __future__ import annotations

import argparse
import random
import signal
import struct
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field

from dfc.backends.bitstream import BitstreamError, decode, encode
from dfc.backends.bitstream.format import ENTRY, HEADER, TRAILER
from dfc.backends.bitstream.program import example_program

KINDS = ("flip", "byte", "truncate", "extend", "zero", "magic", "version", "length")


def corrupt(data: bytes, rng: random.Random, kind: str) -> bytes:
    """A damaged copy of `data` that differs from it."""
    buf = bytearray(data)
    n = len(buf)
    if kind == "flip":
        for _ in range(rng.randint(1, 3)):
            buf[rng.randrange(n)] ^= 1 << rng.randrange(8)
    elif kind == "byte":
        at = rng.randrange(n)
        buf[at] = (buf[at] + rng.randint(1, 255)) % 256
    elif kind == "truncate":
        del buf[rng.randrange(n) :]
    elif kind == "extend":
        buf += bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    elif kind == "zero":
        at = rng.randrange(n)
        end = min(n, at + rng.randint(1, 32))
        buf[at:end] = bytes(end - at)
    elif kind == "magic":
        buf[0:4] = bytes(rng.choice([b"DFCA", b"\0\0\0\0", b"dfcb", b"BCFD"]))
    elif kind == "version":
        struct.pack_into(
            "<HH", buf, 4, *rng.choice([(0, 0), (2, 0), (1, 1), (65535, 7)])
        )
    elif kind == "length":
        width = rng.choice((4, 8))
        at = rng.randrange(0, n - width + 1)
        value = rng.choice([2**31, 2**32 - 1, 2**63, 2**64 - 1, n * 1000, 1 << 40])
        struct.pack_into(
            "<I" if width == 4 else "<Q", buf, at, value % 2 ** (8 * width)
        )
    else:
        raise ValueError(kind)
    out = bytes(buf)
    return out if out != data else corrupt(data, rng, "flip")


def repair_crcs(buf: bytearray) -> None:
    """Recompute every CRC of a (possibly damaged) file whose frame still parses."""
    if len(buf) < HEADER.size + TRAILER.size:
        return
    count = struct.unpack_from("<I", buf, 24)[0]
    table_end = HEADER.size + count * ENTRY.size
    if table_end > len(buf) - TRAILER.size:
        return
    for i in range(count):
        at = HEADER.size + i * ENTRY.size
        _kind, _crc, offset, length = ENTRY.struct.unpack_from(buf, at)
        if offset + length <= len(buf) - TRAILER.size:
            struct.pack_into(
                "<I", buf, at + 4, zlib.crc32(buf[offset : offset + length])
            )
    struct.pack_into("<I", buf, 28, zlib.crc32(buf[HEADER.size : table_end]))
    struct.pack_into("<I", buf, HEADER.size - 4, zlib.crc32(buf[: HEADER.size - 4]))
    struct.pack_into("<I", buf, len(buf) - 4, zlib.crc32(buf[:-4]))


def corrupt_repaired(data: bytes, rng: random.Random) -> bytes:
    """Damage past the header and table (1 to 4 byte or bit changes), then fix the
    CRCs so that only the structural checks can catch it."""
    buf = bytearray(data)
    count = struct.unpack_from("<I", buf, 24)[0]
    start = HEADER.size + count * ENTRY.size
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(start, len(buf) - TRAILER.size)
        if rng.random() < 0.5:
            buf[at] ^= 1 << rng.randrange(8)
        else:
            buf[at] = rng.choice([0, 1, 2, 3, 0x7F, 0x80, 0xFF, rng.randrange(256)])
    repair_crcs(buf)
    return bytes(buf)


class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _Timeout


@dataclass
class Figures:
    cases: int = 0
    rejected: int = 0
    accepted_corrupt: int = 0
    accepted_valid: int = 0
    crashes: int = 0
    hangs: int = 0
    seconds: float = 0.0
    slowest: float = 0.0
    by_kind: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)


def run_case(
    data: bytes, damaged: bytes, figures: Figures, hang: float, repaired: bool
) -> None:
    figures.cases += 1
    start = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, hang * 10)
    try:
        program = decode(damaged)
    except BitstreamError:
        figures.rejected += 1
        program = None
    except _Timeout:
        figures.hangs += 1
        program = None
    except Exception as error:  # noqa: BLE001 - a crash is what is being counted
        figures.crashes += 1
        if len(figures.examples) < 5:
            figures.examples.append(f"crash {type(error).__name__}: {error}")
        program = None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    elapsed = time.perf_counter() - start
    figures.seconds += elapsed
    figures.slowest = max(figures.slowest, elapsed)
    if elapsed > hang:
        figures.hangs += 1
    if program is not None:
        if repaired and encode(program) == damaged:
            figures.accepted_valid += 1
        else:
            figures.accepted_corrupt += 1
            if len(figures.examples) < 5:
                figures.examples.append(
                    f"accepted corrupt file of {len(damaged)} bytes"
                )


def run(cases: int, repaired: int, seed: int, hang: float) -> tuple[Figures, Figures]:
    rng = random.Random(seed)
    files = [encode(example_program(small=True)), encode(example_program())]
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        raw = Figures()
        for i in range(cases):
            data = files[i % len(files)]
            kind = KINDS[i % len(KINDS)]
            raw.by_kind[kind] += 1
            run_case(data, corrupt(data, rng, kind), raw, hang, repaired=False)
        fixed = Figures()
        for i in range(repaired):
            data = files[i % len(files)]
            run_case(data, corrupt_repaired(data, rng), fixed, hang, repaired=True)
    finally:
        signal.signal(signal.SIGALRM, previous)
    return raw, fixed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repaired", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hang-seconds", type=float, default=1.0)
    args = parser.parse_args(argv)
    raw, fixed = run(args.cases, args.repaired, args.seed, args.hang_seconds)
    print(f"# .dfcb corruption benchmark (seed {args.seed})")
    print()
    print(
        "| pass | cases | rejected | accepted corrupt | accepted valid | crashes | hangs | time (s) | slowest (ms) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for label, f in (("raw damage", raw), ("damage + CRCs repaired", fixed)):
        print(
            f"| {label} | {f.cases} | {f.rejected} | {f.accepted_corrupt} | "
            f"{f.accepted_valid} | {f.crashes} | {f.hangs} | {f.seconds:.2f} | "
            f"{f.slowest * 1000:.1f} |"
        )
    print()
    print(
        "raw damage by kind: "
        + ", ".join(f"{k} {v}" for k, v in sorted(raw.by_kind.items()))
    )
    for example in raw.examples + fixed.examples:
        print("  " + example)
    bad = raw.crashes + raw.hangs + raw.accepted_corrupt
    bad += fixed.crashes + fixed.hangs + fixed.accepted_corrupt
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
