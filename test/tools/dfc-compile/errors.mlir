/// User errors of `dfc-compile`: one line each, located when they concern the
/// input, exit code 1, no traceback, and no output file left behind.

/// Invalid IR is reported at the op, with the source line.
// RUN: not dfc-compile %S/Inputs/invalid.mlir --chip tiny -o %t.dfcb 2>&1 | filecheck %s --check-prefix=INVALID
// RUN: %python -c "import os, sys; sys.exit(os.path.exists('%t.dfcb'))"
// INVALID: invalid.mlir:2:3: error: result shape 3 does not match the inferred shape 4
// INVALID-NEXT: %0 = dfg.tanh
// INVALID-NOT: Traceback

// RUN: not dfc-compile %s --chip nope -o %t.dfcb 2>&1 | filecheck %s --check-prefix=CHIP
// CHIP: dfc-compile: error: cannot load chip 'nope': {{.*}}presets: plasticine, sn40l, tiny

// RUN: not dfc-compile %s --chip tiny --stop-after dfg-nothing 2>&1 | filecheck %s --check-prefix=STAGE
// STAGE: dfc-compile: error: --stop-after 'dfg-nothing' is not a stage of the pipeline: import, canonicalize, cse, {{.*}}dfg-fuse, dfg-tile, dfg-place-memory, convert-dfg-to-su, su-partition, su-place, su-route, su-check-routes, su-emit-bitstream

// RUN: not dfc-compile %s --chip tiny --check -o %t.dfcb 2>&1 | filecheck %s --check-prefix=CHECKSIM
// CHECKSIM: dfc-compile: error: --check compares simulated outputs: add --simulate

// RUN: not dfc-compile %s --chip tiny -o - 2>&1 | filecheck %s --check-prefix=STDOUT
// STDOUT: dfc-compile: error: a bitstream is binary: give -o FILE

// RUN: not dfc-compile %S/Inputs/missing.onnx -o %t.dfcb 2>&1 | filecheck %s --check-prefix=MISSING
// MISSING: dfc-compile: error: {{.*}}missing.onnx: no such file

/// su IR resumes after convert-dfg-to-su, for the chip it was built for only.
// RUN: not dfc-compile %S/../../dialects/su/multi-section.mlir --chip sn40l -o %t.dfcb 2>&1 | filecheck %s --check-prefix=SUCHIP
// SUCHIP: dfc-compile: error: the su input was built for chip "tiny", not 'sn40l': pass --chip tiny

// RUN: not dfc-compile %s --fusion fastest 2>&1 | filecheck %s --check-prefix=FUSION
// FUSION: Invalid value for '--fusion': 'fastest' is not one of 'none', 'auto', 'greedy', 'optimal'

func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dfg.tanh %x : (tensor<4xf32>) -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}
