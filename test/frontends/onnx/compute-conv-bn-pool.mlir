// RUN: dfc-translate --import-onnx %S/Inputs/compute_conv_bn_pool.onnxtxt | filecheck %s
/// Conv keeps its window attributes; inference BatchNormalization with constant
/// statistics folds to one per-channel multiply and add; the pools map 1:1.

// CHECK-LABEL: func.func @main(
// CHECK-SAME:    %[[X:.*]]: tensor<1x3x8x8xf32>
// CHECK:         %[[W:.*]] = dfg.constant dense_resource<w> : tensor<4x3x3x3xf32>
// CHECK:         %[[C:.*]] = dfg.conv2d %[[X]], %[[W]] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32>
// CHECK:         %[[M:.*]] = dfg.constant dense<{{.*}}> : tensor<4x1x1xf32>
// CHECK:         %[[S:.*]] = dfg.mul %[[C]], %[[M]] : (tensor<1x4x4x4xf32>, tensor<4x1x1xf32>) -> tensor<1x4x4x4xf32>
// CHECK:         %[[B:.*]] = dfg.constant dense<{{.*}}> : tensor<4x1x1xf32>
// CHECK:         %[[N:.*]] = dfg.add %[[S]], %[[B]]
// CHECK-NOT:     dfg.sqrt
// CHECK:         %[[P:.*]] = dfg.max_pool2d %[[N]] {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x2x2xf32>
// CHECK:         %[[G:.*]] = dfg.global_avg_pool %[[P]] : (tensor<1x4x2x2xf32>) -> tensor<1x4x1x1xf32>
// CHECK:         func.return %[[G]]
