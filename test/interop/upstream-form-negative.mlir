// RUN: not dfc-translate --upstream-to-mlir %s 2>&1 | filecheck %s

/// Text claiming to be the upstream form of dfc IR is checked when read back:
/// an IRDL attribute with the wrong number of parameters is a located error.

// CHECK: upstream-form-negative.mlir:9:{{[0-9]+}}: error: dfg.tile takes 2 parameters, got 1
// CHECK-NOT: Traceback
"builtin.module"() ({
  %0 = "test.op"() {tile = #dfg.tile<[16 : i64]>} : () -> tensor<4xf32>
}) : () -> ()
