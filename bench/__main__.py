"""`python -m bench <name> [options]`: run one of dfc's benchmarks."""

from __future__ import annotations

import sys

BENCHMARKS = {
    "roundtrip-large": "bench.roundtrip_large",
    "onnx-conformance": "bench.onnx_conformance",
    "onnx-gpt2-import": "bench.onnx_gpt2_import",
    "bitstream-corruption": "bench.bitstream_corruption",
    "torch-import": "bench.torch_import",
    "sim-speed": "bench.sim_speed",
    "fusion": "bench.fusion",
    "fusion-blocks": "bench.fusion_blocks",
    "graph-passes-gpt2": "bench.graph_passes_gpt2",
    "compile-models": "bench.compile_models",
    "place-route": "bench.place_route",
    "suite": "bench.suite",
    "limits": "bench.limits",
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in BENCHMARKS:
        names = ", ".join(sorted(BENCHMARKS))
        print(f"usage: python -m bench <name> [options]; benchmarks: {names}")
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    import importlib

    module = importlib.import_module(BENCHMARKS[argv[0]])
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
