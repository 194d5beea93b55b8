// REQUIRES: mlir-bindings
// RUN: dfc-opt %s -p 'mlir-upstream{pipeline="canonicalize,cse"}' | filecheck %s

/// Upstream canonicalize + cse from a dfc pipeline: dead builtin/arith/tensor
/// ops go; dfg ops, which IRDL gives no side-effect information, all stay
/// (dfc's own cse merges the two relus).

// CHECK-LABEL: func.func @main
// CHECK-NOT:     arith.constant
// CHECK-NOT:     tensor.dim
// CHECK:         %[[A:.*]] = dfg.relu %{{.*}}
// CHECK-NEXT:    %[[B:.*]] = dfg.relu %{{.*}}
// CHECK-NEXT:    dfg.add %[[A]], %[[B]]
func.func @main(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %c = arith.constant 1 : index
  %d = tensor.dim %x, %c : tensor<4x8xf32>
  %a = dfg.relu %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %b = dfg.relu %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = dfg.add %a, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  func.return %y : tensor<4x8xf32>
}
