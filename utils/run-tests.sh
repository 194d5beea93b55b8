#!/usr/bin/env bash
# The whole test suite: sets up .venv, then runs ruff, the layering contracts,
# the lit/FileCheck suite and pytest, and prints each one's counts.
# Usage: bash utils/run-tests.sh [--slow]   (--slow also runs tests marked slow)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source utils/setup-venv.sh "dev,torch,mlir,models" || { echo "setup failed"; exit 1; }

status=0
step() { echo; echo "== $1"; }

step "ruff"
ruff check . || status=1

step "layering contracts (pyproject's import-linter table, see utils/check-layering.py)"
python utils/check-layering.py || status=1

step "lit (IR-level tests)"
lit -sv --order=lexical test || status=1

step "pytest"
markers="not slow"
[ "${1:-}" = "--slow" ] && markers=""
python -m pytest -q -m "$markers" -p no:cacheprovider test/python
rc=$?
# Exit code 5 means no tests were collected: that is a failure here.
[ $rc -ne 0 ] && status=1

echo
if [ $status -eq 0 ]; then echo "== all test steps passed"; else echo "== some test step FAILED"; fi
exit $status
