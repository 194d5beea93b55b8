"""Evaluate examples/mlp.mlir with dfc's reference interpreter and compare it
with the same computation written directly in numpy."""

import math
from pathlib import Path

import numpy as np

import dfc

module = dfc.parse_mlir(Path(__file__).with_name("mlp.mlir").read_text())
x = np.random.default_rng(0).standard_normal((4, 8)).astype(np.float32)
(result,) = dfc.interpret(module, [x])

scale, shift = np.float32(0.5), np.arange(8, dtype=np.float32) / 10
pre = x * scale + shift
erf = np.vectorize(math.erf)
expected = 0.5 * pre * (1 + erf(pre / math.sqrt(2))) + x * scale
print("output[0]:", np.array2string(result[0], precision=4))
print("max |interpreter - numpy| =", float(np.max(np.abs(result - expected))))
