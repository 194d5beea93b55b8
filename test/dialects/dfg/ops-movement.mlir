// RUN: dfc-opt %s | dfc-opt | filecheck %s
// RUN: dfc-opt %s --print-op-generic | dfc-opt | filecheck %s

// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
func.func @transpose(%x: tensor<2x3x4xf32>) -> (tensor<4x2x3xf32>, tensor<4x3x2xf32>) {
  // CHECK: %[[T:.*]] = dfg.transpose %[[X]] {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %t = dfg.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  // Without `perm` the dimensions are reversed.
  // CHECK: %[[R:.*]] = dfg.transpose %[[X]] : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  %r = dfg.transpose %x : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  // CHECK: func.return %[[T]], %[[R]]
  func.return %t, %r : tensor<4x2x3xf32>, tensor<4x3x2xf32>
}

// CHECK-LABEL: func.func @reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x6xbf16>)
func.func @reshape(%x: tensor<2x6xbf16>) -> tensor<3x1x4xbf16> {
  // CHECK: %[[R:.*]] = dfg.reshape %[[X]] : (tensor<2x6xbf16>) -> tensor<3x1x4xbf16>
  %r = dfg.reshape %x : (tensor<2x6xbf16>) -> tensor<3x1x4xbf16>
  // CHECK: func.return %[[R]]
  func.return %r : tensor<3x1x4xbf16>
}

// CHECK-LABEL: func.func @broadcast
// CHECK-SAME: (%[[X:.*]]: tensor<3x1xi32>)
func.func @broadcast(%x: tensor<3x1xi32>) -> tensor<2x3x4xi32> {
  // CHECK: %[[B:.*]] = dfg.broadcast %[[X]] : (tensor<3x1xi32>) -> tensor<2x3x4xi32>
  %b = dfg.broadcast %x : (tensor<3x1xi32>) -> tensor<2x3x4xi32>
  // CHECK: func.return %[[B]]
  func.return %b : tensor<2x3x4xi32>
}

// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf16>, %[[B:.*]]: tensor<2x5xf16>)
func.func @concat(%a: tensor<2x3xf16>, %b: tensor<2x5xf16>) -> (tensor<2x11xf16>, tensor<4x3xf16>) {
  // CHECK: %[[C:.*]] = dfg.concat %[[A]], %[[B]], %[[A]] {axis = 1 : i64} : (tensor<2x3xf16>, tensor<2x5xf16>, tensor<2x3xf16>) -> tensor<2x11xf16>
  %c = dfg.concat %a, %b, %a {axis = 1 : i64} : (tensor<2x3xf16>, tensor<2x5xf16>, tensor<2x3xf16>) -> tensor<2x11xf16>
  // CHECK: %[[D:.*]] = dfg.concat %[[A]], %[[A]] {axis = -2 : i64} : (tensor<2x3xf16>, tensor<2x3xf16>) -> tensor<4x3xf16>
  %d = dfg.concat %a, %a {axis = -2 : i64} : (tensor<2x3xf16>, tensor<2x3xf16>) -> tensor<4x3xf16>
  // CHECK: func.return %[[C]], %[[D]]
  func.return %c, %d : tensor<2x11xf16>, tensor<4x3xf16>
}

