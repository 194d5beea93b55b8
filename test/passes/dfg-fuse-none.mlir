// RUN: dfc-opt %s -p 'builtin.module(dfg-fuse{strategy=none chip=tiny})' | filecheck %s

/// The unfused baseline: one kernel per op; weights stay outside as operands.
// CHECK-LABEL: func.func @two_ops
// CHECK-SAME:    (%[[X:.*]]: tensor<8xf32>)
// CHECK:         %[[C:.*]] = dfg.constant
// CHECK-NEXT:    %[[A:.*]] = dfg.kernel @two_ops_k0 ins(%[[X]], %[[C]] : tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32> {
// CHECK:           dfg.add
// CHECK-NEXT:      dfg.yield
// CHECK:         %[[R:.*]] = dfg.kernel @two_ops_k1 ins(%[[A]] : tensor<8xf32>) -> tensor<8xf32> {
// CHECK:           dfg.relu
// CHECK:         func.return %[[R]]
func.func @two_ops(%x: tensor<8xf32>) -> tensor<8xf32> {
  %c = dfg.constant dense<1.0> : tensor<8xf32>
  %a = dfg.add %x, %c : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %r = dfg.relu %a : (tensor<8xf32>) -> tensor<8xf32>
  func.return %r : tensor<8xf32>
}
