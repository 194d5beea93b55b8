"""Round trip of a large dfg module with `dense_resource` weights.

Builds a module of `layers` blocks (`constant` weight, `constant` bias, `mul`,
`add`, `relu`: 5 dfg ops each, so 200 layers = 1,000 ops) whose blobs hold
`megabytes` MB of seeded random f32 in total, prints it, parses the text back
through `dfc.tools.mlir_io.parse_chunk` (what `dfc-opt` does), checks that every
blob is bit-exact and that printing again gives the same text, and reports the
times, the file size and the peak RSS.

    python -m bench roundtrip-large [--layers 200] [--megabytes 100]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from dataclasses import dataclass

import numpy as np
from xdsl.dialects.builtin import DenseResourceAttr, ModuleOp


@dataclass
class RoundTripResult:
    ops: int
    blob_bytes: int
    text_bytes: int
    build_seconds: float
    print_seconds: float
    parse_seconds: float
    reprint_seconds: float
    peak_rss_mb: float
    identical: bool
    blobs_exact: bool


def build_module(
    layers: int, total_bytes: int, seed: int = 0
) -> tuple[ModuleOp, list[np.ndarray]]:
    """The module, and the array behind each `dfg.constant` in op order."""
    from xdsl.builder import Builder
    from xdsl.dialects.builtin import StringAttr, TensorType, f32
    from xdsl.dialects.func import FuncOp, ReturnOp
    from xdsl.ir import Block, Region
    from xdsl.rewriter import InsertPoint

    from dfc.dialects.dfg.constant import ConstantOp
    from dfc.dialects.dfg.elementwise import AddOp, MulOp, ReluOp
    from dfc.dialects.resources import BLOBS

    rng = np.random.default_rng(seed)
    width = max(1, total_bytes // (layers * 2 * 4))  # a weight and a bias per layer
    t = TensorType(f32, [width])
    block = Block(arg_types=[t])
    builder = Builder(InsertPoint.at_end(block))
    arrays: list[np.ndarray] = []
    value = block.args[0]
    for layer in range(layers):
        constants = []
        for kind in ("weight", "bias"):
            array = rng.standard_normal(width, dtype=np.float32)
            handle = BLOBS.add(f"layer{layer}.{kind}", array)
            arrays.append(array)
            constants.append(
                builder.insert(ConstantOp(DenseResourceAttr(StringAttr(handle), t)))
            )
        w, b = (c.results[0] for c in constants)
        m = builder.insert(MulOp.create(operands=[value, w], result_types=[t]))
        a = builder.insert(AddOp.create(operands=[m.results[0], b], result_types=[t]))
        r = builder.insert(ReluOp.create(operands=[a.results[0]], result_types=[t]))
        value = r.results[0]
    builder.insert(ReturnOp(value))
    module = ModuleOp([FuncOp("main", ((t,), (t,)), Region(block))])
    module.verify()
    return module, arrays


def constant_blobs(module: ModuleOp) -> list[bytes | None]:
    """The bytes behind each `dfg.constant` blob of `module`, in op order."""
    from dfc.dialects.resources import BLOBS

    blobs: list[bytes | None] = []
    for op in module.walk():
        value = op.attributes.get("value")
        if op.name == "dfg.constant" and isinstance(value, DenseResourceAttr):
            blobs.append(BLOBS.get(value.resource_handle.data))
    return blobs


def round_trip(
    layers: int = 200, megabytes: float = 100.0, seed: int = 0
) -> RoundTripResult:
    from dfc.dialects import make_context
    from dfc.tools.mlir_io import SourceChunk, parse_chunk, print_module

    start = time.perf_counter()
    module, arrays = build_module(layers, int(megabytes * 1_000_000), seed)
    build_seconds = time.perf_counter() - start

    start = time.perf_counter()
    text = print_module(make_context(), module)
    print_seconds = time.perf_counter() - start
    del module

    ctx = make_context()
    start = time.perf_counter()
    parsed, diagnostics = parse_chunk(ctx, SourceChunk(text, "<bench>", 0))
    parse_seconds = time.perf_counter() - start
    if diagnostics or parsed is None:
        raise RuntimeError("\n".join(d.format() for d in diagnostics))

    blobs = constant_blobs(parsed)
    blobs_exact = len(blobs) == len(arrays) and all(
        blob == array.tobytes() for blob, array in zip(blobs, arrays)
    )
    ops = sum(1 for op in parsed.walk() if op.name.startswith("dfg."))

    start = time.perf_counter()
    again = print_module(ctx, parsed)
    reprint_seconds = time.perf_counter() - start

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB
    return RoundTripResult(
        ops=ops,
        blob_bytes=sum(a.nbytes for a in arrays),
        text_bytes=len(text),
        build_seconds=build_seconds,
        print_seconds=print_seconds,
        parse_seconds=parse_seconds,
        reprint_seconds=reprint_seconds,
        peak_rss_mb=peak,
        identical=again == text,
        blobs_exact=blobs_exact,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench roundtrip-large")
    parser.add_argument("--layers", type=int, default=200, help="5 dfg ops per layer")
    parser.add_argument("--megabytes", type=float, default=100.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    r = round_trip(args.layers, args.megabytes, args.seed)
    print(f"dfg ops:          {r.ops}")
    print(f"blob data:        {r.blob_bytes / 1e6:.1f} MB")
    print(f"file size:        {r.text_bytes / 1e6:.1f} MB")
    print(f"build:            {r.build_seconds:.2f} s")
    print(f"print:            {r.print_seconds:.2f} s")
    print(f"parse + verify:   {r.parse_seconds:.2f} s")
    print(f"re-print:         {r.reprint_seconds:.2f} s")
    print(f"peak RSS:         {r.peak_rss_mb:.0f} MB")
    print(f"blobs bit-exact:  {r.blobs_exact}")
    print(f"text identical:   {r.identical}")
    return 0 if r.identical and r.blobs_exact else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
