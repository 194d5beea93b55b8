// RUN: dfc-opt %s | dfc-opt | filecheck %s
// RUN: dfc-opt %s --print-op-generic | dfc-opt | filecheck %s

// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>)
func.func @softmax(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  // CHECK: %[[A:.*]] = dfg.softmax %[[X]] : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %a = dfg.softmax %x : (tensor<2x8xf32>) -> tensor<2x8xf32>
  // CHECK: %[[B:.*]] = dfg.softmax %[[A]] {axis = 0 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %b = dfg.softmax %a {axis = 0 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  // CHECK: %[[C:.*]] = dfg.log_softmax %[[X]] {axis = -1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %c = dfg.log_softmax %x {axis = -1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  // CHECK: func.return %[[B]], %[[C]]
  func.return %b, %c : tensor<2x8xf32>, tensor<2x8xf32>
}

// CHECK-LABEL: func.func @log_softmax_bf16
func.func @log_softmax_bf16(%x: tensor<4x3xbf16>) -> tensor<4x3xbf16> {
  // CHECK: dfg.log_softmax %{{.*}} : (tensor<4x3xbf16>) -> tensor<4x3xbf16>
  %r = dfg.log_softmax %x : (tensor<4x3xbf16>) -> tensor<4x3xbf16>
  func.return %r : tensor<4x3xbf16>
}

// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x8xf32>, %[[G:.*]]: tensor<3x8xf32>, %[[B:.*]]: tensor<8xf32>)
func.func @layer_norm(%x: tensor<2x3x8xf32>, %g: tensor<3x8xf32>, %b: tensor<8xf32>) -> (tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>) {
  // CHECK: dfg.layer_norm %[[X]] scale %[[G]] bias %[[B]] {axis = -2 : i64, epsilon = 1.000000e-05 : f32} : (tensor<2x3x8xf32>, tensor<3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  %r0 = dfg.layer_norm %x scale %g bias %b {axis = -2 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x3x8xf32>, tensor<3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  // CHECK: dfg.layer_norm %[[X]] scale %[[B]] : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  %r1 = dfg.layer_norm %x scale %b : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  // CHECK: dfg.layer_norm %[[X]] bias %[[B]] {epsilon = 1.000000e-03 : f32} : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  %r2 = dfg.layer_norm %x bias %b {epsilon = 1.0e-03 : f32} : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  // CHECK: dfg.layer_norm %[[X]] {axis = 0 : i64} : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  %r3 = dfg.layer_norm %x {axis = 0 : i64} : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  func.return %r0, %r1, %r2, %r3 : tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>
}

// CHECK-LABEL: func.func @rms_norm
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf16>, %[[G:.*]]: tensor<8xf16>)
func.func @rms_norm(%x: tensor<2x8xf16>, %g: tensor<8xf16>) -> (tensor<2x8xf16>, tensor<2x8xf16>) {
  // CHECK: dfg.rms_norm %[[X]] scale %[[G]] {axis = -1 : i64, epsilon = 1.000000e-06 : f32} : (tensor<2x8xf16>, tensor<8xf16>) -> tensor<2x8xf16>
  %r0 = dfg.rms_norm %x scale %g {axis = -1 : i64, epsilon = 1.0e-06 : f32} : (tensor<2x8xf16>, tensor<8xf16>) -> tensor<2x8xf16>
  // CHECK: dfg.rms_norm %[[X]] : (tensor<2x8xf16>) -> tensor<2x8xf16>
  %r1 = dfg.rms_norm %x : (tensor<2x8xf16>) -> tensor<2x8xf16>
  func.return %r0, %r1 : tensor<2x8xf16>, tensor<2x8xf16>
}
