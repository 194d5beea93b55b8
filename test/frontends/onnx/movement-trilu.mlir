// RUN: dfc-translate --import-onnx %S/Inputs/movement_trilu.onnxtxt | filecheck %s
/// Trilu selects with an import-time mask; DepthToSpace (CRD) is reshape +
/// transpose + reshape; Gather keeps its axis.

// CHECK-LABEL: func.func @main(
// CHECK-SAME:    %[[X:.*]]: tensor<1x8x2x3xf32> {dfc.name = "x"}
// CHECK-SAME:    %[[TABLE:.*]]: tensor<5x4xf32> {dfc.name = "table"}
// CHECK-SAME:    %[[IDS:.*]]: tensor<2x3xi64> {dfc.name = "ids"}
// CHECK:         %[[MASK:.*]] = dfg.constant dense<{{\[}}[false, true, true], [false, false, true]]> : tensor<2x3xi1>
// CHECK:         %[[ZERO:.*]] = dfg.constant dense<0.000000e+00> : tensor<f32>
// CHECK:         %[[U:.*]] = dfg.where %[[MASK]], %[[X]], %[[ZERO]] : (tensor<2x3xi1>, tensor<1x8x2x3xf32>, tensor<f32>) -> tensor<1x8x2x3xf32>
// CHECK:         %[[D0:.*]] = dfg.reshape %[[X]] : (tensor<1x8x2x3xf32>) -> tensor<1x2x2x2x2x3xf32>
// CHECK:         %[[D1:.*]] = dfg.transpose %[[D0]] {perm = array<i64: 0, 1, 4, 2, 5, 3>} : (tensor<1x2x2x2x2x3xf32>) -> tensor<1x2x2x2x3x2xf32>
// CHECK:         %[[D:.*]] = dfg.reshape %[[D1]] : (tensor<1x2x2x2x3x2xf32>) -> tensor<1x2x4x6xf32>
// CHECK:         %[[G:.*]] = dfg.gather %[[TABLE]], %[[IDS]] {axis = 0 : i64} : (tensor<5x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
// CHECK:         func.return %[[U]], %[[D]], %[[G]]
