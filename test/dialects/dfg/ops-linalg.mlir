// RUN: dfc-opt %s | dfc-opt | filecheck %s
// RUN: dfc-opt %s --print-op-generic | dfc-opt | filecheck %s

// CHECK-LABEL: func.func @matmul
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  // CHECK: %[[R:.*]] = dfg.matmul %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %r = dfg.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  // CHECK: func.return %[[R]]
  func.return %r : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @matmul_transposed
func.func @matmul_transposed(%a: tensor<3x2xbf16>, %b: tensor<4x3xbf16>) -> tensor<2x4xbf16> {
  // CHECK: dfg.matmul %{{.*}}, %{{.*}} {transpose_a = true, transpose_b = true} : (tensor<3x2xbf16>, tensor<4x3xbf16>) -> tensor<2x4xbf16>
  %r = dfg.matmul %a, %b {transpose_a = true, transpose_b = true} : (tensor<3x2xbf16>, tensor<4x3xbf16>) -> tensor<2x4xbf16>
  func.return %r : tensor<2x4xbf16>
}

// CHECK-LABEL: func.func @matmul_i8_accumulates_i32
func.func @matmul_i8_accumulates_i32(%a: tensor<2x3xi8>, %b: tensor<3x4xi8>) -> tensor<2x4xi32> {
  // CHECK: dfg.matmul %{{.*}}, %{{.*}} {transpose_b = false} : (tensor<2x3xi8>, tensor<3x4xi8>) -> tensor<2x4xi32>
  %r = dfg.matmul %a, %b {transpose_b = false} : (tensor<2x3xi8>, tensor<3x4xi8>) -> tensor<2x4xi32>
  func.return %r : tensor<2x4xi32>
}

// CHECK-LABEL: func.func @batch_matmul_broadcast
func.func @batch_matmul_broadcast(%a: tensor<8x1x2x3xf32>, %b: tensor<4x3x5xf32>) -> tensor<8x4x2x5xf32> {
  // CHECK: %[[R:.*]] = dfg.batch_matmul %{{.*}}, %{{.*}} : (tensor<8x1x2x3xf32>, tensor<4x3x5xf32>) -> tensor<8x4x2x5xf32>
  %r = dfg.batch_matmul %a, %b : (tensor<8x1x2x3xf32>, tensor<4x3x5xf32>) -> tensor<8x4x2x5xf32>
  // CHECK: func.return %[[R]]
  func.return %r : tensor<8x4x2x5xf32>
}

// CHECK-LABEL: func.func @batch_matmul_transposed_shared_rhs
func.func @batch_matmul_transposed_shared_rhs(%a: tensor<2x16x8xf16>, %b: tensor<32x8xf16>) -> tensor<2x16x32xf16> {
  // CHECK: dfg.batch_matmul %{{.*}}, %{{.*}} {transpose_b = true} : (tensor<2x16x8xf16>, tensor<32x8xf16>) -> tensor<2x16x32xf16>
  %r = dfg.batch_matmul %a, %b {transpose_b = true} : (tensor<2x16x8xf16>, tensor<32x8xf16>) -> tensor<2x16x32xf16>
  func.return %r : tensor<2x16x32xf16>
}

// CHECK-LABEL: func.func @batch_matmul_int
func.func @batch_matmul_int(%a: tensor<3x2x4xi64>, %b: tensor<3x2x5xi64>) -> tensor<3x4x5xi64> {
  // CHECK: dfg.batch_matmul %{{.*}}, %{{.*}} {transpose_a = true} : (tensor<3x2x4xi64>, tensor<3x2x5xi64>) -> tensor<3x4x5xi64>
  %r = dfg.batch_matmul %a, %b {transpose_a = true} : (tensor<3x2x4xi64>, tensor<3x2x5xi64>) -> tensor<3x4x5xi64>
  func.return %r : tensor<3x4x5xi64>
}

// CHECK-LABEL: func.func @conv2d_defaults
func.func @conv2d_defaults(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // CHECK: %[[Y:.*]] = dfg.conv2d %{{.*}}, %{{.*}} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  %y = dfg.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  // CHECK: func.return %[[Y]]
  func.return %y : tensor<1x4x6x6xf32>
}

// CHECK-LABEL: func.func @conv2d_all_attributes
func.func @conv2d_all_attributes(%x: tensor<2x4x9x9xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<2x6x3x5xf32> {
  // CHECK: %[[Y:.*]] = dfg.conv2d %{{.*}}, %{{.*}}, %{{.*}} {strides = array<i64: 2, 2>, pads = array<i64: 1, 2, 0, 1>, dilations = array<i64: 2, 1>, groups = 2 : i64} : (tensor<2x4x9x9xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<2x6x3x5xf32>
  %y = dfg.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 2, 0, 1>, dilations = array<i64: 2, 1>, groups = 2 : i64} : (tensor<2x4x9x9xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<2x6x3x5xf32>
  // CHECK: func.return %[[Y]]
  func.return %y : tensor<2x6x3x5xf32>
}

// CHECK-LABEL: func.func @conv2d_depthwise
func.func @conv2d_depthwise(%x: tensor<1x8x7x7xbf16>, %w: tensor<8x1x3x3xbf16>, %b: tensor<8xbf16>) -> tensor<1x8x7x7xbf16> {
  // CHECK: dfg.conv2d %{{.*}}, %{{.*}}, %{{.*}} {pads = array<i64: 1, 1, 1, 1>, groups = 8 : i64} : (tensor<1x8x7x7xbf16>, tensor<8x1x3x3xbf16>, tensor<8xbf16>) -> tensor<1x8x7x7xbf16>
  %y = dfg.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>, groups = 8 : i64} : (tensor<1x8x7x7xbf16>, tensor<8x1x3x3xbf16>, tensor<8xbf16>) -> tensor<1x8x7x7xbf16>
  func.return %y : tensor<1x8x7x7xbf16>
}
