// REQUIRES: mlir-bindings
// RUN: dfc-translate --import-mlir %s | dfc-opt | filecheck %s

/// A TOSA conv block as TFLite's TOSA path writes it (NHWC input, OHWI
/// weights, zero points, pads as top, bottom, left, right): NCHW dfg ops
/// between transposes, TOSA's pads reordered to ONNX's top, left, bottom, right.

// CHECK-LABEL: func.func @main
// CHECK-SAME:    (%[[X:.*]]: tensor<1x8x8x3xf32>, %[[W:.*]]: tensor<4x3x3x3xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK:         %[[XN:.*]] = dfg.transpose %[[X]] {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x8x8x3xf32>) -> tensor<1x3x8x8xf32>
// CHECK-NEXT:    %[[WN:.*]] = dfg.transpose %[[W]] {perm = array<i64: 0, 3, 1, 2>} : (tensor<4x3x3x3xf32>) -> tensor<4x3x3x3xf32>
// CHECK-NEXT:    %[[C:.*]] = dfg.conv2d %[[XN]], %[[WN]], %[[B]] {strides = array<i64: 2, 2>, pads = array<i64: 0, 1, 1, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
// CHECK-NEXT:    %[[CN:.*]] = dfg.transpose %[[C]] {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
// CHECK-NEXT:    %[[R:.*]] = dfg.clip %[[CN]] {min = 0.000000e+00 : f32, max = 6.000000e+00 : f32}
// CHECK-NEXT:    %[[RN:.*]] = dfg.transpose %[[R]] {perm = array<i64: 0, 3, 1, 2>}
// CHECK-NEXT:    %[[P:.*]] = dfg.max_pool2d %[[RN]] {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x2x2xf32>
// CHECK-NEXT:    %[[PN:.*]] = dfg.transpose %[[P]] {perm = array<i64: 0, 2, 3, 1>}
// CHECK-NEXT:    %[[F:.*]] = dfg.reshape %[[PN]] : (tensor<1x2x2x4xf32>) -> tensor<1x16xf32>
// CHECK-NEXT:    func.return %[[F]] : tensor<1x16xf32>
func.func @main(%x: tensor<1x8x8x3xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x16xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 1, 0>, stride = array<i64: 2, 2>} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %p = tosa.max_pool2d %r {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x2x2x4xf32>
  %shape = tosa.const_shape {values = dense<[1, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %f = tosa.reshape %p, %shape : (tensor<1x2x2x4xf32>, !tosa.shape<2>) -> tensor<1x16xf32>
  return %f : tensor<1x16xf32>
}
