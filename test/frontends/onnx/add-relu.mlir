// RUN: dfc-translate --import-onnx %S/Inputs/add_relu.onnxtxt --mlir-print-debuginfo | filecheck %s
/// Graph inputs and outputs keep their ONNX names; each op is located at its node.

// CHECK-LABEL: func.func @main(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32> {dfc.name = "x"}
// CHECK-SAME:    %[[B:.*]]: tensor<3xf32> {dfc.name = "b"}
// CHECK-SAME:    -> (tensor<2x3xf32> {dfc.name = "y"})
// CHECK:         %[[S:.*]] = dfg.add %[[X]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("Add:s")
// CHECK:         %[[Y:.*]] = dfg.relu %[[S]] : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("Relu:y")
// CHECK:         func.return %[[Y]]
