#!/usr/bin/env bash
# Regenerate the pictures of docs/tour.md from real compiles: a 2-layer GPT-2
# (transformers GPT2Config, random weights, 64 wide, 16 tokens) and a small
# ResNet (2 stages of one basic block), both exported to ONNX by PyTorch and
# compiled for sn40l, plus the congestion map of an unroutable section.
# Needs the `torch` and `models` extras. Takes a few minutes.
# Usage: bash utils/gen-tour-images.sh [WORK_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${1:-$(mktemp -d)}"
IMAGES="$ROOT/docs/images"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
BIN="$(dirname "$PY")"
mkdir -p "$WORK" "$IMAGES"
cd "$ROOT"
"$PY" - "$WORK" <<'PYEOF'
import sys
from pathlib import Path

sys.path.insert(0, ".")
from bench.compile_models import build_gpt2, build_resnet, export

work = Path(sys.argv[1])
model, args = build_gpt2(2, 64, 16)
export(model, args, work / "gpt2.onnx")
model, args = build_resnet(True)
export(model, args, work / "resnet.onnx")
PYEOF
for m in gpt2 resnet; do
  "$BIN/dfc-compile" "$WORK/$m.onnx" --chip sn40l -o "$WORK/$m.dfcb" --quiet \
    --report "$IMAGES/$m-report.html" --floorplan "$IMAGES/$m-floorplan.png" \
    --trace "$WORK/$m.trace.json" --compare-unfused --time-passes
  "$BIN/dfc-compile" "$WORK/$m.onnx" --chip sn40l -o "$WORK/$m.dfcb" --quiet \
    --report - > "$IMAGES/$m-report.txt"
done
"$BIN/dfc-compile" "$WORK/gpt2.onnx" --chip sn40l -o "$WORK/gpt2.dfcb" --quiet \
  --floorplan "$IMAGES/gpt2-floorplan-s12.png" --floorplan-sections s12
cd "$ROOT/test/passes"
"$BIN/dfc-compile" su-route-negative.mlir --chip Inputs/narrow.toml -o "$WORK/n.dfcb" \
  --congestion-map "$IMAGES/congestion-narrow.png" || true
echo "pictures in $IMAGES; traces in $WORK"
