"""Estimated time of `dfg-fuse` strategies on a GPT-2-block-like dfg graph.

    python -m bench fusion [--layers 1] [--width 768] [--tokens 128] [--chip sn40l]

Builds `layers` pre-norm decoder blocks (layer norm, Q/K/V projections,
causal attention, output projection, residual, layer norm, MLP with gelu,
residual) in dfg text with weights as function arguments, runs
`dfg-fuse{strategy=none|greedy|optimal}` followed by `dfg-tile` and
`dfg-place-memory`, and prints per strategy the kernels, the estimated time
(the cost model's sum over kernels), the off-chip bytes, the ratio to `none`
and the wall time of the graph passes. Also prints the roofline bound.
"""

from __future__ import annotations

import argparse
import time

from xdsl.dialects import func


def block_text(layers: int, s: int, d: int, dtype: str = "bf16") -> str:
    f = 4 * d
    x, w, w1, w2 = (
        f"tensor<{s}x{d}x{dtype}>",
        f"tensor<{d}x{d}x{dtype}>",
        f"tensor<{d}x{f}x{dtype}>",
        f"tensor<{f}x{d}x{dtype}>",
    )
    h, v = f"tensor<{s}x{f}x{dtype}>", f"tensor<{d}x{dtype}>"
    args = [f"%x: {x}"]
    body: list[str] = []
    cur = "%x"
    for i in range(layers):
        args += [
            f"%g{i}: {v}", f"%b{i}: {v}", f"%wq{i}: {w}", f"%wk{i}: {w}",
            f"%wv{i}: {w}", f"%wo{i}: {w}", f"%wa{i}: {w1}", f"%wb{i}: {w2}",
        ]  # fmt: skip
        body += [
            f"%n{i} = dfg.layer_norm {cur} scale %g{i} bias %b{i} : ({x}, {v}, {v}) -> {x}",
            f"%q{i} = dfg.matmul %n{i}, %wq{i} : ({x}, {w}) -> {x}",
            f"%k{i} = dfg.matmul %n{i}, %wk{i} : ({x}, {w}) -> {x}",
            f"%v{i} = dfg.matmul %n{i}, %wv{i} : ({x}, {w}) -> {x}",
            f"%a{i} = dfg.attention %q{i}, %k{i}, %v{i} {{causal = true}} : ({x}, {x}, {x}) -> {x}",
            f"%o{i} = dfg.matmul %a{i}, %wo{i} : ({x}, {w}) -> {x}",
            f"%r{i} = dfg.add %o{i}, {cur} : ({x}, {x}) -> {x}",
            f"%m{i} = dfg.layer_norm %r{i} scale %g{i} bias %b{i} : ({x}, {v}, {v}) -> {x}",
            f"%h{i} = dfg.matmul %m{i}, %wa{i} : ({x}, {w1}) -> {h}",
            f"%e{i} = dfg.gelu %h{i} : ({h}) -> {h}",
            f"%p{i} = dfg.matmul %e{i}, %wb{i} : ({h}, {w2}) -> {x}",
            f"%y{i} = dfg.add %p{i}, %r{i} : ({x}, {x}) -> {x}",
        ]
        cur = f"%y{i}"
    lines = "\n  ".join(body)
    return (
        f"func.func @main({', '.join(args)}) -> {x} {{\n  {lines}\n"
        f"  func.return {cur} : {x}\n}}\n"
    )


def main(argv: list[str] | None = None) -> int:
    import dfc
    from dfc.backends.cost import kernel_report, roofline_seconds
    from dfc.passes.dfg_fuse import DfgFusePass
    from dfc.passes.dfg_place_memory import DfgPlaceMemoryPass
    from dfc.passes.dfg_tile import DfgTilePass

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--width", type=int, default=768)
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--chip", default="sn40l")
    args = parser.parse_args(argv)
    chip = dfc.load_chip(args.chip)
    text = block_text(args.layers, args.tokens, args.width)
    fn = next(op for op in dfc.parse_mlir(text).walk() if isinstance(op, func.FuncOp))
    print(
        f"{args.layers} decoder block(s), {args.tokens} tokens x {args.width} wide, "
        f"bf16, chip {chip.name}; roofline {roofline_seconds(fn, chip) * 1e6:.2f} us"
    )
    print(
        f"{'strategy':<10} {'kernels':>7} {'est. us':>10} {'off-chip MB':>12} "
        f"{'vs none':>8} {'pass s':>7}  fusion"
    )
    baseline = None
    for strategy in ("none", "greedy", "optimal"):
        module = dfc.parse_mlir(text)
        ctx = dfc.make_context()
        start = time.perf_counter()
        DfgFusePass(strategy=strategy, chip=args.chip).apply(ctx, module)
        DfgTilePass(chip=args.chip).apply(ctx, module)
        DfgPlaceMemoryPass(chip=args.chip).apply(ctx, module)
        elapsed = time.perf_counter() - start
        rows = kernel_report(module, chip)
        seconds = sum(r.seconds for r in rows)
        baseline = baseline or seconds
        main_fn = next(op for op in module.walk() if isinstance(op, func.FuncOp))
        label = main_fn.attributes["dfg.fusion"].data  # pyright: ignore
        print(
            f"{strategy:<10} {len(rows):>7} {seconds * 1e6:>10.2f} "
            f"{sum(r.offchip_bytes for r in rows) / 1e6:>12.2f} "
            f"{baseline / seconds:>7.2f}x {elapsed:>7.2f}  {label}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
