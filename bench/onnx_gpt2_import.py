"""Import time of a full-size GPT-2 exported by PyTorch's dynamo ONNX exporter.

    python -m bench onnx-gpt2-import [--layers 12] [--width 768] [--tokens 16]

Builds GPT-2 from a transformers config with random weights (no download),
exports it to ONNX in a temporary folder, then measures `dfc.import_onnx` on
the file (ONNX load + shape inference + conversion + verification), and checks
the reference interpreter's logits against onnxruntime (relative error).
Target (issue 3): 12 layers x 768 wide imports in under 10 s, logits within 1e-4.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--width", type=int, default=768)
    parser.add_argument("--heads", type=int, default=12)
    parser.add_argument("--tokens", type=int, default=16)
    args = parser.parse_args(argv)

    import onnxruntime as ort
    import torch
    import transformers

    import dfc

    torch.manual_seed(0)
    config = transformers.GPT2Config(
        n_layer=args.layers,
        n_embd=args.width,
        n_head=args.heads,
        use_cache=False,
    )
    model = transformers.GPT2LMHeadModel(config).eval()
    ids = torch.randint(0, config.vocab_size, (1, args.tokens))
    parameters = sum(p.numel() for p in model.parameters())

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gpt2.onnx"
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            program = torch.onnx.export(model, (ids,), dynamo=True, verbose=False)
            program.save(str(path))
        export_seconds = time.perf_counter() - start

        start = time.perf_counter()
        module = dfc.import_onnx(path)
        import_seconds = time.perf_counter() - start
        ops = sum(1 for _ in module.walk())

        start = time.perf_counter()
        (logits,) = dfc.interpret(module, [ids.numpy()])
        interpret_seconds = time.perf_counter() - start

        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        (expected,) = session.run(None, {session.get_inputs()[0].name: ids.numpy()})

    scale = np.max(np.abs(expected))
    relative = float(np.max(np.abs(logits - expected)) / scale)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"GPT-2 {args.layers} layers x {args.width} wide, {parameters / 1e6:.1f} M parameters")
    print(f"  torch.onnx.export (dynamo): {export_seconds:8.2f} s")
    print(f"  dfc.import_onnx:            {import_seconds:8.2f} s   (target < 10 s)  {ops} ops")
    print(f"  reference interpreter:      {interpret_seconds:8.2f} s   ({args.tokens} tokens)")
    print(f"  max |dfc - onnxruntime| / max |onnxruntime| = {relative:.2e}   (target < 1e-4)")
    print(f"  peak RSS: {peak_mib:.0f} MiB")
    return 0 if import_seconds < 10 and relative < 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
