"""Import time of a full-size GPT-2 through the PyTorch frontend.

    python -m bench torch-import [--layers 12] [--width 768] [--tokens 16] [--check]

Builds GPT-2 from a transformers config with random weights (no download) and
measures `dfc.import_torch` in its phases: `torch.export` (non-strict), the
core-ATen decompositions, and the FX-to-dfg conversion with verification.
Prints the distinct ATen overloads the converters support and those GPT-2
uses. `--check` also runs the reference interpreter and prints the relative
error of the hidden states against PyTorch eager.
"""

from __future__ import annotations

import argparse
import collections
import time
import warnings

import numpy as np


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--width", type=int, default=768)
    parser.add_argument("--heads", type=int, default=12)
    parser.add_argument("--tokens", type=int, default=16)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")

    import torch
    import transformers

    from dfc.frontends.torch.converters import supported_overloads
    from dfc.frontends.torch.importer import (
        GraphImporter,
        decomposition_table,
        export_program,
        target_name,
    )

    torch.manual_seed(0)
    config = transformers.GPT2Config(
        n_layer=args.layers, n_embd=args.width, n_head=args.heads, use_cache=False
    )
    model = transformers.GPT2Model(config).eval()
    ids = torch.randint(0, config.vocab_size, (1, args.tokens))
    params = sum(p.numel() for p in model.parameters())

    start = time.perf_counter()
    ep = export_program(model, (ids,), None, None)
    exported = time.perf_counter()
    ep = ep.run_decompositions(decomposition_table())
    decomposed = time.perf_counter()
    function = GraphImporter(ep).run()
    from xdsl.dialects.builtin import ModuleOp

    module = ModuleOp([function])
    module.verify()
    converted = time.perf_counter()

    used = collections.Counter(
        target_name(n.target) for n in ep.graph.nodes if n.op == "call_function"
    )
    supported = supported_overloads()
    print(
        f"GPT-2 {args.layers} layers x {args.width} wide, {params / 1e6:.1f} M parameters, "
        f"{args.tokens} tokens"
    )
    print(f"  torch.export       {exported - start:7.2f} s")
    print(f"  decompositions     {decomposed - exported:7.2f} s")
    print(f"  convert + verify   {converted - decomposed:7.2f} s")
    print(f"  total import       {converted - start:7.2f} s")
    print(f"  dfg ops            {sum(1 for _ in function.body.block.ops)}")
    print(f"ATen overloads supported by the converters: {len(supported)}")
    print(f"ATen overloads in the decomposed GPT-2 graph: {len(used)}")
    for name, count in sorted(used.items()):
        print(f"  {count:4d}  {name}")
    if args.check:
        import dfc

        got = dfc.interpret(module, [ids.numpy()])[0]
        with torch.no_grad():
            want = model(ids).last_hidden_state.numpy()
        error = np.linalg.norm(got - want) / np.linalg.norm(want)
        print(f"relative error of the hidden states vs eager: {error:.2e}")
    return 0
