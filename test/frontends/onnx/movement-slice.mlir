// RUN: dfc-translate --import-onnx %S/Inputs/movement_slice.onnxtxt | filecheck %s
/// Slice keeps ONNX's bounds (clamped by dfg.slice); Concat normalizes a
/// negative axis; Split (num_outputs) becomes one slice per output.

// CHECK-LABEL: func.func @main(
// CHECK-SAME:    %[[X:.*]]: tensor<4x6xf32> {dfc.name = "x"}
// CHECK-SAME:    %[[W:.*]]: tensor<4x2xf32> {dfc.name = "w"}
// CHECK:         %[[S:.*]] = dfg.slice %[[X]] {starts = array<i64: 1, -1>, ends = array<i64: 3, -9223372036854775807>, axes = array<i64: 0, 1>, steps = array<i64: 1, -2>} : (tensor<4x6xf32>) -> tensor<2x3xf32>
// CHECK:         %[[C:.*]] = dfg.concat %[[X]], %[[W]] {axis = 1 : i64} : (tensor<4x6xf32>, tensor<4x2xf32>) -> tensor<4x8xf32>
// CHECK:         %[[P0:.*]] = dfg.slice %[[C]] {starts = array<i64: 0>, ends = array<i64: 4>, axes = array<i64: 1>, steps = array<i64: 1>} : (tensor<4x8xf32>) -> tensor<4x4xf32>
// CHECK:         %[[P1:.*]] = dfg.slice %[[C]] {starts = array<i64: 4>, ends = array<i64: 8>, axes = array<i64: 1>, steps = array<i64: 1>} : (tensor<4x8xf32>) -> tensor<4x4xf32>
// CHECK:         func.return %[[S]], %[[C]], %[[P0]], %[[P1]]
