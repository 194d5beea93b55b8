// RUN: dfc-opt %s | dfc-opt | filecheck %s
// RUN: dfc-opt %s --print-op-generic | dfc-opt | filecheck %s

// CHECK-LABEL: func.func @max_pool2d
func.func @max_pool2d(%x: tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32> {
  // CHECK: %[[Y:.*]] = dfg.max_pool2d %{{.*}} {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32>
  %y = dfg.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32>
  // CHECK: func.return %[[Y]]
  func.return %y : tensor<1x8x8x8xf32>
}

// CHECK-LABEL: func.func @max_pool2d_dilated_ceil
func.func @max_pool2d_dilated_ceil(%x: tensor<2x3x10x9xi8>) -> tensor<2x3x5x3xi8> {
  // CHECK: dfg.max_pool2d %{{.*}} {kernel = array<i64: 2, 3>, strides = array<i64: 2, 3>, dilations = array<i64: 2, 1>, ceil_mode = true} : (tensor<2x3x10x9xi8>) -> tensor<2x3x5x3xi8>
  %y = dfg.max_pool2d %x {kernel = array<i64: 2, 3>, strides = array<i64: 2, 3>, dilations = array<i64: 2, 1>, ceil_mode = true} : (tensor<2x3x10x9xi8>) -> tensor<2x3x5x3xi8>
  func.return %y : tensor<2x3x5x3xi8>
}

// CHECK-LABEL: func.func @avg_pool2d
func.func @avg_pool2d(%x: tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32> {
  // CHECK: %[[Y:.*]] = dfg.avg_pool2d %{{.*}} {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32>
  %y = dfg.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32>
  // CHECK: func.return %[[Y]]
  func.return %y : tensor<1x8x8x8xf32>
}

// CHECK-LABEL: func.func @avg_pool2d_padded
func.func @avg_pool2d_padded(%x: tensor<1x2x5x5xbf16>) -> tensor<1x2x3x3xbf16> {
  // CHECK: dfg.avg_pool2d %{{.*}} {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>, ceil_mode = true, count_include_pad = true} : (tensor<1x2x5x5xbf16>) -> tensor<1x2x3x3xbf16>
  %y = dfg.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>, ceil_mode = true, count_include_pad = true} : (tensor<1x2x5x5xbf16>) -> tensor<1x2x3x3xbf16>
  func.return %y : tensor<1x2x3x3xbf16>
}

// CHECK-LABEL: func.func @global_avg_pool
func.func @global_avg_pool(%x: tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32> {
  // CHECK: %[[Y:.*]] = dfg.global_avg_pool %{{.*}} : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
  %y = dfg.global_avg_pool %x : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
  // CHECK: func.return %[[Y]]
  func.return %y : tensor<1x8x1x1xf32>
}

// CHECK-LABEL: func.func @global_max_pool_3d
func.func @global_max_pool_3d(%x: tensor<2x4x3x5x6xi32>) -> tensor<2x4x1x1x1xi32> {
  // CHECK: dfg.global_max_pool %{{.*}} : (tensor<2x4x3x5x6xi32>) -> tensor<2x4x1x1x1xi32>
  %y = dfg.global_max_pool %x : (tensor<2x4x3x5x6xi32>) -> tensor<2x4x1x1x1xi32>
  func.return %y : tensor<2x4x1x1x1xi32>
}

// CHECK-LABEL: func.func @global_avg_pool_1d
func.func @global_avg_pool_1d(%x: tensor<3x2x9xf16>) -> tensor<3x2x1xf16> {
  // CHECK: dfg.global_avg_pool %{{.*}} : (tensor<3x2x9xf16>) -> tensor<3x2x1xf16>
  %y = dfg.global_avg_pool %x : (tensor<3x2x9xf16>) -> tensor<3x2x1xf16>
  func.return %y : tensor<3x2x1xf16>
}