// CHECK-LABEL: func.func @slice
// CHECK-SAME: (%[[X:.*]]: tensor<4x10xf32>)
func.func @slice(%x: tensor<4x10xf32>) -> (tensor<4x3xf32>, tensor<2x10xf32>) {
  // CHECK: %[[S:.*]] = dfg.slice %[[X]] {starts = array<i64: 1>, ends = array<i64: 8>, axes = array<i64: -1>, steps = array<i64: 3>} : (tensor<4x10xf32>) -> tensor<4x3xf32>
  %s = dfg.slice %x {starts = array<i64: 1>, ends = array<i64: 8>, axes = array<i64: -1>, steps = array<i64: 3>} : (tensor<4x10xf32>) -> tensor<4x3xf32>
  // Clamped end (INT64_MAX) and a backward step.
  // CHECK: %[[T:.*]] = dfg.slice %[[X]] {starts = array<i64: -1, 0>, ends = array<i64: -9223372036854775807, 9223372036854775807>, steps = array<i64: -2, 1>} : (tensor<4x10xf32>) -> tensor<2x10xf32>
  %t = dfg.slice %x {starts = array<i64: -1, 0>, ends = array<i64: -9223372036854775807, 9223372036854775807>, steps = array<i64: -2, 1>} : (tensor<4x10xf32>) -> tensor<2x10xf32>
  // CHECK: func.return %[[S]], %[[T]]
  func.return %s, %t : tensor<4x3xf32>, tensor<2x10xf32>
}

// CHECK-LABEL: func.func @pad
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf32>)
func.func @pad(%x: tensor<3x4xf32>) -> (tensor<5x6xf32>, tensor<4x3xf32>, tensor<3x7xf32>, tensor<3x4xf32>) {
  // CHECK: %[[C:.*]] = dfg.pad %[[X]] {pads = array<i64: 1, 0, 1, 2>, mode = "constant", value = -1.000000e+00 : f32} : (tensor<3x4xf32>) -> tensor<5x6xf32>
  %c = dfg.pad %x {pads = array<i64: 1, 0, 1, 2>, mode = "constant", value = -1.0 : f32} : (tensor<3x4xf32>) -> tensor<5x6xf32>
  // CHECK: %[[R:.*]] = dfg.pad %[[X]] {pads = array<i64: 1, -1, 0, 0>, mode = "reflect"} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  %r = dfg.pad %x {pads = array<i64: 1, -1, 0, 0>, mode = "reflect"} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  // CHECK: %[[E:.*]] = dfg.pad %[[X]] {pads = array<i64: 0, 2, 0, 1>, mode = "edge"} : (tensor<3x4xf32>) -> tensor<3x7xf32>
  %e = dfg.pad %x {pads = array<i64: 0, 2, 0, 1>, mode = "edge"} : (tensor<3x4xf32>) -> tensor<3x7xf32>
  // CHECK: %[[D:.*]] = dfg.pad %[[X]] {pads = array<i64: 0, 0, 0, 0>} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %d = dfg.pad %x {pads = array<i64: 0, 0, 0, 0>} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: func.return %[[C]], %[[R]], %[[E]], %[[D]]
  func.return %c, %r, %e, %d : tensor<5x6xf32>, tensor<4x3xf32>, tensor<3x7xf32>, tensor<3x4xf32>
}

// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[T:.*]]: tensor<100x16xf32>, %[[I:.*]]: tensor<2x8xi64>, %[[J:.*]]: tensor<3xi32>)
func.func @gather(%table: tensor<100x16xf32>, %ids: tensor<2x8xi64>, %cols: tensor<3xi32>) -> (tensor<2x8x16xf32>, tensor<100x3xf32>) {
  // CHECK: %[[E:.*]] = dfg.gather %[[T]], %[[I]] {axis = 0 : i64} : (tensor<100x16xf32>, tensor<2x8xi64>) -> tensor<2x8x16xf32>
  %e = dfg.gather %table, %ids {axis = 0 : i64} : (tensor<100x16xf32>, tensor<2x8xi64>) -> tensor<2x8x16xf32>
  // CHECK: %[[C:.*]] = dfg.gather %[[T]], %[[J]] {axis = -1 : i64} : (tensor<100x16xf32>, tensor<3xi32>) -> tensor<100x3xf32>
  %c = dfg.gather %table, %cols {axis = -1 : i64} : (tensor<100x16xf32>, tensor<3xi32>) -> tensor<100x3xf32>
  // CHECK: func.return %[[E]], %[[C]]
  func.return %e, %c : tensor<2x8x16xf32>, tensor<100x3xf32>
}
