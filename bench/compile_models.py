"""Whole-model compiles for a chip: GPT-2 and a ResNet-50-sized CNN, fused and unfused.

    python -m bench compile-models [--chip sn40l] [--models gpt2,resnet]
                                   [--layers 12] [--width 768] [--tokens 128]
                                   [--small] [--write]

Each model is built from a transformers config with random weights (no
download), exported to ONNX by PyTorch's dynamo exporter, then compiled with
`dfc.compile` twice — `fusion=auto` and `fusion=none` (the unfused baseline) —
and both bitstreams are run on the simulator's timing model. Printed per model:
compile time per stage, sections, units used by type, routing success,
simulated time of both builds and the speedup of fusion (issue 7's "done when").
`--small` uses 2 layers x 64 wide x 16 tokens and a 2-stage ResNet (a quick
check); `--write` records the table in `bench/results/compile_models.md`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "compile_models.md"


def export(model, args, path: Path) -> Path:
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = torch.onnx.export(model.eval(), args, dynamo=True, verbose=False)
        program.save(str(path))
    return path


def build_gpt2(layers: int, width: int, tokens: int):
    import torch
    import transformers

    config = transformers.GPT2Config(
        n_layer=layers,
        n_embd=width,
        n_head=max(1, width // 64),
        n_positions=max(tokens, 32),
        use_cache=False,
    )
    model = transformers.GPT2LMHeadModel(config)
    return model, (torch.randint(0, config.vocab_size, (1, tokens)),)


def build_resnet(small: bool):
    import torch
    import transformers

    from bench.models import resnet_config

    config, image = resnet_config(small)
    return transformers.ResNetModel(config), (torch.randn(1, 3, image, image),)


def compile_both(path: Path, chip: str) -> dict:
    import dfc

    row: dict = {"model": path.stem}
    for fusion in ("auto", "none"):
        start = time.perf_counter()
        artifact = dfc.compile(path, chip=chip, fusion=fusion)
        row[f"{fusion}_compile"] = time.perf_counter() - start
        sim = artifact.simulate(functional=False)
        row[fusion] = artifact.report
        row[f"{fusion}_seconds"] = sim.seconds
    row["speedup"] = row["none_seconds"] / row["auto_seconds"]
    return row


def render(rows: list[dict], chip: str) -> str:
    lines = [
        f"# Whole-model compiles on `{chip}`",
        "",
        "`python -m bench compile-models` (fused = `--fusion auto`, unfused = `--fusion none`;",
        "simulated by the timing model).",
        "",
        "| model | compile s | sections | units (pcu/pmu/agcu) | routing | simulated fused | unfused | speedup |",
        "|---|---:|---:|---|---|---:|---:|---:|",
    ]
    for row in rows:
        report = row["auto"]
        units = "/".join(str(report.units.get(k, 0)) for k in ("pcu", "pmu", "agcu"))
        lines.append(
            f"| {row['model']} | {row['auto_compile']:.1f} | {report.sections} | {units} | "
            f"{report.routed_ports}/{report.ports} | {row['auto_seconds'] * 1e6:,.1f} us | "
            f"{row['none_seconds'] * 1e6:,.1f} us ({row['none'].sections} sections) | "
            f"{row['speedup']:.2f}x |"
        )
    for row in rows:
        lines += ["", f"## {row['model']}: compile time per stage (fused build)", ""]
        lines += ["| stage | s |", "|---|---:|"]
        lines += [f"| {name} | {s:.2f} |" for name, s in row["auto"].stages]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chip", default="sn40l")
    parser.add_argument("--models", default="gpt2,resnet")
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--width", type=int, default=768)
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    if args.small:
        args.layers, args.width, args.tokens = 2, 64, 16

    import torch

    from dfc.compile import CompileError

    torch.manual_seed(0)
    rows = []
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            if name == "gpt2":
                model, inputs = build_gpt2(args.layers, args.width, args.tokens)
                label = f"gpt2-{args.layers}x{args.width}-seq{args.tokens}"
            elif name == "resnet":
                model, inputs = build_resnet(args.small)
                label = "resnet-small" if args.small else "resnet50"
            else:
                print(f"unknown model '{name}' (gpt2, resnet)")
                return 2
            path = export(model, inputs, Path(tmp) / f"{label}.onnx")
            try:
                rows.append(compile_both(path, args.chip))
            except CompileError as error:
                failed = True
                print(f"{label}: does not compile for {args.chip}:\n{error}")
    text = render(rows, args.chip)
    print(text)
    if args.write:
        RESULTS.write_text(text)
        print(f"wrote {RESULTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
