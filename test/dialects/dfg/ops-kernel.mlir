// RUN: dfc-opt %s | dfc-opt | filecheck %s
// RUN: dfc-opt %s --print-op-generic | dfc-opt | filecheck %s

// CHECK-LABEL: func.func @named
// CHECK-SAME: (%[[A:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>)
func.func @named(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: %[[K:.*]] = dfg.kernel @k0 ins(%[[A]], %[[B]] : tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {
  // CHECK-NEXT: ^{{.*}}(%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>):
  // CHECK-NEXT: %[[S:.*]] = dfg.add %[[X]], %[[Y]] : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // CHECK-NEXT: %[[T:.*]] = dfg.relu %[[S]] : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK-NEXT: dfg.yield %[[T]] : tensor<4xf32>
  // CHECK-NEXT: }
  %k = dfg.kernel @k0 ins(%a, %b : tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>, %y: tensor<4xf32>):
    %s = dfg.add %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %t = dfg.relu %s : (tensor<4xf32>) -> tensor<4xf32>
    dfg.yield %t : tensor<4xf32>
  }
  // CHECK: func.return %[[K]]
  func.return %k : tensor<4xf32>
}

// CHECK-LABEL: func.func @anonymous_multi
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>)
func.func @anonymous_multi(%a: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<2x3xf32>) {
  // CHECK: %[[K0:.*]], %[[K1:.*]] = dfg.kernel ins(%[[A]] : tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<2x3xf32>) attributes {stage = 1 : i64} {
  // CHECK-NEXT: ^{{.*}}(%[[X:.*]]: tensor<2x3xf32>):
  // CHECK-NEXT: %[[T:.*]] = dfg.transpose %[[X]] {perm = array<i64: 1, 0>}
  // CHECK-NEXT: dfg.yield %[[T]], %[[X]] : tensor<3x2xf32>, tensor<2x3xf32>
  %k:2 = dfg.kernel ins(%a : tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<2x3xf32>) attributes {stage = 1 : i64} {
  ^bb0(%x: tensor<2x3xf32>):
    %t = dfg.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
    dfg.yield %t, %x : tensor<3x2xf32>, tensor<2x3xf32>
  }
  // CHECK: func.return %[[K0]], %[[K1]]
  func.return %k#0, %k#1 : tensor<3x2xf32>, tensor<2x3xf32>
}

// A kernel without operands (e.g. one that only materializes constants).
// CHECK-LABEL: func.func @no_inputs
func.func @no_inputs() -> tensor<2xi32> {
  // CHECK: %[[K:.*]] = dfg.kernel @consts ins() -> tensor<2xi32> {
  // CHECK-NEXT: %[[C:.*]] = dfg.constant dense<[1, 2]> : tensor<2xi32>
  // CHECK-NEXT: dfg.yield %[[C]] : tensor<2xi32>
  %k = dfg.kernel @consts ins() -> tensor<2xi32> {
    %c = dfg.constant dense<[1, 2]> : tensor<2xi32>
    dfg.yield %c : tensor<2xi32>
  }
  // CHECK: func.return %[[K]]
  func.return %k : tensor<2xi32>
}
