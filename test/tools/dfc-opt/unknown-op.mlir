// RUN: not dfc-opt %s 2>&1 | filecheck %s
/// An op of an unknown name is a located error.

func.func @f(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = dfg.frobnicate %a : (tensor<2xf32>) -> tensor<2xf32>
  func.return %0 : tensor<2xf32>
}

// CHECK: unknown-op.mlir:5:{{[0-9]+}}: error: {{.*}}dfg.frobnicate{{.*}}
// CHECK-NOT: Traceback
