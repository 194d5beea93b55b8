// RUN: dfc-translate --import-onnx %S/Inputs/compute_matmul_softmax.onnxtxt | filecheck %s
/// A rank-3 x rank-2 MatMul is a broadcasting batch_matmul; Softmax (opset 13+)
/// and LayerNormalization map to single dfg ops with normalized axes;
/// ReduceMean takes its constant axes input as an attribute.

// CHECK-LABEL: func.func @main(
// CHECK-SAME:    %[[A:.*]]: tensor<2x3x4xf32> {dfc.name = "a"}, %[[B:.*]]: tensor<4x5xf32> {dfc.name = "b"}, %[[G:.*]]: tensor<5xf32> {dfc.name = "g"}
// CHECK:         %[[P:.*]] = dfg.batch_matmul %[[A]], %[[B]] : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
// CHECK:         %[[S:.*]] = dfg.softmax %[[P]] {axis = 2 : i64} : (tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
// CHECK:         %[[Y:.*]] = dfg.layer_norm %[[S]] scale %[[G]] {axis = 2 : i64, epsilon = 1.000000e-03 : f32} : (tensor<2x3x5xf32>, tensor<5xf32>) -> tensor<2x3x5xf32>
// CHECK:         %[[M:.*]] = dfg.reduce_mean %[[Y]] {keepdims = true, axes = array<i64: 2>} : (tensor<2x3x5xf32>) -> tensor<2x3x1xf32>
// CHECK:         func.return %[[Y]], %[[M]]
