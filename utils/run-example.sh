#!/usr/bin/env bash
# The main job: compile an example model to a bitstream for the default chip
# (sn40l), run it on the simulator, check the numbers against onnxruntime and
# the reference interpreter, and print the compile report.
#
#   bash utils/run-example.sh            # outputs in build/example/
#   DFC_CHIP=tiny bash utils/run-example.sh
#
# While a pass of the compile pipeline is not registered in this build, the
# script says which and runs the stages that exist (import and graph passes),
# checking the graph IR on the interpreter against onnxruntime instead.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source utils/setup-venv.sh "dev"
CHIP="${DFC_CHIP:-sn40l}"
OUT="build/example"
mkdir -p "$OUT"

MISSING="$(python -c "
from dfc.passes import PASSES
from dfc.passes.pipelines import COMPILE_PIPELINE
print(' '.join(p for p in COMPILE_PIPELINE if p.split('{')[0] not in PASSES))")"

if [ -n "$MISSING" ]; then
  echo "== NOTE: passes of the compile pipeline not registered yet: $MISSING"
  echo "== running the stages that exist: import and the graph passes"
  python - "$OUT" <<'PY'
import sys
from pathlib import Path
sys.path.insert(0, "examples")
import numpy as np, onnx, onnxruntime as ort
from compile_mlp import build_mlp
out = Path(sys.argv[1])
onnx.save(build_mlp(), out / "mlp.onnx")
np.savez(out / "inputs.npz", x=np.random.default_rng(1).standard_normal((8, 64)).astype(np.float32))
PY
  echo "== dfc-compile $OUT/mlp.onnx --chip $CHIP --stop-after dfg-place-memory -o $OUT/graph.mlir"
  dfc-compile "$OUT/mlp.onnx" --chip "$CHIP" --stop-after dfg-place-memory -o "$OUT/graph.mlir"
  grep -E "dfg.kernel|tier_peak" "$OUT/graph.mlir" | cut -c1-160
  python - "$OUT" <<'PY'
import sys
import numpy as np, onnxruntime as ort, dfc
out = sys.argv[1]
x = np.load(f"{out}/inputs.npz")["x"]
(graph,) = dfc.interpret(dfc.parse_mlir(open(f"{out}/graph.mlir").read()), [x])
(expected,) = ort.InferenceSession(f"{out}/mlp.onnx", providers=["CPUExecutionProvider"]).run(None, {"x": x})
print(f"fused, tiled graph IR on the interpreter vs onnxruntime: max abs error {np.max(np.abs(graph - expected)):.3g}")
sys.exit(0 if np.allclose(graph, expected, rtol=1e-4, atol=1e-5) else 1)
PY
  exit 0
fi

echo "== python examples/compile_mlp.py $OUT --chip $CHIP   (ONNX MLP: dfc.compile, simulate, compare)"
python examples/compile_mlp.py "$OUT" --chip "$CHIP"

echo
echo "== dfc-compile $OUT/mlp.onnx --chip $CHIP -o $OUT/mlp.dfcb --simulate --check --compare-unfused --report $OUT/report.md"
dfc-compile "$OUT/mlp.onnx" --chip "$CHIP" -o "$OUT/mlp.dfcb" --simulate --inputs "$OUT/inputs.npz" \
  --sim-output "$OUT/outputs.npz" --check --compare-unfused --report "$OUT/report.md" --time-passes
echo
cat "$OUT/report.md"

echo
echo "== dfc-objdump $OUT/mlp.dfcb (first lines)"
dfc-objdump "$OUT/mlp.dfcb" | head -n 25

echo
echo "== dfc-sim $OUT/mlp.dfcb --inputs $OUT/inputs.npz (the bitstream alone, no compiler code)"
dfc-sim "$OUT/mlp.dfcb" --inputs "$OUT/inputs.npz" -o "$OUT/outputs-sim.npz"
python - "$OUT" <<'PY'
import sys
import numpy as np
out = sys.argv[1]
a = np.load(f"{out}/outputs.npz"); b = np.load(f"{out}/outputs-sim.npz")
assert a.files == b.files and all(np.array_equal(a[k], b[k]) for k in a.files)
print(f"dfc-sim gives the same outputs as dfc-compile --simulate ({', '.join(a.files)})")
PY
