// RUN: dfc-opt %s -p 'builtin.module(dfg-fuse{strategy=greedy chip=tiny})' | filecheck %s

/// A chain with a residual (two uses of %x) becomes one kernel; the value used
/// both inside and by func.return is yielded.
// CHECK-LABEL: func.func @residual
// CHECK-SAME:    attributes {dfg.fusion = "greedy"}
// CHECK:         %[[A:.*]], %[[R:.*]] = dfg.kernel @residual_k0 ins(%{{.*}}, %{{.*}} : tensor<16x16xf32>, tensor<16x16xf32>) -> (tensor<16x16xf32>, tensor<16x16xf32>) {
// CHECK-NEXT:    ^{{.*}}(%[[BX:.*]]: tensor<16x16xf32>, %[[BW:.*]]: tensor<16x16xf32>):
// CHECK-NEXT:      %[[M:.*]] = dfg.matmul %[[BX]], %[[BW]]
// CHECK-NEXT:      %[[E:.*]] = dfg.relu %[[M]]
// CHECK-NEXT:      %[[S:.*]] = dfg.add %[[E]], %[[BX]]
// CHECK-NEXT:      dfg.yield %[[M]], %[[S]]
// CHECK:         func.return %[[R]], %[[A]]
func.func @residual(%x: tensor<16x16xf32>, %w: tensor<16x16xf32>) -> (tensor<16x16xf32>, tensor<16x16xf32>) {
  %m = dfg.matmul %x, %w : (tensor<16x16xf32>, tensor<16x16xf32>) -> tensor<16x16xf32>
  %e = dfg.relu %m : (tensor<16x16xf32>) -> tensor<16x16xf32>
  %s = dfg.add %e, %x : (tensor<16x16xf32>, tensor<16x16xf32>) -> tensor<16x16xf32>
  func.return %s, %m : tensor<16x16xf32>, tensor<16x16xf32>
}

/// Five compute ops do not fit the 4 PCUs of `tiny`: two kernels.
// CHECK-LABEL: func.func @too_many_for_tiny
// CHECK:         dfg.kernel @too_many_for_tiny_k0
// CHECK:         dfg.kernel @too_many_for_tiny_k1
// CHECK-NOT:     dfg.kernel
// CHECK:         func.return
func.func @too_many_for_tiny(%x: tensor<64xf32>) -> tensor<64xf32> {
  %a = dfg.exp %x : (tensor<64xf32>) -> tensor<64xf32>
  %b = dfg.tanh %a : (tensor<64xf32>) -> tensor<64xf32>
  %c = dfg.sigmoid %b : (tensor<64xf32>) -> tensor<64xf32>
  %d = dfg.relu %c : (tensor<64xf32>) -> tensor<64xf32>
  %e = dfg.neg %d : (tensor<64xf32>) -> tensor<64xf32>
  func.return %e : tensor<64xf32>
}
