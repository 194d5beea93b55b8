// RUN: dfc-translate --import-onnx %S/Inputs/movement_pad.onnxtxt | filecheck %s
/// Pad with a fill value and with axes; Tile as reshape + broadcast + reshape;
/// Expand as a broadcast to the combined shape.

// CHECK-LABEL: func.func @main(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32> {dfc.name = "x"}
// CHECK-SAME:    %[[V:.*]]: tensor<3x1xf32> {dfc.name = "v"}
// CHECK:         %[[P:.*]] = dfg.pad %[[X]] {pads = array<i64: 1, 0, 1, 1>, mode = "constant", value = 1.500000e+00 : f32} : (tensor<2x3xf32>) -> tensor<4x4xf32>
// CHECK:         %[[E:.*]] = dfg.pad %[[X]] {pads = array<i64: 0, 0, 0, 2>, mode = "edge"} : (tensor<2x3xf32>) -> tensor<2x5xf32>
// CHECK:         %[[T0:.*]] = dfg.reshape %[[X]] : (tensor<2x3xf32>) -> tensor<1x2x1x3xf32>
// CHECK:         %[[T1:.*]] = dfg.broadcast %[[T0]] : (tensor<1x2x1x3xf32>) -> tensor<2x2x3x3xf32>
// CHECK:         %[[T:.*]] = dfg.reshape %[[T1]] : (tensor<2x2x3x3xf32>) -> tensor<4x9xf32>
// CHECK:         %[[B:.*]] = dfg.broadcast %[[V]] : (tensor<3x1xf32>) -> tensor<3x5xf32>
// CHECK:         func.return %[[P]], %[[E]], %[[T]], %[[B]]
