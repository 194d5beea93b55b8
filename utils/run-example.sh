#!/usr/bin/env bash
# The main job for now: set up .venv, run the dfg canonicalization pipeline on the
# example MLP and evaluate it with the reference interpreter.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source utils/setup-venv.sh "dev"
echo "== dfc-opt -p 'builtin.module(canonicalize,cse)' examples/mlp.mlir"
dfc-opt examples/mlp.mlir -p 'builtin.module(canonicalize,cse)'
echo "== reference interpreter on random inputs"
python examples/run_mlp.py
