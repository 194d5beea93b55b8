// RUN: not dfc-opt %s 2>&1 | filecheck %s
/// Malformed text gives a located error and exit 1, never a traceback.

func.func @f(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = dfg.exp %a : (tensor<2xf32> -> tensor<2xf32>
  func.return %0 : tensor<2xf32>
}

// CHECK: malformed.mlir:5:{{[0-9]+}}: error:
// CHECK-NOT: Traceback
