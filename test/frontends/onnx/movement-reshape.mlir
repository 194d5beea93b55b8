// RUN: dfc-translate --import-onnx %S/Inputs/movement_reshape.onnxtxt --mlir-print-debuginfo | filecheck %s
/// Reshape resolves 0 (copy the input extent) and -1 (infer); Flatten and
/// Unsqueeze are reshapes too. Constant shape operands leave no ops behind.

// CHECK-LABEL: func.func @main(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3x4xf32> {dfc.name = "x"}
// CHECK-SAME:    -> (tensor<12x2xf32> {dfc.name = "y"}, tensor<1x24xf32> {dfc.name = "f"}, tensor<1x2x12xf32> {dfc.name = "u"})
// CHECK-NOT:     dfg.constant
// CHECK:         %[[R:.*]] = dfg.reshape %[[X]] : (tensor<2x3x4xf32>) -> tensor<2x12xf32> loc("Reshape:r")
// CHECK:         %[[Y:.*]] = dfg.transpose %[[R]] {perm = array<i64: 1, 0>} : (tensor<2x12xf32>) -> tensor<12x2xf32> loc("Transpose:y")
// CHECK:         %[[F:.*]] = dfg.reshape %[[X]] : (tensor<2x3x4xf32>) -> tensor<1x24xf32> loc("Flatten:f")
// CHECK:         %[[FL:.*]] = dfg.reshape %[[X]] : (tensor<2x3x4xf32>) -> tensor<2x12xf32> loc("Flatten:fl")
// CHECK:         %[[U:.*]] = dfg.reshape %[[FL]] : (tensor<2x12xf32>) -> tensor<1x2x12xf32> loc("Unsqueeze:u")
// CHECK:         func.return %[[Y]], %[[F]], %[[U]]
